"""The base layout: title, header and footer per sign-in state, flashes, CSP-safe scripts."""

import re
from collections import Counter
from html.parser import HTMLParser

from flask import flash, render_template_string

PAGE = """{% extends "layouts/base.html" %}
{% block title %}Your plans{% endblock %}
{% block beforeContent %}<a class="nhsuk-back-link" href="/">Back</a>{% endblock %}
{% block content %}<h1>Your plans</h1>{% endblock %}"""

NAV = [
    {"href": "/plans", "text": "Your plans", "active": True},
    {"href": "/reviews", "text": "Review <queue>", "active": False},
]


class Page(HTMLParser):
    """Collects tags with their attributes, and inline script bodies."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self._in_script = None
        self.inline_scripts = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "script" and "src" not in attributes:
            self._in_script = attributes

    def handle_data(self, data):
        if self._in_script is not None:
            self.inline_scripts.append((self._in_script, data))
            self._in_script = None

    def all(self, tag):
        return [attributes for name, attributes in self.tags if name == tag]


def render(app, source=PAGE, flashes=(), **context):
    with app.test_request_context("/plans"):
        for category, message in flashes:
            flash(message, category)
        return render_template_string(source, **context)


def test_page_basics(app):
    html = render(app)
    page = Page(html)
    assert '<html lang="en-GB">' in html
    assert "<title>Your plans – DSPT improvement plans – NHS England</title>" in html
    assert 'href="#maincontent"' in html and "Skip to main content" in html
    assert '<main class="nhsuk-main-wrapper" id="maincontent">' in html
    assert html.index("nhsuk-back-link") < html.index('id="maincontent"') < html.index("<h1>Your plans</h1>")
    assert page.all("meta")[-1] == {"name": "csrf-token", "content": page.all("meta")[-1]["content"]}
    assert len(page.all("meta")[-1]["content"]) > 20
    assert 'id="app-htmx-error"' in html and 'role="alert"' in html
    assert "Demo:" not in html


def test_title_says_error_when_the_form_has_errors(app):
    class Form:
        errors = {"email": ["Enter your email address"]}

    assert "<title>Error: Your plans – DSPT" in render(app, form=Form())
    assert "<title>Error: Your plans – DSPT" in render(app, page_has_errors=True)


def test_scripts_and_styles_are_local_with_nonce_and_nothing_inline(app):
    html = render(app)
    page = Page(html)
    scripts = page.all("script")
    assert [s.get("src") for s in scripts if s.get("src")] == [
        "/static/vendor/htmx-2.0.11.min.js",
        "/static/js/portal.js",
        "/static/js/nhsuk-init.js",
    ]
    assert all(s.get("nonce") == "test-nonce" for s in scripts)
    assert [s.get("type") for s in scripts if s.get("src", "").endswith("nhsuk-init.js")] == ["module"]
    # The only inline script is nhsuk's js-enabled class switch, which carries the nonce.
    assert len(page.inline_scripts) == 1 and "js-enabled" in page.inline_scripts[0][1]
    stylesheets = [link["href"] for link in page.all("link") if link.get("rel") == "stylesheet"]
    assert stylesheets == [
        "/static/vendor/nhsuk-frontend-10.6.1/nhsuk-frontend.min.css",
        "/static/css/portal.css",
    ]
    icons = [
        link["href"]
        for link in page.all("link")
        if "icon" in link.get("rel", "") or link.get("rel") == "manifest"
    ]
    assert icons and all(href.startswith("/static/vendor/nhsuk-frontend-10.6.1/assets/") for href in icons)
    assert "<style" not in html
    assert not [attrs for _, attrs in page.tags if "style" in attrs]
    assert not [attrs for _, attrs in page.tags if any(name.startswith("on") for name in attrs)]


def test_no_duplicate_ids(signed_in_app):
    html = render(signed_in_app, nav_items=lambda: NAV, flashes=[("success", "a"), ("info", "b")])
    ids = Counter(attrs["id"] for _, attrs in Page(html).tags if "id" in attrs)
    assert not [i for i, n in ids.items() if n > 1]


def test_header_when_signed_out(app):
    html = render(app, nav_items=lambda: NAV)
    assert 'class="nhsuk-header__service-name">DSPT improvement plans</span>' in html
    assert 'class="nhsuk-header__service-logo" href="/"' in html
    assert '<a class="nhsuk-header__account-link" href="/sign-in">' in html
    assert 'href="/status">Public status</a>' in html
    assert "Your plans</a>" not in html and "Sign out" not in html and "Change password" not in html
    assert "Verify a PDF" not in html


def test_header_when_signed_in(signed_in_app):
    html = render(signed_in_app, nav_items=lambda: NAV)
    squashed = re.sub(r"\s+", " ", html)
    assert (
        'href="/plans" aria-current="true"><strong class="nhsuk-header__navigation-item-current-fallback">Your plans</strong>'
        in squashed
    )
    assert 'href="/reviews">Review &lt;queue&gt;</a>' in squashed
    assert "Ada &lt;Lovelace&gt;" in squashed
    assert 'href="/account/password"> Change password </a>' in squashed
    forms = [attrs for tag, attrs in Page(html).tags if tag == "form" and attrs.get("action") == "/sign-out"]
    assert forms and forms[0]["method"] == "post"
    sign_out = squashed[squashed.index('action="/sign-out"') :]
    assert re.match(
        r'[^<]*> <input type="hidden" name="csrf_token" value="[^"]+"> <button class="nhsuk-header__account-button" type="submit">Sign out</button>',
        sign_out,
    )
    assert "Sign in" not in html


def test_footer_links(app, signed_in_app):
    html = render(app)
    assert 'href="/status">Public status</a>' in html
    assert 'href="/accessibility">Accessibility statement</a>' in html
    assert "Verify a PDF" not in html
    assert 'href="/verify">Verify a PDF</a>' in render(signed_in_app)


def test_flash_messages(app):
    html = re.sub(
        r"\s+",
        " ",
        render(app, flashes=[("success", "Plan <saved>"), ("info", "Note"), ("warning", "Careful")]),
    )
    assert "nhsuk-notification-banner--success" in html and "Plan &lt;saved&gt;" in html
    assert html.count('class="nhsuk-notification-banner"') == 1  # info: the default banner
    assert "app-notification-banner--warning" in html and "> Warning </h2>" in html
    assert html.index("notification-banner") > html.index('id="maincontent"')


def test_demo_clock_banner(app):
    html = render(app, demo_today=lambda: "1 April 2025")
    assert "Demo: the portal's clock is set to 1 April 2025" in html
