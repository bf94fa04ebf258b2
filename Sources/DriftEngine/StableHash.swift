/// FNV-1a 64-bit over UTF-8 bytes: a hash that is the same in every process and on every platform (Swift's
/// `Hasher` is seeded per process), used for alert fingerprints, reservoir seeds and the label join.
/// - Parameter text: the text to hash.
/// - Returns: the 64-bit FNV-1a hash.
/// - Complexity: O(bytes), no allocation.
func stableHash(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    return hash
}

/// FNV-1a 64 over a byte range, continuing from `hash`.
@inline(__always)
func stableHash(bytes: UnsafeRawBufferPointer, seed hash: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
    var hash = hash
    for byte in bytes {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    return hash
}

/// The fingerprint of an alert: FNV-1a 64 of `model ␀ version ␀ kind ␀ feature` as 16 lowercase hex digits.
/// - Parameters:
///   - model: the model name.
///   - version: the model version.
///   - kind: the alert kind's raw value.
///   - feature: the feature, or nil for model-level alerts.
/// - Returns: the fingerprint.
public func alertFingerprint(model: String, version: String, kind: String, feature: String?) -> String {
    let key = "\(model)\u{0}\(version)\u{0}\(kind)\u{0}\(feature ?? "")"
    let hex = String(stableHash(key), radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
