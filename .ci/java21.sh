#!/usr/bin/env bash
# Links $1 (a module's target/java21) to a JDK of version 21 or newer: Payara Micro 7 needs Java 21, while the library
# builds with JDK 17 (its bytecode stays 17). Looks at JAVA21_HOME, then JAVA_HOME, then every JDK in /usr/lib/jvm
# (the machine's second JDK is Temurin 25 there). Fails naming what to install when there is none: the Payara Micro 7
# integration tests are never skipped silently. When the build skips its tests ($2 or $3 is "true": skipTests,
# maven.test.skip), a missing JDK 21 is no error: the link then names this build's own JDK, which failsafe checks exists.
set -euo pipefail
link="$1"
skipping=false
[ "${2:-}" = true ] || [ "${3:-}" = true ] && skipping=true
mkdir -p "$(dirname "$link")"
for home in "${JAVA21_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [ -n "$home" ] && [ -x "$home/bin/java" ] || continue
  version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [ -n "$version" ] && [ "${version%%.*}" -ge 21 ]; then
    ln -sfn "$(readlink -f "$home")" "$link"
    echo "Payara Micro 7 integration tests run on $(readlink -f "$home") (Java $version)"
    exit 0
  fi
done
if [ "$skipping" = true ]; then
  java_bin=$(readlink -f "$(command -v java)")
  ln -sfn "$(dirname "$(dirname "$java_bin")")" "$link"
  exit 0
fi
echo "The Payara Micro 7 integration tests need a JDK 21 or newer: none in JAVA21_HOME, JAVA_HOME or /usr/lib/jvm." >&2
echo "Install one (e.g. Temurin 25) or point JAVA21_HOME at it." >&2
exit 1
