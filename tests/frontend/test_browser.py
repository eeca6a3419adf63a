"""In Chromium: the layout's scripts start under the CSP, htmx sends the CSRF token, swaps 422
fragments, shows a message on 5xx, NHS.UK components initialise (also after a swap), and axe
finds no violations. Skipped on a developer machine without Debian's chromium (never in CI)."""

import threading

import pytest
from flask import render_template_string, request
from playwright import sync_api
from werkzeug.serving import make_server

from tests.support.browser import ARGS, CHROMIUM, REASON

from .conftest import make_app

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM, reason=REASON)]

PAGE = """{% extends "layouts/base.html" %}
{% import "components/forms.html" as forms %}
{% block title %}Row{% endblock %}
{% block content %}
<h1 class="nhsuk-heading-l">Row</h1>
<form method="post" action="/row" novalidate>
  {{ forms.button("Save", attrs={"hx-post": "/row", "hx-target": "#row", "hx-swap": "outerHTML", "id": "save"}) }}
  {{ forms.button("Break", secondary=true, attrs={"hx-post": "/boom", "hx-target": "#row", "id": "boom"}) }}
</form>
<div id="row"><p>Nothing yet</p></div>
{% endblock %}"""

FRAGMENT = """{% import "components/forms.html" as forms %}
<div id="row">
  <p id="csrf">{{ header }}</p>
  {{ forms.textarea(field, maxlength=50, error="Enter what needs to happen") }}
</div>"""


class Field:
    id = name = "detail"
    label = type("Label", (), {"text": "What needs to happen"})()
    errors = []
    data = ""

    def _value(self):
        return ""


def build_app():
    app = make_app()

    @app.after_request
    def csp(response):

        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self' 'nonce-test-nonce'; style-src 'self'; "
            "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        )
        return response

    @app.get("/page")
    def page():
        return render_template_string(PAGE)

    @app.post("/row")
    def row():  # CSRFProtect has already refused the request if the header is missing
        header = "token sent" if request.headers.get("X-CSRFToken") else "no token"
        return render_template_string(FRAGMENT, field=Field(), header=header), 422

    @app.post("/boom")
    def boom():
        return "Internal error", 500

    return app


@pytest.fixture(scope="module")
def server():
    srv = make_server("127.0.0.1", 0, build_app(), threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def test_layout_in_a_browser(server, browser):
    page = browser.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(server) else route.abort(),
    )
    page.goto(f"{server}/page")
    page.wait_for_selector("[data-nhsuk-header-init]", state="attached")

    assert page.evaluate("document.body.className").split() == ["js-enabled", "nhsuk-frontend-supported"]
    assert page.evaluate("htmx.version") == "2.0.11"
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("htmx.config.allowEval") is False
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert page.evaluate("getComputedStyle(document.body).fontFamily") == "arial, helvetica, sans-serif"

    # 422: swapped, CSRF header sent, and the new character count is initialised.
    page.click("#save")
    page.wait_for_selector("#csrf")
    assert page.text_content("#csrf") == "token sent"
    assert "Enter what needs to happen" in page.text_content("#row")
    page.wait_for_selector("[data-nhsuk-character-count-init]", state="attached")

    # 5xx: nothing swapped, a message in the live region.
    page.click("#boom")
    page.wait_for_selector("#app-htmx-error .nhsuk-error-summary")
    assert "Your changes have not been lost" in page.text_content("#app-htmx-error")
    assert page.text_content("#csrf") == "token sent"

    # Another good request clears the message.
    page.click("#save")
    page.wait_for_selector("#app-htmx-error:empty", state="attached")

    page.add_script_tag(url=f"{server}/static/vendor/axe-core-4.14.1.min.js")
    violations = page.evaluate(
        "axe.run(document).then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' ')))"
    )
    assert violations == []
    # The browser logs the 422 and 500 responses, and htmx the 500; nothing else may be
    # logged (a CSP violation or a script error would be).
    expected = ("Failed to load resource", "Response Status Error Code 500")
    assert [p for p in problems if not p.startswith(expected)] == []
    page.close()
