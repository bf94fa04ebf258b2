#!/usr/bin/env sh
# An exec hook for driftwatch retraining triggers:
#     driftwatch collector --trigger-exec 'examples/retrain-hook.sh /var/lib/retrain'
#
# The collector runs it once per trigger (and again if an attempt fails), with the trigger JSON on standard input
# (docs/triggers.md) and the key fields in the environment: DRIFTWATCH_TRIGGER_ID, DRIFTWATCH_MODEL,
# DRIFTWATCH_MODEL_VERSION, DRIFTWATCH_REASON, DRIFTWATCH_SOURCE, DRIFTWATCH_CREATED_AT_NS,
# DRIFTWATCH_DATA_START_NS, DRIFTWATCH_DATA_END_NS, DRIFTWATCH_ATTEMPT. Exit status 0 acknowledges the trigger; any
# other status makes the collector retry later with backoff.
#
# This one queues a training job as a file named after the trigger id in DIRECTORY (default ./retrain-queue):
# the id is the idempotency key, so a trigger delivered twice queues one job. Replace the last lines with a call to
# your training system (a CI pipeline, a Kubeflow or Airflow API, …), passing the id as its idempotency key.
set -eu
queue="${1:-./retrain-queue}"
mkdir -p "$queue"
job="$queue/$DRIFTWATCH_TRIGGER_ID.json"
if [ -e "$job" ]; then
    echo "retrain-hook: $DRIFTWATCH_TRIGGER_ID already queued (attempt $DRIFTWATCH_ATTEMPT); nothing to do" >&2
    cat > /dev/null
    exit 0
fi
# Write to a temporary name and rename, so a half-written job is never picked up.
cat > "$job.tmp"
mv "$job.tmp" "$job"
start_s=$((DRIFTWATCH_DATA_START_NS / 1000000000))
end_s=$((DRIFTWATCH_DATA_END_NS / 1000000000))
echo "retrain-hook: queued $DRIFTWATCH_TRIGGER_ID: retrain $DRIFTWATCH_MODEL${DRIFTWATCH_MODEL_VERSION:+ $DRIFTWATCH_MODEL_VERSION} on data" \
    "from $start_s to $end_s (unix s): $DRIFTWATCH_REASON" >&2
