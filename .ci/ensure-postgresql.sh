#!/usr/bin/env bash
# Makes sure Debian's PostgreSQL server binaries (initdb, pg_ctl, postgres) are on this machine for the tests of the
# persistent Hazelcast map, which start their own server (PostgresServer). Does nothing when they are present; else
# installs the package "postgresql" with apt-get (through sudo when not root). The tests run PostgreSQL as the
# package's user "postgres" when they run as root (postgres refuses root): that user is made when missing. Fails
# loudly, naming the package, when it cannot be installed: the tests are never skipped in silence.
set -uo pipefail

package="postgresql"
found() {
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}

fail() {
    echo "ensure-postgresql: $1" >&2
    echo "ensure-postgresql: the persistence tests need Debian's package '$package';" \
         "install it (apt-get install -y $package) and run the build again" >&2
    exit 1
}

sudo=""
if [ "$(id -u)" != 0 ]; then
    sudo="sudo -n"
fi

if ! found; then
    command -v apt-get >/dev/null 2>&1 || fail "initdb is missing and there is no apt-get on this machine"
    [ -z "$sudo" ] || command -v sudo >/dev/null 2>&1 || fail "not root and no sudo: cannot install the package"
    echo "ensure-postgresql: installing $package with apt-get (about a minute)"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -q >/dev/null || fail "apt-get update failed"
    $sudo apt-get install -y -q --no-install-recommends $package >/dev/null || fail "apt-get install $package failed"
    found || fail "apt-get installed $package, but no /usr/lib/postgresql/*/bin/initdb"
    echo "ensure-postgresql: $(ls -d /usr/lib/postgresql/*/bin | tail -1)"
fi
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres || fail "could not add the user postgres"
fi
exit 0
