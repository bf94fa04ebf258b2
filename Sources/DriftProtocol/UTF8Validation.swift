/// UTF-8 validation over raw bytes, without allocating.
///
/// Follows the well-formed byte sequences of The Unicode Standard, table 3-7 (no overlong forms, no surrogates,
/// nothing above U+10FFFF). ASCII runs are checked eight bytes at a time.
enum UTF8Validation {
    /// Returns the index (relative to `start`) of the first byte that makes the sequence ill-formed, or `nil`.
    /// - Complexity: O(`count`).
    @inlinable
    static func firstInvalidByte(in bytes: UnsafeRawBufferPointer, start: Int, count: Int) -> Int? {
        var index = 0
        while index < count {
            if count &- index >= 8 {
                let word = bytes.loadUnaligned(fromByteOffset: start &+ index, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    index &+= 8
                    continue
                }
            }
            let lead = bytes[start &+ index]
            if lead < 0x80 {
                index &+= 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                upper = 0x9F
            case 0xF0:
                length = 4
                lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                upper = 0x8F
            default: return index
            }
            if count &- index < length { return index }
            let second = bytes[start &+ index &+ 1]
            if second < lower || second > upper { return index }
            var position = 2
            while position < length {
                let next = bytes[start &+ index &+ position]
                if next & 0xC0 != 0x80 { return index }
                position &+= 1
            }
            index &+= length
        }
        return nil
    }
}
