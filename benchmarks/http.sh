#!/usr/bin/env bash
# wrk against the sample WAR on Payara Micro, GET /api/pricelists/{id}, in seven setups and two groups:
#   one member   off        quotas off (see run.sh: QUOTA_OFF_PROPS, else a copy of the WAR without the filter),
#                           --nocluster
#                local      QuotaFilter with the local store (-Dquotaware.cluster.store=local), --nocluster
#                offc       quotas off on a clustered member (Payara's Hazelcast, a cluster of its own): the same flags
#                           as hazelcast, so that hazelcast / offc is the store's own cost
#                localc     the local store on a clustered member
#                hazelcast  QuotaFilter with the default store: Payara's own Hazelcast (one member, a cluster of its own)
#   two members  off2       two members with quotas off, one cluster of their own
#                hazelcast2 two members with the default store, one cluster of their own
# A group's members are started together and measured in interleaved rounds (off, local, ..., then the reverse
# order, ...). Each round reads the Payara processes' CPU time (utime + stime in /proc/PID/stat), their context
# switches (voluntary and involuntary, summed over every thread: /proc/PID/task/*/status) and their Hazelcast
# invocation count (a probe servlet added to the WAR copies measured here, never to the sample's own) before and after
# wrk: CPU, context switches and invocations per request come from that. The warm-up runs in interleaved passes, read
# the same way, until every setup's CPU per request moved by at most HTTP_WARMUP_TOLERANCE (10 %) from its previous
# pass (at least HTTP_WARMUP_PASSES, at most HTTP_WARMUP_MAX_PASSES passes). The one-member setups keep analyses in
# memory (-Dpricelist.store.cluster=local), so that their GET does the same work; the two-member ones keep them in the
# cluster (the sample's default), so either member answers for an id: one id is read on both, and the load spreads
# over both (two wrk at once, half the connections each), as several API keys (users) whose entries both members own.
# Limits are raised by system properties (MicroProfile Config) so that nothing is denied; the script checks the
# RateLimit-Policy header says so and counts non-2xx answers. Usage: http.sh WAR PAYARA_JAR OUT_DIR
set -euo pipefail
WAR="$1"; PAYARA="$2"; OUT="$3/http"
HERE="$(cd "$(dirname "$0")" && pwd)"
PROBE_CLASSES="$HERE/target/classes/org/quotaware/benchmarks/payara"
mkdir -p "$OUT"
JAVA="${JAVA:-java}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-16}"
WARMUP="${HTTP_WARMUP:-10s}"
# Payara's JIT goes on compiling for a while under load: a fixed two passes of 15 s left "off" falling from 790 to
# 248 µs per request across the measured rounds. So the passes go on until every setup's CPU per request is steady.
WARMUP_PASSES="${HTTP_WARMUP_PASSES:-2}"
WARMUP_MAX_PASSES="${HTTP_WARMUP_MAX_PASSES:-6}"
WARMUP_TOLERANCE="${HTTP_WARMUP_TOLERANCE:-0.10}"
# many short rounds: each setup's ratio to the "off" measured in the same round cancels the machine's drift best
DURATION="${HTTP_DURATION:-5s}"
ROUNDS="${HTTP_ROUNDS:-8}"
USERS="${HTTP_USERS:-8}"
CLK_TCK=$(getconf CLK_TCK)
# limits nothing reaches; the load-driven scaler and the CPU self-protection (503 for low tiers while the member is hot)
# are switched off too: a benchmark that saturates two cores would otherwise measure load shedding, not the filter
LIMITS=(-Dquotaware.default.requests-per-minute=1000000 -Dquotaware.default.max-concurrent-tasks=10000
        -Dquotaware.default.max-queue-size=0 -Dquotaware.scaling.enabled=false -Dquotaware.protection.enabled=false)

