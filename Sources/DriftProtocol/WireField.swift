/// Names one field of the wire format, so that a ``ProtocolError`` can say what was being read.
///
/// The raw values are stable: they appear in error codes, logs and `docs/protocol.md`.
public enum WireField: String, Sendable, Hashable, CaseIterable {
    /// The four magic bytes `DRFW` that open every message.
    case magic
    /// The major and minor version bytes.
    case version
    /// The message-type byte.
    case messageType = "message_type"
    /// The message flags byte (reserved, zero in v1.0).
    case messageFlags = "message_flags"
    /// The sender's agent id.
    case agentID = "agent_id"
    /// The per-agent sequence number of a batch.
    case sequence
    /// The model name.
    case modelName = "model_name"
    /// The model version.
    case modelVersion = "model_version"
    /// The number of features in the schema.
    case featureCount = "feature_count"
    /// The kind byte of one feature in the schema.
    case featureKind = "feature_kind"
    /// The name of one feature in the schema.
    case featureName = "feature_name"
    /// The number of custom-metric names.
    case customMetricCount = "custom_metric_count"
    /// The name of one custom metric.
    case customMetricName = "custom_metric_name"
    /// The number of dictionary entries.
    case dictionaryCount = "dictionary_count"
    /// One dictionary entry.
    case dictionaryEntry = "dictionary_entry"
    /// The number of events in an event batch.
    case eventCount = "event_count"
    /// An event's timestamp.
    case timestamp
    /// An event's presence-flags byte.
    case eventFlags = "event_flags"
    /// An event's or label's request id.
    case requestID = "request_id"
    /// An event's latency.
    case latency
    /// An event's outcome code.
    case outcome
    /// An event's prediction-kind byte.
    case predictionKind = "prediction_kind"
    /// A numeric prediction.
    case predictionNumber = "prediction_number"
    /// A class-label prediction (dictionary index).
    case predictionClass = "prediction_class"
    /// The number of class probabilities in a prediction.
    case probabilityCount = "probability_count"
    /// The class (dictionary index) of one probability.
    case probabilityClass = "probability_class"
    /// The value of one probability.
    case probabilityValue = "probability_value"
    /// A numeric feature value.
    case numericFeature = "numeric_feature"
    /// A categorical feature value (dictionary index).
    case categoricalFeature = "categorical_feature"
    /// A custom-metric value.
    case customMetric = "custom_metric"
    /// The number of labels in a label batch.
    case labelCount = "label_count"
    /// A label's kind byte.
    case labelKind = "label_kind"
    /// A numeric ground truth.
    case labelNumber = "label_number"
    /// A class-label ground truth (dictionary index).
    case labelClass = "label_class"
    /// The highest contiguous sequence number in an acknowledgement.
    case acknowledgedSequence = "acknowledged_sequence"
    /// The message as a whole (its size).
    case message
}
