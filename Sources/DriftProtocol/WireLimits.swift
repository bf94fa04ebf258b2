/// The hard limits of wire protocol v1.
///
/// A decoder rejects any message that exceeds one of them before it allocates anything sized by the offending
/// count; an encoder refuses to build such a message. The numbers are part of the specification
/// (`docs/protocol.md`, section "Limits") and change only with the major version.
public enum WireLimits {
    /// Largest message, in bytes (16 MiB).
    public static let maxMessageBytes = 16 * 1024 * 1024
    /// Largest number of events in one event batch.
    public static let maxEventsPerBatch = 65_536
    /// Largest number of labels in one label batch.
    public static let maxLabelsPerBatch = 65_536
    /// Longest string, in UTF-8 bytes (names, ids, dictionary entries).
    public static let maxStringBytes = 1_024
    /// Largest number of features (numeric and categorical together) in one schema.
    public static let maxFeaturesPerSchema = 1_024
    /// Largest number of dictionary entries in one batch.
    public static let maxDictionaryEntries = 65_536
    /// Largest number of class probabilities in one prediction.
    public static let maxProbabilitiesPerPrediction = 1_024
    /// Largest number of custom metrics per batch (and so per event).
    public static let maxCustomMetrics = 64
}

/// Constants of the message preamble shared by every message.
public enum WireFormat {
    /// The four magic bytes, ASCII `DRFW`.
    public static let magic: (UInt8, UInt8, UInt8, UInt8) = (0x44, 0x52, 0x46, 0x57)
    /// The major version this module speaks.
    public static let majorVersion: UInt8 = 1
    /// The minor version this module writes.
    public static let minorVersion: UInt8 = 0
    /// Size of the preamble (magic, major, minor, type, flags), in bytes.
    public static let preambleBytes = 8
    /// The dictionary index that marks a missing categorical value.
    public static let missingIndex: UInt32 = .max
}

/// The message-type byte that follows the version in every message.
public enum MessageType: UInt8, Sendable, Hashable, CaseIterable {
    /// An ``EventBatch`` (producer → collector).
    case eventBatch = 1
    /// A ``LabelBatch`` (producer → collector).
    case labelBatch = 2
    /// An ``Acknowledgement`` (collector → producer).
    case acknowledgement = 3
}
