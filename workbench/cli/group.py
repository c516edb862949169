"""The `workbench` command group, and what its commands share: the database, who a change is
made as, how a domain refusal is said."""

import click

from ..errors import InvalidInput
from ..storage import settings
from ..storage.migrations import open_migrated
from ..team import accounts
from ..version import __version__


def open_database():
    """The configured database, with its schema up to date (creating it if needed)."""
    path = settings.database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return open_migrated(path), str(path)


def command_line_actor(name):
    """Who the history names for a change made from the command line (no account needed)."""
    return accounts.User(id=0, username=name, role="admin")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="workbench")
def cli():
    """Source-claim verification workbench.

    Splits news articles into claims, lets a team review them in the browser, and exports
    the results. The database is instance/workbench.db unless WORKBENCH_DB names another.
    """


def acting_user(db, name, role):
    """The user called NAME, who must have `role` (the history names them)."""
    user = accounts.find_user(db, name)
    if user is None:
        raise click.ClickException(f"There is no user called {name}.")
    if not user.can(role):
        raise click.ClickException(f"{user.username} is a {user.role}; this needs the {role} role.")
    return user


def desk_call(action):
    """Run a desk action, turning its refusals into exit messages."""
    from ..errors import ArticleNotFound, ClaimNotFound, NotAllowed, VersionConflict

    try:
        return action()
    except (InvalidInput, NotAllowed) as error:
        raise click.ClickException(str(error)) from None
    except (ArticleNotFound, ClaimNotFound) as error:
        raise click.ClickException(f"Not found: {error}.") from None
    except VersionConflict:
        raise click.ClickException("The claim changed meanwhile; look again.") from None
