extension KolmogorovSmirnov {
    /// The KS test and the first Wasserstein distance of the same two sorted samples from one merge walk.
    ///
    /// Both walk the merged order of the two samples: W₁ sums `|F₁ − F₂|` times the width of every step between
    /// consecutive merged values, and D is the largest `|F₁ − F₂|` at the end of a run of equal values, which is
    /// exactly where a step has positive width. One walk without a data-dependent branch does both, in two
    /// halves walked side by side (``MergeWalk``); the results are bit-for-bit those of
    /// ``test(sortedReference:sortedCurrent:method:)`` and ``Wasserstein/distance(sortedReference:sortedCurrent:)``
    /// (the same operations, W₁'s sum in the same order), which the caller can use instead when a sample holds an
    /// infinite value.
    ///
    /// - Parameters:
    ///   - sortedReference: The reference sample, sorted ascending, every value finite.
    ///   - sortedCurrent: The current sample, sorted ascending, every value finite.
    ///   - method: How to compute the p-value.
    /// - Returns: The test result and W₁ (in the units of the data).
    /// - Throws: ``StatisticsError`` `.emptySample` if either sample is empty, `.nonFiniteValue` if the first or
    ///   last value of a sample is not finite.
    /// - Complexity: O(n₁ + n₂) plus the p-value's cost; a temporary buffer of (n₁ + n₂)/2 `Double`s (on the stack
    ///   where it fits).
    public static func testWithWasserstein(
        sortedReference u: UnsafeBufferPointer<Double>,
        sortedCurrent v: UnsafeBufferPointer<Double>,
        method: Method = .automatic
    ) throws(StatisticsError) -> (test: Result, wasserstein: Double) {
        let n1 = u.count
        let n2 = v.count
        guard n1 > 0, n2 > 0, let a = u.baseAddress, let b = v.baseAddress else {
            throw StatisticsError(.emptySample, "Both samples of a Kolmogorov-Smirnov test must be non-empty.")
        }
        guard a[0].isFinite, a[n1 - 1].isFinite, b[0].isFinite, b[n2 - 1].isFinite else {
            throw StatisticsError(.nonFiniteValue, "The one-walk KS and Wasserstein needs finite samples.")
        }
        let firstU = a[0] <= b[0]
        let front = MergeWalk(i: firstU ? 1 : 0, j: firstU ? 0 : 1, previous: firstU ? a[0] : b[0], n1: n1, n2: n2)
        let n = n1 + n2
        let (best, total): (Int, Double)
        if n < MergeWalk.splitThreshold {
            var walk = front
            walk.run(a, b, iEnd: n1, jEnd: n2)
            (best, total) = (walk.best, walk.total)
        } else {
            (best, total) = withUnsafeTemporaryAllocation(of: Double.self, capacity: n - n / 2) { terms in
                MergeWalk.halves(a, n1, b, n2, front: front, terms: terms)
            }
        }
        return (pValue(maxScaledDifference: best, n1: n1, n2: n2, method: method), total)
    }
}

/// A merge walk of ``KolmogorovSmirnov/testWithWasserstein(sortedReference:sortedCurrent:method:)`` over a stretch
/// of the merged order of two sorted samples u (n₁ values) and v (n₂ values), u's values first on ties.
///
/// Each step does what the separate walks of ``KolmogorovSmirnov/test(sortedReference:sortedCurrent:method:)`` and
/// ``Wasserstein/distance(sortedReference:sortedCurrent:)`` do at that value, with the same floating-point
/// operations, so the results are bit-for-bit theirs.
struct MergeWalk {
    /// Below this many values in all, one walk: splitting costs a binary search and a buffer.
    static let splitThreshold = 64

    /// Values of u and of v consumed so far: the counts the ECDFs are read at.
    var i: Int
    var j: Int
    /// `i·n₂ − j·n₁`, kept up to date as i and j grow.
    var diff: Int
    /// The last merged value.
    var previous: Double
    let n1: Int
    let n2: Int
    let inverseN1: Double
    let inverseN2: Double
    /// The largest `|i·n₂ − j·n₁|` at the end of a run of equal values.
    var best = 0
    /// W₁ so far, when the walk adds its terms itself.
    var total = 0.0

    init(i: Int, j: Int, previous: Double, n1: Int, n2: Int) {
        self.i = i
        self.j = j
        self.diff = i &* n2 &- j &* n1
        self.previous = previous
        self.n1 = n1
        self.n2 = n2
        self.inverseN1 = 1.0 / Double(n1)
        self.inverseN2 = 1.0 / Double(n2)
    }

