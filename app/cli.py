"""Flask CLI commands: demo data, translations, report rollups, search keys and audit-chain
verification."""

from __future__ import annotations

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from app.extensions import db


def register_cli(app: Flask) -> None:
    from app.setup.cli import register as register_setup

    register_setup(app)

    @app.cli.group("translations")
    def translations() -> None:
        """Interface translations (German source, English)."""

    @translations.command("update")
    def translations_update() -> None:
        """Extract marked texts into app/translations/*/messages.po; list what lacks English."""
        from app.i18n import update_catalogues

        for locale, gaps in update_catalogues().items():
            click.echo(f"{locale}: {len(gaps)} without translation")
            for gap in gaps:
                click.echo(f"  {gap}")

    @app.cli.group("reports")
    def reports() -> None:
        """Report upkeep."""

    @reports.command("rebuild-rollups")
    def reports_rebuild_rollups() -> None:
        """Recompute the report rollups from the contacts (after loading contacts in bulk)."""
        from app.reports import rollups

        with db.engine.begin() as conn:
            rollups.rebuild(conn)
            for table in rollups.TABLES:
                count = conn.scalar(select(func.count()).select_from(table))
                click.echo(f"{table.name}: {count} rows")

    @app.cli.group("search-keys")
    def search_keys_group() -> None:
        """The persons' stored search keys (app/households/search.py)."""

    @search_keys_group.command("rebuild")
    def search_keys_rebuild() -> None:
        """Recompute every person's search keys (after their form changed; migration 0016
        does it once)."""
        from app.households.search import rebuild_search_keys

        with db.engine.begin() as conn:
            changed = rebuild_search_keys(conn)
        click.echo(f"search keys: {changed} persons updated")

    @reports.command("check-layout")
    def reports_check_layout() -> None:
        """Validate the count sheet's layout file (after an admin edited it)."""
        from app.indicators import countsheet
        from app.indicators import countsheet_layout as layout

        try:
            rows = layout.current_layout(countsheet.figure_keys())
        except layout.LayoutError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{layout.layout_path()}: {len(rows)} rows, valid")

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
            f"({summary.single_households} single), {summary.persons} persons, "
            f"{summary.contacts} contacts, {summary.tasks} tasks ({summary.open_tasks} open)."
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
    @click.option(
        "--no-checkpoint", is_flag=True, help="Only check; do not checkpoint the verified head."
    )
    def audit_verify(no_checkpoint: bool) -> None:
        """Check the hash chain of the audit log and its checkpoints (truncation)."""
        from app.audit.services import checkpoint_head, verify

        report = verify()
        problems = []
        if report.broken:
            problems.append(f"Audit chain broken at event ids: {report.broken[:20]}")
        if report.truncated:
            problems.append("Audit log truncated: " + "; ".join(report.truncated[:5]))
        if problems:
            raise click.ClickException("\n".join(problems))
        if not no_checkpoint:
            checkpoint_head()
            db.session.commit()
        # The head printed here, kept in the cron log outside the database, is an anchor that
        # not even the database owner can rewrite (docs/data-protection.md).
        click.echo(
            f"Audit chain intact: {report.events} events, "
            f"head event {report.head_id} {report.head_hash}."
        )

    @app.cli.group("retention")
    def retention_group() -> None:
        """Retention: anonymise closed cases after RETENTION_MONTHS."""

    @retention_group.command("run")
    @click.option("--dry-run", is_flag=True, help="Only list what would be anonymised.")
    def retention_run(dry_run: bool) -> None:
        """Anonymise the personal data of closed cases whose retention period has passed."""
        from app.privacy import retention

        due = retention.run(dry_run=dry_run)
        verb = "would anonymise" if dry_run else "anonymised"
        # Ids and dates only: this output may end up in logs.
        for item in due:
            click.echo(
                f"{verb} household {item.household_id} (organisation {item.organisation_id}, "
                f"closed {item.closed_on.isoformat()}, {item.persons} persons)"
            )
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
        summary = "due (dry run: nothing changed)" if dry_run else "anonymised"
        click.echo(
            f"{len(due)} households {summary} "
            f"(closed on or before {retention.cutoff().isoformat()})."
        )
