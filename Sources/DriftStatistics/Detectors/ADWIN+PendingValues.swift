extension ADWIN {
    /// The values recorded since the last clock boundary (at most 32), stored inside the detector rather than in a
    /// heap array, so that recording one is a plain store: no uniqueness check of a shared buffer per update.
    @usableFromInline
    internal struct PendingValues: Sendable {
        /// How many values fit.
        @inlinable
        internal static var capacity: Int { 32 }

        @usableFromInline
        internal var storage:
            (
                Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double,
                Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double,
                Double, Double, Double, Double, Double, Double
            ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

        @usableFromInline
        internal init() {}

        /// The value at `index` (`0 ..< 32`).
        @inlinable
        internal subscript(index: Int) -> Double {
            get {
                precondition(UInt(bitPattern: index) < UInt(Self.capacity), "ADWIN pending index out of range")
                return withUnsafeBytes(of: storage) { $0.load(fromByteOffset: index &* 8, as: Double.self) }
            }
            set {
                precondition(UInt(bitPattern: index) < UInt(Self.capacity), "ADWIN pending index out of range")
                withUnsafeMutableBytes(of: &storage) {
                    $0.storeBytes(of: newValue, toByteOffset: index &* 8, as: Double.self)
                }
            }
        }

        /// Calls `body` with the 32 slots as a buffer.
        @inlinable
        internal mutating func withUnsafeMutableBufferPointer<Result>(
            _ body: (UnsafeMutableBufferPointer<Double>) throws -> Result
        ) rethrows -> Result {
            try withUnsafeMutableBytes(of: &storage) { bytes in
                try body(bytes.bindMemory(to: Double.self))
            }
        }
    }
}