# How every member is started: the one place to change (another heap, --addlibs for Hazelcast's class path, ...).
# launch NAME WAR PORT [PAYARA MICRO OPTIONS...], with the member's system properties in the array PROPS.
MEMBER_JVM=(-Xms512m -Xmx512m)
MEMBER_OPTIONS=()
launch() {
  local name="$1" war="$2" port="$3"; shift 3
  "$JAVA" "${MEMBER_JVM[@]}" ${PROPS[@]+"${PROPS[@]}"} -jar "$PAYARA" --deploy "$war" --port "$port" --contextroot / \
      ${MEMBER_OPTIONS[@]+"${MEMBER_OPTIONS[@]}"} "$@" > "$OUT/$name-payara.log" 2>&1 &
  PIDS[$name]=$!
}

if ! command -v wrk >/dev/null; then
  echo "installing wrk"
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
[[ -f "$PROBE_CLASSES/HazelcastProbeServlet.class" ]] || { echo "build the benchmarks module first (run.sh does)"; exit 1; }
wrk --version 2>&1 | head -1 > "$OUT/wrk-version.txt" || true
echo "${LIMITS[*]}" > "$OUT/limits.txt"
echo "$ROUNDS interleaved rounds of $DURATION after interleaved warm-up passes of $WARMUP (at least $WARMUP_PASSES, \
at most $WARMUP_MAX_PASSES, until every setup's CPU per request moved by at most $WARMUP_TOLERANCE from its previous \
pass)" > "$OUT/rounds.txt"
echo "$CLK_TCK" > "$OUT/clk-tck.txt"
echo "$USERS" > "$OUT/users.txt"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# The WARs measured: the sample's plus the probe servlet and USERS API keys bench-key-N (user benchN, default tier);
# "off" also without the filter, unless QUOTA_OFF_PROPS names a switch for the same WAR.
make_war() {
  python3 - "$WAR" "$1" "$2" "$PROBE_CLASSES" "$USERS" <<'PY'
import os, re, sys, zipfile
src, dst, mode, probes, users = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
keys = ",".join(f"bench-key-{i}=bench{i}:default" for i in range(1, users + 1))
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        data = zin.read(item.filename)
        if item.filename == 'WEB-INF/web.xml':
            text = data.decode('utf-8')
            text, n = re.subn(r'(<param-name>identity\.api-keys</param-name>\s*<param-value>)([^<]*)',
                              lambda m: m.group(1) + m.group(2) + "," + keys, text)
            if n != 1:
                sys.exit('no identity.api-keys init-param in WEB-INF/web.xml')
            if mode == 'off':
                text, filters = re.subn(r'<filter>.*?</filter>', '', text, flags=re.S)
                text, mappings = re.subn(r'<filter-mapping>.*?</filter-mapping>', '', text, flags=re.S)
                if filters < 1 or mappings < 1:
                    sys.exit('no <filter> to remove in WEB-INF/web.xml')
            data = text.encode('utf-8')
        zout.writestr(item, data)
    for f in sorted(os.listdir(probes)):
        zout.write(os.path.join(probes, f), 'WEB-INF/classes/org/quotaware/benchmarks/payara/' + f)
PY
}
ON_WAR="$OUT/sample-webapp-bench.war"
make_war "$ON_WAR" on
OFF_WAR="$ON_WAR"
OFF_PROPS=()
if [[ -n "${QUOTA_OFF_PROPS:-}" ]]; then
  read -r -a OFF_PROPS <<< "$QUOTA_OFF_PROPS"
  echo "switch: same WAR with ${QUOTA_OFF_PROPS}" > "$OUT/off-method.txt"
else
  OFF_WAR="$OUT/sample-webapp-bench-nofilter.war"
  make_war "$OFF_WAR" off
  echo "copy of the WAR whose web.xml declares no filter (quota-cdi still in WEB-INF/lib; the GET has no @Quota)" \
      > "$OUT/off-method.txt"
fi

# wrk sends the users' keys in turn: with one member all are local, with two each member owns some of them
{
  echo 'local keys, requests, i = {}, {}, 0'
  echo "for n = 1, $USERS do keys[n] = \"bench-key-\" .. n end"
  echo 'init = function(args) for n, k in ipairs(keys) do requests[n] = wrk.format(nil, nil, {["X-API-Key"] = k}) end end'
  echo 'request = function() i = i % #requests + 1; return requests[i] end'
} > "$OUT/users.lua"
KEY="X-API-Key: bench-key-1"

