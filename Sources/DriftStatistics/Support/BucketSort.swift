/// A distribution (bucket) sort for `Double` windows: values are spread over equal-width buckets between their
/// minimum and maximum, then each bucket is finished by insertion sort.
///
/// Source: the textbook bucket sort (Cormen et al., *Introduction to Algorithms*, §8.4; Knuth, TAOCP vol. 3,
/// §5.2.5): O(n) expected for data whose density is bounded on its range, which is what drift windows of a
/// feature look like. A bucket that collects more than a few dozen values (heavy clumps, far outliers) is sorted by
/// the standard library's comparison sort, so the worst case stays O(n log n). Two passes over the data and one over
/// the buckets replace the eight byte passes an LSD ``RadixSort`` needs for doubles whose low mantissa bytes all
/// differ. There are two buckets per value, so most buckets hold one value or none and the insertion sort (a
/// data-dependent branch per value) rarely moves anything.
///
/// The bucket of `v` is `⌊(v − min)·scale⌋`, which never decreases as `v` grows (each floating-point step is
/// monotone), so concatenating the sorted buckets gives the sorted input. Non-finite values (or a range that
/// overflows) fall back to ``RadixSort``.
///
/// Assumptions: no NaN. −0.0 and +0.0 may come out in either order. Memory: `scratch` grows to n `Double`s and
/// `counts` to 3n + 1 `Int32`s (the bucket starts and each value's bucket); both are reused across calls.
public enum BucketSort {
    /// Buckets larger than this are sorted with the standard library's sort instead of insertion sort.
    static let insertionLimit = 32
    /// Buckets per value: half a value per bucket on average, so few buckets need sorting.
    static let bucketsPerValue = 2

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
        // Four running minima and maxima, so that four compare chains run side by side.
        let (low, high) = values.withUnsafeBufferPointer { data in
            var low = (data[0], data[1], data[2], data[3])
            var high = low
            var k = 4
            while k &+ 4 <= n {
                low.0 = data[k] < low.0 ? data[k] : low.0
                high.0 = data[k] > high.0 ? data[k] : high.0
                low.1 = data[k &+ 1] < low.1 ? data[k &+ 1] : low.1
                high.1 = data[k &+ 1] > high.1 ? data[k &+ 1] : high.1
                low.2 = data[k &+ 2] < low.2 ? data[k &+ 2] : low.2
                high.2 = data[k &+ 2] > high.2 ? data[k &+ 2] : high.2
                low.3 = data[k &+ 3] < low.3 ? data[k &+ 3] : low.3
                high.3 = data[k &+ 3] > high.3 ? data[k &+ 3] : high.3
                k &+= 4
            }
            while k < n {
                low.0 = data[k] < low.0 ? data[k] : low.0
                high.0 = data[k] > high.0 ? data[k] : high.0
                k &+= 1
            }
            return (min(min(low.0, low.1), min(low.2, low.3)), max(max(high.0, high.1), max(high.2, high.3)))
        }
        let span = high - low
        let scale = Double(bucketsPerValue * n) / span
        guard low.isFinite, high.isFinite, span.isFinite, span == 0 || scale.isFinite else {
            var keys: [UInt64] = []
            RadixSort.sort(&values, scratch: &keys)
            return
        }
        guard span > 0 else { return }
        let bucketCount = bucketsPerValue * n
        let last = bucketCount - 1
        // counts: bucketCount + 1 bucket starts, then the bucket of each value.
        if counts.count < bucketCount + 1 + n { counts = [Int32](repeating: 0, count: bucketCount + 1 + n) }
        if scratch.count < n { scratch = [Double](repeating: 0, count: n) }
        values.withUnsafeMutableBufferPointer { data in
            scratch.withUnsafeMutableBufferPointer { out in
                counts.withUnsafeMutableBufferPointer { table in
                    guard let data = data.baseAddress, let out = out.baseAddress, let starts = table.baseAddress
                    else { return }
                    let bucketOf = starts + (bucketCount + 1)
                    for b in 0...bucketCount { starts[b] = 0 }
                    // Counts, shifted by one so the prefix sum leaves each bucket's start in place.
                    for k in 0..<n {
                        let b = min(Int((data[k] - low) * scale), last)
                        bucketOf[k] = Int32(truncatingIfNeeded: b)
                        starts[b &+ 1] &+= 1
                    }
                    var largest: Int32 = 0
                    for b in 0..<bucketCount {
                        largest = max(largest, starts[b &+ 1])
                        starts[b &+ 1] &+= starts[b]
                    }
                    // Scatter: `starts[b]` is the next free slot of bucket b; afterwards it is bucket b's end,
                    // i.e. bucket b + 1's start, so bucket b spans `starts[b - 1]..<starts[b]` (0 for b = 0).
                    for k in 0..<n {
                        let b = Int(bucketOf[k])
                        out[Int(starts[b])] = data[k]
                        starts[b] &+= 1
                    }
                    if largest <= Int32(insertionLimit) {
                        // Insertion sort from the scattered order back into the values: no value moves past its
                        // bucket, so each inner loop runs over one small bucket (usually none: most buckets hold
                        // one value or none).
                        data[0] = out[0]
                        for i in 1..<n {
                            let v = out[i]
                            var j = i
                            while j > 0 && data[j &- 1] > v {
                                data[j] = data[j &- 1]
                                j &-= 1
                            }
                            data[j] = v
                        }
                    } else {
                        var start = 0
                        for b in 0..<bucketCount {
                            let end = Int(starts[b])
                            if end &- start > 1 {
                                var bucket = UnsafeMutableBufferPointer(start: out + start, count: end &- start)
                                bucket.sort()
                            }
                            start = end
                        }
                        data.update(from: out, count: n)
                    }
                }
            }
        }
    }
}
