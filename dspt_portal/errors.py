"""Error pages from one helper: each says what happened and what to do next."""

import logging

from flask import g, render_template, request
from peewee import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from .extensions import login_manager

log = logging.getLogger(__name__)

PAGES = {
    400: (
        "Sorry, there is a problem with your request",
        "Go back, check what you entered and try again. If you were filling in a form, "
        "reload the page first: your session may have expired.",
    ),
    403: (
        "You do not have permission to see this page",
        "If you think you should, ask your organisation's administrator or the NHS England DSPT team.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted it, check you copied all of it.",
    ),
    405: ("Sorry, there is a problem with your request", "Go back and try again."),
    409: (
        "This plan cannot be changed now",
        "It is with NHS England for review, or already agreed. Go back to the plan to see its status.",
    ),
    413: ("The file is too large", "Files must be 5 MB or smaller. Go back and choose a smaller file."),
    429: ("Too many attempts", "Wait a few minutes, then try again."),
    500: (
        "Sorry, there is a problem with the service",
        "Try again later. Nothing you saved before this error has been lost.",
    ),
    503: (
        "Sorry, the service is unavailable",
        "The database cannot be reached at the moment. Try again in a few minutes: "
        "your last saved changes are safe.",
    ),
}


def render_error(status: int, *, detail: str | None = None):
    """Render the error page for a status code; htmx requests get the message in a small fragment."""
    title, next_step = PAGES.get(status, PAGES[500])
    template = "errors/_fragment.html" if getattr(request, "htmx", False) else "errors/error.html"
    return render_template(template, status=status, title=title, next_step=next_step, detail=detail), status


def init_app(app):
    @app.errorhandler(HTTPException)
    def _http_error(exc):
        detail = None
        if exc.code == 400 and "CSRF" in (exc.description or ""):
            detail = "The form you sent was out of date or incomplete. Reload the page and try again."
        elif exc.code == 429 and (request.endpoint or "").startswith("downloads."):
            detail = (
                "Making a PDF takes the service a few seconds, so each person can make a limited "
                "number in a few minutes. The PDFs you downloaded are still valid."
            )
        return render_error(exc.code or 500, detail=detail)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_down(exc):
        log.exception("Database unavailable")
        # The page must not need the database: were the user still to be loaded, rendering it would
        # fail again and the person would get a bare server error instead.
        g._login_user = login_manager.anonymous_user()
        return render_error(503)

    @app.errorhandler(Exception)
    def _unexpected(exc):
        log.exception("Unhandled error")
        return render_error(500)
