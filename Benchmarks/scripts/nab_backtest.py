#!/usr/bin/env python3
"""Backtest every NAB series that has labels as a custom metric (`driftwatch backtest --nab`) and write the
firing alerts as NAB alarms for ../shared/tools/nab_score.py (docs/backtest.md, "NAB").

  python3 Benchmarks/scripts/nab_backtest.py DRIFTWATCH NAB_DIR ALARMS.jsonl
"""
import json
import os
import subprocess
import sys

driftwatch, nab, out = sys.argv[1:4]
labels = json.load(open(os.path.join(nab, "labels", "combined_windows.json")))
alarms = []
for series in sorted(labels):
    path = os.path.join(nab, "data", series)
    if not os.path.exists(path):
        continue
    run = subprocess.run([driftwatch, "backtest", "--nab", path, "--json"], capture_output=True, text=True, check=True)
    for line in run.stdout.splitlines():
        entry = json.loads(line)
        if entry.get("change") == "firing":
            # 2014-02-14T14:27:00.000Z -> 2014-02-14 14:27:00
            alarms.append({"series": series, "timestamp": entry["event_time"][:19].replace("T", " ")})
with open(out, "w") as f:
    for alarm in alarms:
        f.write(json.dumps(alarm) + "\n")
print(f"{len(alarms)} alarms on {len(labels)} labelled series -> {out}")
