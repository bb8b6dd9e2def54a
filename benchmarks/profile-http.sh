#!/bin/bash
# JFR profiles of the sample's GET under wrk on two one-member clusters started with http.sh's flags: "offc" (quotas
# off) and "hazelcast" (the default store, allowances), warmed up in six interleaved 15 s passes, then recorded 40 s
# each; profile-http.py then counts each one's samples per sample of the application's own work. Needs the WAR copies
# of a run.sh run (benchmarks/target/results/http). Usage: benchmarks/profile-http.sh OUT_DIR
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B="$ROOT/benchmarks/target"
W="$B/results/http"
OUT="${1:?usage: profile-http.sh OUT_DIR}"
mkdir -p "$OUT"
LIMITS="-Dquotaware.default.requests-per-minute=1000000 -Dquotaware.default.max-concurrent-tasks=10000
 -Dquotaware.default.max-queue-size=0 -Dquotaware.scaling.enabled=false -Dquotaware.protection.enabled=false
 -Dpricelist.store.cluster=local"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
declare -A PID URL
start() { # NAME WAR: a one-member cluster of its own, then one price list uploaded (its URL is what wrk reads)
  local hz port location=""; hz=$(free_port); port=$(free_port)
  # shellcheck disable=SC2086
  java -Xms512m -Xmx512m $LIMITS -jar "$B/payara-micro.jar" --deploy "$2" --port "$port" --contextroot / \
      --clustername "profile-$1-$RANDOM" --clustermode "tcpip:127.0.0.1:$hz" --startport "$hz" \
      --interfaces 127.0.0.1 > "$OUT/$1.log" 2>&1 &
  PID[$1]=$!
  printf 'sku,name,price,currency\nA1,Apple,1.00,EUR\n' > "$OUT/pricelist.csv"
  for _ in $(seq 1 180); do
    location=$(curl -s -D - -o /dev/null -H "X-API-Key: bench-key-1" -H 'Content-Type: text/csv' \
        --data-binary @"$OUT/pricelist.csv" "http://127.0.0.1:$port/api/pricelists" \
        | tr -d '\r' | awk 'tolower($1)=="location:" {print $2}')
    [[ -n "$location" ]] && break
    sleep 1
  done
  [[ -n "$location" ]] || { echo "$1 did not start: $OUT/$1.log"; exit 1; }
  URL[$1]="$location"
}
stop() { for p in "${PID[@]}"; do kill "$p" 2>/dev/null; done; }
trap stop EXIT
cat > "$OUT/users.lua" <<'LUA'
local keys, requests, i = {}, {}, 0
for n = 1, 8 do keys[n] = "bench-key-" .. n end
init = function(args) for n, k in ipairs(keys) do requests[n] = wrk.format(nil, nil, {["X-API-Key"] = k}) end end
request = function() i = i % #requests + 1; return requests[i] end
LUA
start offc "$W/sample-webapp-bench-nofilter.war"
start hazelcast "$W/sample-webapp-bench.war"
for pass in 1 2 3 4 5 6; do
  for s in offc hazelcast; do wrk -t1 -c16 -d15s -s "$OUT/users.lua" "${URL[$s]}" > "$OUT/$s.warmup$pass.txt"; done
done
for s in offc hazelcast; do
  jcmd "${PID[$s]}" JFR.start name=profile settings=profile filename="$OUT/$s.jfr" > /dev/null
  wrk -t1 -c16 -d40s -s "$OUT/users.lua" "${URL[$s]}" > "$OUT/$s.wrk.txt"
  jcmd "${PID[$s]}" JFR.stop name=profile > /dev/null
done
python3 "$ROOT/benchmarks/profile-http.py" "$OUT/offc.jfr" "$OUT/hazelcast.jfr"
