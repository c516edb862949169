"""The desk on the command line: assign, my queue, approval, approve, return, blind double
review, decide, agreement, adjudicate."""

import click

from .group import acting_user, cli, desk_call, open_database
from .words import _, ngettext


def _claim_range(claims_range):
    """(first, last) from "3-9", "4" or None."""
    if not claims_range:
        return None, None
    first, _dash, last = claims_range.partition("-")
    try:
        return int(first), int(last or first)
    except ValueError:
        raise click.ClickException(_("--claims is a position or a range such as 3-9.")) from None


@cli.command(help=_("Assign an article's claims (all, or a range) to one or more reviewers."))
@click.argument("article_id", type=click.IntRange(min=1))
@click.option(
    "--to",
    "reviewers",
    multiple=True,
    required=True,
    help=_("A reviewer to assign (repeat for several)."),
)
@click.option("--claims", "claims_range", help=_("Only these positions, e.g. 3-9 (default: all)."))
@click.option("--by", "editor", required=True, help=_("The editor assigning (an existing user)."))
def assign(article_id, reviewers, claims_range, editor):
    from ..team import assignments

    first, last = _claim_range(claims_range)
    db = open_database()[0]
    with db:
        user = acting_user(db, editor, "editor")
        result = desk_call(
            lambda: assignments.assign(db, article_id, list(reviewers), user, first, last)
        )
    click.echo(
        _("Assigned %(claims)s claims to %(names)s (%(added)s new assignments).")
        % {"claims": result.claims, "names": ", ".join(reviewers), "added": result.added}
    )


@cli.command(help=_("Print NAME's queue: claims assigned to them and not yet done, oldest first."))
@click.argument("name")
def queue(name):
    from ..team import assignments

    db = open_database()[0]
    with db:
        for item in assignments.queue(db, name):
            click.echo(
                f"{item['id']}\t"
                + _("article %(id)s") % {"id": item["article_id"]}
                + "\t"
                + _("claim %(position)s") % {"position": item["position"]}
                + f"\t{item['status']}\t{item['text'][:80]}"
            )


@cli.command(
    help=_("Say whether reviewers' decisions need an editor's approval (desk-wide or per article).")
)
@click.argument("setting", type=click.Choice(["on", "off", "desk"]))
@click.option(
    "--article",
    "article_id",
    type=click.IntRange(min=1),
    help=_("Set it for this article only (desk: follow the desk-wide setting)."),
)
@click.option("--by", "editor", required=True, help=_("The editor changing it."))
def approval(setting, article_id, editor):
    from ..desk import decisions

    db = open_database()[0]
    with db:
        user = acting_user(db, editor, "editor")
        if article_id is None:
            if setting == "desk":
                raise click.ClickException(_("“desk” is a choice for one article: add --article."))
            decisions.set_desk_needs_approval(db, setting == "on", user)
        else:
            desk_call(lambda: decisions.set_article_choice(db, article_id, setting, user))
    if article_id is None:
        click.echo(_("Decisions need approval: %(setting)s.") % {"setting": setting})
    else:
        click.echo(
            _("Decisions need approval on article %(id)s: %(setting)s.")
            % {"id": article_id, "setting": setting}
        )


@cli.command(help=_("Approve proposed decisions: an article's all at once, or one claim's."))
@click.argument("article_id", type=click.IntRange(min=1))
@click.option(
    "--claim",
    "claim_id",
    type=click.IntRange(min=1),
    help=_("Approve this claim only (default: every proposed decision of the article)."),
)
@click.option("--by", "editor", required=True, help=_("The editor approving."))
def approve(article_id, claim_id, editor):
    from ..desk import decisions

    db = open_database()[0]
    with db:
        user = acting_user(db, editor, "editor")
        if claim_id is None:
            count = desk_call(lambda: decisions.approve_all(db, article_id, user))
        else:
            desk_call(lambda: decisions.approve(db, claim_id, user))
            count = 1
    click.echo(
        ngettext("Approved %(num)d decision.", "Approved %(num)d decisions.", count)
        % {"num": count}
    )


