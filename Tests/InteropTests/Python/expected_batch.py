"""Loads expected_batch.json and encodes it with driftwatch_wire (shared by send_batch.py and write_fixture.py)."""

import json
import os

import driftwatch_wire as wire

HERE = os.path.dirname(os.path.abspath(__file__))


def load():
    with open(os.path.join(HERE, "expected_batch.json"), encoding="utf-8") as handle:
        return json.load(handle)


def _prediction(prediction):
    kind = prediction["kind"]
    if kind == "absent":
        return None
    if kind == "number":
        return ("number", prediction["value"])
    if kind == "class":
        return ("class", prediction["label"])
    return ("probabilities", [(entry["label"], entry["probability"]) for entry in prediction["probabilities"]])


def encode():
    """Returns the wire bytes of the expected batch."""
    content = load()
    kinds = {"numeric": wire.NUMERIC, "categorical": wire.CATEGORICAL}
    events = []
    for event in content["events"]:
        encoded = {
            "timestamp_ns": event["timestamp_ns"],
            "outcome": event["outcome"],
            "prediction": _prediction(event["prediction"]),
            "numeric": event["numeric"],
            "categorical": event["categorical"],
            "custom_metrics": event["custom_metrics"],
        }
        if event["request_id"] is not None:
            encoded["request_id"] = event["request_id"]
        if event["latency_us"] is not None:
            encoded["latency_us"] = event["latency_us"]
        events.append(encoded)
    return wire.encode_event_batch(
        agent_id=content["agent_id"],
        sequence=content["sequence"],
        model=content["model"],
        model_version=content["model_version"],
        features=[(feature["name"], kinds[feature["kind"]]) for feature in content["features"]],
        custom_metric_names=content["custom_metric_names"],
        events=events,
    )
