"""The desk on the command line: assign, my queue, approval, approve, return, blind double
review, decide, agreement, adjudicate."""

import click

from .group import acting_user, cli, desk_call, open_database


def _claim_range(claims_range):
    """(first, last) from "3-9", "4" or None."""
    if not claims_range:
        return None, None
    first, _, last = claims_range.partition("-")
    try:
        return int(first), int(last or first)
    except ValueError:
        raise click.ClickException("--claims is a position or a range such as 3-9.") from None


@cli.command()
@click.argument("article_id", type=click.IntRange(min=1))
@click.option(
    "--to",
    "reviewers",
    multiple=True,
    required=True,
    help="A reviewer to assign (repeat for several).",
)
@click.option("--claims", "claims_range", help="Only these positions, e.g. 3-9 (default: all).")
@click.option("--by", "editor", required=True, help="The editor assigning (an existing user).")
def assign(article_id, reviewers, claims_range, editor):
    """Assign an article's claims (all, or a range) to one or more reviewers."""
    from ..team import assignments

    first, last = _claim_range(claims_range)
    db, _ = open_database()
    with db:
        user = acting_user(db, editor, "editor")
        result = desk_call(
            lambda: assignments.assign(db, article_id, list(reviewers), user, first, last)
        )
    click.echo(
        f"Assigned {result.claims} claims to {', '.join(reviewers)} "
        f"({result.added} new assignments)."
    )


@cli.command()
@click.argument("name")
def queue(name):
    """Print NAME's queue: claims assigned to them and not yet done, oldest first."""
    from ..team import assignments

    db, _ = open_database()
    with db:
        for item in assignments.queue(db, name):
            click.echo(
                f"{item['id']}\tarticle {item['article_id']}\tclaim {item['position']}\t"
                f"{item['status']}\t{item['text'][:80]}"
            )


@cli.command()
@click.argument("setting", type=click.Choice(["on", "off", "desk"]))
@click.option(
    "--article",
    "article_id",
    type=click.IntRange(min=1),
    help="Set it for this article only (desk: follow the desk-wide setting).",
)
@click.option("--by", "editor", required=True, help="The editor changing it.")
def approval(setting, article_id, editor):
    """Say whether reviewers' decisions need an editor's approval (desk-wide or per article)."""
    from ..desk import decisions

    db, _ = open_database()
    with db:
        user = acting_user(db, editor, "editor")
        if article_id is None:
            if setting == "desk":
                raise click.ClickException("“desk” is a choice for one article: add --article.")
            decisions.set_desk_needs_approval(db, setting == "on", user)
        else:
            desk_call(lambda: decisions.set_article_choice(db, article_id, setting, user))
    click.echo(
        f"Decisions need approval{'' if article_id is None else f' on article {article_id}'}: "
        f"{setting}."
    )


@cli.command()
@click.argument("article_id", type=click.IntRange(min=1))
@click.option(
    "--claim",
    "claim_id",
    type=click.IntRange(min=1),
    help="Approve this claim only (default: every proposed decision of the article).",
)
@click.option("--by", "editor", required=True, help="The editor approving.")
def approve(article_id, claim_id, editor):
    """Approve proposed decisions: an article's all at once, or one claim's."""
    from ..desk import decisions

    db, _ = open_database()
    with db:
        user = acting_user(db, editor, "editor")
        if claim_id is None:
            count = desk_call(lambda: decisions.approve_all(db, article_id, user))
        else:
            desk_call(lambda: decisions.approve(db, claim_id, user))
            count = 1
    click.echo(f"Approved {count} decision{'' if count == 1 else 's'}.")


@cli.command("return")
@click.argument("claim_id", type=click.IntRange(min=1))
@click.option("--note", required=True, help="Why the decision goes back (kept as a note).")
@click.option("--by", "editor", required=True, help="The editor returning it.")
def return_(claim_id, note, editor):
    """Return a proposed decision to its reviewer with a note."""
    from ..desk import decisions

    db, _ = open_database()
    with db:
        user = acting_user(db, editor, "editor")
        desk_call(lambda: decisions.return_decision(db, claim_id, note, user))
    click.echo(f"Returned claim {claim_id}.")


