"""Security headers, exactly: CSP with a per-response nonce, HSTS in production only, framing,
sniffing, referrer and feature policies, and no-store on signed-in pages but not on static files."""

from lxml import html as lxml_html

from dspt_portal import create_app, roles
from tests.conftest import TODAY
from tests.support.client import PageClient

EXPECTED_CSP = {
    "default-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def _csp(response) -> dict[str, list[str]]:
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        assert name not in directives, f"{name} given twice"
        directives[name] = values
    return directives


def _nonce(directives) -> str:
    script = directives["script-src"]
    assert script[0] == "'self'" and len(script) == 2 and script[1].startswith("'nonce-"), script
    return script[1].removeprefix("'nonce-").removesuffix("'")


def test_the_csp_is_exact_and_every_script_carries_this_responses_nonce(client, make):
    make.user(roles.NATIONAL_REVIEWER, email="dspt@example.org")
    client.sign_in("dspt@example.org")
    response = client.get("/reviews")
    directives = _csp(response)
    nonce = _nonce(directives)
    assert {k: v for k, v in directives.items() if k != "script-src"} == EXPECTED_CSP
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header and "*" not in header
    scripts = lxml_html.fromstring(response.get_data(as_text=True)).xpath("//script")
    assert len(scripts) >= 3  # htmx, the portal's script and the NHS.UK initialiser
    assert {s.get("nonce") for s in scripts} == {nonce}
    # External scripts come only from our own static folder; the one inline script (the NHS.UK
    # template's js-enabled class) runs only because it carries the nonce.
    assert all(s.get("src").startswith("/static/") for s in scripts if s.get("src"))
    assert len([s for s in scripts if not s.get("src")]) <= 1


def test_each_response_gets_a_new_unguessable_nonce(client):
    nonces = {_nonce(_csp(client.get("/sign-in"))) for _ in range(5)}
    assert len(nonces) == 5
    assert all(len(n) >= 22 for n in nonces)  # 16 random bytes, base64url


def test_responses_without_a_page_allow_no_inline_script_at_all(client):
    # JSON, files and htmx fragments never carry a script: their policy has no nonce to use.
    for url in ("/healthz", "/static/css/portal.css"):
        response = client.get(url, check=False)
        response.close()
        directives = _csp(response)
        assert directives["script-src"] == ["'self'"], url
        assert {k: v for k, v in directives.items() if k != "script-src"} == EXPECTED_CSP


def test_the_common_headers_are_on_every_response_including_errors_and_downloads(client):
    for url, status in (
        ("/sign-in", 200),
        ("/no-such-page", 404),
        ("/healthz", 200),
        ("/static/css/portal.css", 200),
    ):
        response = client.get(url, check=False)
        response.close()
        assert response.status_code == status, url
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert (
            response.headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=(), payment=()"
        )
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert _csp(response)["frame-ancestors"] == ["'none'"]


def test_no_hsts_in_development(client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers


def test_hsts_in_production(database_url, monkeypatch, make):
    monkeypatch.setenv("PORTAL_ENV", "production")
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "prod-secret",
            "TESTING": True,
            "PORTAL_TODAY": TODAY.isoformat(),
        }
    )
    response = PageClient(app.test_client()).get("/sign-in")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_signed_in_pages_and_downloads_are_never_stored_but_static_files_are_cacheable(client, make):
    org = make.organisation()
    user = make.user(roles.ORG_EDITOR, organisation=org, email="ed@example.org")
    plan = make.complete_plan(org, by=user)
    client.sign_in("ed@example.org")
    for url in (
        "/plans",
        f"/plans/{plan.id}",
        f"/plans/{plan.id}/plan.csv",
        f"/plans/{plan.id}/history",
        "/no-such-page",
    ):
        response = client.get(url, check=False)
        assert response.headers.get("Cache-Control") == "no-store", url
    static = client.get("/static/css/portal.css")
    static.close()
    assert static.status_code == 200
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_the_public_pages_are_not_marked_no_store_for_anonymous_visitors(client):
    # Nothing personal is on them, so browsers may keep them (back button works offline).
    assert "no-store" not in client.get("/status").headers.get("Cache-Control", "")
