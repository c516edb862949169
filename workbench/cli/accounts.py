"""Accounts on the command line: add a user, set a password, remove second factors, list
users."""

import sys

import click

from ..errors import AccountError
from ..team import accounts, second_factor
from .group import cli, open_database


def _read_password(password_stdin):
    """A new password from stdin (one line) or an interactive prompt typed twice."""
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@cli.command("add-user")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(accounts.ROLES),
    default="reviewer",
    show_default=True,
    help="viewer: read and export; reviewer: also tag, note, add evidence; "
    "editor: also assign, approve and adjudicate; "
    "admin: also import, delete and manage users.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def add_user(name, role, password_stdin):
    """Add a user called NAME (asks for the password, 8 to 128 characters)."""
    db, _ = open_database()
    with db:
        try:
            user = accounts.create_user(db, name, _read_password(password_stdin), role)
        except AccountError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Added {user.username} ({user.role}).")


@cli.command("set-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password(name, password_stdin):
    """Set NAME's password and log them out everywhere."""
    db, _ = open_database()
    with db:
        try:
            accounts.set_password(db, name, _read_password(password_stdin))
        except AccountError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Password changed for {name}; their sessions have ended.")


@cli.command("reset-second-factors")
@click.argument("name")
def reset_second_factors(name):
    """Remove NAME's authenticator app, recovery codes and passkeys, and log them out
    everywhere (for someone who lost them all)."""
    db, _ = open_database()
    with db:
        try:
            second_factor.reset(db, name, by="command line")
        except AccountError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Removed every second factor of {name}; their sessions have ended.")


@cli.command("list-users")
def list_users():
    """List every user with their role."""
    db, _ = open_database()
    with db:
        for user in accounts.list_users(db):
            click.echo(f"{user.username}\t{user.role}")
