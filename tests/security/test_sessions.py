"""Sessions: cookie flags, timeouts, sign-out that really ends the session, and no user enumeration.

A new session on sign-in is covered by tests/views/test_auth.py::test_a_new_session_on_sign_in.
"""

import datetime as dt

import pytest

from dspt_portal import create_app, passwords, roles
from dspt_portal.models import User, utcnow
from tests.conftest import TODAY
from tests.support.client import PageClient


def _session_cookie_header(response) -> str:
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    return cookies[0]


def _attributes(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


def test_the_session_cookie_is_httponly_and_samesite_lax_but_not_secure_in_development(client, make):
    make.user(roles.NATIONAL_REVIEWER, email="dspt@example.org")
    response = client.sign_in("dspt@example.org")
    attributes = _attributes(_session_cookie_header(response))
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "secure" not in attributes  # development runs on plain http://127.0.0.1


def test_in_production_the_session_cookie_is_secure(database_url, make, monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "prod-secret",
            "TESTING": True,
            "PORTAL_TODAY": TODAY.isoformat(),
        }
    )
    make.user(roles.NATIONAL_REVIEWER, email="dspt@example.org")
    client = PageClient(app.test_client())
    response = client.sign_in("dspt@example.org")
    attributes = _attributes(_session_cookie_header(response))
    assert {"secure", "httponly", "samesite=lax"} <= attributes


def _age_session(client, **ago):
    with client.raw.session_transaction() as session:
        for key, minutes in ago.items():
            session[key] = (utcnow() - dt.timedelta(minutes=minutes)).isoformat()


def test_an_active_session_ends_after_the_absolute_limit_of_a_working_day(client, make):
    make.user(roles.NATIONAL_REVIEWER, email="dspt@example.org")
    client.sign_in("dspt@example.org")
    _age_session(client, signed_in_at=7 * 60 + 50, last_seen=1)
    assert client.get("/reviews").status_code == 200  # still inside the 8 hours, used a minute ago
    _age_session(client, signed_in_at=8 * 60 + 1, last_seen=1)
    response = client.get("/reviews")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_a_session_used_within_the_idle_limit_stays_open(client, make):
    make.user(roles.NATIONAL_REVIEWER, email="dspt@example.org")
    client.sign_in("dspt@example.org")
    _age_session(client, last_seen=29)
    assert client.get("/reviews").status_code == 200


def test_an_htmx_request_after_a_timeout_sends_the_whole_page_to_sign_in(client, make):
    make.user(roles.NATIONAL_REVIEWER, email="dspt@example.org")
    client.sign_in("dspt@example.org")
    _age_session(client, last_seen=31)
    response = client.get("/reviews", headers={"HX-Request": "true", "Referer": "http://localhost/reviews"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/sign-in?next=")


def test_a_copied_session_cookie_is_useless_after_sign_out(app, client, make):
    make.user(roles.NATIONAL_REVIEWER, email="dspt@example.org")
    client.sign_in("dspt@example.org")
    stolen = client.raw.get_cookie("session").value
    client.sign_out()
    thief = PageClient(app.test_client())
    thief.raw.set_cookie("session", stolen, domain="localhost")
    response = thief.get("/reviews")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_a_session_cookie_signed_with_another_key_is_ignored(app, client, make, database_url):
    make.user(roles.NATIONAL_REVIEWER, email="dspt@example.org")
    other = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "someone-elses-key", "TESTING": True})
    forger = PageClient(other.test_client())
    forger.sign_in("dspt@example.org")
    victim_app = PageClient(app.test_client())
    victim_app.raw.set_cookie("session", forger.raw.get_cookie("session").value, domain="localhost")
    assert victim_app.get("/reviews").status_code == 302


# No user enumeration: the same message, and the same (deliberately slow) work, whatever was wrong.
@pytest.fixture
def kdf_calls(monkeypatch):
    """Every hash the sign-in checks a password against (Argon2's verify, the expensive part)."""
    calls = []
    real = passwords._hasher

    class Spy:
        def verify(self, hash_, password):
            calls.append(hash_)
            return real.verify(hash_, password)

    monkeypatch.setattr(passwords, "_hasher", Spy())
    return calls


def test_unknown_wrong_and_deactivated_accounts_look_the_same_and_all_run_the_kdf(client, make, kdf_calls):
    make.user(roles.NATIONAL_REVIEWER, email="known@example.org")
    gone = make.user(roles.NATIONAL_REVIEWER, email="gone@example.org")
    User.update(active=False).where(User.id == gone.id).execute()
    client.get("/sign-in")
    attempts = {
        "unknown": {"email": "nobody@example.org", "password": "whatever-it-is"},
        "wrong password": {"email": "known@example.org", "password": "whatever-it-is"},
        "deactivated": {"email": "gone@example.org", "password": "demo-password-1"},
    }
    pages = {}
    for name, data in attempts.items():
        before = len(kdf_calls)
        response = client.post("/sign-in", data)
        assert response.status_code == 401, name
        assert len(kdf_calls) == before + 1, f"{name}: the password hash must be checked exactly once"
        pages[name] = client.text(response).replace(data["email"], "EMAIL")
    assert "Enter a correct email address and password" in pages["unknown"]
    assert pages["unknown"] == pages["wrong password"] == pages["deactivated"]
    # The unknown address is checked against a real Argon2 hash of the same cost, not skipped.
    assert kdf_calls[0].startswith("$argon2id$") and kdf_calls[0] == passwords._DUMMY_HASH
    real_hash = User.get(User.email == "known@example.org").password_hash
    assert kdf_calls[1] == real_hash
    assert passwords._DUMMY_HASH.split("$")[3] == real_hash.split("$")[3]  # same memory, time, parallelism
