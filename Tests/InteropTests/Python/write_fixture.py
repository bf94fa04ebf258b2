"""Usage: python3 write_fixture.py OUTPUT

Writes the event batch described by expected_batch.json, encoded by driftwatch_wire.py, to OUTPUT. Produces
Tests/DriftProtocolTests/Fixtures/python_event_batch_v1.bin (Python 3.11, standard library only: no packages).
"""

import sys

import expected_batch

if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: write_fixture.py OUTPUT", file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[1], "wb") as handle:
        handle.write(expected_batch.encode())
