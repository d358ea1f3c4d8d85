#!/usr/bin/env bash
# Installs the website chat widget (rasa-webchat) and axe-core (the browser tests' accessibility checker), both pinned
# in package-lock.json, into node_modules, only when one is missing or older than package-lock.json.
# The Rasa server serves the widget's bundle itself.
set -euo pipefail
cd "$(dirname "$0")/.."

installed=node_modules/rasa-webchat/package.json
packages=("$installed" node_modules/axe-core/package.json)
stale=""
for package in "${packages[@]}"; do
    if [ ! -f "$package" ]; then
        stale="${package%/package.json} is missing"
        break
    fi
    if [ package-lock.json -nt "$package" ]; then
        stale="package-lock.json is newer than ${package%/package.json}"
        break
    fi
done
if [ -z "$stale" ]; then
    version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$installed" | head -n 1)
    echo "install-widget: node_modules/rasa-webchat $version and axe-core are up to date with package-lock.json; nothing to do"
    exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "install-widget: npm is missing: install Node.js 18 or later with npm (Debian: apt-get install nodejs npm)" >&2
    exit 1
fi

echo "install-widget: $stale; installing"
echo "install-widget: npm ci --no-audit --no-fund"
npm ci --no-audit --no-fund
echo "install-widget: installed; the widget is served from /webhooks/socketio/widget.js"
