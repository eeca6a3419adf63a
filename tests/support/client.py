"""A test client that checks every HTML page it gets, and signs in like a person."""

import re
from collections import Counter

from lxml import html as lxml_html

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class PageProblem(AssertionError):
    pass


def check_page(body: str) -> lxml_html.HtmlElement:
    """Every full page: one h1, a title, no duplicate ids, labels that point at real controls."""
    doc = lxml_html.fromstring(body)
    h1s = doc.xpath("//h1")
    if len(h1s) != 1:
        raise PageProblem(f"expected one h1, found {len(h1s)}")
    title = doc.findtext(".//title") or ""
    if not title.strip() or "DSPT improvement plans" not in title:
        raise PageProblem(f"bad title {title!r}")
    ids = Counter(doc.xpath("//@id"))
    dupes = [i for i, n in ids.items() if n > 1]
    if dupes:
        raise PageProblem(f"duplicate ids: {dupes[:5]}")
    for label in doc.xpath("//label[@for]"):
        if label.get("for") not in ids:
            raise PageProblem(f"label for missing control {label.get('for')!r}")
    if doc.xpath("//*[@style]") or doc.xpath("//script[not(@nonce)]"):
        raise PageProblem("inline style or script without a nonce")
    return doc


class PageClient:
    """Wraps Flask's test client: checks HTML pages, adds the CSRF token to posts."""

    def __init__(self, client):
        self.raw = client
        self.csrf = None

    def _remember_token(self, response):
        if response.mimetype == "text/html":
            match = CSRF_META.search(response.get_data(as_text=True))
            if match:
                self.csrf = match.group(1)

    def get(self, url, *, check=True, **kwargs):
        response = self.raw.get(url, **kwargs)
        self._remember_token(response)
        is_page = response.mimetype == "text/html" and not 300 <= response.status_code < 400
        if check and is_page and not kwargs.get("headers", {}).get("HX-Request"):
            check_page(response.get_data(as_text=True))
        return response

    def token(self):
        if self.csrf is None:
            self.get("/accessibility", check=False)
        return self.csrf

    def post(self, url, data=None, *, csrf=True, htmx=False, check=True, **kwargs):
        data = dict(data or {}) if not isinstance(data, list) else data
        headers = dict(kwargs.pop("headers", {}))
        if csrf:
            if htmx:
                headers["X-CSRFToken"] = self.token()
            if isinstance(data, dict):
                data.setdefault("csrf_token", self.token())
            else:
                data = [*data, ("csrf_token", self.token())]
        if isinstance(data, list):
            from werkzeug.datastructures import MultiDict

            data = MultiDict(data)
        if htmx:
            headers["HX-Request"] = "true"
        response = self.raw.post(url, data=data, headers=headers, **kwargs)
        self._remember_token(response)
        if check and not htmx and response.mimetype == "text/html" and not 300 <= response.status_code < 400:
            check_page(response.get_data(as_text=True))
        return response

    def sign_in(self, email, password="demo-password-1"):
        self.get("/sign-in")
        response = self.post("/sign-in", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        self.csrf = None  # a new session gets a new token
        self.token()
        return response

    def sign_out(self):
        return self.post("/sign-out")

    def text(self, response) -> str:
        """The visible text of a page, white space folded."""
        doc = lxml_html.fromstring(response.get_data(as_text=True))
        for node in doc.xpath("//script|//style"):
            node.drop_tree()
        return " ".join(doc.text_content().split())
