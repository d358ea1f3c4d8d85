#!/usr/bin/env bash
# Installs Debian's Chromium for the console's browser test, only when it is not there already.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "install-browser: /usr/bin/chromium is present ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown')); nothing to do"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi

echo "install-browser: /usr/bin/chromium is missing; installing Debian's chromium package"
echo "install-browser: apt-get update -qq"
$SUDO apt-get update -qq
echo "install-browser: apt-get install -y -qq chromium"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
echo "install-browser: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
