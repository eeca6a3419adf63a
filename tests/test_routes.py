"""Meta-tests over the URL map: every route declares who may use it, and URLs are kebab-case."""

import re

from dspt_portal.security import ACCESS_ATTR


def test_every_route_declares_an_access_rule(app):
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and not hasattr(app.view_functions[rule.endpoint], ACCESS_ATTR)
    ]
    assert missing == []


def test_urls_are_kebab_case(app):
    for rule in app.url_map.iter_rules():
        static_parts = re.sub(r"<[^>]+>", "", rule.rule)
        assert re.fullmatch(r"[a-z0-9/.\-]*", static_parts), rule.rule


def test_every_state_changing_route_is_a_post(app):
    for rule in app.url_map.iter_rules():
        assert not ({"PUT", "DELETE", "PATCH"} & rule.methods), rule.rule
