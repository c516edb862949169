"""Accounts on the command line: add a user, set a password, remove second factors, list
users."""

import sys

import click

from ..errors import AccountError
from ..team import accounts, second_factor
from .group import cli, open_database
from .words import _, said


def _read_password(password_stdin):
    """A new password from stdin (one line) or an interactive prompt typed twice."""
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(
        _("Password"),
        hide_input=True,
        confirmation_prompt=_("Repeat for confirmation"),
    )


@cli.command(
    "add-user", help=_("Add a user called NAME (asks for the password, 8 to 128 characters).")
)
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(accounts.ROLES),
    default="reviewer",
    show_default=True,
    help=_(
        "viewer: read and export; reviewer: also tag, note, add evidence; "
        "editor: also assign, approve and adjudicate; "
        "admin: also import, delete and manage users."
    ),
)
@click.option("--password-stdin", is_flag=True, help=_("Read the password from standard input."))
def add_user(name, role, password_stdin):
    db = open_database()[0]
    with db:
        try:
            user = accounts.create_user(db, name, _read_password(password_stdin), role)
        except AccountError as error:
            raise click.ClickException(said(error)) from None
    click.echo(_("Added %(name)s (%(role)s).") % {"name": user.username, "role": user.role})


@cli.command("set-password", help=_("Set NAME's password and log them out everywhere."))
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help=_("Read the password from standard input."))
def set_password(name, password_stdin):
    db = open_database()[0]
    with db:
        try:
            accounts.set_password(db, name, _read_password(password_stdin))
        except AccountError as error:
            raise click.ClickException(said(error)) from None
    click.echo(_("Password changed for %(name)s; their sessions have ended.") % {"name": name})


@cli.command(
    "reset-second-factors",
    help=_(
        "Remove NAME's authenticator app, recovery codes and passkeys, and log them out "
        "everywhere (for someone who lost them all)."
    ),
)
@click.argument("name")
def reset_second_factors(name):
    db = open_database()[0]
    with db:
        try:
            second_factor.reset(db, name, by="command line")
        except AccountError as error:
            raise click.ClickException(said(error)) from None
    click.echo(
        _("Removed every second factor of %(name)s; their sessions have ended.") % {"name": name}
    )


@cli.command("list-users", help=_("List every user with their role."))
def list_users():
    db = open_database()[0]
    with db:
        for user in accounts.list_users(db):
            click.echo(f"{user.username}\t{user.role}")
