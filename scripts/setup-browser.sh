#!/usr/bin/env bash
# The browser tests' one extra need, installed by `npm test` only (not by
# `npm run dev`): Debian's Chromium, which playwright-core drives.
set -euo pipefail
say() { echo "[setup] $*" >&2; }

# Browser tests drive Debian's Chromium (playwright-core cannot download one here).
if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ]; then
    say "installing Debian's chromium for the browser tests (once)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    say "installing Debian's chromium for the browser tests (once, with sudo)"
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    say "no /usr/bin/chromium and no way to install it: install Debian's chromium, or set CHROMIUM_PATH"
    exit 1
  fi
fi

