#!/usr/bin/env bash
# Installs the website chat widget (rasa-webchat, pinned in package-lock.json) into node_modules,
# only when it is missing or older than package-lock.json. The Rasa server serves its bundle itself.
set -euo pipefail
cd "$(dirname "$0")/.."

installed=node_modules/rasa-webchat/package.json
if [ -f "$installed" ] && [ ! package-lock.json -nt "$installed" ]; then
    version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$installed" | head -n 1)
    echo "install-widget: node_modules/rasa-webchat $version is up to date with package-lock.json; nothing to do"
    exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "install-widget: npm is missing: install Node.js 18 or later with npm (Debian: apt-get install nodejs npm)" >&2
    exit 1
fi

if [ -f "$installed" ]; then
    echo "install-widget: package-lock.json is newer than node_modules/rasa-webchat; reinstalling"
else
    echo "install-widget: node_modules/rasa-webchat is missing; installing"
fi
echo "install-widget: npm ci --no-audit --no-fund"
npm ci --no-audit --no-fund
echo "install-widget: installed; the widget is served from /webhooks/socketio/widget.js"
