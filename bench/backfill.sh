#!/usr/bin/env bash
# End-to-end backfill measurement: generates COUNT submissions from HLI (bench/ExchangeGateway.Backfill), starts the
# real gateway as its own process on a fresh data folder, loads them with `exg send --dir`, samples the gateway's RSS
# every second from /proc, and prints the time, the rate, the peak RSS and the summary's counts.
#
#   bench/backfill.sh [COUNT] [CONCURRENCY]   # defaults 100000 and 8; SEED, PORT (8443), AGENCY_PORT (18480), KEEP=1 from the environment
#
# The push agencies of the development directory (CJITs and prisons) are played by a small python stub answering 200
# on AGENCY_PORT (the directory is the development one with that port), so each message is pushed once, as to live
# agencies, rather than retried for 72 h; not 8480, which tools/demo and the end-to-end bench use.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
count="${1:-100000}"
concurrency="${2:-8}"
seed="${SEED:-20260316}"
port="${PORT:-8443}"
agency_port="${AGENCY_PORT:-18480}"
work="$(mktemp -d /tmp/exg-backfill-XXXXXX)"
cd "$root"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT

# The whole run holds the machine's build lock, as the other benches do: on 2 shared cores a build or a test run beside
# the measurement would halve it.
exec 9>/tmp/exg-build.lock
echo "waiting for /tmp/exg-build.lock..." >&2
flock 9
echo "building (Release)..." >&2
for project in src/ExchangeGateway.Gateway src/ExchangeGateway.Cli bench/ExchangeGateway.Backfill; do
  dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly >&2
done
bin() { echo "$root/$1/bin/Release/net10.0/$2"; }

echo "generating $count submissions (seed $seed)..." >&2
dotnet "$(bin bench/ExchangeGateway.Backfill ExchangeGateway.Backfill.dll)" --out "$work/in" --count "$count" --seed "$seed" --from HLI >&2

for p in "$port" "$agency_port"; do
  if ss -ltn "sport = :$p" | grep -q LISTEN; then echo "port $p is in use (PORT, AGENCY_PORT choose others)" >&2; exit 1; fi
done
python3 - "$agency_port" >"$work/agencies.log" 2>&1 <<'PY' &
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
class Agency(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
import sys
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Agency).serve_forever()
PY
pids+=($!)
sed "s#127.0.0.1:8480#127.0.0.1:$agency_port#" src/ExchangeGateway.Gateway/agencies.dev.json >"$work/agencies.json"

dotnet "$(bin src/ExchangeGateway.Gateway gateway.dll)" --urls "https://127.0.0.1:$port" --data "$work/data" --agencies "$work/agencies.json" --certs certs-dev >"$work/gateway.log" 2>&1 &
gateway=$!
pids+=("$gateway")
for _ in $(seq 1 120); do
  curl -skf "https://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.5
done
curl -skf "https://127.0.0.1:$port/readyz" >/dev/null || { echo "the gateway did not become ready; see $work/gateway.log" >&2; KEEP=1; exit 1; }

# VmRSS in kB, once a second, while the gateway runs.
( while [ -r "/proc/$gateway/status" ]; do
    awk -v t="$(date +%s)" '/^VmRSS:/ { print t, $2 }' "/proc/$gateway/status" || true
    sleep 1
  done ) >"$work/rss.txt" &
pids+=($!)

# CPU seconds: the reaped children's (only exg is reaped during the send), the gateway's from /proc, the machine's idle share.
# `times` in this shell, never in $(...), whose subshell has its own children.
children_cpu() { tail -1 "$1" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }'; }
gateway_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$gateway/stat"; }
machine_idle() { awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
times >"$work/times-before"; gateway_before=$(gateway_cpu); read -r idle_before total_before <<<"$(machine_idle)"

echo "sending with exg send --dir (concurrency $concurrency)..." >&2
started=$(date +%s.%N)
set +e
dotnet "$(bin src/ExchangeGateway.Cli exg.dll)" send --dir "$work/in" --gateway "https://127.0.0.1:$port/" --as HLI --certs certs-dev \
  --concurrency "$concurrency" >"$work/summary.txt"
exit_code=$?
set -e
finished=$(date +%s.%N)
times >"$work/times-after"
exg_cpu=$(awk -v a="$(children_cpu "$work/times-before")" -v b="$(children_cpu "$work/times-after")" 'BEGIN { print b - a }')
gateway_cpu_used=$(awk -v a="$gateway_before" -v b="$(gateway_cpu)" 'BEGIN { print b - a }')
read -r idle_after total_after <<<"$(machine_idle)"
busy=$(awk -v i="$((idle_after - idle_before))" -v t="$((total_after - total_before))" 'BEGIN { printf "%.0f", 100 * (1 - i / t) }')
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$gateway/status")
rss_now=$(awk '/^VmRSS:/ { print $2 }' "/proc/$gateway/status")
peak=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$work/rss.txt")
samples=$(wc -l <"$work/rss.txt")
accepted=$(awk '$1 == "accepted" { print $2 }' "$work/summary.txt")
refused=$(awk '$1 == "refused" && $2 ~ /^[0-9]+$/ { print $2 }' "$work/summary.txt")
failed=$(awk '$1 == "failed" && $3 == "send" && $4 ~ /^[0-9]+$/ { print $4 }' "$work/summary.txt")
# The gateway's own count, from /metrics (loopback needs no certificate).
counted=$(curl -skf "https://127.0.0.1:$port/metrics" | awk '/^exg_submissions_total/ && /outcome="accepted"/ { n += $NF } END { print n + 0 }')

cat "$work/summary.txt"
awk -v s="$started" -v f="$finished" -v n="$count" -v a="$accepted" -v r="$refused" -v x="$failed" -v e="$exit_code" \
    -v peak="$peak" -v hwm="$hwm" -v now="$rss_now" -v samples="$samples" -v counted="$counted" -v g="$gateway_cpu_used" -v c="$exg_cpu" -v busy="$busy" 'BEGIN {
  t = f - s
  printf "backfill: %d files in %.1f s (%.1f min), %.1f files/s; accepted %d, refused %d, failed %d; exg exit %d\n", n, t, t / 60, n / t, a, r, x, e
  printf "CPU: gateway %.0f s (%.2f ms a file), exg %.0f s (%.2f ms a file); machine busy %d%% of both cores\n", g, 1000 * g / n, c, 1000 * c / n, busy
  printf "the gateway counted %d accepted (exg_submissions_total)\n", counted
  printf "gateway RSS: peak of %d samples (1/s) %.1f MB, VmHWM %.1f MB, at the end %.1f MB\n", samples, peak / 1024, hwm / 1024, now / 1024
}'
echo "data: $(du -sh "$work/data" | cut -f1) in $work/data ($(ls -1 "$work/in" | wc -l) files in $work/in)"
