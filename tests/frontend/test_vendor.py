"""The vendored front end is complete, pinned, and never reaches another host."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
NHSUK = STATIC / "vendor" / "nhsuk-frontend-10.6.1"

VENDORED = [
    NHSUK / "nhsuk-frontend.min.css",
    NHSUK / "nhsuk-frontend.min.js",
    NHSUK / "assets" / "manifest.json",
    NHSUK / "assets" / "images" / "favicon.ico",
    NHSUK / "assets" / "images" / "favicon.svg",
    NHSUK / "assets" / "images" / "nhsuk-icon-180.png",
    NHSUK / "assets" / "images" / "nhsuk-icon-mask.svg",
    STATIC / "vendor" / "htmx-2.0.11.min.js",
    STATIC / "vendor" / "axe-core-4.14.1.min.js",
    STATIC / "css" / "portal.css",
    STATIC / "js" / "portal.js",
    STATIC / "js" / "nhsuk-init.js",
]
CSS_FILES = [NHSUK / "nhsuk-frontend.min.css", STATIC / "css" / "portal.css"]
JS_FILES = [*STATIC.glob("vendor/*.js"), NHSUK / "nhsuk-frontend.min.js", *STATIC.glob("js/*.js")]

CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
CSS_IMPORT = re.compile(r"@import\s+(?:url\()?\s*['\"]?([^'\");]+)")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)  # http://, https://, //host


@pytest.mark.parametrize("path", VENDORED, ids=lambda p: str(p.relative_to(STATIC)))
def test_vendored_file_exists(path):
    assert path.is_file() and path.stat().st_size > 0


@pytest.mark.parametrize("path", CSS_FILES, ids=lambda p: p.name)
def test_css_has_no_external_url(path):
    css = path.read_text(encoding="utf-8")
    references = CSS_URL.findall(css) + CSS_IMPORT.findall(css)
    assert not [ref for ref in references if EXTERNAL.match(ref.strip())]
    assert "http://" not in css and "https://" not in css


def test_nhsuk_css_has_no_web_font_and_a_system_font_stack():
    css = (NHSUK / "nhsuk-frontend.min.css").read_text(encoding="utf-8")
    assert "@font-face" not in css and "Frutiger" not in css
    assert "html{font-family:arial,helvetica,sans-serif}" in css


def test_nhsuk_css_images_are_served_from_our_static_folder():
    css = (NHSUK / "nhsuk-frontend.min.css").read_text(encoding="utf-8")
    references = {ref for ref in CSS_URL.findall(css) if not ref.startswith("data:")}
    assert references, "expected icon url()s in the compiled CSS"
    for ref in references:
        assert ref.startswith("/static/vendor/nhsuk-frontend-10.6.1/assets/"), ref
        assert (ROOT / ref.lstrip("/")).is_file(), ref


@pytest.mark.parametrize("path", JS_FILES, ids=lambda p: p.name)
def test_js_loads_nothing_from_another_host(path):
    js = path.read_text(encoding="utf-8")
    # CSS url()s, ES module imports and dynamic imports that point at another host.
    for pattern in (
        r"url\(\s*['\"]?((?:https?:)?//[^'\")]+)",
        r"\bfrom\s*['\"]((?:https?:)?//[^'\"]+)",
        r"\bimport\s*\(\s*['\"]((?:https?:)?//[^'\"]+)",
        r"\bimport\s*['\"]((?:https?:)?//[^'\"]+)",
    ):
        assert not re.findall(pattern, js), pattern


def test_versions_in_files_match_package_json():
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    deps = {**package["dependencies"], **package["devDependencies"]}
    assert deps["nhsuk-frontend"] == "10.6.1"
    assert deps["htmx.org"] == "2.0.11"
    assert deps["axe-core"] == "4.14.1"
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in deps.values()), deps
    assert 'version:"2.0.11"' in (STATIC / "vendor" / "htmx-2.0.11.min.js").read_text(encoding="utf-8")
    assert 'version="10.6.1"' in (NHSUK / "nhsuk-frontend.min.js").read_text(encoding="utf-8")
    assert "axe v4.14.1" in (STATIC / "vendor" / "axe-core-4.14.1.min.js").read_text(encoding="utf-8")[:200]


def test_nhsuk_module_exports_what_nhsuk_init_imports():
    init = (STATIC / "js" / "nhsuk-init.js").read_text(encoding="utf-8")
    source, names = re.search(r'import \{([^}]*)\} from "([^"]+)"', init).group(2, 1)
    assert (STATIC / "js" / source).resolve() == (NHSUK / "nhsuk-frontend.min.js").resolve()
    exports = re.search(
        r"export\{([^}]*)\}", (NHSUK / "nhsuk-frontend.min.js").read_text(encoding="utf-8")
    ).group(1)
    exported = {part.split(" as ")[-1].strip() for part in exports.split(",")}
    assert {name.strip() for name in names.split(",")} <= exported


def test_every_static_file_the_templates_name_exists():
    names = set()
    for template in (ROOT / "templates").rglob("*.html"):
        names |= set(
            re.findall(
                r"url_for\(\s*['\"]static['\"]\s*,\s*filename\s*=\s*['\"]([^'\"]+)['\"]",
                template.read_text(encoding="utf-8"),
            )
        )
    assert names
    missing = [name for name in names if not (STATIC / name).exists()]
    assert not missing
