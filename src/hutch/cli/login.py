"""``hutch login`` and ``hutch logout``: registry credentials in auth.json."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli import flags_registry as fr
from hutch.cli.state import state_of


def register(app: typer.Typer) -> None:
    @app.command("login")
    def login(
        ctx: typer.Context,
        registry: Annotated[
            str | None,
            typer.Argument(
                help="Registry host[:port] (default: the first unqualified-search registry)."
            ),
        ] = None,
        username: Annotated[str | None, typer.Option("--username", "-u", help="Username.")] = None,
        password: Annotated[
            str | None, typer.Option("--password", "-p", help="Password (prefer --password-stdin).")
        ] = None,
        password_stdin: Annotated[
            bool, typer.Option("--password-stdin", help="Read the password from standard input.")
        ] = False,
        get_login: Annotated[
            bool, typer.Option("--get-login", help="Print the username logged in with, if any.")
        ] = False,
        authfile: fr.Authfile = None,
        tls_verify: fr.TlsVerify = None,
        cert_dir: fr.CertDir = None,
        verbose: Annotated[
            bool,
            typer.Option("--verbose", "-v", help="Say which auth file the credentials went to."),
        ] = False,
    ) -> None:
        """Log in to a registry and store the credentials."""
        from hutch.api.images import LoginOptions

        # podman's words for the two refusals
        if password_stdin and password is not None:
            raise InvalidArgument("Can't specify both --password-stdin and --password")
        if password_stdin and not username:
            raise InvalidArgument("Must provide --username with --password-stdin")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        if not get_login:
            if username is None:
                if not sys.stdin.isatty():
                    raise InvalidArgument("login: --username is required without a terminal")
                username = input("Username: ")
            if password is None:
                if not sys.stdin.isatty():
                    raise InvalidArgument("login: a password is required (--password-stdin)")
                password = getpass.getpass("Password: ")
        result = (
            state_of(ctx)
            .engine()
            .images.login(
                LoginOptions(
                    registry=registry or "",
                    username=username,
                    password=password,
                    get_login=get_login,
                    verbose=verbose,
                    # login creates the file it is given
                    access=fr.access(
                        tls_verify, None, authfile, cert_dir, authfile_must_exist=False
                    ),
                )
            )
        )
        print(result)

    @app.command("logout")
    def logout(
        ctx: typer.Context,
        registry: Annotated[str | None, typer.Argument(help="Registry host[:port].")] = None,
        all_: Annotated[
            bool, typer.Option("--all", "-a", help="Remove the credentials of every registry.")
        ] = False,
        authfile: fr.Authfile = None,
    ) -> None:
        """Remove the stored credentials of a registry."""
        from hutch.api.images import LogoutOptions

        fr.check_authfile(authfile, "checking authfile: ")
        for line in state_of(ctx).engine().images.logout(LogoutOptions(registry, all_, authfile)):
            print(line)
