#!/usr/bin/env bash
# Renders an HTML report (for example spec-models/target/mxspec-diff/v1.4-v1.7/diff.html) in headless
# Chromium and writes a PNG screenshot beside it. Installs Debian's chromium package when it is missing.
# usage: scripts/screenshot-report.sh <report.html> [width] [height]
set -euo pipefail
html=$(readlink -f "${1:?usage: scripts/screenshot-report.sh <report.html> [width] [height]}")
width=${2:-1280}
height=${3:-2400}
if ! command -v chromium >/dev/null; then
  echo "installing chromium (Debian package)..." >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q chromium >/dev/null; else sudo apt-get install -y -q chromium >/dev/null; fi
fi
png="${html%.html}.png"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" \
  --window-size="$width,$height" --screenshot="$png" "file://$html" >/dev/null 2>&1
echo "$png"