@cli.command()
@click.argument("article_id", type=click.IntRange(min=1))
@click.option(
    "--reviewer",
    "reviewers",
    multiple=True,
    required=True,
    help="A blind reviewer (repeat: two or more).",
)
@click.option("--by", "editor", required=True, help="The editor starting it.")
def blind(article_id, reviewers, editor):
    """Start a blind double review: each reviewer decides every claim, unseen by the others."""
    from ..desk import blind as blind_review

    db, _ = open_database()
    with db:
        user = acting_user(db, editor, "editor")
        review = desk_call(lambda: blind_review.start(db, article_id, list(reviewers), user))
    click.echo(f"Blind double review of article {article_id} by {', '.join(review.reviewers)}.")


@cli.command()
@click.argument("claim_id", type=click.IntRange(min=1))
@click.argument("status", type=click.Choice(["sourced", "disputed", "unverified"]))
@click.option("--note", help="A note with the decision (private until the end in a blind review).")
@click.option("--by", "reviewer", required=True, help="The reviewer deciding.")
def decide(claim_id, status, note, reviewer):
    """Set a claim's status as a reviewer would (their blind decision in a blind review)."""
    from ..desk import blind as blind_review
    from ..review import claims, notes

    db, _ = open_database()
    with db:
        user = acting_user(db, reviewer, "reviewer")

        def act():
            article_id = claims.claim_row(db, claim_id)["article_id"]
            if blind_review.is_reviewer(blind_review.open_review(db, article_id), user):
                blind_review.decide(db, claim_id, user, status=status, note=note)
                return "blind decision saved"
            change = claims.set_status(db, claim_id, status, user)
            if note:
                notes.add_note(db, claim_id, note, user)
            return change.claim["decision_state"]

        state = desk_call(act)
    click.echo(f"Claim {claim_id}: {status} ({state}).")


@cli.command()
@click.option(
    "--article",
    "article_id",
    type=click.IntRange(min=1),
    help="Only this article (default: every article with a finished blind review).",
)
def agreement(article_id):
    """Print agreement of blind reviewers: percent, Cohen's kappa, Krippendorff's alpha."""
    from ..desk import agreement as figures_of

    db, _ = open_database()
    with db:
        if article_id is not None:
            figures = figures_of.article_agreement(db, article_id)
            if figures is None:
                raise click.ClickException(f"Article {article_id} has no finished blind review.")
            found = [figures]
        else:
            found = figures_of.all_agreements(db)

    def show(value, percent=False):
        if value is None:
            return "n/a"
        return f"{value * 100:.0f}%" if percent else f"{value:.3f}"

    click.echo("article\treviewers\tclaims\tagreement\tkappa\talpha")
    for figures in found:
        click.echo(
            f"{figures['article_id']}\t{'+'.join(figures['reviewers'])}\t{figures['claims']}\t"
            f"{show(figures['percent'], True)}\t{show(figures['kappa'])}\t"
            f"{show(figures['alpha'])}"
        )
        for pair in figures["pairs"]:
            click.echo(
                f"{figures['article_id']}\t{'+'.join(pair['reviewers'])}\t{pair['claims']}\t"
                f"{show(pair['percent'], True)}\t{show(pair['kappa'])}\t-"
            )


@cli.command()
@click.argument("claim_id", type=click.IntRange(min=1))
@click.argument("status", type=click.Choice(["sourced", "disputed", "unverified"]))
@click.option("--note", required=True, help="Why (kept in the history with each reviewer's own).")
@click.option("--by", "editor", required=True, help="The editor ruling.")
def adjudicate(claim_id, status, note, editor):
    """Give the final status of a claim the blind reviewers disagreed on."""
    from ..desk import blind as blind_review

    db, _ = open_database()
    with db:
        user = acting_user(db, editor, "editor")
        claim = desk_call(lambda: blind_review.adjudicate(db, claim_id, status, note, user))
    click.echo(f"Claim {claim_id}: {claim['status']} ({claim['decision_state']}).")
