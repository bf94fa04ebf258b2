import DriftProtocol
import Testing

@testable import DriftEngine

@Suite("AlertLifecycle")
struct AlertLifecycleTests {
    static let second: Int64 = 1_000_000_000

    func condition(_ severity: AlertSeverity = .warning) -> AlertCondition {
        let window = WindowSummary(size: 10, range: TimeRange(start: 0, end: 1))
        return AlertCondition(
            kind: .errorRate,
            feature: nil,
            severity: severity,
            summary: "errors",
            evidence: AlertEvidence(
                statistic: "error_rate",
                value: 0.3,
                threshold: 0.05,
                reference: window,
                current: window
            )
        )
    }

    func settings(for f: Int64, keep: Int64, repeatEvery: Int64) -> LifecycleSettings {
        var s = LifecycleSettings()
        s.forNanoseconds = f * Self.second
        s.keepFiringForNanoseconds = keep * Self.second
        s.repeatIntervalNanoseconds = repeatEvery * Self.second
        s.notifyPending = true
        return s
    }

    @Test("Pending, firing after for, repeat, severity change, resolved after keep_firing_for")
    func fullCycle() {
        let s = settings(for: 30, keep: 60, repeatEvery: 300)
        var lifecycle = AlertLifecycle(id: "x", model: "m", version: "1", kind: .errorRate, feature: nil)
        var changes: [(Int64, AlertNotification.Change, AlertState)] = []
        let script: [(Int64, AlertSeverity?)] = [
            (0, nil), (10, .warning), (20, .warning), (39, .warning), (40, .warning), (200, .warning),
            (340, .warning), (350, .critical), (360, nil), (400, .critical), (410, nil), (469, nil), (470, nil),
            (480, nil),
        ]
        for (t, severity) in script {
            if let n = lifecycle.step(severity.map { condition($0) }, at: t * Self.second, settings: s) {
                changes.append((t, n.change, n.alert.state))
            }
        }
        let expected: [(Int64, AlertNotification.Change, AlertState)] = [
            (10, .pending, .pending), (40, .firing, .firing), (340, .repeated, .firing),
            (350, .severityChanged, .firing), (470, .resolved, .resolved),
        ]
        #expect(changes.map(\.0) == expected.map(\.0))
        #expect(changes.map(\.1) == expected.map(\.1))
        #expect(changes.map(\.2) == expected.map(\.2))
        #expect(lifecycle.alert?.startedAt == 10 * Self.second)
        #expect(lifecycle.alert?.resolvedAt == 470 * Self.second)
        #expect(lifecycle.isIdle)
    }

    @Test("A pending alert whose condition clears is cancelled and can start again")
    func cancelled() {
        let s = settings(for: 30, keep: 0, repeatEvery: 0)
        var lifecycle = AlertLifecycle(id: "x", model: "m", version: "1", kind: .errorRate, feature: nil)
        #expect(lifecycle.step(condition(), at: 0, settings: s)?.change == .pending)
        #expect(lifecycle.step(nil, at: 10 * Self.second, settings: s)?.change == .cancelled)
        #expect(lifecycle.step(condition(), at: 20 * Self.second, settings: s)?.change == .pending)
        #expect(lifecycle.step(condition(), at: 49 * Self.second, settings: s) == nil)
        let firing = lifecycle.step(condition(), at: 50 * Self.second, settings: s)
        #expect(firing?.change == .firing)
        #expect(firing?.alert.startedAt == 20 * Self.second)
        #expect(lifecycle.step(nil, at: 51 * Self.second, settings: s)?.change == .resolved)
    }

    @Test("Pending and cancelled are not notified unless notify_pending is set")
    func quietPending() {
        var s = settings(for: 30, keep: 0, repeatEvery: 0)
        s.notifyPending = false
        var lifecycle = AlertLifecycle(id: "x", model: "m", version: "1", kind: .errorRate, feature: nil)
        #expect(lifecycle.step(condition(), at: 0, settings: s) == nil)
        #expect(lifecycle.alert?.state == .pending)
        #expect(lifecycle.step(nil, at: 10 * Self.second, settings: s) == nil)
        #expect(lifecycle.step(condition(), at: 20 * Self.second, settings: s) == nil)
        #expect(lifecycle.step(condition(), at: 50 * Self.second, settings: s)?.change == .firing)
    }

    @Test("for = 0 fires at once; no repeat when repeat_interval is 0")
    func immediate() {
        let s = settings(for: 0, keep: 10, repeatEvery: 0)
        var lifecycle = AlertLifecycle(id: "x", model: "m", version: "1", kind: .errorRate, feature: nil)
        #expect(lifecycle.step(condition(), at: 0, settings: s)?.change == .firing)
        #expect(lifecycle.step(condition(), at: 100_000 * Self.second, settings: s) == nil)
    }

    @Test("Fingerprints are stable FNV-1a 64 hex")
    func fingerprint() {
        let a = alertFingerprint(model: "m", version: "1", kind: "data_drift", feature: "age")
        #expect(a.count == 16)
        #expect(a == alertFingerprint(model: "m", version: "1", kind: "data_drift", feature: "age"))
        #expect(a != alertFingerprint(model: "m", version: "2", kind: "data_drift", feature: "age"))
        #expect(stableHash("") == 0xcbf2_9ce4_8422_2325)
        // FNV-1a 64 of "a" (reference value from the FNV specification).
        #expect(stableHash("a") == 0xaf63_dc4c_8601_ec8c)
    }
}
