"""Administrators manage organisations, users and the catalogue in the portal."""

from dspt_portal import roles
from dspt_portal.models import AuditEvent, EvidenceItem, Organisation, User


def admin_client(client, make):
    make.user(roles.ADMIN, email="admin@example.org")
    client.sign_in("admin@example.org")
    return client


def test_create_an_organisation_with_a_normalised_ods_code(client, make):
    admin_client(client, make)
    region = make.region("London")
    response = client.post(
        "/admin/organisations/new",
        {
            "ods_code": " rxx1 ",
            "name": "Riverside Trust",
            "org_type": "NHS Trust",
            "region": str(region.id),
            "active": "y",
        },
    )
    assert response.status_code == 302
    org = Organisation.get(Organisation.ods_code == "RXX1")
    assert (org.name, org.org_type, org.region_id) == ("Riverside Trust", "NHS Trust", region.id)
    assert AuditEvent.select().where(AuditEvent.action == "organisation_created").count() == 1


def test_bad_and_duplicate_ods_codes_are_refused_with_messages(client, make):
    admin_client(client, make)
    make.organisation(ods_code="X26")
    bad = client.post("/admin/organisations/new", {"ods_code": "R-1", "name": "A", "org_type": "ICB"})
    assert "Enter an ODS code of 3 to 5 letters and numbers, like RXX or X26" in client.text(bad)
    dupe = client.post("/admin/organisations/new", {"ods_code": "x26", "name": "B", "org_type": "ICB"})
    assert "An organisation with ODS code X26 already exists" in client.text(dupe)
    assert Organisation.select().count() == 1


def test_create_edit_deactivate_and_reset_a_user(client, make, app):
    from tests.support.client import PageClient

    admin_client(client, make)
    org = make.organisation()
    response = client.post(
        "/admin/users/new",
        {
            "email": "New.Person@Example.org",
            "full_name": "New Person",
            "role": roles.ORG_EDITOR,
            "organisation": str(org.id),
            "password": "a long temporary password",
            "active": "y",
        },
    )
    assert response.status_code == 302
    person = User.get(User.email == "new.person@example.org")
    assert person.organisation_id == org.id

    dupe = client.post(
        "/admin/users/new",
        {
            "email": "NEW.person@example.org",
            "full_name": "Again",
            "role": roles.NATIONAL_REVIEWER,
            "password": "another long password",
        },
    )
    assert "A user with this email address already exists" in client.text(dupe)

    missing_org = client.post(
        "/admin/users/new",
        {
            "email": "x@example.org",
            "full_name": "X",
            "role": roles.ORG_SIGNATORY,
            "password": "another long password",
        },
    )
    assert "Choose the organisation this person belongs to" in client.text(missing_org)

    theirs = PageClient(app.test_client())
    theirs.sign_in("new.person@example.org", "a long temporary password")
    client.post(
        f"/admin/users/{person.id}",
        {
            "email": person.email,
            "full_name": "New Person",
            "role": roles.ORG_EDITOR,
            "organisation": str(org.id),
        },
    )
    assert User.get_by_id(person.id).active is False
    assert theirs.get("/plans").status_code == 302  # their session ended at once

    client.post(
        f"/admin/users/{person.id}",
        {
            "email": person.email,
            "full_name": "New Person",
            "role": roles.ORG_EDITOR,
            "organisation": str(org.id),
            "active": "y",
        },
    )
    weak = client.post(f"/admin/users/{person.id}/reset-password", {"password": "short"})
    assert "Password must be at least 10 characters long" in client.text(weak)
    client.post(f"/admin/users/{person.id}/reset-password", {"password": "a brand new password"})
    theirs.sign_in("new.person@example.org", "a brand new password")


def test_catalogue_import_good_bad_and_again(client, make, tmp_path):
    admin_client(client, make)
    good = (
        "toolkit_year,standard,standard_title,assertion,ref,text,mandatory,org_types\n"
        "2022-23,1,Personal Confidential Data,1.1,1.1.99,A new test item,yes,Local Authority\n"
    )
    response = client.post(
        "/admin/catalogue", {"file": (_file(good), "catalogue.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    item = EvidenceItem.get(EvidenceItem.ref == "1.1.99")
    assert (item.mandatory, item.org_types) == (True, "Local Authority")
    again = client.post(
        "/admin/catalogue",
        {"file": (_file(good), "catalogue.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Added 0, updated 0, unchanged 1 evidence items." in client.text(again)

    bad = good + "2022-23,1,Personal Confidential Data,1.1,1.2.5,Wrong assertion,maybe,\n"
    count = EvidenceItem.select().count()
    refused = client.post(
        "/admin/catalogue",
        {"file": (_file(bad + "2031-32,1,X,1.1,1.1.1,Text,,\n"), "c.csv")},
        content_type="multipart/form-data",
    )
    text = client.text(refused)
    assert "nothing was imported" in text
    assert "Row 3" in text and "Row 4" in text
    assert EvidenceItem.select().count() == count


def _file(text):
    import io

    return io.BytesIO(text.encode("utf-8-sig"))


def test_outbox_is_readable_by_administrators_only(client, make):
    admin_client(client, make)
    assert "E-mail outbox" in client.text(client.get("/admin/outbox"))
