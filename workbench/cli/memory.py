"""What the workbench remembers, on the command line: evidence links checked again, claims
already checked elsewhere, copying a review, every source."""

import sys

import click

from ..intake import archive
from .group import acting_user, cli, desk_call, open_database


@cli.group()
def evidence():
    """Evidence links: kept copies against link rot."""


@evidence.command("check")
def evidence_check():
    """Fetch every evidence link again and report the dead, moved and changed ones.

    Each link is compared with its archive (the copy kept when it was first added): dead
    (it cannot be fetched, or answers 4xx/5xx), moved (another final address), changed
    (other bytes; the words it gained and lost are shown). A link with no archive yet is
    archived now. The fetcher's rules apply (WORKBENCH_EVIDENCE_FETCH_ALLOW for internal hosts).
    Exits 1 when a link is dead, moved or changed.
    """
    db, _ = open_database()
    with db:
        results = archive.check_all(
            db,
            on_link=lambda number, total, result: click.echo(
                f"[{number}/{total}] {result.summary()}"
            ),
        )
    problems = [r for r in results if r.state in ("dead", "moved", "changed")]
    click.echo(
        f"{len(results)} links: "
        + ", ".join(
            f"{sum(1 for r in results if r.state == state)} {state}" for state in archive.STATES
        )
    )
    if problems:
        sys.exit(1)


@cli.command()
@click.argument("article_id", type=click.IntRange(min=1))
def elsewhere(article_id):
    """Print the claims of ARTICLE_ID already checked in other articles, with each match.

    One line per match, tab-separated: claim id, its position, the matching claim's id,
    its status, how many evidence links it has, how alike the two are (0-100), and the
    other article's id and title. Copy a decision with `workbench copy-review`.
    """
    from ..memory import matching
    from ..review import articles

    db, _ = open_database()
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
        click.echo(f"No claim of article {article_id} was found in another article.", err=True)


@cli.command("copy-review")
@click.argument("claim_id", type=click.IntRange(min=1))
@click.argument("from_claim_id", type=click.IntRange(min=1))
@click.option("--by", "reviewer", required=True, help="The reviewer copying it.")
def copy_review(claim_id, from_claim_id, reviewer):
    """Give CLAIM_ID the decision and evidence of FROM_CLAIM_ID, the same claim reviewed in
    another article (one change in the history; undo in the browser takes it back)."""
    from ..review import copying

    db, _ = open_database()
    with db:
        user = acting_user(db, reviewer, "reviewer")
        claim = desk_call(lambda: copying.copy_review(db, claim_id, from_claim_id, user))
    click.echo(f"Claim {claim_id}: {claim['status']}, copied from claim {from_claim_id}.")


@cli.command("sources")
@click.option("--name", "query", help="Only sources whose name (or a mention) contains this.")
@click.option(
    "--kind",
    type=click.Choice(["person", "organization"]),
    help="Only people, or only organisations.",
)
def sources_command(query, kind):
    """Print every source the articles cite, most-cited first, as the Sources page lists
    them: key (for `workbench export --source`), kind, name, articles, claims, and how
    many of its claims are unverified, sourced and disputed. Tab-separated."""
    from ..memory import sources
    from ..statuses import STATUSES
    from ..text.source_names import ORGANIZATION, PERSON

    kinds = {"person": PERSON, "organization": ORGANIZATION}
    db, _ = open_database()
    with db:
        groups = sources.all_sources(db, query, kinds.get(kind) if kind else None)
    click.echo("key\tkind\tname\tarticles\tclaims\t" + "\t".join(STATUSES))
    for group in groups:
        counts = [str(group.counts.get(status, 0)) for status in STATUSES]
        click.echo(
            f"{group.key}\t{group.kind}\t{group.name}\t{group.articles}\t{group.claims}\t"
            + "\t".join(counts)
        )
