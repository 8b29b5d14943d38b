"""Flask CLI commands: demo data and audit-chain verification."""

from __future__ import annotations

import click
from flask import Flask, current_app

from app.extensions import db


def register_cli(app: Flask) -> None:
    @app.cli.command("demo-data")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database has data.")
    @click.option("--seed", default=2018, show_default=True, help="Random seed.")
    def demo_data(if_empty: bool, seed: int) -> None:
        """Load the synthetic demo county (Landkreis Göppingen)."""
        from app.demo.generator import DEMO_PASSWORD, build_demo_county, is_empty

        if not is_empty():
            if if_empty:
                click.echo("Database already holds data; demo county not loaded again.")
                return
            raise click.ClickException("The database is not empty; refusing to add demo data.")
        summary = build_demo_county(seed, current_app.config["PASSWORD_HASH_METHOD"])
        click.echo(
            f"Demo county loaded: {summary.organisations} organisations, {summary.teams} teams, "
            f"{summary.staff} county staff ({summary.fte} FTE), {summary.households} households "
            f"({summary.single_households} single), {summary.persons} persons."
        )
        office = summary.office_hours
        click.echo(
            f"Office hours: {office['locations']} locations, {office['appointments']} "
            f"appointments, {office['shares']} shared with the volunteer."
        )
        click.echo(
            f"Kiosk for {office['kiosk_location']} (demo only, shown once): {office['kiosk_path']}"
        )
        click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in summary.logins:
            click.echo(f"  {login.username:<16} {login.description}")

    @app.cli.group("audit")
    def audit_group() -> None:
        """Audit log commands."""

    @audit_group.command("verify")
    def audit_verify() -> None:
        """Check the hash chain of the audit log."""
        from app.audit.services import verify_chain

        broken = verify_chain()
        if broken:
            raise click.ClickException(f"Audit chain broken at event ids: {broken[:20]}")
        click.echo("Audit chain intact.")

    _ = db
