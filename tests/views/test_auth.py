import datetime as dt

from dspt_portal import roles
from dspt_portal.models import User


def test_sign_in_lands_on_the_role_page_and_sign_out_ends_the_session(client, make):
    org = make.organisation(name="Northshire County Council")
    make.user(organisation=org, email="editor@example.org")
    response = client.sign_in("EDITOR@example.org")  # e-mail is case-insensitive
    assert response.headers["Location"] == "/"
    page = client.get("/", follow_redirects=True)
    assert "Improvement plans for Northshire County Council" in client.text(page)
    client.sign_out()
    assert client.get("/plans").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_message(client, make):
    make.user(roles.NATIONAL_REVIEWER, email="dspt@example.org")
    client.get("/sign-in")
    wrong = client.post("/sign-in", {"email": "dspt@example.org", "password": "not-the-password"})
    unknown = client.post("/sign-in", {"email": "nobody@example.org", "password": "not-the-password"})
    assert wrong.status_code == unknown.status_code == 401
    assert "Enter a correct email address and password" in client.text(wrong)
    assert client.text(wrong).replace("dspt@", "") == client.text(unknown).replace("nobody@", "")


def test_a_new_session_on_sign_in(client, make):
    make.user(roles.NATIONAL_REVIEWER, email="dspt@example.org")
    client.get("/sign-in")
    before = client.raw.get_cookie("session").value
    client.sign_in("dspt@example.org")
    assert client.raw.get_cookie("session").value != before


def test_deactivated_users_cannot_sign_in_and_lose_their_sessions(client, make, app):
    user = make.user(roles.NATIONAL_REVIEWER, email="dspt@example.org")
    client.sign_in("dspt@example.org")
    User.update(active=False, session_epoch=User.session_epoch + 1).where(User.id == user.id).execute()
    assert client.get("/reviews").status_code == 302  # signed out
    client.get("/sign-in")
    response = client.post("/sign-in", {"email": "dspt@example.org", "password": "demo-password-1"})
    assert response.status_code == 401


def test_changing_password_checks_the_rules_and_ends_other_sessions(app, make):
    from tests.support.client import PageClient

    make.user(roles.NATIONAL_REVIEWER, email="dspt@example.org")
    mine, other = PageClient(app.test_client()), PageClient(app.test_client())
    mine.sign_in("dspt@example.org")
    other.sign_in("dspt@example.org")
    weak = mine.post(
        "/account/password",
        {
            "current_password": "demo-password-1",
            "new_password": "password1234",
            "confirm_password": "password1234",
        },
    )
    assert "Choose a password that is harder to guess" in mine.text(weak)
    ok = mine.post(
        "/account/password",
        {
            "current_password": "demo-password-1",
            "new_password": "correct horse battery",
            "confirm_password": "correct horse battery",
        },
    )
    assert ok.status_code == 302
    assert mine.get("/reviews").status_code == 200
    assert other.get("/reviews").status_code == 302  # the other session has ended
    mine.sign_out()
    mine.sign_in("dspt@example.org", "correct horse battery")


def test_idle_sessions_time_out(client, make, app):
    make.user(roles.NATIONAL_REVIEWER, email="dspt@example.org")
    client.sign_in("dspt@example.org")
    with client.raw.session_transaction() as session:
        session["last_seen"] = (
            dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=31)
        ).isoformat()
    assert client.get("/reviews").status_code == 302
    page = client.get("/sign-in")
    assert "You were signed out because you had not used the portal for a while" in client.text(page)


def test_sign_in_only_redirects_to_local_pages(client, make):
    make.user(roles.NATIONAL_REVIEWER, email="dspt@example.org")
    client.get("/sign-in")
    response = client.post(
        "/sign-in?next=//evil.example.com/", {"email": "dspt@example.org", "password": "demo-password-1"}
    )
    assert response.headers["Location"] == "/"


def test_a_post_without_a_csrf_token_is_refused(client, make):
    make.user(roles.NATIONAL_REVIEWER, email="dspt@example.org")
    response = client.post(
        "/sign-in", {"email": "dspt@example.org", "password": "demo-password-1"}, csrf=False
    )
    assert response.status_code == 400
    assert "The form you sent was out of date or incomplete" in client.text(response)


def test_each_role_has_a_landing_page(client, make):
    org = make.organisation()
    cases = [
        (make.user(roles.ORG_EDITOR, organisation=org), "/plans"),
        (make.user(roles.ORG_SIGNATORY, organisation=org), "/plans"),
        (make.user(roles.REGIONAL_REVIEWER, region="London"), "/reviews"),
        (make.user(roles.NATIONAL_REVIEWER), "/reviews"),
        (make.user(roles.ADMIN), "/admin/"),
    ]
    for user, landing in cases:
        client.sign_in(user.email)
        assert client.get("/").headers["Location"] == landing
        assert client.get(landing).status_code == 200
        client.sign_out()


def test_role_pages_are_refused_to_other_roles(client, make):
    org = make.organisation()
    make.user(roles.ORG_EDITOR, organisation=org, email="ed@example.org")
    client.sign_in("ed@example.org")
    for url in ("/admin/", "/admin/users", "/reviews"):
        response = client.get(url)
        assert response.status_code == 403
        assert "You do not have permission to see this page" in client.text(response)
