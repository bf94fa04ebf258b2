/// A multiset of doubles kept sorted in a preallocated buffer: the sorted view behind the rolling windows.
///
/// Insertion and removal are a binary search plus one `memmove` of the tail (O(n) but branch-free and
/// cache-friendly: ≈ 100 ns for n = 1 000); reading is O(1) random access, so two-sample tests run on it without
/// sorting. Memory: `8·capacity` bytes plus an array header. Never allocates after creation.
public struct SortedSample: Sendable, Hashable, Codable, RandomAccessCollection {
    private var storage: [Double]
    /// The number of values held.
    public private(set) var count: Int = 0

    /// Creates an empty sample able to hold `capacity` values.
    ///
    /// - Parameter capacity: The maximum number of values, ≥ 1.
    public init(capacity: Int) {
        precondition(capacity >= 1, "capacity must be at least 1")
        storage = [Double](repeating: 0, count: capacity)
    }

    /// The maximum number of values.
    public var capacity: Int { storage.count }
    /// The first position.
    public var startIndex: Int { 0 }
    /// One past the last position.
    public var endIndex: Int { count }

    /// The `i`-th smallest value.
    public subscript(position: Int) -> Double {
        precondition(position >= 0 && position < count, "index out of range")
        return storage[position]
    }

    /// Inserts a value, keeping the order (after equal values).
    ///
    /// - Complexity: O(log n) search plus O(n) move; no allocation.
    public mutating func insert(_ value: Double) {
        precondition(count < storage.count, "sorted sample is full")
        let n = count
        storage.withUnsafeMutableBufferPointer { buffer in
            var low = 0
            var high = n
            while low < high {
                let mid = (low + high) / 2
                if buffer[mid] <= value { low = mid + 1 } else { high = mid }
            }
            if low < n, let base = buffer.baseAddress {
                (base + low + 1).update(from: base + low, count: n - low)
            }
            buffer[low] = value
        }
        count = n + 1
    }

    /// Removes one occurrence of a value; returns whether it was present.
    ///
    /// - Complexity: O(log n) search plus O(n) move; no allocation.
    @discardableResult
    public mutating func remove(_ value: Double) -> Bool {
        let n = count
        let removed = storage.withUnsafeMutableBufferPointer { buffer -> Bool in
            var low = 0
            var high = n
            while low < high {
                let mid = (low + high) / 2
                if buffer[mid] < value { low = mid + 1 } else { high = mid }
            }
            guard low < n, buffer[low] == value, let base = buffer.baseAddress else { return false }
            if low + 1 < n {
                (base + low).update(from: base + low + 1, count: n - low - 1)
            }
            return true
        }
        if removed { count = n - 1 }
        return removed
    }

    /// Gives direct access to the sorted values (lets two-sample tests run on contiguous memory).
    public func withContiguousStorageIfAvailable<R>(
        _ body: (UnsafeBufferPointer<Double>) throws -> R
    ) rethrows -> R? {
        try storage.withUnsafeBufferPointer { buffer in
            try body(UnsafeBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// Removes every value, keeping the capacity.
    public mutating func removeAll() {
        count = 0
    }

    /// The sorted values as a new array (allocates; for inspection and tests).
    public var values: [Double] { Array(storage[0..<count]) }

    /// Two samples are equal when they hold the same values, whatever their capacity.
    public static func == (lhs: SortedSample, rhs: SortedSample) -> Bool {
        lhs.count == rhs.count && lhs.storage[0..<lhs.count] == rhs.storage[0..<rhs.count]
    }

    /// Hashes the held values.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for v in storage[0..<count] { hasher.combine(v) }
    }
}