@cli.command("return", help=_("Return a proposed decision to its reviewer with a note."))
@click.argument("claim_id", type=click.IntRange(min=1))
@click.option("--note", required=True, help=_("Why the decision goes back (kept as a note)."))
@click.option("--by", "editor", required=True, help=_("The editor returning it."))
def return_(claim_id, note, editor):
    from ..desk import decisions

    db = open_database()[0]
    with db:
        user = acting_user(db, editor, "editor")
        desk_call(lambda: decisions.return_decision(db, claim_id, note, user))
    click.echo(_("Returned claim %(id)s.") % {"id": claim_id})


@cli.command(
    help=_("Start a blind double review: each reviewer decides every claim, unseen by the others.")
)
@click.argument("article_id", type=click.IntRange(min=1))
@click.option(
    "--reviewer",
    "reviewers",
    multiple=True,
    required=True,
    help=_("A blind reviewer (repeat: two or more)."),
)
@click.option("--by", "editor", required=True, help=_("The editor starting it."))
def blind(article_id, reviewers, editor):
    from ..desk import blind as blind_review

    db = open_database()[0]
    with db:
        user = acting_user(db, editor, "editor")
        review = desk_call(lambda: blind_review.start(db, article_id, list(reviewers), user))
    click.echo(
        _("Blind double review of article %(id)s by %(names)s.")
        % {"id": article_id, "names": ", ".join(review.reviewers)}
    )


@cli.command(
    help=_("Set a claim's status as a reviewer would (their blind decision in a blind review).")
)
@click.argument("claim_id", type=click.IntRange(min=1))
@click.argument("status", type=click.Choice(["sourced", "disputed", "unverified"]))
@click.option(
    "--note", help=_("A note with the decision (private until the end in a blind review).")
)
@click.option("--by", "reviewer", required=True, help=_("The reviewer deciding."))
def decide(claim_id, status, note, reviewer):
    from ..desk import blind as blind_review
    from ..review import claims, notes

    db = open_database()[0]
    with db:
        user = acting_user(db, reviewer, "reviewer")

        def act():
            article_id = claims.claim_row(db, claim_id)["article_id"]
            if blind_review.is_reviewer(blind_review.open_review(db, article_id), user):
                blind_review.decide(db, claim_id, user, status=status, note=note)
                return _("blind decision saved")
            change = claims.set_status(db, claim_id, status, user)
            if note:
                notes.add_note(db, claim_id, note, user)
            return change.claim["decision_state"]

        state = desk_call(act)
    click.echo(
        _("Claim %(id)s: %(status)s (%(state)s).")
        % {"id": claim_id, "status": status, "state": state}
    )


@cli.command(
    help=_("Print agreement of blind reviewers: percent, Cohen's kappa, Krippendorff's alpha.")
)
@click.option(
    "--article",
    "article_id",
    type=click.IntRange(min=1),
    help=_("Only this article (default: every article with a finished blind review)."),
)
def agreement(article_id):
    from ..desk import agreement as figures_of

    db = open_database()[0]
    with db:
        if article_id is not None:
            figures = figures_of.article_agreement(db, article_id)
            if figures is None:
                raise click.ClickException(
                    _("Article %(id)s has no finished blind review.") % {"id": article_id}
                )
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


@cli.command(help=_("Give the final status of a claim the blind reviewers disagreed on."))
@click.argument("claim_id", type=click.IntRange(min=1))
@click.argument("status", type=click.Choice(["sourced", "disputed", "unverified"]))
@click.option(
    "--note", required=True, help=_("Why (kept in the history with each reviewer's own).")
)
@click.option("--by", "editor", required=True, help=_("The editor ruling."))
def adjudicate(claim_id, status, note, editor):
    from ..desk import blind as blind_review

    db = open_database()[0]
    with db:
        user = acting_user(db, editor, "editor")
        claim = desk_call(lambda: blind_review.adjudicate(db, claim_id, status, note, user))
    click.echo(
        _("Claim %(id)s: %(status)s (%(state)s).")
        % {"id": claim_id, "status": claim["status"], "state": claim["decision_state"]}
    )
