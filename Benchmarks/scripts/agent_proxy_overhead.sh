#!/usr/bin/env bash
# The agent's reverse-proxy overhead and memory, measured against calling the model directly in the same run
# (docs/performance.md, "Agent"). The "model" is nginx answering a fixed JSON body, so the figures are the proxy's
# own cost, not a model's. Load comes from wrk at two paced rates: one connection sending a request every
# millisecond (≈ 1k requests/s) and ten connections doing the same (≈ 10k requests/s); wrk's `delay()` hook paces
# each connection, and the rates reached are reported. While the proxy carries the 10k/s load, the agent's
# resident memory (VmRSS, and VmHWM for the peak) is read from /proc.
#
# A second reference runs in the same loop: nginx itself as a reverse proxy (keep-alive to the same model), the
# floor a separate proxy process reaches on this machine. Its added latency is printed beside the agent's.
#
# Usage: bash Benchmarks/scripts/agent_proxy_overhead.sh [seconds per run, default 15]
# Environment: DRIFTWATCH=path uses that executable (`driftwatch` or `driftwatch-agent`) as the agent instead of
# building one; COLLECTOR=path runs the collector from that `driftwatch` (default: DRIFTWATCH, which must then be
# `driftwatch`); BASELINE=path also runs a second agent from another executable (e.g. the previous release) beside
# it, measured in the same loop, so a change is compared with what it replaces on the same machine at the same load.
# Needs: wrk and nginx (apt-get install wrk nginx-light), a release build of driftwatch (built here if missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-15}"
for tool in wrk nginx; do
    command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install wrk nginx-light" >&2; exit 1; }
done
source Benchmarks/scripts/agent_bench_common.sh
select_executables


work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pidfile in "$work/nginx.pid" "$work/nginx-proxy.pid"; do
        [[ -f "$pidfile" ]] && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
model_port="$(free_port)"
mkdir -p "$work/nginx"
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$model_port;
        location / {
            default_type application/json;
            return 200 '{"predictions": [7.5]}';
        }
    }
}
NGINX
nginx -c "$work/nginx.conf"

# The reference proxy: nginx forwarding to the same model over kept-alive connections, as a production nginx in
# front of a model server is configured.
proxy_port="$(free_port)"
cat > "$work/nginx-proxy.conf" <<NGINX
worker_processes 1;
pid $work/nginx-proxy.pid;
error_log $work/nginx/proxy-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx;
    keepalive_requests 1000000;
    upstream model { server 127.0.0.1:$model_port; keepalive 64; }
    server {
        listen 127.0.0.1:$proxy_port;
        location / {
            proxy_pass http://model;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
NGINX
nginx -c "$work/nginx-proxy.conf"

start_collector

# Starts one agent from executable $1 as proxy number $2; sets agent_port[$2] and agent_pid[$2].
declare -a agent_port agent_pid
start_agent() {
    local port
    port="$(free_port)"
    "$1" agent --collector "$ingest" --model "bench$2" --listen "127.0.0.1:$port" \
        --upstream "http://127.0.0.1:$model_port" --feature-names a,b,c,d --http 127.0.0.1:0 \
        --spool-dir "$work/spool$2" --log-level warning 2> "$work/agent$2.log" &
    agent_pid[$2]=$!
    agent_port[$2]=$port
    pids+=("$!")
    for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
}
start_agent "$driftwatch" 0
paths=(proxy)
if [[ -n "${BASELINE:-}" ]]; then
    start_agent "$BASELINE" 1
    paths+=(baseline)
fi

# Prints where an agent's resident memory is: totals from /proc, then by kind of mapping.
memory() {
    local pid="$1" name="$2"
    grep -E "VmRSS|VmHWM|Threads" "/proc/$pid/status" | tr -s ' \t' ' ' | sed "s/^/$name /"
    python3 - "$pid" "$name" <<'PY'
import re, sys
pid, name = sys.argv[1], sys.argv[2]
kinds, current = {}, None
for line in open(f"/proc/{pid}/smaps"):
    head = re.match(r"^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ \d+\s*(.*)$", line)
    if head:
        perms, path = head.groups()
        if path.startswith("/"):
            current = "file: " + ("executable" if "driftwatch" in path else "libraries")
        elif path in ("[heap]", "[stack]"):
            current = path
        else:
            current = "anonymous (malloc arenas, thread stacks)" if "w" in perms else "anonymous, read-only/guard"
        continue
    rss = re.match(r"^Rss:\s+(\d+) kB", line)
    if rss:
        kinds[current] = kinds.get(current, 0) + int(rss.group(1))
for kind, kb in sorted(kinds.items(), key=lambda item: -item[1]):
    print(f"{name}   {kind}: {kb} kB")
PY
}

cat > "$work/paced.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"instances": [[1.0, 2.0, 3.0, 4.0]]}'
wrk.headers["Content-Type"] = "application/json"
function delay() return 1 end
LUA

# Prints "rate p50_us p99_us" for one wrk run.
measure() {
    local url="$1" connections="$2"
    wrk -t "$(( connections < 2 ? 1 : 2 ))" -c "$connections" -d "${duration}s" --latency -s "$work/paced.lua" "$url" \
        > "$work/wrk.txt"
    python3 - "$work/wrk.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def micros(label):
    value, unit = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
    return float(value) * {"us": 1, "ms": 1e3, "s": 1e6}[unit]
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
print(f"{rate:.0f} {micros('50'):.0f} {micros('99'):.0f}")
PY
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); ${duration} s per run; wrk paced at 1 request/ms/connection"
printf "%-12s %-10s %12s %12s %12s\n" "connections" "path" "requests/s" "p50 µs" "p99 µs"
for connections in 1 10; do
    read -r direct_rate direct_p50 direct_p99 < <(measure "http://127.0.0.1:$model_port/v1/models/bench:predict" "$connections")
    printf "%-12s %-10s %12s %12s %12s\n" "$connections" direct "$direct_rate" "$direct_p50" "$direct_p99"
    read -r nginx_rate nginx_p50 nginx_p99 < <(measure "http://127.0.0.1:$proxy_port/v1/models/bench:predict" "$connections")
    printf "%-12s %-10s %12s %12s %12s\n" "$connections" nginx-proxy "$nginx_rate" "$nginx_p50" "$nginx_p99"
    printf "%-12s %-10s %12s %12s %12s\n" "$connections" "added" "" \
        "$(( nginx_p50 - direct_p50 ))" "$(( nginx_p99 - direct_p99 ))"
    for index in "${!paths[@]}"; do
        path="${paths[$index]}"
        read -r proxy_rate proxy_p50 proxy_p99 < <(
            measure "http://127.0.0.1:${agent_port[$index]}/v1/models/bench:predict" "$connections"
        )
        printf "%-12s %-10s %12s %12s %12s\n" "$connections" "$path" "$proxy_rate" "$proxy_p50" "$proxy_p99"
        printf "%-12s %-10s %12s %12s %12s\n" "$connections" "added" "" \
            "$(( proxy_p50 - direct_p50 ))" "$(( proxy_p99 - direct_p99 ))"
        if [[ "$connections" == 10 ]]; then memory "${agent_pid[$index]}" "$path"; fi
    done
done
