import DriftStatistics

/// The configured streaming detector on the per-request error indicator (one of DriftStatistics' detectors).
enum ErrorDetector: Sendable, Codable {
    case hddmA(HDDMA)
    case hddmW(HDDMW)
    case ddm(DDM)
    case eddm(EDDM)
    case fhddm(FHDDM)
    case adwin(ADWIN)
    case none

    init(_ choice: ErrorDetectorChoice) {
        switch choice {
        case .hddmA: self = .hddmA(HDDMA())
        case .hddmW: self = .hddmW(HDDMW())
        case .ddm: self = .ddm(DDM())
        case .eddm: self = .eddm(EDDM())
        case .fhddm: self = .fhddm(FHDDM())
        case .adwin: self = .adwin(ADWIN())
        case .none: self = .none
        }
    }

    var choice: ErrorDetectorChoice {
        switch self {
        case .hddmA: .hddmA
        case .hddmW: .hddmW
        case .ddm: .ddm
        case .eddm: .eddm
        case .fhddm: .fhddm
        case .adwin: .adwin
        case .none: .none
        }
    }

    /// Feeds one request; returns whether the detector signalled a drift.
    @inline(__always)
    mutating func update(_ error: Bool) -> Bool {
        switch self {
        case .hddmA(var d):
            let s = d.update(error)
            self = .hddmA(d)
            return s == .drift
        case .hddmW(var d):
            let s = d.update(error)
            self = .hddmW(d)
            return s == .drift
        case .ddm(var d):
            let s = d.update(error)
            self = .ddm(d)
            return s == .drift
        case .eddm(var d):
            let s = d.update(error)
            self = .eddm(d)
            return s == .drift
        case .fhddm(var d):
            let s = d.update(error)
            self = .fhddm(d)
            return s == .drift
        case .adwin(var d):
            let s = d.update(error ? 1 : 0)
            self = .adwin(d)
            return s == .drift
        case .none:
            return false
        }
    }

    /// Feeds the requests `codes[k] != 0` (an error) for `k` in `range`, in order; returns whether the detector
    /// signalled a drift on any of them.
    ///
    /// One dispatch for the whole run instead of one per request: the enum is several hundred bytes (ADWIN's
    /// payload), and re-wrapping it per request copied and destroyed all of it each time.
    mutating func update(errorCodes codes: UnsafeBufferPointer<UInt16>, range: Range<Int>) -> Bool {
        var drift = false
        switch self {
        case .hddmA(var d):
            self = .none
            for k in range where d.update(codes[k] != 0) == .drift { drift = true }
            self = .hddmA(d)
        case .hddmW(var d):
            self = .none
            for k in range where d.update(codes[k] != 0) == .drift { drift = true }
            self = .hddmW(d)
        case .ddm(var d):
            self = .none
            for k in range where d.update(codes[k] != 0) == .drift { drift = true }
            self = .ddm(d)
        case .eddm(var d):
            self = .none
            for k in range where d.update(codes[k] != 0) == .drift { drift = true }
            self = .eddm(d)
        case .fhddm(var d):
            self = .none
            for k in range where d.update(codes[k] != 0) == .drift { drift = true }
            self = .fhddm(d)
        case .adwin(var d):
            self = .none
            for k in range where d.update(codes[k] != 0 ? 1 : 0) == .drift { drift = true }
            self = .adwin(d)
        case .none:
            break
        }
        return drift
    }
}

/// The configured change detector on log-latency.
enum LatencyDetector: Sendable, Codable {
    case pageHinkley(PageHinkley)
    case adwin(ADWIN)
    case none

    init(_ settings: LatencySettings) {
        switch settings.changeDetector {
        case .pageHinkley:
            let configuration = PageHinkley.Configuration(
                minInstances: 30,
                delta: settings.changeDelta,
                threshold: settings.changeThreshold,
                mode: .up
            )
            if let detector = try? PageHinkley(configuration: configuration) {
                self = .pageHinkley(detector)
            } else {
                self = .pageHinkley(PageHinkley())
            }
        case .adwin: self = .adwin(ADWIN())
        case .none: self = .none
        }
    }

    /// Feeds one log-latency; returns whether the detector signalled a change.
    @inline(__always)
    mutating func update(_ value: Double) -> Bool {
        switch self {
        case .pageHinkley(var d):
            let s = d.update(value)
            self = .pageHinkley(d)
            return s == .drift
        case .adwin(var d):
            let s = d.update(value)
            self = .adwin(d)
            return s == .drift
        case .none:
            return false
        }
    }

