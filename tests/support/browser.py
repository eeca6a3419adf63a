"""Debian's chromium for the Playwright tests (tests/browser and tests/frontend/test_browser.py):
where it is, how it is started, and the rule that CI never skips the browser tests."""

import os
import shutil

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REASON = "needs Debian's chromium package (apt-get install chromium); .ci/run installs it"

# .ci/run sets REQUIRE_BROWSER: there a missing chromium fails the run instead of skipping tests.
if not CHROMIUM and os.environ.get("REQUIRE_BROWSER"):
    raise RuntimeError("REQUIRE_BROWSER is set but chromium is not installed")
