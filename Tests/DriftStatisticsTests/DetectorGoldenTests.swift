import DriftStatistics
import Testing

/// River 0.26.1 parity: alarm indices on the seeded golden streams of `Fixtures/detectors/detectors.json`.
@Suite("Detector golden streams against River 0.26.1")
struct DetectorGoldenTests {
    static let allStreams = DetectorFixture.shared.streams.map(\.name)
    static let binaryStreams = DetectorFixture.shared.streams.filter(\.isBinary).map(\.name)
    static let numericStreams = DetectorFixture.shared.streams.filter { !$0.isBinary }.map(\.name)

    private static func reference(_ detector: String, _ stream: String) -> DetectorReferenceResult {
        guard let result = DetectorFixture.shared.results[detector]?[stream] else {
            fatalError("no River result for \(detector) on \(stream)")
        }
        return result
    }

    @Test("The Swift generator reproduces the Python streams bit for bit", arguments: allStreams)
    func streamsAreBitIdentical(_ name: String) {
        let spec = DetectorFixture.stream(named: name)
        let values = spec.generate()
        #expect(values.count == spec.count)
        #expect(values.count >= 100_000)
        #expect(Array(values.prefix(8)).map(\.bitPattern) == (spec.first ?? []).map(\.bitPattern))
        #expect(String(DetectorStreamSpec.fnv1a(values)) == spec.fnv1a)
    }

    @Test("Page-Hinkley alarms equal River's", arguments: allStreams)
    func pageHinkley(_ name: String) {
        let run = DetectorRun.numeric(PageHinkley(), DetectorFixture.stream(named: name).generate())
        #expect(run.drift == Self.reference("PageHinkley", name).drift)
    }

    @Test("ADWIN alarms equal River's (the issue allows one clock of 32 events; none is needed)", arguments: allStreams)
    func adwin(_ name: String) {
        let run = DetectorRun.numeric(ADWIN(), DetectorFixture.stream(named: name).generate())
        let expected = Self.reference("ADWIN", name).drift
        #expect(run.drift == expected)
        #expect(run.drift.count == expected.count)
        for (mine, river) in zip(run.drift, expected) {
            #expect(abs(mine - river) <= 32)
        }
    }

    @Test("KSWIN alarms equal River's when drawing with CPython's random.Random(42)", arguments: numericStreams)
    func kswin(_ name: String) throws {
        let detector = try KSWIN(source: DetectorPythonRandom(seed: 42))
        let run = DetectorRun.numeric(detector, DetectorFixture.stream(named: name).generate())
        #expect(run.drift == Self.reference("KSWIN", name).drift)
    }

    @Test("DDM drifts and warnings equal River's", arguments: binaryStreams)
    func ddm(_ name: String) {
        let run = DetectorRun.binary(DDM(), DetectorFixture.stream(named: name).generate()) { $0.warningDetected }
        let expected = Self.reference("DDM", name)
        #expect(run.drift == expected.drift)
        #expect(run.warningOnsets == expected.warningOnsets)
        #expect(run.warningEvents == expected.warningEvents)
    }

    @Test("EDDM drifts and warnings equal River's", arguments: binaryStreams)
    func eddm(_ name: String) {
        let run = DetectorRun.binary(EDDM(), DetectorFixture.stream(named: name).generate()) { $0.warningDetected }
        let expected = Self.reference("EDDM", name)
        #expect(run.drift == expected.drift)
        #expect(run.warningOnsets == expected.warningOnsets)
        #expect(run.warningEvents == expected.warningEvents)
    }

    @Test("HDDM_A drifts and warnings equal River's", arguments: binaryStreams)
    func hddmA(_ name: String) {
        let run = DetectorRun.binary(HDDMA(), DetectorFixture.stream(named: name).generate()) { $0.warningDetected }
        let expected = Self.reference("HDDM_A", name)
        #expect(run.drift == expected.drift)
        #expect(run.warningOnsets == expected.warningOnsets)
        #expect(run.warningEvents == expected.warningEvents)
    }

    @Test("HDDM_W drifts and warnings equal River's", arguments: binaryStreams)
    func hddmW(_ name: String) {
        let run = DetectorRun.binary(HDDMW(), DetectorFixture.stream(named: name).generate()) { $0.warningDetected }
        let expected = Self.reference("HDDM_W", name)
        #expect(run.drift == expected.drift)
        #expect(run.warningOnsets == expected.warningOnsets)
        #expect(run.warningEvents == expected.warningEvents)
    }

    @Test("FHDDM alarms equal River's", arguments: binaryStreams)
    func fhddm(_ name: String) {
        let run = DetectorRun.binary(FHDDM(), DetectorFixture.stream(named: name).generate())
        #expect(run.drift == Self.reference("FHDDM", name).drift)
    }

    @Test("Every River-parity detector raises alarms on the changing streams, so the golden tests have teeth")
    func fixturesHaveAlarms() {
        for detector in ["ADWIN", "PageHinkley", "KSWIN", "DDM", "EDDM", "HDDM_A", "HDDM_W", "FHDDM"] {
            let total = DetectorFixture.shared.results[detector]?.values.reduce(0) { $0 + $1.drift.count } ?? 0
            #expect(total >= 5, "\(detector) has only \(total) alarms in the fixtures")
        }
        #expect(DetectorFixture.shared.versions["river"] == "0.26.1")
    }
}