    /// Feeds `naturalLog(max(latency, 1))` of every usable latency (not NaN, not negative) among `latencies[k]` for
    /// `k` in `range`, in order; returns whether the detector signalled a change on any of them. One dispatch per
    /// run, as ``ErrorDetector/update(errorCodes:range:)``.
    mutating func update(latencies: UnsafeBufferPointer<Double>, range: Range<Int>) -> Bool {
        var change = false
        switch self {
        case .pageHinkley(var d):
            self = .none
            for k in range {
                let latency = latencies[k]
                if !latency.isNaN && latency >= 0 && d.update(naturalLog(max(latency, 1))) == .drift { change = true }
            }
            self = .pageHinkley(d)
        case .adwin(var d):
            self = .none
            for k in range {
                let latency = latencies[k]
                if !latency.isNaN && latency >= 0 && d.update(naturalLog(max(latency, 1))) == .drift { change = true }
            }
            self = .adwin(d)
        case .none:
            break
        }
        return change
    }
}

/// Natural logarithm without Foundation: `x = m·2^e`, `ln x = e·ln 2 + 2·atanh((m − 1)/(m + 1))` with the atanh
/// series (|z| ≤ 1/3, 12 terms: relative error below 1e-12). Non-positive input gives −∞ / NaN as `log` does.
@inline(__always)
func naturalLog(_ x: Double) -> Double {
    guard x > 0, x.isFinite else { return x == 0 ? -.infinity : (x.isNaN || x < 0 ? .nan : x) }
    let e = Double(x.exponent)
    let m = x.significand
    let z = (m - 1) / (m + 1)
    let z2 = z * z
    var term = z
    var sum = 0.0
    var k = 1.0
    for _ in 0..<12 {
        sum += term / k
        term *= z2
        k += 2
    }
    return e * 0.693_147_180_559_945_3 + 2 * sum
}

/// Event counts in fixed-width event-time buckets over a sliding window, for the request rate.
///
/// Memory: `8·buckets` bytes (60 buckets). Events older than the window are ignored.
struct TrafficCounter: Sendable, Hashable, Codable {
    static let bucketCount = 60
    let width: Int64
    var buckets: [UInt64]
    var lastBucket: Int64 = .min {
        didSet { cacheLastBucket() }
    }
    /// Event times `lastBucketStart..<lastBucketEnd` fall in `lastBucket` (at slot `lastSlot`); derived, so an
    /// event in the newest bucket, nearly every event, costs a comparison instead of two 64-bit divisions.
    private var lastBucketStart: Int64 = 1
    private var lastBucketEnd: Int64 = 0
    private var lastSlot = 0

    init(window: Int64) {
        width = max(1, window / Int64(Self.bucketCount))
        buckets = [UInt64](repeating: 0, count: Self.bucketCount)
    }

    private enum CodingKeys: String, CodingKey {
        case width, buckets, lastBucket
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        width = try container.decode(Int64.self, forKey: .width)
        buckets = try container.decode([UInt64].self, forKey: .buckets)
        lastBucket = try container.decode(Int64.self, forKey: .lastBucket)
        cacheLastBucket()
    }

    static func == (lhs: TrafficCounter, rhs: TrafficCounter) -> Bool {
        lhs.width == rhs.width && lhs.buckets == rhs.buckets && lhs.lastBucket == rhs.lastBucket
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(width)
        hasher.combine(buckets)
        hasher.combine(lastBucket)
    }

    /// Derives the newest bucket's time range and slot (an empty range unless the bucket is non-negative, where
    /// truncating division is floor division).
    private mutating func cacheLastBucket() {
        let (start, overflow) = lastBucket.multipliedReportingOverflow(by: width)
        if lastBucket >= 0 && !overflow && buckets.count == Self.bucketCount {
            lastBucketStart = start
            lastBucketEnd = start.addingReportingOverflow(width).overflow ? .max : start + width
            lastSlot = Int(lastBucket % Int64(Self.bucketCount))
        } else {
            lastBucketStart = 1
            lastBucketEnd = 0
        }
    }

    @inline(__always)
    mutating func observe(_ timestamp: Int64) {
        if timestamp >= lastBucketStart && timestamp < lastBucketEnd {
            buckets[lastSlot] &+= 1
            return
        }
        let b = timestamp / width
        if b > lastBucket {
            roll(to: b)
        }
        if b > lastBucket - Int64(Self.bucketCount) {
            buckets[Int(b % Int64(Self.bucketCount))] += 1
        }
    }

    private mutating func roll(to b: Int64) {
        let n = Int64(Self.bucketCount)
        if lastBucket == .min || b - lastBucket >= n {
            for i in buckets.indices { buckets[i] = 0 }
        } else {
            var c = lastBucket + 1
            while c <= b {
                buckets[Int(c % n)] = 0
                c += 1
            }
        }
        lastBucket = b
    }

    /// Events per second over the complete buckets of the window ending at `now` (the bucket holding `now` is
    /// partial and left out).
    func rate(at now: Int64) -> Double {
        let n = Int64(Self.bucketCount)
        let nowBucket = now / width
        var total: UInt64 = 0
        var c = nowBucket - n + 1
        while c < nowBucket {
            if c <= lastBucket && c > lastBucket - n { total += buckets[Int(((c % n) + n) % n)] }
            c += 1
        }
        return Double(total) / (Double(width * (n - 1)) / 1e9)
    }
}
