/// Counts of categorical values with a fixed vocabulary cap and an "unseen" bucket.
///
/// A table either learns its vocabulary (up to ``maximumCategories`` distinct values; later new values go to
/// the unseen bucket) or is frozen to a reference's vocabulary (every value outside it goes to the unseen bucket).
/// Reference and current tables share slot order, so ``counts`` feed ``ChiSquareHomogeneity``,
/// ``PopulationStabilityIndex`` and ``DistributionDistance`` directly, the unseen bucket being the last slot.
///
/// Memory: the dictionary of at most `maximumCategories` keys (reserved up front) plus `8·(maximumCategories + 1)`
/// bytes of counts; with the default cap of 32 and short labels about 2 KiB. Observing never grows storage.
public struct CategoricalFrequencyTable: Sendable, Hashable, Codable {
    /// The default cap on distinct values.
    public static let defaultMaximumCategories = 32

    /// The vocabulary in slot order.
    public private(set) var categories: [String] = []
    private var slots: [String: Int] = [:]
    /// Counts per vocabulary slot followed by the unseen bucket (`maximumCategories + 1` slots; unused slots are 0).
    public private(set) var counts: [UInt64]
    /// The cap on distinct values.
    public let maximumCategories: Int
    /// Whether new values may join the vocabulary.
    public private(set) var learnsVocabulary: Bool
    /// Total observations.
    public private(set) var total: UInt64 = 0

    /// Creates an empty, learning table.
    ///
    /// - Parameter maximumCategories: The cap on distinct values, ≥ 1.
    public init(maximumCategories: Int = CategoricalFrequencyTable.defaultMaximumCategories) {
        precondition(maximumCategories >= 1, "maximumCategories must be at least 1")
        self.maximumCategories = maximumCategories
        counts = [UInt64](repeating: 0, count: maximumCategories + 1)
        slots.reserveCapacity(maximumCategories)
        categories.reserveCapacity(maximumCategories)
        learnsVocabulary = true
    }

    /// The index of the unseen bucket in ``counts``.
    public var unseenSlot: Int { maximumCategories }
    /// Observations that fell outside the vocabulary.
    public var unseenCount: UInt64 { counts[maximumCategories] }

    /// Counts one value.
    ///
    /// - Complexity: O(1) expected (one hash lookup); no allocation.
    public mutating func observe(_ category: String) {
        total += 1
        if let slot = slots[category] {
            counts[slot] += 1
        } else if learnsVocabulary && categories.count < maximumCategories {
            let slot = categories.count
            slots[category] = slot
            categories.append(category)
            counts[slot] += 1
        } else {
            counts[maximumCategories] += 1
        }
    }

    /// An empty table frozen to this table's vocabulary: the current-window counterpart of a reference.
    public func frozenEmptyCopy() -> CategoricalFrequencyTable {
        var copy = self
        copy.learnsVocabulary = false
        copy.total = 0
        for i in copy.counts.indices { copy.counts[i] = 0 }
        return copy
    }

    /// Clears the counts (keeps the vocabulary).
    public mutating func reset() {
        total = 0
        for i in counts.indices { counts[i] = 0 }
    }

    /// Counts as doubles over the used slots followed by the unseen bucket, ready for the two-sample tests.
    public var countVector: [Double] {
        var out = counts[0..<categories.count].map { Double($0) }
        out.append(Double(unseenCount))
        return out
    }

    /// Adds another table's counts. Categories of `other` missing here are learned (if allowed and below the cap)
    /// or added to the unseen bucket; `other`'s unseen count is added to the unseen bucket.
    public mutating func merge(_ other: CategoricalFrequencyTable) {
        for (i, name) in other.categories.enumerated() {
            let c = other.counts[i]
            if c == 0 && slots[name] == nil { continue }
            if let slot = slots[name] {
                counts[slot] += c
            } else if learnsVocabulary && categories.count < maximumCategories {
                let slot = categories.count
                slots[name] = slot
                categories.append(name)
                counts[slot] += c
            } else {
                counts[maximumCategories] += c
            }
        }
        counts[maximumCategories] += other.unseenCount
        total += other.total
    }
}
