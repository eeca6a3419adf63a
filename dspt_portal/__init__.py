"""DSPT improvement plan portal: the application factory."""

from pathlib import Path

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader

from . import config as config_module

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the portal; `config` overrides settings read from the environment."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
    )
    app.config.update(config_module.DEFAULTS)
    app.config.update(
        config_module.from_environment(Path(app.instance_path), (config or {}).get("SECRET_KEY"))
    )
    app.config.update(config or {})

    # The NHS.UK macros expect lenient undefined handling; tests render every page to catch typos.
    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(str(ROOT / "templates")), PackageLoader("nhsuk_frontend_jinja")]
    )
    app.jinja_env.undefined = ChainableUndefined
    # The NHS.UK templates end in .jinja, which Flask's default autoescape does not cover.
    app.jinja_env.autoescape = True
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from . import auth, cli, database, errors, notifications, ratelimit, security, templating
    from .extensions import csrf, htmx

    database.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    ratelimit.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    notifications.init_app(app)

    from .views import admin, downloads, history, imports, main, plans, progress, public, reviews
    from .views import auth as auth_views

    for module in (main, auth_views, public, plans, progress, history, imports, downloads, reviews, admin):
        app.register_blueprint(module.bp)
    return app
