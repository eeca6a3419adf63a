import pytest

from dspt_portal import create_app
from dspt_portal.config import ConfigError


def test_production_without_a_secret_key_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app()


def test_development_creates_and_reuses_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    first = create_app({"TESTING": True})
    second = create_app({"TESTING": True})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32


def test_an_unsupported_database_url_is_named(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://db/portal")
    with pytest.raises(ConfigError, match="DATABASE_URL must start with sqlite:/// or postgresql://"):
        create_app({"SECRET_KEY": "x"})


def test_an_unreachable_database_gives_a_clear_cli_error(monkeypatch):
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    result = app.test_cli_runner().invoke(args=["migrate"])
    assert result.exit_code != 0
    assert "Could not reach the database at postgresql://nobody:***@127.0.0.1:1/none" in result.output