declare -A PIDS BASES MEMBERS PATHS
stop_all() {
  for name in "${!PIDS[@]}"; do
    if kill -0 "${PIDS[$name]}" 2>/dev/null; then kill "${PIDS[$name]}"; wait "${PIDS[$name]}" 2>/dev/null || true; fi
  done
}
trap stop_all EXIT

# Waits until the member answers for the application itself: its 404 names the missing price list.
await_ready() {
  local name="$1" base="$2" code=000
  for _ in $(seq 1 300); do
    kill -0 "${PIDS[$name]}" 2>/dev/null || { echo "Payara Micro exited, see $OUT/$name-payara.log"; tail -30 "$OUT/$name-payara.log"; exit 1; }
    code=$(curl -s -o "$OUT/$name-probe.txt" -w '%{http_code}' -H "$KEY" "$base/api/pricelists/none" || true)
    [[ "$code" == 404 ]] && grep -q 'price list' "$OUT/$name-probe.txt" && return
    sleep 1
  done
  echo "$name: not ready or unexpected $code"; tail -30 "$OUT/$name-payara.log"; exit 1
}

# Starts a setup's members one after the other (two starting JVMs on 2 cores take three times as long), uploads a price
# list on the first, reads it on every member and checks the limits reached the filter.
start_setup() {
  local setup="$1" war="$2" count="$3"; shift 3
  local members=() hz_ports=() cluster=() i
  if (( count > 1 )); then
    for i in $(seq 1 "$count"); do hz_ports+=("127.0.0.1:$(free_port)"); done
    cluster=(--clustername "quotaware-bench-$setup-$RANDOM$RANDOM" --interfaces 127.0.0.1
             --clustermode "tcpip:$(IFS=,; echo "${hz_ports[*]}")")
  fi
  for i in $(seq 1 "$count"); do
    local name="$setup" port; port=$(free_port)
    if (( count > 1 )); then name="$setup-$(echo abcdefgh | cut -c"$i")"; fi
    echo "--- $name: Payara Micro on port $port"
    if (( count > 1 )); then
      launch "$name" "$war" "$port" "$@" "${cluster[@]}" --startport "${hz_ports[$((i - 1))]#*:}"
    else
      launch "$name" "$war" "$port" "$@"
    fi
    BASES[$name]="http://127.0.0.1:$port"
    await_ready "$name" "${BASES[$name]}"
    members+=("$name")
  done
  MEMBERS[$setup]="${members[*]}"
  local first="${members[0]}" location
  printf 'sku,name,price,currency\nA1,Apple,1.00,EUR\nA2,Pear,2.00,EUR\nA3,Plum,0.50,EUR\n' > "$OUT/pricelist.csv"
  location=$(curl -s -D - -o /dev/null -H "$KEY" -H 'Content-Type: text/csv' --data-binary @"$OUT/pricelist.csv" \
      "${BASES[$first]}/api/pricelists" | tr -d '\r' | awk 'tolower($1)=="location:" {print $2}')
  [[ -n "$location" ]] || { echo "$setup: upload failed"; exit 1; }
  PATHS[$setup]="$(sed -E 's#^https?://[^/]+##' <<< "$location")"
  for name in "${members[@]}"; do
    # the other member answers once the cluster has formed (the analysis is in its map)
    local code=000
    for _ in $(seq 1 60); do
      code=$(curl -s -D "$OUT/$name-headers.txt" -o "$OUT/$name-body.json" -w '%{http_code}' -H "$KEY" \
          "${BASES[$name]}${PATHS[$setup]}" || true)
      [[ "$code" == 200 ]] && break
      sleep 1
    done
    [[ "$code" == 200 ]] || { echo "$name: GET of the analysis uploaded on $first answered $code"; exit 1; }
    grep -i '^HTTP/' "$OUT/$name-headers.txt" | head -1
    grep -i '^ratelimit' "$OUT/$name-headers.txt" || true
    if [[ "$setup" != off* ]] && ! grep -qi 'ratelimit-policy:.*"rpm";q=1000000' "$OUT/$name-headers.txt"; then
      echo "$name: the raised limits did not reach the filter (RateLimit-Policy above); refusing to measure denials"
      exit 1
    fi
  done
  { for name in "${members[@]}"; do
      grep -h 'quotaware: quota state\|pricelist: analyses' "$OUT/$name-payara.log" | sed -E 's/^.*((quotaware|pricelist):)/\1/' | sort -u
      grep -o 'DG Name: .* DG Size: [0-9]*' "$OUT/$name-payara.log" | tail -1
    done; } | sort -u > "$OUT/$setup-store.txt" || true
}

