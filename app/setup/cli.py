"""`flask setup init`: the first organisation and admin of a fresh installation, from a shell."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from app.accounts.services import password_problem
from app.extensions import db
from app.setup import services


def register(app: Flask) -> None:
    @app.cli.group("setup")
    def setup_group() -> None:
        """Set up a fresh installation."""

    @setup_group.command("init")
    @click.option("--organisation", "organisation_name", required=True, help="e.g. Landkreis X")
    @click.option("--kind", type=click.Choice(services.ORGANISATION_KINDS), default="county")
    @click.option("--team", "team_name", required=True, help="Name of the first team.")
    @click.option("--admin-username", required=True)
    @click.option("--admin-name", required=True, help="Display name of the first admin.")
    @click.password_option(envvar="WEGBEGLEITER_ADMIN_PASSWORD", help="Or set the env var.")
    @click.option(
        "--municipalities",
        default="",
        help="CSV with columns municipality[,population_approx,county_team], or 'goeppingen' "
        "for the bundled demo list (Goeppingen county).",
    )
    def setup_init(
        organisation_name: str,
        kind: str,
        team_name: str,
        admin_username: str,
        admin_name: str,
        password: str,
        municipalities: str,
    ) -> None:
        """Create the first organisation, team, municipalities and admin account."""
        if problem := password_problem(password, username=admin_username):
            raise click.ClickException(problem)
        try:
            if municipalities == "goeppingen":
                rows = services.goeppingen_municipalities()
            elif municipalities:
                rows = services.read_municipality_csv(
                    Path(municipalities).read_text(encoding="utf-8")
                )
            else:
                rows = []
            admin = services.initialise(
                organisation_name=organisation_name,
                kind=kind,
                team_name=team_name,
                admin_username=admin_username,
                admin_name=admin_name,
                password=password,
                municipalities=rows,
            )
        except services.SetupError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
        db.session.commit()
        click.echo(
            f"Set up {organisation_name} with {len(rows)} municipalities; "
            f"sign in as {admin.username}."
        )
