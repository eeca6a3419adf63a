"""Command-line tasks: reference data, demo data, accounts and the catalogue."""

import os
from pathlib import Path

import click
from flask.cli import with_appcontext

from . import accounts, reference, roles
from .extensions import db
from .models import Organisation, Region


def init_app(app):
    for command in (seed_demo, create_user, import_catalogue, load_reference, verify_pdf):
        app.cli.add_command(command)
    from . import backup

    backup.init_app(app)


@click.command("load-reference")
@with_appcontext
def load_reference():
    """Load regions, toolkit years and the bundled evidence-item catalogue."""
    reference.load_all()
    click.echo("Reference data is up to date.")


@click.command("import-catalogue")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_catalogue(path: Path):
    """Import an evidence-item catalogue (CSV or XLSX); all rows or none."""
    try:
        report = reference.import_catalogue(path.read_bytes(), path.name)
    except reference.ImportRefused as exc:
        raise click.ClickException(str(exc)) from exc
    for line in report.lines():
        click.echo(line)
    if report.rejected:
        raise SystemExit(1)


@click.command("verify-pdf")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_pdf(path: Path):
    """Check a plan PDF: intact, signed by this portal, which plan and version, which submission.

    Exits 0 when the PDF is intact and signed with this portal's certificate, 1 otherwise.
    """
    import logging

    from . import documents

    # pyHanko logs a traceback when a signature is not ours; the summary below says it plainly.
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    outcome = documents.verify(path.read_bytes())
    for line in outcome.messages:
        click.echo(line)
    if not (outcome.result.intact and outcome.result.trusted):
        raise SystemExit(1)


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", type=click.Choice(roles.ALL), required=True)
@click.option("--organisation", "ods_code", help="ODS code, for organisation roles")
@click.option("--region", "region_name", help="Region name, for regional reviewers")
@click.password_option(help="Prompted for when not given")
def create_user(email, full_name, role, ods_code, region_name, password):
    """Create a user account."""
    organisation = (
        Organisation.get_or_none(Organisation.ods_code == (ods_code or "").upper()) if ods_code else None
    )
    if ods_code and organisation is None:
        raise click.ClickException(f"No organisation has ODS code {ods_code.upper()}")
    region = Region.get_or_none(Region.name == region_name) if region_name else None
    if region_name and region is None:
        names = ", ".join(r.name for r in Region.select().order_by(Region.name))
        raise click.ClickException(f"No region is called {region_name!r}. Regions: {names}")
    try:
        user = accounts.save_user(
            None,
            email=email,
            full_name=full_name,
            role=role,
            organisation_id=organisation.id if organisation else None,
            region_id=region.id if region else None,
            password=password,
        )
    except accounts.AccountError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Created {user.email} ({roles.LABELS[role]}).")


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Load reference data, demo organisations, accounts and plans; re-running changes nothing."""
    from . import demo

    reference.load_all()
    with db.atomic():
        created = demo.seed(os.environ.get("DEMO_PASSWORD") or demo.DEFAULT_PASSWORD)
    click.echo(f"Demo data is ready ({created} new records). Sign in with any demo account:")
    for email, _, role, _ in demo.ACCOUNTS:
        click.echo(f"  {email:28} {roles.LABELS[role]}")