# The setup's Payara processes' CPU time (clock ticks: utime + stime, fields 14 and 15 of /proc/PID/stat).
cpu_ticks() {
  local total=0 name fields
  for name in ${MEMBERS[$1]}; do
    read -r -a fields <<< "$(sed -E 's/^.*\) //' "/proc/${PIDS[$name]}/stat")"
    total=$(( total + fields[11] + fields[12] ))   # after "pid (comm) ", field 14 is index 11
  done
  echo "$total"
}

# The setup's Payara processes' context switches so far, voluntary and involuntary, summed over all their threads
# (/proc/PID/status alone counts the main thread only). A thread that ended during a round takes its count with it.
ctx_switches() {
  local total=0 name n
  for name in ${MEMBERS[$1]}; do
    n=$( { cat /proc/"${PIDS[$name]}"/task/*/status 2>/dev/null || true; } \
        | awk '/^(non)?voluntary_ctxt_switches:/ {s += $2} END {print s + 0}')
    total=$(( total + n ))
  done
  echo "$total"
}

# The setup's Hazelcast invocations so far (summed over its members), "none" without Hazelcast.
invocations() {
  local total=0 name n
  for name in ${MEMBERS[$1]}; do
    n=$(curl -s "${BASES[$name]}/bench/hazelcast-invocations" || echo none)
    [[ "$n" =~ ^[0-9]+$ ]] || { echo none; return; }
    total=$(( total + n ))
  done
  echo "$total"
}

# One run of wrk on every member of the setup at once, the connections split between them.
load() {
  local setup="$1" duration="$2" file="$3"; shift 3
  local names=(${MEMBERS[$setup]}) pids=() name
  local connections=$(( WRK_CONNECTIONS / ${#names[@]} ))
  for name in "${names[@]}"; do
    wrk -t1 -c"$connections" -d"$duration" "$@" -s "$OUT/users.lua" "${BASES[$name]}${PATHS[$setup]}" \
        > "$OUT/$setup.$file.$name.wrk.txt" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
}

# One load of a setup with the server's counters read around it, into $OUT/SETUP.FILE.probe.txt; prints a summary
# line and leaves the CPU µs per request in CPU_PER_REQUEST.
sample() {
  local name="$1" duration="$2" file="$3"; shift 3
  local calls_before cpu_before cs_before cpu_after cs_after calls_after calls=none requests cpu cs
  calls_before=$(invocations "$name")
  cpu_before=$(cpu_ticks "$name")
  cs_before=$(ctx_switches "$name")
  load "$name" "$duration" "$file" "$@"
  cpu_after=$(cpu_ticks "$name")
  cs_after=$(ctx_switches "$name")
  calls_after=$(invocations "$name")
  [[ "$calls_before" != none && "$calls_after" != none ]] && calls=$(( calls_after - calls_before ))
  cpu=$(( cpu_after - cpu_before ))
  cs=$(( cs_after - cs_before ))
  printf 'cpu_ticks %s\ninvocations %s\nctx_switches %s\n' "$cpu" "$calls" "$cs" > "$OUT/$name.$file.probe.txt"
  requests=$(cat "$OUT/$name.$file".*.wrk.txt | awk '/ requests in / {n += $1} END {print n + 0}')
  CPU_PER_REQUEST=$(awk -v t="$cpu" -v r="$requests" -v k="$CLK_TCK" 'BEGIN {printf "%.1f", r ? t / k * 1e6 / r : 0}')
  printf '%s requests, %s µs CPU, %s context switches, %s invocations per request\n' "$requests" \
      "$CPU_PER_REQUEST" "$(awk -v c="$cs" -v r="$requests" 'BEGIN {printf "%.2f", r ? c / r : 0}')" \
      "$(awk -v c="$calls" -v r="$requests" 'BEGIN {if (c == "none") print "none"; else printf "%.2f", r ? c / r : 0}')"
}

# Interleaved warm-up passes until every setup is steady (see the top of this file), then the measured rounds.
measure() {
  local setups=("$@") pass round name order steady
  declare -A before
  for pass in $(seq 1 "$WARMUP_MAX_PASSES"); do
    steady=1
    for name in "${setups[@]}"; do
      echo -n "--- $name: warm-up $pass, $WARMUP: "
      sample "$name" "$WARMUP" "warmup$pass"
      echo "$name $pass $CPU_PER_REQUEST" >> "$OUT/warmup.txt"
      if [[ -z "${before[$name]:-}" ]] || ! awk -v a="${before[$name]}" -v b="$CPU_PER_REQUEST" \
          -v t="$WARMUP_TOLERANCE" 'BEGIN {exit !(a > 0 && (b - a) / a <= t && (a - b) / a <= t)}'; then
        steady=0
      fi
      before[$name]=$CPU_PER_REQUEST
    done
    if (( pass >= WARMUP_PASSES && steady )); then
      echo "--- steady after $pass warm-up passes"
      break
    fi
  done
  for round in $(seq 1 "$ROUNDS"); do
    order=("${setups[@]}")
    # every other round in the reverse order: no setup always runs right after another
    if (( round % 2 == 0 )); then order=($(printf '%s\n' "${setups[@]}" | tac)); fi
    for name in "${order[@]}"; do
      echo -n "--- $name: round $round, $DURATION: "
      sample "$name" "$DURATION" "round$round" --latency
    done
  done
}

# The Payara Micro options of a one-member cluster of its own: the same flags for every clustered setup.
one_member_cluster() {
  local port; port=$(free_port)
  echo --clustername "quotaware-bench-$RANDOM$RANDOM" --clustermode "tcpip:127.0.0.1:$port" --startport "$port" \
      --interfaces 127.0.0.1
}

stop_group() {
  stop_all
  for name in "${!PIDS[@]}"; do unset "PIDS[$name]"; done
}

if [[ "${HTTP_GROUPS:-one two}" == *one* ]]; then
  # all five run at once (idle while another is measured), so that a change in the machine's load hits them alike;
  # each clustered one is a cluster of its own
  PROPS=("${LIMITS[@]}" -Dpricelist.store.cluster=local ${OFF_PROPS[@]+"${OFF_PROPS[@]}"})
  start_setup off "$OFF_WAR" 1 --nocluster
  PROPS=("${LIMITS[@]}" -Dpricelist.store.cluster=local -Dquotaware.cluster.store=local)
  start_setup local "$ON_WAR" 1 --nocluster
  PROPS=("${LIMITS[@]}" -Dpricelist.store.cluster=local ${OFF_PROPS[@]+"${OFF_PROPS[@]}"})
  start_setup offc "$OFF_WAR" 1 $(one_member_cluster)
  PROPS=("${LIMITS[@]}" -Dpricelist.store.cluster=local -Dquotaware.cluster.store=local)
  start_setup localc "$ON_WAR" 1 $(one_member_cluster)
  PROPS=("${LIMITS[@]}" -Dpricelist.store.cluster=local)
  start_setup hazelcast "$ON_WAR" 1 $(one_member_cluster)
  measure off local offc localc hazelcast
  stop_group
fi
if [[ "${HTTP_GROUPS:-one two}" == *two* ]]; then
  PROPS=("${LIMITS[@]}" ${OFF_PROPS[@]+"${OFF_PROPS[@]}"})
  start_setup off2 "$OFF_WAR" 2
  PROPS=("${LIMITS[@]}")
  start_setup hazelcast2 "$ON_WAR" 2
  measure off2 hazelcast2
  stop_group
fi
