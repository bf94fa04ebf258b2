extension EventBatch {
    /// A copy whose request ids are replaced by `transform` (an empty result removes the id); everything else
    /// is shared with this batch.
    /// - Parameter transform: called once per event that has a request id, with the id's UTF-8 bytes; the
    ///   result must be valid UTF-8 of at most 65,535 bytes (the wire limit).
    /// - Returns: the rewritten batch.
    /// - Complexity: O(events + request-id bytes).
    public func replacingRequestIDs(_ transform: (UnsafeRawBufferPointer) -> [UInt8]) -> EventBatch {
        var columns = storage.columns
        var bytes: [UInt8] = []
        var ends: [UInt32] = []
        ends.reserveCapacity(count)
        columns.requestIDBytes.withUnsafeBytes { old in
            for index in 0..<count {
                let range = columns.requestIDRange(of: index)
                if !range.isEmpty {
                    bytes += transform(UnsafeRawBufferPointer(rebasing: old[range]))
                }
                ends.append(UInt32(truncatingIfNeeded: bytes.count))
            }
        }
        columns.requestIDBytes = bytes
        columns.requestIDEnds = ends
        return EventBatch(columns: columns)
    }

    /// A copy whose numeric feature values and numeric predictions are replaced by `transform` (NaN, a missing
    /// value, is passed to it too); everything else is shared with this batch.
    /// - Parameter transform: the value mapping; it must return a finite value or NaN for a finite input.
    /// - Returns: the rewritten batch.
    /// - Complexity: O(events × numeric features).
    public func mappingNumericValues(_ transform: (Double) -> Double) -> EventBatch {
        var columns = storage.columns
        for index in columns.numericValues.indices {
            columns.numericValues[index] = transform(columns.numericValues[index])
        }
        for index in columns.predictionNumbers.indices where columns.predictionKinds[index] == .number {
            columns.predictionNumbers[index] = transform(columns.predictionNumbers[index])
        }
        return EventBatch(columns: columns)
    }
}
