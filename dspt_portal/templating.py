"""Template globals and filters: navigation per role, dates in UK format, the demo clock banner."""

import datetime as dt

from flask import request, url_for
from flask_login import current_user

from . import roles
from .domain.dates import format_date, format_long

NAVIGATION = {
    roles.ORG_EDITOR: [("plans.home", "Your plans")],
    roles.ORG_SIGNATORY: [("plans.home", "Your plans")],
    roles.REGIONAL_REVIEWER: [("reviews.queue", "Review queue"), ("reviews.dashboard", "Dashboard")],
    roles.NATIONAL_REVIEWER: [("reviews.queue", "Review queue"), ("reviews.dashboard", "Dashboard")],
    roles.ADMIN: [
        ("admin.organisations", "Organisations"),
        ("admin.users", "Users"),
        ("admin.catalogue", "Catalogue"),
        ("admin.outbox", "Outbox"),
    ],
}


def nav_items():
    if not current_user.is_authenticated:
        return []
    items = []
    for endpoint, text in NAVIGATION.get(current_user.role, []):
        href = url_for(endpoint)
        items.append({"href": href, "text": text, "active": request.path.startswith(href)})
    return items


def init_app(app):
    app.jinja_env.filters["uk_date"] = lambda d: format_date(d) if d else ""
    app.jinja_env.filters["long_date"] = lambda d: format_long(d) if d else ""
    app.jinja_env.filters["uk_datetime"] = lambda t: (
        t.strftime("%d/%m/%Y %H:%M") if isinstance(t, dt.datetime) else ""
    )
    app.jinja_env.globals["role_label"] = lambda role: roles.LABELS.get(role, role)
    # Functions, not a context processor: only the page layout asks for them, and a context
    # processor would build the navigation for every htmx fragment too.
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["demo_today"] = lambda: _demo_today(app.config.get("PORTAL_TODAY"))
    app.jinja_env.globals["roles"] = roles


def _demo_today(fixed) -> str | None:
    return format_long(dt.date.fromisoformat(str(fixed))) if fixed else None
