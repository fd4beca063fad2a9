#!/bin/sh
# Installs (from Debian) the real peers the test suite talks to, when they are missing:
# SimpleSAMLphp with PHP (the local Entra-shaped IdP), xmlsec1, and Chromium (the web app's browser
# tests drive Debian's /usr/bin/chromium with playwright-core; no browser is ever downloaded).
set -eu
missing=""
[ -d /usr/share/simplesamlphp/www ] || missing="$missing simplesamlphp"
command -v php >/dev/null 2>&1 || missing="$missing php-cli"
php -m 2>/dev/null | grep -qi '^dom$' || missing="$missing php-xml"
php -m 2>/dev/null | grep -qi '^mbstring$' || missing="$missing php-mbstring"
command -v xmlsec1 >/dev/null 2>&1 || missing="$missing xmlsec1"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "The tests need these Debian packages:$missing (run as root, or: sudo apt-get install$missing)" >&2
  exit 1
fi
echo "Installing test peers:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
