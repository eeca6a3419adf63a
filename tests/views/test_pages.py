"""Health check and error pages: each says what happened and what to do next."""

from dspt_portal import create_app


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database():
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_a_database_outage_gives_the_503_page():
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/status")
    assert response.status_code == 503
    assert "The database cannot be reached at the moment" in response.get_data(as_text=True)


def test_not_found_and_errors_say_what_to_do(client, app):
    @app.route("/boom")
    def boom():
        raise RuntimeError("unexpected")

    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert "If you typed the web address, check it is correct" in client.text(missing)
    failed = client.get("/boom")
    assert failed.status_code == 500
    assert "Sorry, there is a problem with the service" in client.text(failed)


def test_public_pages_render(client):
    for url in ("/", "/accessibility", "/status", "/sign-in"):
        assert client.get(url).status_code == 200
