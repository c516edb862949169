"""What the workbench remembers, on the command line: evidence links checked again, claims
already checked elsewhere, copying a review, every source."""

import sys

import click

from ..intake import archive
from .group import acting_user, cli, desk_call, open_database
from .words import N_, _

# How many links are in each state, as the summary line says it (translated when shown).
_STATE_COUNTS = {
    "ok": N_("%(count)s ok"),
    "changed": N_("%(count)s changed"),
    "moved": N_("%(count)s moved"),
    "dead": N_("%(count)s dead"),
    "new": N_("%(count)s new"),
}


@cli.group(
    help=_("Evidence links: kept copies against link rot."),
)
def evidence():
    """The `workbench evidence` group (its help, above, is in the reader's language)."""


@evidence.command(
    "check",
    help=_(
        "Fetch every evidence link again and report the dead, moved and changed "
        "ones.\n\nEach link is compared with its archive (the copy kept when it was "
        "first added): dead (it cannot be fetched, or answers 4xx/5xx), moved (another "
        "final address), changed (other bytes; the words it gained and lost are shown). "
        "A link with no archive yet is archived now. The fetcher's rules apply "
        "(WORKBENCH_EVIDENCE_FETCH_ALLOW for internal hosts). Exits 1 when a link is "
        "dead, moved or changed."
    ),
)
def evidence_check():
    db = open_database()[0]
    with db:
        results = archive.check_all(
            db,
            on_link=lambda number, total, result: click.echo(
                f"[{number}/{total}] {result.summary()}"
            ),
        )
    problems = [r for r in results if r.state in ("dead", "moved", "changed")]
    click.echo(
        _("%(count)s links:") % {"count": len(results)}
        + " "
        + ", ".join(
            _(_STATE_COUNTS[state]) % {"count": sum(1 for r in results if r.state == state)}
            for state in archive.STATES
        )
    )
    if problems:
        sys.exit(1)


@cli.command(
    help=_(
        "Print the claims of ARTICLE_ID already checked in other articles, with each "
        "match.\n\nOne line per match, tab-separated: claim id, its position, the "
        "matching claim's id, its status, how many evidence links it has, how alike the "
        "two are (0-100), and the other article's id and title. Copy a decision with "
        "`workbench copy-review`."
    ),
)
@click.argument("article_id", type=click.IntRange(min=1))
def elsewhere(article_id):
    from ..memory import matching
    from ..review import articles

    db = open_database()[0]
    with db:
        desk_call(lambda: articles.get_article(db, article_id, with_body=False))
        claims_of = db.execute(
            "select id, position from claims where article_id = ? and is_claim = 1 "
            "order by position",
            [article_id],
        ).fetchall()
        click.echo("claim\tposition\tmatch\tstatus\tevidence\tscore\tarticle\ttitle")
        found = 0
        for claim_id, position in claims_of:
            for match in matching.matches_of(db, claim_id):
                found += 1
                click.echo(
                    f"{claim_id}\t{position}\t{match['id']}\t{match['status']}\t"
                    f"{match['evidence_count']}\t{match['score']:.0f}\t{match['article_id']}\t"
                    f"{match['article_title']}"
                )
    if not found:
        click.echo(
            _("No claim of article %(id)s was found in another article.") % {"id": article_id},
            err=True,
        )


@cli.command(
    "copy-review",
    help=_(
        "Give CLAIM_ID the decision and evidence of FROM_CLAIM_ID, the same claim "
        "reviewed in another article (one change in the history; undo in the browser "
        "takes it back)."
    ),
)
@click.argument("claim_id", type=click.IntRange(min=1))
@click.argument("from_claim_id", type=click.IntRange(min=1))
@click.option("--by", "reviewer", required=True, help=_("The reviewer copying it."))
def copy_review(claim_id, from_claim_id, reviewer):
    from ..review import copying

    db = open_database()[0]
    with db:
        user = acting_user(db, reviewer, "reviewer")
        claim = desk_call(lambda: copying.copy_review(db, claim_id, from_claim_id, user))
    click.echo(
        _("Claim %(id)s: %(status)s, copied from claim %(source)s.")
        % {"id": claim_id, "status": claim["status"], "source": from_claim_id}
    )


@cli.command(
    "sources",
    help=_(
        "Print every source the articles cite, most-cited first, as the Sources page "
        "lists them: key (for `workbench export --source`), kind, name, articles, "
        "claims, and how many of its claims are unverified, sourced and disputed. "
        "Tab-separated."
    ),
)
@click.option("--name", "query", help=_("Only sources whose name (or a mention) contains this."))
@click.option(
    "--kind",
    type=click.Choice(["person", "organization"]),
    help=_("Only people, or only organisations."),
)
def sources_command(query, kind):
    from ..memory import sources
    from ..statuses import STATUSES
    from ..text.source_names import ORGANIZATION, PERSON

    kinds = {"person": PERSON, "organization": ORGANIZATION}
    db = open_database()[0]
    with db:
        groups = sources.all_sources(db, query, kinds.get(kind) if kind else None)
    click.echo("key\tkind\tname\tarticles\tclaims\t" + "\t".join(STATUSES))
    for group in groups:
        counts = [str(group.counts.get(status, 0)) for status in STATUSES]
        click.echo(
            f"{group.key}\t{group.kind}\t{group.name}\t{group.articles}\t{group.claims}\t"
            + "\t".join(counts)
        )
