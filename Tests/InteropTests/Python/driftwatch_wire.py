"""driftwatch wire protocol v1: a reference encoder and decoder in Python 3, standard library only.

Written from docs/protocol.md. Encodes event batches and label batches (producer -> collector) and decodes
acknowledgements (collector -> producer). Every message is one ZeroMQ frame; all integers and doubles are
little-endian.

    import driftwatch_wire as wire
    body = wire.encode_event_batch(
        agent_id="agent-1", sequence=1, model="fraud", model_version="v3",
        features=[("amount", wire.NUMERIC), ("country", wire.CATEGORICAL)],
        custom_metric_names=["tokens"],
        events=[{"timestamp_ns": 1_700_000_000_000_000_000, "numeric": [12.5], "categorical": ["fr"],
                 "prediction": ("number", 0.3), "custom_metrics": {"tokens": 17.0}}],
    )
"""

import math
import struct

MAGIC = b"DRFW"
MAJOR = 1
MINOR = 0
EVENT_BATCH = 1
LABEL_BATCH = 2
ACKNOWLEDGEMENT = 3

NUMERIC = 0
CATEGORICAL = 1

MISSING_INDEX = 0xFFFFFFFF

MAX_MESSAGE_BYTES = 16 * 1024 * 1024
MAX_EVENTS_PER_BATCH = 65536
MAX_LABELS_PER_BATCH = 65536
MAX_STRING_BYTES = 1024
MAX_FEATURES_PER_SCHEMA = 1024
MAX_DICTIONARY_ENTRIES = 65536
MAX_PROBABILITIES_PER_PREDICTION = 1024
MAX_CUSTOM_METRICS = 64

_PREDICTION_KINDS = {"absent": 0, "number": 1, "class": 2, "probabilities": 3}


class WireError(Exception):
    """A value cannot be encoded, or a message cannot be decoded. `code` matches the Swift error codes."""

    def __init__(self, code, message, offset=None):
        super().__init__(f"{code}: {message}" + ("" if offset is None else f" (at byte {offset})"))
        self.code = code
        self.offset = offset


def _string(value, field, allow_empty=False):
    raw = value.encode("utf-8")
    if len(raw) > MAX_STRING_BYTES or (not raw and not allow_empty):
        raise WireError("length_out_of_range", f"{field} length {len(raw)} is out of range")
    return struct.pack("<H", len(raw)) + raw


def _finite(value, field):
    value = float(value)
    if not math.isfinite(value):
        raise WireError("non_finite_value", f"{field} must be finite")
    return value


def _preamble(message_type):
    return MAGIC + struct.pack("<BBBB", MAJOR, MINOR, message_type, 0)


def _header(agent_id, sequence, model, model_version):
    if not 1 <= sequence < 2**64:
        raise WireError("value_out_of_range", "sequence must be in 1...2^64-1")
    return (
        _string(agent_id, "agent_id")
        + struct.pack("<Q", sequence)
        + _string(model, "model_name")
        + _string(model_version, "model_version", allow_empty=True)
    )


class _Dictionary:
    """Interns strings in first-use order."""

    def __init__(self):
        self.entries = []
        self.index = {}

    def intern(self, value):
        if value not in self.index:
            _string(value, "dictionary_entry", allow_empty=True)
            self.index[value] = len(self.entries)
            self.entries.append(value)
        return self.index[value]

    def encode(self):
        if len(self.entries) > MAX_DICTIONARY_ENTRIES:
            raise WireError("count_out_of_range", f"dictionary_count {len(self.entries)} is out of range")
        return struct.pack("<I", len(self.entries)) + b"".join(
            _string(entry, "dictionary_entry", allow_empty=True) for entry in self.entries
        )


