"""A minimal Flask app for the layout and macro tests: the real template set-up, stub views."""

from pathlib import Path

import pytest
from flask import Blueprint, Flask
from flask_login import LoginManager, UserMixin
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader

ROOT = Path(__file__).resolve().parents[2]

# Endpoints the base layout links to, with stub views.
STUB_ENDPOINTS = {
    "main": [("/", "index"), ("/accessibility", "accessibility")],
    "auth": [
        ("/sign-in", "sign_in"),
        ("/sign-out", "sign_out"),
        ("/account/password", "change_password"),
    ],
    "public": [("/status", "status")],
    "downloads": [("/verify", "verify")],
}


class FakeUser(UserMixin):
    id = "1"
    full_name = "Ada <Lovelace>"


def make_app(signed_in=False):
    app = Flask(__name__, static_folder=str(ROOT / "static"), template_folder=str(ROOT / "templates"))
    app.config.update(SECRET_KEY="test", TESTING=True)
    # As nhsuk-frontend-jinja's README: its .jinja templates need autoescape switched on for
    # every extension (Flask's default only covers .html and friends).
    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(str(ROOT / "templates")), PackageLoader("nhsuk_frontend_jinja")]
    )
    app.jinja_env.undefined = ChainableUndefined
    app.jinja_env.autoescape = True
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["csp_nonce"] = lambda: "test-nonce"
    # The factory's layout globals (dspt_portal/templating.py); tests pass their own.
    app.jinja_env.globals["nav_items"] = lambda: []
    app.jinja_env.globals["demo_today"] = lambda: None
    CSRFProtect(app)
    login = LoginManager(app)
    login.user_loader(lambda user_id: FakeUser())
    if signed_in:
        login.request_loader(lambda request: FakeUser())
    for name, rules in STUB_ENDPOINTS.items():
        bp = Blueprint(name, __name__)
        for rule, endpoint in rules:
            bp.add_url_rule(rule, endpoint, lambda: "", methods=["GET", "POST"])
        app.register_blueprint(bp)
    return app


@pytest.fixture
def app():
    return make_app()


@pytest.fixture
def signed_in_app():
    return make_app(signed_in=True)
