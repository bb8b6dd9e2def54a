#!/usr/bin/env bash
# Two builds of the code side by side in one run on this machine: memory per tracked user (MemoryFootprint) and the
# in-JVM decision rate (DecisionBenchmark, 1 thread), run alternately, before then after, ROUNDS times (A B A B), with
# the same JMH options, then what measuring a request's cost adds (CostBenchmark, after only: before had no meter).
# Each directory is the root of a checkout built with
#   mvn -B -o -q package -DskipTests -pl benchmarks -am
# (the reactor builds quota-filter and quota-cdi into that checkout's own target; nothing is installed). Run it under
# the machine's heavy lock: flock /tmp/quotaware-heavy.lock benchmarks/before-after.sh BEFORE AFTER OUT
# The after side also runs quotaware-6w: today's three windows and three more declared (Quotaware#inMemorySixWindows).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"

BEFORE="$1"
AFTER="$2"
OUT="$3"
ROUNDS="${ROUNDS:-2}"
WI="${WI:-4}"   # warm-up iterations of 1 s: under load the code before issue 18 needed more than 4 to be compiled
BEFORE_LIMITERS="${BEFORE_LIMITERS:-quotaware,bucket4j-1}"
AFTER_LIMITERS="${AFTER_LIMITERS:-quotaware,quotaware-6w,bucket4j-1}"
JAVA="${JAVA:-java}"
JMH_OPTS=(-foe true -f 1 -wi "$WI" -w 1 -i 5 -r 1 -t 1 -prof gc -p users=1,100000 -p path=SUCCESS,REJECTION)

mkdir -p "$OUT"
T0=$(date +%s)
log() { printf '\n=== %s (%ss, load %s)\n' "$*" "$(( $(date +%s) - T0 ))" "$(cut -d' ' -f1-3 /proc/loadavg)"; }
cp_of() { echo "$1/benchmarks/target/classes:$1/benchmarks/target/lib/*"; }

{ uname -a; lscpu | grep -E 'Model name|^CPU\(s\)'; "$JAVA" -version 2>&1; uptime; } > "$OUT/machine.txt"
for round in $(seq 1 "$ROUNDS"); do
  for side in before after; do
    dir="$BEFORE"; limiters=$BEFORE_LIMITERS
    if [[ "$side" == after ]]; then dir="$AFTER"; limiters=$AFTER_LIMITERS; fi
    log "round $round, $side: decision"
    "$JAVA" -cp "$(cp_of "$dir")" org.openjdk.jmh.Main DecisionBenchmark "${JMH_OPTS[@]}" -p limiter=$limiters \
        -rf json -rff "$OUT/decision-$side-$round.json" > "$OUT/decision-$side-$round.txt"
    [[ -n "${SKIP_MEMORY:-}" ]] && continue
    log "round $round, $side: memory"
    "$JAVA" -Xms2g -Xmx2g -Djdk.attach.allowAttachSelf=true -cp "$(cp_of "$dir")" \
        org.quotaware.benchmarks.MemoryFootprint 2>"$OUT/memory-$side-$round.log" > "$OUT/memory-$side-$round.json"
    # the same users at the margin, one-time objects left out: MarginalMemory.java runs on either build's class path
    "$JAVA" -Xms2g -Xmx2g -cp "$(cp_of "$dir")" "$HERE/MarginalMemory.java" 2>>"$OUT/memory-$side-$round.log" \
        > "$OUT/marginal-$side-$round.json"
  done
done
if [[ -z "${SKIP_COST:-}" ]]; then
  log "after: what measuring a request's cost adds"
  "$JAVA" -cp "$(cp_of "$AFTER")" org.openjdk.jmh.Main CostBenchmark -foe true -prof gc \
      -rf json -rff "$OUT/cost.json" > "$OUT/cost.txt"
fi
uptime >> "$OUT/machine.txt"
log "done"
