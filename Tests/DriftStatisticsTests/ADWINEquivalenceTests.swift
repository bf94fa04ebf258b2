import DriftStatistics
import Foundation
import Testing

/// ADWIN fills its buckets in batches at the clock boundary and screens splits before River's cut expression; these
/// tests hold it to the event-by-event implementation (`SerialADWIN`) on streams chosen to stress the screen's
/// rounding margin (large offsets, tiny spreads, integers) and on non-default clocks and bucket counts.
@Suite("ADWIN's batched buckets and screened cuts equal the event-by-event computation")
struct ADWINEquivalenceTests {
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let configuration: ADWIN.Configuration
        let offset: Double
        let scale: Double
        let shift: Double
        let binary: Bool
        let count: Int
        /// Whether the event-by-event computation alarms on this stream at all (the case must then exercise cuts).
        var alarms = true
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "N(0,1), shifts of 0.5",
            configuration: .init(),
            offset: 0,
            scale: 1,
            shift: 0.5,
            binary: false,
            count: 200_000
        ),
        Case(
            name: "offset 1e6, spread 1e-3",
            configuration: .init(),
            offset: 1e6,
            scale: 1e-3,
            shift: 0.6,
            binary: false,
            count: 150_000,
            // The event-by-event computation raises no alarm here either; the case is for the screen's margins.
            alarms: false
        ),
        Case(
            name: "offset -1e12, spread 1e3",
            configuration: .init(),
            offset: -1e12,
            scale: 1e3,
            shift: 0.6,
            binary: false,
            count: 150_000
        ),
        Case(name: "errors 0/1", configuration: .init(), offset: 0, scale: 1, shift: 0.1, binary: true, count: 200_000),
        Case(
            name: "clock 1",
            configuration: .init(clock: 1),
            offset: 3,
            scale: 2,
            shift: 1,
            binary: false,
            count: 40_000
        ),
        Case(
            name: "clock 50, 2 buckets",
            configuration: .init(clock: 50, maxBuckets: 2),
            offset: 0,
            scale: 1,
            shift: 0.4,
            binary: false,
            count: 100_000
        ),
        Case(
            name: "clock 7, min length 1, no grace",
            configuration: .init(clock: 7, minWindowLength: 1, gracePeriod: 0),
            offset: 0,
            scale: 1,
            shift: 0.5,
            binary: false,
            count: 60_000
        ),
    ]

    @Test(
        "Same alarms and, at every probe, the same width and the same total and variance to rounding",
        arguments: cases
    )
    func matchesSerial(_ c: Case) throws {
        var batched = try ADWIN(configuration: c.configuration)
        var serial = SerialADWIN(validated: c.configuration)
        var generator = DetectorStreamGenerator(seed: 0xAD_0123 &+ UInt64(c.count))
        var batchedAlarms: [Int] = []
        var serialAlarms: [Int] = []
        var widthMismatches = 0
        var worstTotal = 0.0
        var worstVariance = 0.0
        // Every value is within `absoluteBound` of zero, so a window's absolute mass is at most `width ·
        // absoluteBound`: the scale of the rounding in any order of summation.
        let absoluteBound = abs(c.offset) + 8 * c.scale + abs(c.scale * c.shift) + 1
        for index in 0..<c.count {
            // The mean steps up or down by `shift` standard deviations (error rate: by `shift`) every 10,000 events.
            let level = (index / 10_000) % 3 == 1 ? c.shift : ((index / 10_000) % 3 == 2 ? -c.shift : 0)
            let value: Double
            if c.binary {
                value = generator.uniform() < 0.1 + level ? 1 : 0
            } else {
                value = c.offset + c.scale * generator.normal() + c.scale * level
            }
            if batched.update(value) == .drift { batchedAlarms.append(index) }
            if serial.update(value) == .drift { serialAlarms.append(index) }
            if index % 997 == 0 || index == c.count - 1 {
                if batched.width != serial.width { widthMismatches += 1 }
                let mass = max(serial.width, 1) * absoluteBound
                worstTotal = max(worstTotal, abs(batched.total - serial.total) / mass)
                // The variance's rounding scales with the squared deviations, relative to the window's spread
                // (plus the rounding of the means, which scales with the absolute values).
                let spread = serial.variance + max(serial.width, 1) * 1e-12 * absoluteBound * absoluteBound
                worstVariance = max(worstVariance, abs(batched.variance - serial.variance) / spread)
            }
        }
        #expect(batchedAlarms == serialAlarms)
        #expect(widthMismatches == 0)
        // River's per-value recurrence and the batched pairwise update agree to rounding.
        #expect(worstTotal <= 1e-13, "total differs by \(worstTotal) of the window's absolute mass")
        #expect(worstVariance <= 1e-9, "variance differs by \(worstVariance) relative")
        // The streams must exercise the cut test, not just run quietly.
        #expect(!c.alarms || serialAlarms.count >= 3)
    }
}

extension ADWINEquivalenceTests {
    /// The buckets of a checkpoint, in River's layout.
    struct CheckpointBuckets: Decodable {
        let totals: [Double]
        let variances: [Double]
        let counts: [Int32]
    }

    @Test("The same buckets, bit for bit, at clock boundaries", arguments: cases)
    func sameBuckets(_ c: Case) throws {
        var batched = try ADWIN(configuration: c.configuration)
        var serial = SerialADWIN(validated: c.configuration)
        var generator = DetectorStreamGenerator(seed: 0xB0C4 &+ UInt64(c.count))
        var mismatches = 0
        var probes = 0
        // Far enough apart to keep the test quick, and coprime to the period of the level counts (a power of two).
        let clocksBetweenProbes = 37
        for index in 0..<(c.count / 4) {
            let level = (index / 5_000) % 2 == 1 ? c.shift : 0
            let value: Double
            if c.binary {
                value = generator.uniform() < 0.1 + level ? 1 : 0
            } else {
                value = c.offset + c.scale * generator.normal() + c.scale * level
            }
            batched.update(value)
            serial.update(value)
            let clocks = (index + 1) / c.configuration.clock
            if (index + 1) % c.configuration.clock == 0 && clocks % clocksBetweenProbes == 0 {
                let buckets = try JSONDecoder().decode(CheckpointBuckets.self, from: JSONEncoder().encode(batched))
                let reference = serial.buckets
                probes += 1
                if buckets.counts != reference.counts
                    || !buckets.totals.map(\.bitPattern).elementsEqual(reference.totals.map(\.bitPattern))
                    || !buckets.variances.map(\.bitPattern).elementsEqual(reference.variances.map(\.bitPattern))
                {
                    mismatches += 1
                }
            }
        }
        #expect(probes >= 10)
        #expect(mismatches == 0, "\(mismatches) of \(probes) probes differ")
    }
}

@Suite("ADWIN checkpoints")
struct ADWINCheckpointTests {
    @Test("A checkpoint taken between clock boundaries restores an equal detector")
    func restoresEqual() throws {
        var adwin = ADWIN()
        var generator = DetectorStreamGenerator(seed: 99)
        for _ in 0..<10_013 { adwin.update(generator.normal()) }
        let restored = try JSONDecoder().decode(ADWIN.self, from: JSONEncoder().encode(adwin))
        #expect(restored == adwin)
        #expect(restored.estimation.bitPattern == adwin.estimation.bitPattern)
        #expect(restored.width == 10_013)
    }
}
