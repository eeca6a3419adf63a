"""Configuration read from the environment; create_app(config=...) overrides for tests."""

import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """A setting is missing or wrong: the message names it and says how to fix it."""


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def from_environment(instance_path: Path, secret_key: str | None = None) -> dict:
    """Settings from the environment, with development defaults in the instance folder."""
    env = os.environ.get("PORTAL_ENV", "development")
    production = env == "production"
    config = {
        "ENV_NAME": env,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'portal.db'}",
        "SECRET_KEY": secret_key or os.environ.get("SECRET_KEY"),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "PORTAL_TODAY": os.environ.get("PORTAL_TODAY") or None,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_FROM": os.environ.get("MAIL_FROM", "dspt-plans@example.org"),
        "PORTAL_BASE_URL": os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000"),
        "SIGNING_KEY": os.environ.get("SIGNING_KEY") or None,
        "SIGNING_CERT": os.environ.get("SIGNING_CERT") or None,
        "SIGNING_CHAIN": [p for p in os.environ.get("SIGNING_CHAIN", "").split(":") if p],
        "SIGNING_KEY_PASSPHRASE": os.environ.get("SIGNING_KEY_PASSPHRASE") or None,
        # Sign-in rate limits: counters shared through e.g. redis://host:6379 when there are several machines.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
    }
    if not config["SECRET_KEY"]:
        if production:
            raise ConfigError(
                "SECRET_KEY is not set. In production set SECRET_KEY to a long random value, "
                'for example: python -c "import secrets; print(secrets.token_hex(32))"'
            )
        config["SECRET_KEY"] = _instance_secret(instance_path)
    return config


def _instance_secret(instance_path: Path) -> str:
    """A development secret generated once and kept in instance/, so sessions survive restarts."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


DEFAULTS = {
    "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,  # spreadsheets are limited to 5 MB; forms are small
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,  # absolute limit of a working day
    "SESSION_IDLE_MINUTES": 30,
    # The cookie is re-signed when the session changes (sign-in, and "last seen" once a minute at
    # most), not on every htmx keystroke; the idle and absolute limits are checked server-side.
    "SESSION_REFRESH_EACH_REQUEST": False,
}
