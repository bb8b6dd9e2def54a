#!/usr/bin/env bash
# Makes sure Debian's redis-server is on this machine for quota-redis's tests, which start their own servers on free
# ports, and the openssl command, with which the TLS test makes its server's certificate. Does nothing when both are
# present; else installs the missing packages ("redis-server", "openssl") with apt-get (through sudo when not root).
# Fails loudly, naming the packages, when they cannot be installed: the Redis tests are never skipped in silence.
# redis-server's own service is not needed (the tests start theirs), so it is stopped when apt-get started it.
set -uo pipefail

package=""
command -v redis-server >/dev/null 2>&1 || package="redis-server"
command -v openssl >/dev/null 2>&1 || package="${package:+$package }openssl"
if [ -z "$package" ]; then
    exit 0
fi

fail() {
    echo "ensure-redis: $1" >&2
    echo "ensure-redis: quota-redis's tests need the Debian package(s) '$package';" \
         "install them (apt-get install -y $package) and run the build again" >&2
    exit 1
}

if ! command -v apt-get >/dev/null 2>&1; then
    fail "$package missing and there is no apt-get on this machine"
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "not root and no sudo: cannot install the package"
    sudo="sudo -n"
fi

echo "ensure-redis: installing $package with apt-get"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null || fail "apt-get update failed"
$sudo apt-get install -y -q --no-install-recommends $package >/dev/null || fail "apt-get install $package failed"
command -v redis-server >/dev/null 2>&1 || fail "apt-get installed the package, but redis-server is still not on the PATH"
command -v openssl >/dev/null 2>&1 || fail "apt-get installed the package, but openssl is still not on the PATH"
# the service the package may have started listens on 6379; the tests never use it
if [ "${package#redis-server}" != "$package" ] && command -v service >/dev/null 2>&1; then
    $sudo service redis-server stop >/dev/null 2>&1 || true
fi
echo "ensure-redis: $(redis-server --version)"
