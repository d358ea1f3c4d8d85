#!/usr/bin/env bash
# Installs Debian's PostgreSQL, Redis and nginx for the scale profile, only when they are missing.
# It never starts or enables their system services: scripts/scale.py runs its own instances.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-scale: postgresql, redis-server and nginx are present; nothing to do"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi

# Debian starts a package's service on install unless policy-rc.d says no; we want none running.
policy=/usr/sbin/policy-rc.d
made_policy=
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    made_policy=1
fi
cleanup() { if [ -n "$made_policy" ]; then $SUDO rm -f "$policy"; fi; }
trap cleanup EXIT

echo "install-scale: missing ${missing[*]}; installing Debian's packages"
echo "install-scale: apt-get update -qq"
$SUDO apt-get update -qq
echo "install-scale: apt-get install -y -qq ${missing[*]}"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-scale: installed ${missing[*]}"
