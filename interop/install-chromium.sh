#!/usr/bin/env bash
# Installs headless Chromium (Debian's chromium package) for the browser client test
# (BrowserClientTest). Safe to run again; prints the browser's path.
set -euo pipefail
if ! command -v chromium >/dev/null; then
  echo "installing chromium (Debian package)..." >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y -q chromium >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
  else
    sudo apt-get install -y -q chromium >/dev/null || { sudo apt-get update -q >/dev/null && sudo apt-get install -y -q chromium >/dev/null; }
  fi
fi
command -v chromium
