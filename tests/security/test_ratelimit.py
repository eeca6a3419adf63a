"""Sign-in is rate limited per account and per address (Flask-Limiter), with the NHS-style 429 page."""

import pytest

from dspt_portal import create_app, passwords, ratelimit, roles
from dspt_portal.config import from_environment
from tests.conftest import TODAY
from tests.support.client import PageClient


@pytest.fixture
def limited_app(database_url, make):
    """The portal with rate limiting switched on, as in production (it is off for the rest of the suite).
    Made after `make` (and so after the suite's own app), because each app resets the shared counters."""
    return create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "TESTING": True,
            "PORTAL_TODAY": TODAY.isoformat(),
            "SIGN_IN_RATE_LIMITS": True,
        }
    )


@pytest.fixture
def fast_wrong_passwords(monkeypatch):
    """Failed attempts without Argon2's deliberate slowness: these tests count attempts, not hashes."""
    real = passwords.verify_password
    monkeypatch.setattr(
        passwords,
        "verify_password",
        lambda hash_, password: password == "demo-password-1" and real(hash_, password),
    )


def _client(app, address="192.0.2.10") -> PageClient:
    client = PageClient(app.test_client())
    client.raw.environ_base["REMOTE_ADDR"] = address
    client.get("/sign-in")
    return client


def _try(client, email, password="wrong-password-here"):
    return client.post("/sign-in", {"email": email, "password": password})


def test_the_limits_are_ten_per_account_and_fifty_per_address_per_15_minutes():
    assert ratelimit.SIGN_IN_PER_ACCOUNT == "10 per 15 minutes"
    assert ratelimit.SIGN_IN_PER_ADDRESS == "50 per 15 minutes"


def test_after_ten_failures_an_account_is_refused_even_with_the_right_password(
    limited_app, make, fast_wrong_passwords
):
    make.user(roles.NATIONAL_REVIEWER, email="dspt@example.org")
    client = _client(limited_app)
    for _ in range(10):
        assert _try(client, "dspt@example.org").status_code == 401
    blocked = _try(client, "DSPT@example.org ", "demo-password-1")  # case and spaces do not reset the count
    assert blocked.status_code == 429
    assert "Too many attempts" in client.text(blocked)
    assert "Wait a few minutes, then try again." in client.text(blocked)
    assert int(blocked.headers["Retry-After"]) > 0
    # The block is per account: the same account from another address is blocked too...
    assert (
        _try(_client(limited_app, "198.51.100.7"), "dspt@example.org", "demo-password-1").status_code == 429
    )
    # ...and another account from the first address still signs in.
    make.user(roles.NATIONAL_REVIEWER, email="other@example.org")
    assert _try(client, "other@example.org", "demo-password-1").status_code == 302


def test_successful_sign_ins_do_not_use_up_the_allowance(limited_app, make, fast_wrong_passwords):
    make.user(roles.NATIONAL_REVIEWER, email="dspt@example.org")
    for _ in range(12):
        client = _client(limited_app)
        assert _try(client, "dspt@example.org", "demo-password-1").status_code == 302


def test_after_fifty_failures_an_address_is_refused_whatever_the_account(
    limited_app, make, fast_wrong_passwords
):
    make.user(roles.NATIONAL_REVIEWER, email="dspt@example.org")
    client = _client(limited_app)
    for n in range(50):
        assert _try(client, f"guess{n}@example.org").status_code == 401  # spraying many accounts
    assert _try(client, "dspt@example.org", "demo-password-1").status_code == 429
    assert (
        _try(_client(limited_app, "198.51.100.7"), "dspt@example.org", "demo-password-1").status_code == 302
    )


def test_showing_the_sign_in_page_is_never_limited(limited_app, make, fast_wrong_passwords):
    client = _client(limited_app)
    for _ in range(11):
        _try(client, "dspt@example.org")
    assert client.get("/sign-in").status_code == 200


def test_the_rest_of_the_test_suite_runs_without_limits(app, make):
    assert app.config["SIGN_IN_RATE_LIMITS"] is False


def test_the_counter_store_is_configurable_for_several_machines(monkeypatch, tmp_path):
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://cache.internal:6379/0")
    assert from_environment(tmp_path, "secret")["RATELIMIT_STORAGE_URI"] == "redis://cache.internal:6379/0"
    monkeypatch.delenv("RATELIMIT_STORAGE_URI")
    assert from_environment(tmp_path, "secret")["RATELIMIT_STORAGE_URI"] == "memory://"


def test_behind_a_proxy_the_client_address_is_taken_from_x_forwarded_for(
    database_url, make, fast_wrong_passwords
):
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "TESTING": True,
            "SIGN_IN_RATE_LIMITS": True,
            "PROXY_COUNT": 1,
        }
    )
    client = _client(app, "127.0.0.1")  # nginx on the same machine
    for n in range(50):
        client.post(
            "/sign-in",
            {"email": f"guess{n}@example.org", "password": "x" * 12},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
    attacker = client.post(
        "/sign-in",
        {"email": "a@example.org", "password": "x" * 12},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    colleague = client.post(
        "/sign-in",
        {"email": "a@example.org", "password": "x" * 12},
        headers={"X-Forwarded-For": "203.0.113.77"},
    )
    assert attacker.status_code == 429
    assert colleague.status_code == 401  # the proxy's own address was never the one limited
