#!/usr/bin/env bash
# Vendor the pinned front-end (package.json / package-lock.json) into static/vendor/.
#
# The output is committed, so running the app never needs npm or the internet; re-run this
# only after changing a version in package.json (then update the version-named paths below
# and in templates/layouts/base.html).
#
# nhsuk-frontend's precompiled CSS loads Frutiger from assets.nhs.uk and icons from /assets/,
# so we compile the Sass ourselves: no web-font, system font stack, and asset URLs pointing
# at our own static folder.
set -euo pipefail

cd "$(dirname "$0")/.."

NHSUK_VERSION=10.6.1
HTMX_VERSION=2.0.11
AXE_VERSION=4.14.1

VENDOR=static/vendor
NHSUK_OUT="$VENDOR/nhsuk-frontend-$NHSUK_VERSION"
NHSUK_SRC=node_modules/nhsuk-frontend/dist/nhsuk

# --ignore-scripts: no package needs an install script; never download browsers etc.
if [ -f package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund
else
  npm install --ignore-scripts --no-audit --no-fund
fi

check_version() {  # package expected
  local got
  got=$(node -p "require('./node_modules/$1/package.json').version")
  if [ "$got" != "$2" ]; then
    echo "vendor-frontend: $1 is $got in node_modules, expected $2" >&2
    exit 1
  fi
}
check_version nhsuk-frontend "$NHSUK_VERSION"
check_version htmx.org "$HTMX_VERSION"
check_version axe-core "$AXE_VERSION"

rm -rf "$NHSUK_OUT" "$VENDOR/htmx-"* "$VENDOR/axe-core-"*
mkdir -p "$NHSUK_OUT"

# --- nhsuk-frontend CSS (compiled from Sass) ------------------------------------------------
# - no @font-face: Frutiger is served only from assets.nhs.uk, so use its fallback stack
#   (Arial/Helvetica) and switch the default font-face off (the v10 replacement for the
#   deprecated $nhsuk-include-font-face: false);
# - images (icons in CSS) from our static folder.
npx --no-install sass \
  --stdin \
  --load-path=node_modules \
  --style=compressed \
  --no-source-map \
  --quiet-deps \
  "$NHSUK_OUT/nhsuk-frontend.min.css" <<SCSS
@use "nhsuk-frontend/dist/nhsuk" as nhsuk with (
  \$nhsuk-assets-path: "/static/vendor/nhsuk-frontend-$NHSUK_VERSION/assets/",
  \$nhsuk-font-family: (arial, helvetica, sans-serif),
  \$nhsuk-include-default-font-face: false
);
// nhsuk-frontend 10 only sets html's font-family together with its Frutiger @font-face,
// so set the fallback stack ourselves.
html {
  font-family: nhsuk.\$nhsuk-font-family;
}
SCSS

# --- nhsuk-frontend JS (an ES module: load with type="module", then call initAll()) ----------
cp "$NHSUK_SRC/nhsuk-frontend.min.js" "$NHSUK_OUT/nhsuk-frontend.min.js"
# Drop the source-map comment: we do not ship the map.
sed -i 's|//# sourceMappingURL=.*$||' "$NHSUK_OUT/nhsuk-frontend.min.js"

# --- nhsuk-frontend assets (favicons, icons, manifest) --------------------------------------
cp -R "$NHSUK_SRC/assets" "$NHSUK_OUT/assets"
echo "nhsuk-frontend $NHSUK_VERSION (MIT licence), built by scripts/vendor-frontend.sh" > "$NHSUK_OUT/VERSION.txt"

# --- htmx -----------------------------------------------------------------------------------
cp node_modules/htmx.org/dist/htmx.min.js "$VENDOR/htmx-$HTMX_VERSION.min.js"
cp node_modules/htmx.org/LICENSE "$VENDOR/htmx-$HTMX_VERSION.LICENSE.txt"

# --- axe-core (browser tests only) ----------------------------------------------------------
cp node_modules/axe-core/axe.min.js "$VENDOR/axe-core-$AXE_VERSION.min.js"
cp node_modules/axe-core/LICENSE "$VENDOR/axe-core-$AXE_VERSION.LICENSE.txt"

# --- checks: nothing may reach another host --------------------------------------------------
if grep -Eo 'url\((["'"'"']?)(https?:)?//[^)]*\)' "$NHSUK_OUT/nhsuk-frontend.min.css"; then
  echo "vendor-frontend: external url() found in compiled CSS" >&2
  exit 1
fi
if grep -Eq 'https?://' "$NHSUK_OUT/nhsuk-frontend.min.css"; then
  echo "vendor-frontend: http(s) URL found in compiled CSS" >&2
  grep -Eo 'https?://[^")]*' "$NHSUK_OUT/nhsuk-frontend.min.css" >&2
  exit 1
fi

echo "vendor-frontend: wrote"
find "$VENDOR" -maxdepth 2 -type f | sort
