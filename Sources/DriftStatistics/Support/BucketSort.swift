/// A distribution (bucket) sort for `Double` windows: values are spread over equal-width buckets between their
/// minimum and maximum, then each bucket is finished by insertion sort.
///
/// Source: the textbook bucket sort (Cormen et al., *Introduction to Algorithms*, §8.4; Knuth, TAOCP vol. 3,
/// §5.2.5): O(n) expected for data whose density is bounded on its range, which is what drift windows of a
/// feature look like. A bucket that collects more than a few dozen values (heavy clumps, far outliers) is sorted by
/// the standard library's comparison sort, so the worst case stays O(n log n). Two passes over the data and one over
/// the buckets replace the eight byte passes an LSD ``RadixSort`` needs for doubles whose low mantissa bytes all
/// differ.
///
/// The bucket of `v` is `⌊(v − min)·scale⌋`, which never decreases as `v` grows (each floating-point step is
/// monotone), so concatenating the sorted buckets gives the sorted input. Non-finite values (or a range that
/// overflows) fall back to ``RadixSort``.
///
/// Assumptions: no NaN. −0.0 and +0.0 may come out in either order. Memory: `scratch` grows to n `Double`s plus
/// the bucket counts and is reused across calls.
public enum BucketSort {
    /// Buckets larger than this are sorted with the standard library's sort instead of insertion sort.
    static let insertionLimit = 32

    /// Sorts `values` ascending in place.
    /// - Parameters:
    ///   - values: the values, without NaN.
    ///   - scratch: reusable storage for the values; its contents are overwritten.
    ///   - counts: reusable storage for the bucket counts; its contents are overwritten.
    /// - Complexity: O(n) expected, O(n log n) worst case.
    public static func sort(_ values: inout [Double], scratch: inout [Double], counts: inout [Int32]) {
        let n = values.count
        guard n >= 64 else {
            values.sort()
            return
        }
        var low = values[0]
        var high = values[0]
        for v in values {
            low = v < low ? v : low
            high = v > high ? v : high
        }
        let span = high - low
        let scale = Double(n) / span
        guard low.isFinite, high.isFinite, span.isFinite, span == 0 || scale.isFinite else {
            var keys: [UInt64] = []
            RadixSort.sort(&values, scratch: &keys)
            return
        }
        guard span > 0 else { return }
        let bucketCount = n
        let last = bucketCount - 1
        if counts.count < bucketCount + 1 { counts = [Int32](repeating: 0, count: bucketCount + 1) }
        if scratch.count < n { scratch = [Double](repeating: 0, count: n) }
        values.withUnsafeMutableBufferPointer { data in
            scratch.withUnsafeMutableBufferPointer { out in
                counts.withUnsafeMutableBufferPointer { starts in
                    for b in 0...bucketCount { starts[b] = 0 }
                    // Counts, shifted by one so the prefix sum leaves each bucket's start in place.
                    for v in data {
                        let b = min(Int((v - low) * scale), last)
                        starts[b &+ 1] &+= 1
                    }
                    var largest: Int32 = 0
                    for b in 0..<bucketCount {
                        largest = max(largest, starts[b &+ 1])
                        starts[b &+ 1] &+= starts[b]
                    }
                    // Scatter: `starts[b]` is the next free slot of bucket b; afterwards it is bucket b's end,
                    // i.e. bucket b + 1's start, so bucket b spans `starts[b - 1]..<starts[b]` (0 for b = 0).
                    for v in data {
                        let b = min(Int((v - low) * scale), last)
                        out[Int(starts[b])] = v
                        starts[b] &+= 1
                    }
                    if largest <= Int32(insertionLimit) {
                        // Insertion sort over the whole output: no value moves past its bucket, so each inner loop
                        // runs over one small bucket.
                        for i in 1..<n {
                            let v = out[i]
                            var j = i
                            while j > 0 && out[j &- 1] > v {
                                out[j] = out[j &- 1]
                                j &-= 1
                            }
                            out[j] = v
                        }
                    } else {
                        var start = 0
                        for b in 0..<bucketCount {
                            let end = Int(starts[b])
                            if end &- start > 1 {
                                var bucket = UnsafeMutableBufferPointer(rebasing: out[start..<end])
                                bucket.sort()
                            }
                            start = end
                        }
                    }
                    for i in 0..<n { data[i] = out[i] }
                }
            }
        }
    }
}
