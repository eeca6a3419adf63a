"""Real browser tests: Playwright drives Debian's chromium (never a downloaded browser) against the
portal served on 127.0.0.1 from a thread, with the test database."""

import threading

import pytest
from werkzeug.serving import make_server

from dspt_portal import demo
from dspt_portal.extensions import db
from tests.support.browser import ARGS, CHROMIUM, REASON

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM:
                item.add_marker(pytest.mark.skip(reason=REASON))


@pytest.fixture
def live_server(app):
    """The portal with demo organisations and accounts (no demo plans), on a free loopback port."""
    with app.app_context():
        demo.seed(demo.DEFAULT_PASSWORD, with_plans=False)
    db.close()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="module")
def browser():
    """One chromium per test module: Playwright's sync API runs an event loop while it is open."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Browsing:
    """A person at a browser: sign in, check accessibility, read messages."""

    def __init__(self, page, server, *, javascript=True):
        self.page, self.server, self.javascript = page, server, javascript
        page.set_default_timeout(10_000)
        self.errors = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: (
                self.errors.append(msg.text)
                if msg.type == "error" and "Content Security Policy" in msg.text
                else None
            ),
        )
        # Nothing may leave the machine: every request to another host is refused.
        page.route(
            "**/*", lambda route: route.continue_() if route.request.url.startswith(server) else route.abort()
        )

    def go(self, path):
        self.page.goto(self.server + path)

    def sign_in(self, email, password=demo.DEFAULT_PASSWORD):
        self.go("/sign-in")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()

    def sign_out(self):
        self.page.get_by_role("button", name="Sign out").click()
        self.page.wait_for_load_state()

    def assert_accessible(self):
        """axe-core (vendored, served by the portal) finds no WCAG 2.2 A/AA violations."""
        if not self.javascript:
            return  # axe is JavaScript; the JavaScript journey checks the same pages
        if not self.page.evaluate("typeof axe !== 'undefined'"):
            self.page.add_script_tag(url=f"{self.server}/static/vendor/axe-core-4.14.1.min.js")
        violations = self.page.evaluate(
            """axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']})
               .then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' ')))"""
        )
        assert violations == [], violations
        assert self.errors == [], self.errors


@pytest.fixture
def person(browser, live_server):
    context = browser.new_context()
    yield Browsing(context.new_page(), live_server)
    context.close()


@pytest.fixture
def people_at_browsers(browser, live_server):
    """Open a browser (its own context, so its own cookies) per person, signed in when given an
    e-mail: several people can then take turns in one journey without signing out and in."""
    contexts = []

    def open_browser(email=None, *, javascript=True):
        context = browser.new_context(java_script_enabled=javascript)
        contexts.append(context)
        someone = Browsing(context.new_page(), live_server, javascript=javascript)
        if email:
            someone.sign_in(email)
        return someone

    yield open_browser
    for context in contexts:
        context.close()


@pytest.fixture
def person_without_js(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    yield Browsing(context.new_page(), live_server, javascript=False)
    context.close()
