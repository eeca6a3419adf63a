"""Rate limiting (Flask-Limiter) of sign-in attempts, per account and per address, and of PDF
renders, per person.

Only failed sign-in attempts count (a 401 response), so colleagues signing in behind one NAT
address in the morning are not throttled; a blocked attempt is refused before the password is
checked and gets the NHS-style 429 page. A PDF render holds a worker for up to a few seconds, so
one person cannot keep the workers busy by downloading again and again; PDFs already stored
(submissions) do not count. Counters live in RATELIMIT_STORAGE_URI: memory:// (one process) by
default, redis://host:6379 when several workers or machines must share them.
"""

from flask import current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

SIGN_IN_PER_ACCOUNT = "10 per 15 minutes"
SIGN_IN_PER_ADDRESS = "50 per 15 minutes"
PDF_RENDERS_PER_PERSON = "20 per 10 minutes"  # a board pack needs one or two

limiter = Limiter(key_func=get_remote_address)


def _account_key() -> str:
    """The e-mail address being tried, normalised as sign-in normalises it."""
    return "account:" + (request.form.get("email") or "").strip().lower().replace("\x00", "")


def _failed(response) -> bool:
    return response.status_code == 401


def _switched_off() -> bool:
    # Per app, not Flask-Limiter's RATELIMIT_ENABLED: that one is kept on the shared Limiter object,
    # so the last app created in a process (the test suite creates hundreds) would decide for all.
    return not current_app.config["SIGN_IN_RATE_LIMITS"]


def _per_account() -> str:
    return current_app.config.get("SIGN_IN_LIMIT_PER_ACCOUNT", SIGN_IN_PER_ACCOUNT)


def _per_address() -> str:
    return current_app.config.get("SIGN_IN_LIMIT_PER_ADDRESS", SIGN_IN_PER_ADDRESS)


def limit_sign_in(view):
    """Apply both sign-in limits to a view (POST only: showing the form is never limited)."""
    options = dict(methods=["POST"], deduct_when=_failed, exempt_when=_switched_off)
    view = limiter.limit(_per_account, key_func=_account_key, **options)(view)
    return limiter.limit(_per_address, key_func=get_remote_address, **options)(view)


def _person_key() -> str:
    return f"pdf-renders:{current_user.get_id()}"


def limit_pdf_renders(view):
    """Count the PDFs this view renders against the person's limit (one counter for every PDF view).
    Put it inside the access decorator: the person must be known."""
    return limiter.shared_limit(
        lambda: current_app.config.get("PDF_RENDER_LIMIT", PDF_RENDERS_PER_PERSON),
        scope="pdf-renders",
        key_func=_person_key,
        deduct_when=lambda response: bool(g.get("pdf_rendered")),
        exempt_when=lambda: not current_app.config["PDF_RATE_LIMITS"],
    )(view)


def pdf_rendered() -> None:
    """Tell the limiter this response cost a render."""
    g.pdf_rendered = True


def init_app(app):
    # The test suite signs in hundreds of times: limits are off under TESTING unless a test asks.
    app.config.setdefault("SIGN_IN_RATE_LIMITS", not app.testing)
    app.config.setdefault("PDF_RATE_LIMITS", not app.testing)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "dspt-portal")
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        # Behind nginx the client's address is in X-Forwarded-For; trust only our own proxies.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    limiter.init_app(app)
    # Only sign-in is limited, and its decorator checks the limits itself. The extension's
    # before-request check looks for application-wide limits, which we do not set, on every
    # request: a tenth of an htmx keystroke check's time, for nothing.
    app.before_request_funcs[None].remove(limiter._check_request_limit)
