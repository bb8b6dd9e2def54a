#!/usr/bin/env bash
# wrk against the sample WAR on Payara Micro, GET /api/pricelists/{id} with the premium demo key, in three setups,
# all three started at once, warmed up, then measured in interleaved rounds (off, local, hazelcast, off, ...):
#   off        quotas off (see run.sh: QUOTA_OFF_PROPS, else a copy of the WAR without the filter), --nocluster
#   local      QuotaFilter with the local store (-Dquotaware.cluster.store=local), --nocluster
#   hazelcast  QuotaFilter with the default store: Payara's own Hazelcast (one member, its own cluster name)
# Limits are raised by system properties (MicroProfile Config) so that nothing is denied; the script checks the
# RateLimit-Policy header says so and counts non-2xx answers. Usage: http.sh WAR PAYARA_JAR OUT_DIR
set -euo pipefail
WAR="$1"; PAYARA="$2"; OUT="$3/http"
mkdir -p "$OUT"
JAVA="${JAVA:-java}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-16}"
WARMUP="${HTTP_WARMUP:-20s}"
# two passes: Payara's JIT is still compiling after one short load (rounds kept climbing by half after a 15 s warm-up)
WARMUP_PASSES="${HTTP_WARMUP_PASSES:-2}"
# many short rounds: each setup's ratio to the "off" measured just before it cancels the machine's drift best
DURATION="${HTTP_DURATION:-5s}"
ROUNDS="${HTTP_ROUNDS:-10}"
KEY="X-API-Key: demo-premium-key"
# limits nothing reaches; the load-driven scaler and the CPU self-protection (503 for low tiers while the member is hot)
# are switched off too: a benchmark that saturates two cores would otherwise measure load shedding, not the filter
LIMITS=(-Dquotaware.default.requests-per-minute=1000000 -Dquotaware.default.max-concurrent-tasks=10000
        -Dquotaware.default.max-queue-size=0 -Dquotaware.scaling.enabled=false -Dquotaware.protection.enabled=false)

if ! command -v wrk >/dev/null; then
  echo "installing wrk"
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
wrk --version 2>&1 | head -1 > "$OUT/wrk-version.txt" || true
echo "${LIMITS[*]}" > "$OUT/limits.txt"
echo "$ROUNDS interleaved rounds of $DURATION after $WARMUP_PASSES interleaved warm-up passes of $WARMUP" > "$OUT/rounds.txt"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

OFF_WAR="$WAR"
OFF_PROPS=()
if [[ -n "${QUOTA_OFF_PROPS:-}" ]]; then
  read -r -a OFF_PROPS <<< "$QUOTA_OFF_PROPS"
  echo "switch: same WAR with ${QUOTA_OFF_PROPS}" > "$OUT/off-method.txt"
else
  OFF_WAR="$OUT/sample-webapp-nofilter.war"
  python3 - "$WAR" "$OFF_WAR" <<'PY'
import re, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        data = zin.read(item.filename)
        if item.filename == 'WEB-INF/web.xml':
            text = data.decode('utf-8')
            text, filters = re.subn(r'<filter>.*?</filter>', '', text, flags=re.S)
            text, mappings = re.subn(r'<filter-mapping>.*?</filter-mapping>', '', text, flags=re.S)
            if filters < 1 or mappings < 1:
                sys.exit('no <filter> to remove in WEB-INF/web.xml')
            data = text.encode('utf-8')
        zout.writestr(item, data)
PY
  echo "copy of the WAR whose web.xml declares no filter (quota-cdi still in WEB-INF/lib; the GET has no @Quota)" \
      > "$OUT/off-method.txt"
fi

declare -A PIDS URLS
stop_all() {
  for name in "${!PIDS[@]}"; do
    if kill -0 "${PIDS[$name]}" 2>/dev/null; then kill "${PIDS[$name]}"; wait "${PIDS[$name]}" 2>/dev/null || true; fi
  done
}
trap stop_all EXIT

