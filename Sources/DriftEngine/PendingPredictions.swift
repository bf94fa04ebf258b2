/// Predictions waiting for their label, keyed by the 64-bit FNV-1a hash of the request id: an open-addressing
/// table with linear probing and backward-shift deletion (Knuth, TAOCP vol. 3, §6.4, Algorithm R), so no
/// tombstones accumulate.
///
/// The keys are already hashes, so a slot is found with one Fibonacci multiply (Knuth's multiplicative hashing)
/// instead of hashing the key again as `Dictionary` does; an insert that evicts the oldest prediction is two
/// probes into one flat array. Key 0 (a hash value like any other) marks an empty slot; the one prediction whose
/// key is 0, if any, lives beside the table.
///
/// Memory: 32 bytes per slot; the table doubles when more than three quarters full (16,384 slots, 512 KiB, for the
/// default `max_pending` of 10,000, the size `Dictionary` reached for the same entries) and never shrinks.
/// Checkpoints encode it exactly as the `[UInt64: Pending]` dictionary it replaced.
struct PendingPredictions: Sendable, Codable {
    struct Slot: Sendable, Hashable {
        var key: UInt64
        var value: LabelJoin.Pending
    }

    private var slots: [Slot] = []
    private var zeroKey: LabelJoin.Pending?
    /// Entries in the table (including the zero key).
    private(set) var count = 0

    init() {}

    /// The table position where `key` starts probing; `slots.count` is a power of two.
    @inline(__always)
    private func home(_ key: UInt64) -> Int {
        let shift = UInt64(64 &- slots.count.trailingZeroBitCount)
        return Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) &>> shift)
    }

    /// The slot holding `key`, or nil.
    @inline(__always)
    private func find(_ key: UInt64) -> Int? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count &- 1
        var index = home(key)
        while true {
            let slotKey = slots[index].key
            if slotKey == key { return index }
            if slotKey == 0 { return nil }
            index = (index &+ 1) & mask
        }
    }

    /// The waiting prediction for `key`, if any.
    subscript(key: UInt64) -> LabelJoin.Pending? {
        if key == 0 { return zeroKey }
        guard let index = find(key) else { return nil }
        return slots[index].value
    }

    /// Inserts or replaces the prediction for `key`.
    /// - Complexity: amortised O(1).
    @inline(__always)
    mutating func insert(_ value: LabelJoin.Pending, forKey key: UInt64) {
        if key == 0 {
            if zeroKey == nil { count += 1 }
            zeroKey = value
            return
        }
        if (count &+ 1) &* 4 > slots.count &* 3 { grow() }
        let mask = slots.count &- 1
        var index = home(key)
        while true {
            let slotKey = slots[index].key
            if slotKey == key {
                slots[index].value = value
                return
            }
            if slotKey == 0 {
                slots[index] = Slot(key: key, value: value)
                count &+= 1
                return
            }
            index = (index &+ 1) & mask
        }
    }

    /// Removes and returns the prediction for `key`.
    /// - Complexity: O(1) expected (the cluster after the slot is shifted back).
    @discardableResult
    mutating func removeValue(forKey key: UInt64) -> LabelJoin.Pending? {
        if key == 0 {
            guard let value = zeroKey else { return nil }
            zeroKey = nil
            count -= 1
            return value
        }
        guard let index = find(key) else { return nil }
        let removed = slots[index].value
        remove(at: index)
        return removed
    }

    /// Removes the prediction for `key` when it is the one registered at `timestamp` (a later prediction with the
    /// same request id replaced it otherwise).
    /// - Returns: whether it was removed.
    @inline(__always)
    mutating func remove(key: UInt64, registeredAt timestamp: Int64) -> Bool {
        if key == 0 {
            guard zeroKey?.timestamp == timestamp else { return false }
            zeroKey = nil
            count -= 1
            return true
        }
        guard let index = find(key), slots[index].value.timestamp == timestamp else { return false }
        remove(at: index)
        return true
    }

    private mutating func remove(at position: Int) {
        var hole = position
        let mask = slots.count &- 1
        var index = hole
        // Algorithm R: move later members of the cluster into the hole when their home is not between the hole
        // and their position (cyclically), so every key stays reachable from its home without tombstones.
        while true {
            index = (index &+ 1) & mask
            let slotKey = slots[index].key
            if slotKey == 0 { break }
            let start = home(slotKey)
            let reachable = hole <= index ? (start <= hole || start > index) : (start <= hole && start > index)
            if reachable {
                slots[hole] = slots[index]
                hole = index
            }
        }
        slots[hole] = Slot(key: 0, value: LabelJoin.Pending(timestamp: 0, number: 0, classHash: 0))
        count -= 1
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](
            repeating: Slot(key: 0, value: LabelJoin.Pending(timestamp: 0, number: 0, classHash: 0)),
            count: max(64, old.count * 2)
        )
        let mask = slots.count &- 1
        for slot in old where slot.key != 0 {
            var index = home(slot.key)
            while slots[index].key != 0 { index = (index &+ 1) & mask }
            slots[index] = slot
        }
    }

    /// Every entry as a dictionary (checkpoints and tests).
    var dictionary: [UInt64: LabelJoin.Pending] {
        var out: [UInt64: LabelJoin.Pending] = [:]
        out.reserveCapacity(count)
        for slot in slots where slot.key != 0 { out[slot.key] = slot.value }
        if let zeroKey { out[0] = zeroKey }
        return out
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(dictionary)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        for (key, value) in try container.decode([UInt64: LabelJoin.Pending].self) { insert(value, forKey: key) }
    }
}
