#!/usr/bin/env bash
# The one way to run the checks: set up .venv from the project's own files, then run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# fonts-noto-cjk: without it Chromium draws the page's Chinese as boxes (docs/screenshot.png).
if ! command -v chromium >/dev/null 2>&1 || ! [ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]; then
    echo "installing Debian's chromium and CJK fonts for the browser tests" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
        || echo "warning: chromium could not be installed; browser tests will fail" >&2
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
exec .venv/bin/python -m pytest "$@"
