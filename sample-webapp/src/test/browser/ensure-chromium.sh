#!/usr/bin/env bash
# Makes sure Debian's Chromium and its chromedriver are on this machine for DashboardIT (the dashboard tested in a real
# browser). Does nothing when both are present; else installs the packages "chromium chromium-driver" with apt-get
# (through sudo when not root). Fails loudly, naming the packages, when they cannot be installed: the browser test is
# never skipped in silence.
set -uo pipefail

packages="chromium chromium-driver"
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0
fi

fail() {
    echo "ensure-chromium: $1" >&2
    echo "ensure-chromium: the dashboard's browser test needs the Debian packages '$packages';" \
         "install them (apt-get install -y $packages) and run the build again" >&2
    exit 1
}

if ! command -v apt-get >/dev/null 2>&1; then
    fail "chromium or chromedriver is missing and there is no apt-get on this machine"
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "not root and no sudo: cannot install the packages"
    sudo="sudo -n"
fi

echo "ensure-chromium: installing $packages with apt-get (about a minute)"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null || fail "apt-get update failed"
$sudo apt-get install -y -q --no-install-recommends $packages >/dev/null || fail "apt-get install $packages failed"
command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 \
    || fail "apt-get installed the packages, but chromium or chromedriver is still not on the PATH"
echo "ensure-chromium: $(chromium --version 2>/dev/null), $(chromedriver --version 2>/dev/null | head -1)"
