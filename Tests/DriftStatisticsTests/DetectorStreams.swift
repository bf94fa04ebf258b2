import DriftStatistics
import Foundation

/// The deterministic stream generator shared with `Fixtures/detectors/detector_streams.py` (see that file): SplitMix64,
/// uniforms from the top 53 bits, Box–Muller normals with glibc's log/sqrt/cos, Bernoulli draws from one uniform.
struct DetectorStreamGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uniform() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    mutating func normal() -> Double {
        let u1 = uniform()
        let u2 = uniform()
        return (-2.0 * log(1.0 - u1)).squareRoot() * cos(6.283185307179586 * u2)
    }
}

/// A stream specification as stored in `detectors.json`.
struct DetectorStreamSpec: Codable, Sendable, CustomStringConvertible {
    struct Segment: Codable, Sendable {
        var kind: String
        var length: Int
        var start: Double
        var end: Double
        var sd: Double
    }

    var name: String
    var seed: UInt64
    var segments: [Segment]
    var count: Int?
    var first: [Double]?
    var fnv1a: String?
    /// Known change points, when they are not simply the segment boundaries (quality streams).
    var changes: [Int]?

    var description: String { name }

    /// The known change points: `changes`, or every boundary between segments.
    var changePoints: [Int] {
        if let changes {
            return changes
        }
        var out: [Int] = []
        var position = 0
        for segment in segments.dropLast() {
            position += segment.length
            out.append(position)
        }
        return out
    }

    var isBinary: Bool { segments.allSatisfy { $0.kind == "bernoulli" } }

    func generate() -> [Double] {
        var rng = DetectorStreamGenerator(seed: seed)
        var out: [Double] = []
        out.reserveCapacity(segments.reduce(0) { $0 + $1.length })
        for segment in segments {
            for i in 0..<segment.length {
                let level = segment.start + (segment.end - segment.start) * (Double(i) / Double(segment.length))
                if segment.kind == "normal" {
                    out.append(level + segment.sd * rng.normal())
                } else {
                    out.append(rng.uniform() < level ? 1 : 0)
                }
            }
        }
        return out
    }

    static func fnv1a(_ values: [Double]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for value in values {
            var bits = value.bitPattern
            for _ in 0..<8 {
                hash ^= bits & 0xFF
                hash = hash &* 0x100_0000_01B3
                bits >>= 8
            }
        }
        return hash
    }
}

/// River's results on one stream.
struct DetectorReferenceResult: Codable, Sendable {
    var drift: [Int]
    var warningOnsets: [Int]?
    var warningEvents: Int?

    enum CodingKeys: String, CodingKey {
        case drift
        case warningOnsets = "warning_onsets"
        case warningEvents = "warning_events"
    }
}

/// `Fixtures/detectors/detectors.json`, produced by `generate_detector_fixtures.py` with River 0.26.1.
struct DetectorFixture: Codable, Sendable {
    var versions: [String: String]
    var streams: [DetectorStreamSpec]
    var results: [String: [String: DetectorReferenceResult]]
    var ksEqualSizePValues: [String: [Double]]?

    enum CodingKeys: String, CodingKey {
        case versions
        case streams
        case results
        case ksEqualSizePValues = "ks_equal_size_pvalues"
    }

    static let shared: DetectorFixture = {
        guard let base = Bundle.module.resourceURL,
            let data = try? Data(contentsOf: base.appendingPathComponent("Fixtures/detectors/detectors.json")),
            let fixture = try? JSONDecoder().decode(DetectorFixture.self, from: data)
        else {
            fatalError("Fixtures/detectors/detectors.json is missing or malformed")
        }
        return fixture
    }()

    static func stream(named name: String) -> DetectorStreamSpec {
        guard let spec = shared.streams.first(where: { $0.name == name }) else {
            fatalError("no stream \(name) in detectors.json")
        }
        return spec
    }
}

/// Drift and warning-onset indices of a detector over a stream, in River's terms.
struct DetectorRun: Equatable {
    var drift: [Int] = []
    var warningOnsets: [Int] = []
    var warningEvents = 0

    static func numeric<D: NumericChangeDetector>(_ detector: D, _ values: [Double]) -> DetectorRun {
        var detector = detector
        var run = DetectorRun()
        for (index, value) in values.enumerated() where detector.update(value) == .drift {
            run.drift.append(index)
        }
        return run
    }

    /// `warning` reads River's raw warning flag (which EDDM may keep set on a drift event).
    static func binary<D: BinaryChangeDetector>(
        _ detector: D,
        _ values: [Double],
        warning: (D) -> Bool = { $0.state == .warning }
    ) -> DetectorRun {
        var detector = detector
        var run = DetectorRun()
        var wasWarning = false
        for (index, value) in values.enumerated() {
            if detector.update(value == 1) == .drift {
                run.drift.append(index)
            }
            let isWarning = warning(detector)
            if isWarning {
                run.warningEvents += 1
                if !wasWarning {
                    run.warningOnsets.append(index)
                }
            }
            wasWarning = isWarning
        }
        return run
    }
}

/// CPython's `random.Random(seed)` for a non-negative integer seed below 2³²: MT19937 seeded by `init_by_array`,
/// with `_randbelow` by rejection on `getrandbits(k)`. Used to replay River's KSWIN sample for sample.
struct DetectorPythonRandom: KSWINRandomSource {
    private var mt = [UInt32](repeating: 0, count: 624)
    private var index = 624

    init(seed: UInt32) {
        mt[0] = 19_650_218
        for i in 1..<624 {
            mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i)
        }
        let key: [UInt32] = [seed]
        var i = 1
        var j = 0
        for _ in 0..<max(624, key.count) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= 624 {
                mt[0] = mt[623]
                i = 1
            }
            if j >= key.count {
                j = 0
            }
        }
        for _ in 0..<623 {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 {
                mt[0] = mt[623]
                i = 1
            }
        }
        mt[0] = 0x8000_0000
    }

    mutating func nextUInt32() -> UInt32 {
        if index >= 624 {
            for k in 0..<624 {
                let y = (mt[k] & 0x8000_0000) | (mt[(k + 1) % 624] & 0x7FFF_FFFF)
                mt[k] = mt[(k + 397) % 624] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_B0DF)
            }
            index = 0
        }
        var y = mt[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    mutating func index(below upperBound: Int) -> Int {
        let bits = Int.bitWidth - upperBound.leadingZeroBitCount
        while true {
            let r = Int(nextUInt32() >> UInt32(32 - bits))
            if r < upperBound {
                return r
            }
        }
    }
}
