#!/usr/bin/env bash
# Installs the real Matrix clients the interop tests drive: matrix-nio (Debian's python3-matrix-nio) with
# olm for its encryption (Debian's python3-olm), matrix-js-sdk (npm, pinned in interop/js/package.json,
# with its Rust crypto) and the application service framework matrix-bot-sdk (npm, pinned there too; its
# native encryption library is stood in for by interop/js/no-native-crypto). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"
if ! /usr/bin/python3 -c 'import nio' 2>/dev/null; then
  echo "installing python3-matrix-nio (Debian package)..." >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q python3-matrix-nio >/dev/null; else sudo apt-get install -y -q python3-matrix-nio >/dev/null; fi
fi
if ! /usr/bin/python3 -c 'import olm' 2>/dev/null; then
  echo "installing python3-olm (Debian package)..." >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q python3-olm >/dev/null; else sudo apt-get install -y -q python3-olm >/dev/null; fi
fi
if [ ! -d js/node_modules/matrix-js-sdk ] || [ ! -d js/node_modules/matrix-bot-sdk ]; then
  echo "installing matrix-js-sdk and matrix-bot-sdk (npm)..." >&2
  (cd js && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