    /// The walk in two independent halves of the merged order, so that two chains of load → compare → select run
    /// side by side: `start` walks the first half, a second walk the rest. The halves meet where the first m merged
    /// values are `u[..<iSplit]` and `v[..<jSplit]`. W₁ stays one sum in merge order: the back walk keeps its
    /// terms in `terms` and they are added to the front walk's total at the end; D is a maximum, in any order.
    /// - Returns: The largest `|i·n₂ − j·n₁|` at a run end, and W₁.
    static func halves(
        _ a: UnsafePointer<Double>,
        _ n1: Int,
        _ b: UnsafePointer<Double>,
        _ n2: Int,
        front start: MergeWalk,
        terms buffer: UnsafeMutableBufferPointer<Double>
    ) -> (best: Int, total: Double) {
        guard let terms = buffer.baseAddress else { preconditionFailure("no buffer for the merge walk's terms") }
        var front = start
        let m = (n1 + n2) / 2
        let iSplit = splitPoint(a, n1, b, n2, merged: m)
        let jSplit = m - iSplit
        let last = iSplit == 0 ? b[jSplit - 1] : (jSplit == 0 ? a[iSplit - 1] : max(a[iSplit - 1], b[jSplit - 1]))
        var back = MergeWalk(i: iSplit, j: jSplit, previous: last, n1: n1, n2: n2)
        var count = 0
        // Each step moves i or j by one, so both walks keep two heads for at least `steps` more steps.
        while true {
            let steps = min(iSplit - front.i, jSplit - front.j, n1 - back.i, n2 - back.j)
            guard steps > 0 else { break }
            for _ in 0..<steps {
                front.total += front.mainStep(a, b)
                terms[count] = back.mainStep(a, b)
                count &+= 1
            }
        }
        front.run(a, b, iEnd: iSplit, jEnd: jSplit)
        back.run(a, b, iEnd: n1, jEnd: n2, terms: terms, count: &count)
        var total = front.total
        for k in 0..<count { total += terms[k] }
        return (max(front.best, back.best), total)
    }

    /// How many of the first `merged` values of the merged order come from u: the smallest `i` such that `u[i]`
    /// (if any) comes after `v[merged − i − 1]` (if any).
    static func splitPoint(
        _ a: UnsafePointer<Double>,
        _ n1: Int,
        _ b: UnsafePointer<Double>,
        _ n2: Int,
        merged m: Int
    ) -> Int {
        var low = max(0, m - n2)
        var high = min(m, n1)
        while low < high {
            let mid = (low + high) / 2
            // u[mid] ≤ v[m − mid − 1]: u[mid] precedes that v, so more than mid values come from u.
            if a[mid] <= b[m - mid - 1] { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Moves to the next merged value `next` (every value ≤ `previous` is consumed at this point) and returns the
    /// step's W₁ term, `|F₁ − F₂|` times the step's width. A step of width 0 gives +0 or −0 (`|F₁ − F₂|` is finite),
    /// which leaves a sum of non-negative terms as it is: the separate walk skips such steps.
    @inline(__always)
    mutating func step(to next: Double) -> Double {
        let delta = next - previous
        let term = abs(Double(i) * inverseN1 - Double(j) * inverseN2) * delta
        let magnitude = diff < 0 ? 0 &- diff : diff
        // `next > previous && magnitude > best ? magnitude : best`, as a mask and a maximum (no branch).
        let candidate = magnitude & (0 &- Int(unsafeBitCast(next > previous, to: UInt8.self)))
        best = candidate > best ? candidate : best
        previous = next
        return term
    }

    /// One step while both samples have a head (`i` and `j` inside the walk's stretch): the smaller head is the
    /// next merged value. The choice is arithmetic, not a branch: it is as unpredictable as the data.
    @inline(__always)
    mutating func mainStep(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>) -> Double {
        let x = a[i]
        let y = b[j]
        // `y < x ? y : x` is `x <= y ? x : y` without NaN, in the form that compiles to one `minsd`.
        let takeV = y < x
        let term = step(to: takeV ? y : x)
        let fromV = Int(unsafeBitCast(takeV, to: UInt8.self))
        let merged = i &+ j &+ 1
        i &+= 1 &- fromV
        j = merged &- i
        diff &+= n2 &- fromV &* (n1 &+ n2)
        return term
    }

    /// Walks to the end of the stretch `u[..<iEnd]`, `v[..<jEnd]`, handing each step's term to `add` in merge order:
    /// first while both samples have a head, then the rest of whichever has one.
    @inline(__always)
    mutating func walk(
        _ a: UnsafePointer<Double>,
        _ b: UnsafePointer<Double>,
        iEnd: Int,
        jEnd: Int,
        _ add: (Double) -> Void
    ) {
        while true {
            let steps = min(iEnd - i, jEnd - j)
            guard steps > 0 else { break }
            for _ in 0..<steps { add(mainStep(a, b)) }
        }
        while i < iEnd {
            add(step(to: a[i]))
            i &+= 1
            diff &+= n2
        }
        while j < jEnd {
            add(step(to: b[j]))
            j &+= 1
            diff &-= n1
        }
    }

    /// Walks to the end of the stretch `u[..<iEnd]`, `v[..<jEnd]`, adding each step's term to ``total``.
    @inline(__always)
    mutating func run(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, iEnd: Int, jEnd: Int) {
        var sum = total
        walk(a, b, iEnd: iEnd, jEnd: jEnd) { sum += $0 }
        total = sum
    }

    /// Walks to the end of the stretch `u[..<iEnd]`, `v[..<jEnd]`, storing each step's term at `terms[count]` and
    /// counting it.
    @inline(__always)
    mutating func run(
        _ a: UnsafePointer<Double>,
        _ b: UnsafePointer<Double>,
        iEnd: Int,
        jEnd: Int,
        terms: UnsafeMutablePointer<Double>,
        count: inout Int
    ) {
        var k = count
        walk(a, b, iEnd: iEnd, jEnd: jEnd) {
            terms[k] = $0
            k &+= 1
        }
        count = k
    }
}
