"""The `workbench` command group, and what its commands share: the database, who a change is
made as, how a domain refusal is said."""

import click

from ..errors import InvalidInput
from ..storage import settings
from ..storage.migrations import open_migrated
from ..team import accounts
from ..version import __version__
from .words import _, said


def open_database():
    """The configured database, with its schema up to date (creating it if needed)."""
    path = settings.database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return open_migrated(path), str(path)


def command_line_actor(name):
    """Who the history names for a change made from the command line (no account needed)."""
    return accounts.User(id=0, username=name, role="admin")


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    help=_(
        "Source-claim verification workbench.\n\n"
        "Splits news articles into claims, lets a team review them in the browser, and "
        "exports the results. The database is instance/workbench.db unless WORKBENCH_DB "
        "names another."
    ),
)
@click.version_option(version=__version__, prog_name="workbench")
def cli():
    """The `workbench` command (its help, above, is in the reader's language)."""


def acting_user(db, name, role):
    """The user called NAME, who must have `role` (the history names them)."""
    user = accounts.find_user(db, name)
    if user is None:
        raise click.ClickException(_("There is no user called %(name)s.") % {"name": name})
    if not user.can(role):
        raise click.ClickException(
            _("%(name)s is a %(role)s; this needs the %(needed)s role.")
            % {"name": user.username, "role": user.role, "needed": role}
        )
    return user


def desk_call(action):
    """Run a desk action, turning its refusals into exit messages."""
    from ..errors import ArticleNotFound, ClaimNotFound, NotAllowed, VersionConflict

    try:
        return action()
    except (InvalidInput, NotAllowed) as error:
        raise click.ClickException(said(error)) from None
    except (ArticleNotFound, ClaimNotFound) as error:
        raise click.ClickException(_("Not found: %(what)s.") % {"what": error}) from None
    except VersionConflict:
        raise click.ClickException(_("The claim changed meanwhile; look again.")) from None