def encode_event_batch(agent_id, sequence, model, model_version, features, custom_metric_names, events):
    """Encodes an event batch (message type 1).

    features: list of (name, NUMERIC | CATEGORICAL) in wire order.
    custom_metric_names: list of names.
    events: list of dicts with keys
        timestamp_ns (int), request_id (str, optional), latency_us (float, optional), outcome (int 0..65535,
        0 = ok, default 0), prediction (None, ("number", x), ("class", label) or
        ("probabilities", [(label, p), ...])), numeric (list of float, NaN or None = missing, in the order of the
        numeric features), categorical (list of str or None, in the order of the categorical features),
        custom_metrics (dict name -> float; absent names are not reported).
    Strings are interned into the batch dictionary in first-use order: per event, prediction labels first,
    then categorical values.
    """
    if len(features) > MAX_FEATURES_PER_SCHEMA:
        raise WireError("count_out_of_range", "feature_count is out of range")
    if len(custom_metric_names) > MAX_CUSTOM_METRICS:
        raise WireError("count_out_of_range", "custom_metric_count is out of range")
    if len(events) > MAX_EVENTS_PER_BATCH:
        raise WireError("count_out_of_range", "event_count is out of range")
    if len(set(name for name, _ in features)) != len(features):
        raise WireError("duplicate_name", "feature names must be unique")
    if len(set(custom_metric_names)) != len(custom_metric_names):
        raise WireError("duplicate_name", "custom metric names must be unique")
    numeric_count = sum(1 for _, kind in features if kind == NUMERIC)
    categorical_count = sum(1 for _, kind in features if kind == CATEGORICAL)
    if numeric_count + categorical_count != len(features):
        raise WireError("invalid_enum_value", "feature kind must be NUMERIC or CATEGORICAL")

    dictionary = _Dictionary()
    body = []
    for event in events:
        flags = 0
        parts = [b""]
        request_id = event.get("request_id")
        latency = event.get("latency_us")
        if request_id is not None:
            flags |= 0b01
            parts.append(_string(request_id, "request_id"))
        if latency is not None:
            flags |= 0b10
            latency = _finite(latency, "latency")
            if latency < 0:
                raise WireError("value_out_of_range", "latency must be >= 0")
            parts.append(struct.pack("<d", latency))
        parts[0] = struct.pack("<qB", event["timestamp_ns"], flags)
        parts.append(struct.pack("<H", event.get("outcome", 0)))

        prediction = event.get("prediction") or ("absent", None)
        kind = _PREDICTION_KINDS[prediction[0]]
        parts.append(struct.pack("<B", kind))
        if kind == 1:
            parts.append(struct.pack("<d", _finite(prediction[1], "prediction_number")))
        elif kind == 2:
            parts.append(struct.pack("<I", dictionary.intern(prediction[1])))
        elif kind == 3:
            probabilities = prediction[1]
            if not 1 <= len(probabilities) <= MAX_PROBABILITIES_PER_PREDICTION:
                raise WireError("count_out_of_range", "probability_count is out of range")
            parts.append(struct.pack("<H", len(probabilities)))
            for label, probability in probabilities:
                probability = _finite(probability, "probability_value")
                if not 0.0 <= probability <= 1.0:
                    raise WireError("value_out_of_range", "probability_value must be in [0, 1]")
                parts.append(struct.pack("<Id", dictionary.intern(label), probability))

        numeric = event.get("numeric", [])
        if len(numeric) != numeric_count:
            raise WireError("schema_mismatch", "numeric feature count does not match the schema")
        for value in numeric:
            value = math.nan if value is None else float(value)
            if math.isinf(value):
                raise WireError("non_finite_value", "numeric_feature must not be infinite")
            parts.append(struct.pack("<d", value))

        categorical = event.get("categorical", [])
        if len(categorical) != categorical_count:
            raise WireError("schema_mismatch", "categorical feature count does not match the schema")
        for value in categorical:
            parts.append(struct.pack("<I", MISSING_INDEX if value is None else dictionary.intern(value)))

        metrics = event.get("custom_metrics", {})
        unknown = set(metrics) - set(custom_metric_names)
        if unknown:
            raise WireError("schema_mismatch", f"custom metrics {sorted(unknown)} are not declared")
        for name in custom_metric_names:
            value = metrics.get(name)
            parts.append(struct.pack("<d", math.nan if value is None else _finite(value, "custom_metric")))
        body.append(b"".join(parts))

    schema = struct.pack("<H", len(features)) + b"".join(
        struct.pack("<B", kind) + _string(name, "feature_name") for name, kind in features
    )
    metric_names = struct.pack("<H", len(custom_metric_names)) + b"".join(
        _string(name, "custom_metric_name") for name in custom_metric_names
    )
    message = (
        _preamble(EVENT_BATCH)
        + _header(agent_id, sequence, model, model_version)
        + schema
        + metric_names
        + dictionary.encode()
        + struct.pack("<I", len(events))
        + b"".join(body)
    )
    if len(message) > MAX_MESSAGE_BYTES:
        raise WireError("message_too_large", f"message of {len(message)} bytes is too large")
    return message


