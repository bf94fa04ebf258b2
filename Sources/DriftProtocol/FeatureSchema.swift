/// The kind of a feature: a number or a category.
public enum FeatureKind: UInt8, Sendable, Hashable, CaseIterable, Codable {
    /// A `Double` value; NaN means missing.
    case numeric = 0
    /// A string value sent through the batch dictionary; may be missing.
    case categorical = 1
}

/// One feature of a schema: its name and kind.
public struct FeatureDescriptor: Sendable, Hashable {
    /// The feature name (non-empty, unique in its schema).
    public var name: String
    /// Whether the feature is numeric or categorical.
    public var kind: FeatureKind

    /// Creates a descriptor.
    /// - Parameters:
    ///   - name: the feature name.
    ///   - kind: numeric or categorical.
    public init(name: String, kind: FeatureKind) {
        self.name = name
        self.kind = kind
    }
}

/// The feature schema sent once per batch: feature names and kinds, in wire order.
///
/// Each event carries its numeric features in the order in which numeric features appear here, then its
/// categorical features in the order in which categorical features appear here.
public struct FeatureSchema: Sendable, Hashable {
    /// All features, in wire order.
    public let features: [FeatureDescriptor]
    /// Names of the numeric features, in per-event order.
    public let numericNames: [String]
    /// Names of the categorical features, in per-event order.
    public let categoricalNames: [String]

    /// Number of numeric features per event.
    public var numericCount: Int { numericNames.count }
    /// Number of categorical features per event.
    public var categoricalCount: Int { categoricalNames.count }

    /// Creates and validates a schema.
    /// - Parameter features: the features in wire order.
    /// - Throws: ``ProtocolError`` (offset `nil`) when there are more than ``WireLimits/maxFeaturesPerSchema``
    ///   features, a name is empty or too long, or a name occurs twice.
    /// - Complexity: O(n) expected, n the number of features.
    public init(_ features: [FeatureDescriptor]) throws(ProtocolError) {
        if features.count > WireLimits.maxFeaturesPerSchema {
            throw ProtocolError(.countOutOfRange(.featureCount, features.count), at: nil)
        }
        var seen = Set<String>()
        for feature in features {
            try BatchHeader.checkString(feature.name, .featureName, allowEmpty: false)
            if !seen.insert(feature.name).inserted {
                throw ProtocolError(.duplicateName(.featureName, feature.name), at: nil)
            }
        }
        self.init(unchecked: features)
    }

    /// Creates a schema of numeric features followed by categorical features.
    /// - Parameters:
    ///   - numeric: numeric feature names.
    ///   - categorical: categorical feature names.
    /// - Throws: as ``init(_:)``.
    public init(numeric: [String], categorical: [String] = []) throws(ProtocolError) {
        try self.init(
            numeric.map { FeatureDescriptor(name: $0, kind: .numeric) }
                + categorical.map { FeatureDescriptor(name: $0, kind: .categorical) }
        )
    }

    init(unchecked features: [FeatureDescriptor]) {
        self.features = features
        self.numericNames = features.filter { $0.kind == .numeric }.map(\.name)
        self.categoricalNames = features.filter { $0.kind == .categorical }.map(\.name)
    }

    /// Encoded size, in bytes.
    var encodedSize: Int { features.reduce(2) { $0 + 3 + $1.name.utf8.count } }

    func write(to writer: inout WireWriter) {
        writer.uint16(UInt16(truncatingIfNeeded: features.count))
        for feature in features {
            writer.uint8(feature.kind.rawValue)
            writer.string(feature.name)
        }
    }

    static func read(from reader: inout WireReader) throws(ProtocolError) -> FeatureSchema {
        let count = try reader.readCount(.featureCount, wide: false, range: 0...WireLimits.maxFeaturesPerSchema)
        var features: [FeatureDescriptor] = []
        features.reserveCapacity(min(count, reader.remaining / 3))
        var seen = Set<String>(minimumCapacity: min(count, reader.remaining / 3))
        for _ in 0..<count {
            let kindOffset = reader.offset
            let rawKind = try reader.readUInt8(.featureKind)
            guard let kind = FeatureKind(rawValue: rawKind) else {
                throw ProtocolError(.invalidEnumValue(.featureKind, rawKind), at: kindOffset)
            }
            let nameOffset = reader.offset
            let name = try reader.readString(.featureName, allowEmpty: false)
            if !seen.insert(name).inserted {
                throw ProtocolError(.duplicateName(.featureName, name), at: nameOffset)
            }
            features.append(FeatureDescriptor(name: name, kind: kind))
        }
        return FeatureSchema(unchecked: features)
    }
}