# Starts one Payara Micro with the WAR, uploads a price list and checks the limits reached the filter.
start() {
  local name="$1" war="$2"; shift 2
  local port; port=$(free_port)
  local base="http://127.0.0.1:$port"
  echo "--- $name: Payara Micro on port $port"
  "$JAVA" -Xms512m -Xmx512m "$@" -jar "$PAYARA" --deploy "$war" --port "$port" --contextroot / \
      ${PAYARA_ARGS[@]+"${PAYARA_ARGS[@]}"} > "$OUT/$name-payara.log" 2>&1 &
  PIDS[$name]=$!
  local code=000
  for _ in $(seq 1 300); do
    kill -0 "${PIDS[$name]}" 2>/dev/null || { echo "Payara Micro exited, see $OUT/$name-payara.log"; tail -30 "$OUT/$name-payara.log"; exit 1; }
    # ready when the application itself answers: its 404 names the missing price list
    code=$(curl -s -o "$OUT/$name-probe.txt" -w '%{http_code}' -H "$KEY" "$base/api/pricelists/none" || true)
    [[ "$code" == 404 ]] && grep -q 'price list' "$OUT/$name-probe.txt" && break
    sleep 1
  done
  [[ "$code" == 404 ]] || { echo "$name: not ready or unexpected $code"; tail -30 "$OUT/$name-payara.log"; exit 1; }
  printf 'sku,name,price,currency\nA1,Apple,1.00,EUR\nA2,Pear,2.00,EUR\nA3,Plum,0.50,EUR\n' > "$OUT/pricelist.csv"
  local location
  location=$(curl -s -D - -o /dev/null -H "$KEY" -H 'Content-Type: text/csv' --data-binary @"$OUT/pricelist.csv" \
      "$base/api/pricelists" | tr -d '\r' | awk 'tolower($1)=="location:" {print $2}')
  [[ -n "$location" ]] || { echo "$name: upload failed"; exit 1; }
  URLS[$name]="$base$(sed -E 's#^https?://[^/]+##' <<< "$location")"
  curl -s -D "$OUT/$name-headers.txt" -o "$OUT/$name-body.json" -H "$KEY" "${URLS[$name]}" >/dev/null
  grep -i '^HTTP/' "$OUT/$name-headers.txt" | head -1
  grep -i '^ratelimit' "$OUT/$name-headers.txt" || true
  if [[ "$name" != off ]] && ! grep -qi 'ratelimit-policy:.*"rpm";q=1000000' "$OUT/$name-headers.txt"; then
    echo "$name: the raised limits did not reach the filter (RateLimit-Policy above); refusing to measure denials"
    exit 1
  fi
  { grep -h 'quotaware: quota state' "$OUT/$name-payara.log" | sed -E 's/^.*(quotaware:)/\1/' | sort -u
    grep -o 'DG Name: .* DG Size: [0-9]*' "$OUT/$name-payara.log" | tail -1; } > "$OUT/$name-store.txt" || true
}

# All three run at once (idle while another is measured), so that the rounds below interleave them: a change in the
# machine's load during the run then hits every setup alike instead of one of them.
PAYARA_ARGS=(--nocluster)
start off "$OFF_WAR" "${LIMITS[@]}" ${OFF_PROPS[@]+"${OFF_PROPS[@]}"}
start local "$WAR" "${LIMITS[@]}" -Dquotaware.cluster.store=local
HZ_PORT=$(free_port)
PAYARA_ARGS=(--clustername "quotaware-bench-$RANDOM$RANDOM" --clustermode "tcpip:127.0.0.1:$HZ_PORT"
             --startport "$HZ_PORT" --interfaces 127.0.0.1)
start hazelcast "$WAR" "${LIMITS[@]}"

for pass in $(seq 1 "$WARMUP_PASSES"); do
  for name in off local hazelcast; do
    echo "--- $name: warm-up $pass, $WARMUP"
    wrk -t1 -c"$WRK_CONNECTIONS" -d"$WARMUP" -H "$KEY" "${URLS[$name]}" > "$OUT/$name-warmup$pass.txt"
    grep 'Requests/sec' "$OUT/$name-warmup$pass.txt"
  done
done
for round in $(seq 1 "$ROUNDS"); do
  for name in off local hazelcast; do
    echo "--- $name: round $round, $DURATION"
    wrk -t1 -c"$WRK_CONNECTIONS" -d"$DURATION" --latency -H "$KEY" "${URLS[$name]}" > "$OUT/$name.round$round.wrk.txt"
    grep 'Requests/sec' "$OUT/$name.round$round.wrk.txt"
  done
done
