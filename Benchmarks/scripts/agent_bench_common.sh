# Shared by the agent benchmark scripts (sourced, from the repository root, after `set -euo pipefail`).

# Sets `driftwatch` (the agent executable: $DRIFTWATCH, or a release build of driftwatch made here) and
# `collector` (the `driftwatch` that runs the collector: $COLLECTOR, default the same executable).
select_executables() {
    if [[ -n "${DRIFTWATCH:-}" ]]; then
        driftwatch="$DRIFTWATCH"
    else
        swift build -c release --scratch-path .build-release --product driftwatch 2>&1 | grep -v "prohibited flag" \
            | tail -n 1
        driftwatch="$(swift build -c release --scratch-path .build-release --show-bin-path)/driftwatch"
    fi
    collector="${COLLECTOR:-$driftwatch}"
}

# Starts a collector on ephemeral loopback ports, logging to $work/collector.log; appends its pid to `pids` and
# sets `ingest` to its agent-ingest endpoint.
start_collector() {
    "$collector" collector --ingest 'tcp://127.0.0.1:*' --alerts 'tcp://127.0.0.1:*' --http 127.0.0.1:0 \
        2> "$work/collector.log" &
    pids+=("$!")
    for _ in $(seq 1 100); do grep -q "zmq.ingest=" "$work/collector.log" && break; sleep 0.1; done
    ingest="$(grep -o "zmq.ingest=[^ ]*" "$work/collector.log" | head -n 1 | cut -d= -f2)"
}
