"""Security headers with a CSP nonce, session timeouts, and the access decorators every route carries."""

import datetime as dt
import secrets
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, g, request, session, url_for
from flask_login import current_user, logout_user

from .models import utcnow

# Every view carries exactly one of these markers; tests/test_routes.py checks it.
ACCESS_ATTR = "_access_rule"


def public(view):
    """Mark a view as open to anyone, signed in or not."""
    setattr(view, ACCESS_ATTR, ("public",))
    return view


def roles_required(*roles):
    """Allow signed-in users with one of these roles; everyone else gets 403 (or sign-in)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from .extensions import login_manager

                if getattr(request, "htmx", False):
                    # A redirect would be followed inside the fragment: send the whole page to sign in.
                    back_to = urlsplit(request.referrer or "/").path
                    return "", 401, {"HX-Redirect": url_for("auth.sign_in", next=back_to)}
                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, ACCESS_ATTR, ("roles", roles))
        return wrapped

    return decorator


signed_in = roles_required()  # any role


CSP = (
    "default-src 'self'; script-src 'self'; "
    "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
CSP_WITH_NONCE = CSP.replace("script-src 'self';", "script-src 'self' 'nonce-%s';")
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def init_app(app):
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def _session_timeouts():
        if not current_user.is_authenticated:
            return
        now = utcnow()
        idle = dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
        last_seen = session.get("last_seen")
        started = session.get("signed_in_at")
        absolute = app.permanent_session_lifetime
        expired = (last_seen and now - dt.datetime.fromisoformat(last_seen) > idle) or (
            started and now - dt.datetime.fromisoformat(started) > absolute
        )
        if expired:
            logout_user()
            session.clear()
            session["timed_out"] = True
            return
        # Writing the cookie on every htmx keystroke is wasteful: a minute's resolution is enough.
        if not last_seen or now - dt.datetime.fromisoformat(last_seen) > dt.timedelta(minutes=1):
            session["last_seen"] = now.isoformat()

    static_headers = dict(STATIC_HEADERS)
    if app.config.get("SESSION_COOKIE_SECURE"):
        static_headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    @app.after_request
    def _security_headers(response):
        # A nonce only when a template used one (pages with inline scripts); fragments and files
        # get the policy with no inline script allowed at all.
        nonce = g.get("csp_nonce")
        response.headers["Content-Security-Policy"] = CSP_WITH_NONCE % nonce if nonce else CSP
        response.headers.update(static_headers)
        if current_user.is_authenticated and not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response