def encode_label_batch(agent_id, sequence, model, model_version, labels):
    """Encodes a label batch (message type 2).

    labels: list of dicts with keys timestamp_ns (int), request_id (str) and either number (float) or
    class_label (str).
    """
    if len(labels) > MAX_LABELS_PER_BATCH:
        raise WireError("count_out_of_range", "label_count is out of range")
    dictionary = _Dictionary()
    body = []
    for label in labels:
        part = struct.pack("<q", label["timestamp_ns"]) + _string(label["request_id"], "request_id")
        if "number" in label:
            part += struct.pack("<Bd", 1, _finite(label["number"], "label_number"))
        else:
            part += struct.pack("<BI", 2, dictionary.intern(label["class_label"]))
        body.append(part)
    return (
        _preamble(LABEL_BATCH)
        + _header(agent_id, sequence, model, model_version)
        + dictionary.encode()
        + struct.pack("<I", len(labels))
        + b"".join(body)
    )


def encode_acknowledgement(agent_id, highest_contiguous_sequence):
    """Encodes an acknowledgement (message type 3); collectors send these, producers only decode them."""
    return _preamble(ACKNOWLEDGEMENT) + _string(agent_id, "agent_id") + struct.pack("<Q", highest_contiguous_sequence)


def decode_acknowledgement(data):
    """Decodes an acknowledgement. Returns (agent_id, highest_contiguous_sequence); raises WireError."""
    data = bytes(data)
    if len(data) > MAX_MESSAGE_BYTES:
        raise WireError("message_too_large", "message is too large", 0)
    if len(data) < 4:
        raise WireError("truncated", "message ends inside magic", 0)
    if data[:4] != MAGIC:
        raise WireError("bad_magic", "message does not start with DRFW", 0)
    if len(data) < 6:
        raise WireError("truncated", "message ends inside version", 4)
    major, minor = data[4], data[5]
    if major != MAJOR:
        raise WireError("unsupported_version", f"unsupported protocol version {major}.{minor}", 4)
    if len(data) < 7:
        raise WireError("truncated", "message ends inside message_type", 6)
    if data[6] not in (EVENT_BATCH, LABEL_BATCH, ACKNOWLEDGEMENT):
        raise WireError("invalid_enum_value", f"message_type has unknown value {data[6]}", 6)
    if data[6] != ACKNOWLEDGEMENT:
        raise WireError("unexpected_message_type", "expected an acknowledgement", 6)
    if len(data) < 8:
        raise WireError("truncated", "message ends inside message_flags", 7)
    if data[7] != 0 and minor <= MINOR:
        raise WireError("reserved_bits_set", "message_flags sets reserved bits", 7)
    offset = 8
    if len(data) < offset + 2:
        raise WireError("truncated", "message ends inside agent_id", offset)
    (length,) = struct.unpack_from("<H", data, offset)
    if length == 0 or length > MAX_STRING_BYTES:
        raise WireError("length_out_of_range", f"agent_id length {length} is out of range", offset)
    offset += 2
    if len(data) < offset + length:
        raise WireError("truncated", "message ends inside agent_id", offset)
    try:
        agent_id = data[offset : offset + length].decode("utf-8")
    except UnicodeDecodeError as error:
        raise WireError("invalid_utf8", "agent_id is not valid UTF-8", offset + error.start) from None
    offset += length
    if len(data) < offset + 8:
        raise WireError("truncated", "message ends inside acknowledged_sequence", offset)
    (sequence,) = struct.unpack_from("<Q", data, offset)
    offset += 8
    if offset != len(data) and minor <= MINOR:
        raise WireError("trailing_bytes", f"{len(data) - offset} bytes follow the end of a v1.0 message", offset)
    return agent_id, sequence
