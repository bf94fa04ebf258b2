#!/usr/bin/env bash
# The agent's resident memory while it carries a steady event rate over UDP JSON lines (docs/performance.md,
# "Agent"): a Python sender paces RATE events/s (default 10,000) for SECONDS (default 20) to `--udp`, each event with
# four numeric features, a prediction, a latency and a request id; the agent batches them to a real collector. At the
# end it prints the agent's VmHWM/VmRSS, where the resident set is (by kind of mapping), and how many events the
# collector acknowledged, so a memory figure never comes from an agent that dropped its load.
#
# Usage: bash Benchmarks/scripts/agent_udp_memory.sh [RATE] [SECONDS]
# Environment: DRIFTWATCH=path is the agent executable (`driftwatch` or `driftwatch-agent`; default: a release build
# of driftwatch made here); COLLECTOR=path the `driftwatch` that runs the collector (default: DRIFTWATCH).
set -euo pipefail
cd "$(dirname "$0")/../.."
rate="${1:-10000}"
seconds="${2:-20}"
source Benchmarks/scripts/agent_bench_common.sh
select_executables

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

start_collector

"$driftwatch" agent --collector "$ingest" --model udpbench --udp 127.0.0.1:0 --http 127.0.0.1:0 \
    --spool-dir "$work/spool" 2> "$work/agent.log" &
agent=$!
pids+=("$agent")
for _ in $(seq 1 100); do grep -q "ingest.address=udp://" "$work/agent.log" && break; sleep 0.1; done
udp_port="$(grep -o "ingest.address=udp://[^ ]*" "$work/agent.log" | head -n 1 | sed 's/.*://')"
http="$(grep -o "http.address=[^ ]*" "$work/agent.log" | head -n 1 | cut -d= -f2)"

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $rate events/s for $seconds s over UDP"
python3 - "$udp_port" "$rate" "$seconds" <<'PY'
import json, random, socket, sys, time
port, rate, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rng = random.Random(7)
tick, sent, start = 0.01, 0, time.monotonic()
while time.monotonic() - start < seconds:
    due = int((time.monotonic() - start) * rate)
    while sent < due:
        features = {name: round(rng.gauss(0, 1), 4) for name in ("a", "b", "c", "d")}
        line = {"request_id": f"r{sent}", "features": features, "prediction": round(rng.random(), 4),
                "latency_ms": round(rng.uniform(0.5, 5), 3)}
        sender.sendto(json.dumps(line).encode(), ("127.0.0.1", port))
        sent += 1
    time.sleep(tick)
print(f"sent {sent} events in {time.monotonic() - start:.1f} s")
PY
sleep 2
grep -E "VmRSS|VmHWM|Threads" "/proc/$agent/status" | tr -s ' \t' ' '
python3 - "$agent" <<'PY'
import re, sys
kinds, current = {}, None
for line in open(f"/proc/{sys.argv[1]}/smaps"):
    head = re.match(r"^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ \d+\s*(.*)$", line)
    if head:
        perms, path = head.groups()
        current = ("file: executable" if "driftwatch" in path else "file: libraries") if path.startswith("/") else (
            "anonymous (malloc arenas, thread stacks)" if "w" in perms else "anonymous, read-only/guard")
        continue
    rss = re.match(r"^Rss:\s+(\d+) kB", line)
    if rss:
        kinds[current] = kinds.get(current, 0) + int(rss.group(1))
for kind, kb in sorted(kinds.items(), key=lambda item: -item[1]):
    print(f"  {kind}: {kb} kB")
PY
curl -s "http://$http/metrics" | grep -E "^driftwatch_agent_(events_recorded_total|events_acknowledged_total|events_dropped_total)" \
    | grep -v " 0$" || true
