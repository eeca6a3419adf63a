"""Command-line tasks: demo data, accounts and the catalogue."""

import openpyxl

from dspt_portal import roles
from dspt_portal.models import EvidenceItem, Organisation, Plan, User


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_seed_demo_creates_the_documented_accounts_and_rerunning_changes_nothing(app):
    first = run(app, "seed-demo")
    assert first.exit_code == 0, first.output
    emails = {u.email for u in User.select()}
    for email in (
        "la.editor@example.org",
        "la.siro@example.org",
        "trust.editor@example.org",
        "trust.siro@example.org",
        "rsl.london@example.org",
        "dspt.team@example.org",
        "admin@example.org",
    ):
        assert email in emails
    counts = (Organisation.select().count(), User.select().count(), Plan.select().count())
    assert {o.org_type for o in Organisation.select()} >= {
        "NHS Trust",
        "Foundation Trust",
        "ICB",
        "CSU",
        "Local Authority",
        "Arm's Length Body",
    }
    second = run(app, "seed-demo")
    assert "(0 new records)" in second.output
    assert (Organisation.select().count(), User.select().count(), Plan.select().count()) == counts


def test_create_user_from_the_command_line(app, make):
    make.organisation(ods_code="X99")
    result = run(
        app,
        "create-user",
        "--email",
        "IG.Lead@Example.org",
        "--name",
        "IG Lead",
        "--role",
        roles.ORG_EDITOR,
        "--organisation",
        "x99",
        "--password",
        "a long password here",
    )
    assert result.exit_code == 0, result.output
    assert User.get(User.email == "ig.lead@example.org").organisation.ods_code == "X99"
    again = run(
        app,
        "create-user",
        "--email",
        "ig.lead@example.org",
        "--name",
        "IG Lead",
        "--role",
        roles.ORG_EDITOR,
        "--organisation",
        "X99",
        "--password",
        "a long password here",
    )
    assert again.exit_code != 0 and "A user with this email address already exists" in again.output
    unknown = run(
        app,
        "create-user",
        "--email",
        "x@example.org",
        "--name",
        "X",
        "--role",
        roles.REGIONAL_REVIEWER,
        "--region",
        "Atlantis",
        "--password",
        "a long password here",
    )
    assert "No region is called 'Atlantis'" in unknown.output


def test_import_catalogue_from_xlsx_reports_rejected_rows(app, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["toolkit_year", "standard", "standard_title", "assertion", "ref", "text", "mandatory"])
    sheet.append(
        ["2022-23", 1, "Personal Confidential Data", "1.1", "1.1.98", "Item from a spreadsheet", "no"]
    )
    path = tmp_path / "catalogue.xlsx"
    book.save(path)
    result = run(app, "import-catalogue", str(path))
    assert result.exit_code == 0, result.output
    assert EvidenceItem.get(EvidenceItem.ref == "1.1.98").mandatory is False
    sheet.append(["2022-23", 1, "Personal Confidential Data", "1.1", "bad-ref", "Broken", "no"])
    book.save(path)
    refused = run(app, "import-catalogue", str(path))
    assert refused.exit_code == 1
    assert "nothing imported" in refused.output and "Row 3" in refused.output
