#!/usr/bin/env bash
# Builds the benchmarks and the sample, runs every benchmark side by side on this machine and writes
# docs/benchmarks.md from the results (benchmarks/target/results/, copied to benchmarks/results/). About 24 minutes on a
# quiet 2-core machine, estimated from the parts (the last full run took 19 min 45 s with fewer HTTP setups): build
# 1.5; in-JVM decision 1 thread 3.7 (20 trials of about 11 s), 2 threads 1.1 (6 trials), profile 0.5; Hazelcast 2.5;
# round trips and memory 1.5; HTTP one member 7.5 to 10.8 (five Payara Micro starts of about 20 s, 2 to 6 warm-up
# passes of 5 x 11 s, 8 rounds of 5 x 6.5 s), two members 3.7 to 4.9 (four starts, 2 to 6 passes of 2 x 11 s, 8 rounds
# of 2 x 6.5 s). Two runs of 21 minutes with at most 4 passes ended their warm-up still falling by a third a pass. A run on a machine shared with other builds takes much longer (42 minutes at a load average of 13
# to 25).
#
#   benchmarks/run.sh            everything
#   SKIP_HTTP=1 benchmarks/run.sh   without the Payara Micro + wrk part
#   HTTP_GROUPS=one benchmarks/run.sh   the HTTP part with one member only (HTTP_GROUPS=two: the two-member setups)
#
# Quotas "off" for the HTTP runs: QUOTA_OFF_PROPS="-D..." uses the same WAR with that switch; without it, a copy of
# the WAR whose web.xml declares no QuotaFilter (the sample's GET has no @Quota, so no quota code runs on it).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/benchmarks/target/results"
CP="$ROOT/benchmarks/target/classes:$ROOT/benchmarks/target/lib/*"
JAVA="${JAVA:-java}"
STARTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
T0=$(date +%s)

log() { printf '\n=== %s (%ss)\n' "$*" "$(( $(date +%s) - T0 ))"; }

rm -rf "$OUT" && mkdir -p "$OUT"
exec > >(tee "$OUT/run.log") 2>&1   # the console output is kept with the results
uptime > "$OUT/load-start.txt"

log "build: quota-filter, quota-cdi, sample-webapp, benchmarks (no tests)"
# -DskipTests, not -Dmaven.test.skip: quota-cdi builds against quota-filter's test-jar, which a skip would not make
mvn -B -q package -DskipTests -pl benchmarks,sample-webapp -am
mvn -B -q dependency:copy -Dartifact=fish.payara.extras:payara-micro:6.2025.10 \
    -DoutputDirectory="$ROOT/benchmarks/target" -Dmdep.stripVersion=true

JMH=("$JAVA" -cp "$CP" org.openjdk.jmh.Main -foe true)

# -prof gc: the bytes each contender allocates per decision, measured in the same runs as the throughput ratios
log "1/4 in-JVM decision, 1 thread"
"${JMH[@]}" DecisionBenchmark -t 1 -prof gc -rf json -rff "$OUT/decision-t1.json" | tee "$OUT/decision-t1.txt"
log "1/4 in-JVM decision, 2 threads: one user (both threads on one state), ours and bucket4j"
"${JMH[@]}" DecisionBenchmark -t 2 -p users=1 -p limiter=quotaware,bucket4j-1,bucket4j-3 -prof gc \
    -rf json -rff "$OUT/decision-t2.json" | tee "$OUT/decision-t2.txt"
log "1/4 profile: allocation and hottest frames, ours against bucket4j one bandwidth (1 user, both paths, 1 thread)"
# 3 warm-up iterations: a profile of our decision before the JIT has compiled it (about 4 s) profiles the interpreter
"${JMH[@]}" DecisionBenchmark -t 1 -wi 3 -i 2 -p users=1 -p limiter=quotaware,bucket4j-1 \
    -prof gc -prof "stack:lines=2;top=8" -rf json -rff "$OUT/profile.json" | tee "$OUT/profile.txt"

log "2/4 Hazelcast, two members on loopback: throughput and latency, 1 thread"
# 6 measured iterations, not the class's 10: the time went to the two-member HTTP setups (run.sh stays within 20 min)
"${JMH[@]}" ClusterBenchmark -t 1 -i 6 -bm thrpt,sample -rf json -rff "$OUT/cluster-t1.json" | tee "$OUT/cluster-t1.txt"
log "2/4 Hazelcast: throughput, 4 threads"
"${JMH[@]}" ClusterBenchmark -t 4 -i 6 -bm thrpt -rf json -rff "$OUT/cluster-t4.json" | tee "$OUT/cluster-t4.txt"
log "2/4 Hazelcast: invocations and bytes per decision"
"$JAVA" -cp "$CP" org.quotaware.benchmarks.RoundTrips 5000 2>"$OUT/roundtrips.log" | tee "$OUT/roundtrips.json"

log "3/4 memory per tracked user"
"$JAVA" -Xms2g -Xmx2g -Djdk.attach.allowAttachSelf=true -cp "$CP" org.quotaware.benchmarks.MemoryFootprint \
    2>"$OUT/memory.log" | tee "$OUT/memory.json"

if [[ -z "${SKIP_HTTP:-}" ]]; then
  log "4/4 HTTP: wrk against the sample on Payara Micro, one member and two, server CPU per request"
  "$ROOT/benchmarks/http.sh" "$ROOT/sample-webapp/target/sample-webapp.war" "$ROOT/benchmarks/target/payara-micro.jar" "$OUT"
fi

uptime > "$OUT/load-end.txt"
log "report"
python3 "$ROOT/benchmarks/report.py" "$OUT" "$ROOT/docs/benchmarks.md" "$STARTED_AT" "$(( $(date +%s) - T0 ))"
# the raw output behind docs/benchmarks.md, kept in the source tree (without the WAR copy and Payara's full logs)
rm -rf "$ROOT/benchmarks/results" && mkdir -p "$ROOT/benchmarks/results"
(cd "$OUT" && find . -type f ! -name '*.war' ! -name '*-payara.log' ! -name '*-probe.txt' \
    -exec cp --parents {} "$ROOT/benchmarks/results/" \;)
log "done: docs/benchmarks.md, raw output in benchmarks/results/"
