import DriftProtocol

/// Joins delayed labels to predictions by request id inside a bounded window, and keeps the rolling quality
/// metric over the last `window_labels` joined labels.
///
/// Predictions are keyed by the FNV-1a 64 hash of their request id (no string is stored per event; two ids
/// colliding among at most `max_pending` waiting predictions has probability below `max_pending²/2⁶⁵`). A FIFO of
/// (hash, time) expires predictions older than `join_ttl` in event time and evicts the oldest when `max_pending`
/// are waiting. Counters: joined, unmatched (label without a waiting prediction, including labels that arrive
/// before their prediction), expired, evicted.
///
/// Memory: a ``PendingPredictions`` table of 32-byte slots at most three quarters full plus a 16-byte FIFO slot per
/// waiting prediction, so about 700 KB at the default `max_pending` of 10 000, plus `9·window_labels` bytes of
/// outcomes.
struct LabelJoin: Sendable, Codable {
    struct Pending: Sendable, Hashable, Codable {
        var timestamp: Int64
        var number: Double
        var classHash: UInt64
    }

    /// A prediction to register: ``expect(_:maxPending:)``'s argument.
    struct Request {
        var key: UInt64
        var timestamp: Int64
        var number: Double
        var classHash: UInt64
    }

    struct Entry: Sendable, Hashable, Codable {
        var key: UInt64
        var timestamp: Int64
    }

    var pending = PendingPredictions()
    var fifo: [Entry] = []
    var fifoHead = 0
    var fifoCount = 0
    var joined: UInt64 = 0
    var unmatched: UInt64 = 0
    var expired: UInt64 = 0
    var evicted: UInt64 = 0
    /// Rolling outcomes: bit 0 correct, bit 1 predicted positive, bit 2 actually positive (classification).
    var outcomes: [UInt8]
    /// Rolling errors `prediction − truth` (regression).
    var errors: [Double]
    var outcomeHead = 0
    var outcomeCount = 0
    var labelsSinceEvaluation = 0
    /// Reference metric value (frozen after the first full window of joined labels, or from the baseline).
    var referenceMetric: Double?
    var referenceFromBaseline = false

    init(windowLabels: Int) {
        outcomes = [UInt8](repeating: 0, count: windowLabels)
        errors = [Double](repeating: 0, count: windowLabels)
    }

    /// Registers a prediction waiting for its label.
    @inline(__always)
    mutating func expect(key: UInt64, timestamp: Int64, number: Double, classHash: UInt64, maxPending: Int) {
        if fifo.count != maxPending { resizeFIFO(maxPending) }
        if fifoCount == maxPending {
            let oldest = fifo[fifoHead]
            if pending.remove(key: oldest.key, registeredAt: oldest.timestamp) { evicted += 1 }
            fifoHead = fifoHead + 1 == maxPending ? 0 : fifoHead + 1
            fifoCount -= 1
        }
        pending.insert(Pending(timestamp: timestamp, number: number, classHash: classHash), forKey: key)
        var tail = fifoHead + fifoCount
        if tail >= maxPending { tail -= maxPending }
        fifo[tail] = Entry(key: key, timestamp: timestamp)
        fifoCount += 1
    }

    /// Registers predictions in order, as ``expect(key:timestamp:number:classHash:maxPending:)`` one by one.
    ///
    /// A loop of registrations alone, rather than one per event inside the ingest loop: the tables of many models
    /// do not fit in cache, and with little work between two inserts the processor overlaps their cache misses.
    mutating func expect(_ requests: UnsafeBufferPointer<Request>, maxPending: Int) {
        for r in requests {
            expect(key: r.key, timestamp: r.timestamp, number: r.number, classHash: r.classHash, maxPending: maxPending)
        }
    }

    /// Drops predictions older than `now − ttl`.
    mutating func expire(now: Int64, ttl: Int64) {
        while fifoCount > 0 {
            let oldest = fifo[fifoHead]
            guard oldest.timestamp < now - ttl else { break }
            if pending.remove(key: oldest.key, registeredAt: oldest.timestamp) { expired += 1 }
            fifoHead = fifoHead + 1 == fifo.count ? 0 : fifoHead + 1
            fifoCount -= 1
        }
    }

    /// Joins one label; returns whether a prediction was waiting.
    mutating func join(key: UInt64, truth: GroundTruth, positiveHash: UInt64?) -> Bool {
        guard let prediction = pending.removeValue(forKey: key) else {
            unmatched += 1
            return false
        }
        joined += 1
        var bits: UInt8 = 0
        var error = 0.0
        switch truth {
        case .classLabel(let label):
            let truthHash = stableHash(label)
            if truthHash == prediction.classHash { bits |= 1 }
            if let positiveHash {
                if prediction.classHash == positiveHash { bits |= 2 }
                if truthHash == positiveHash { bits |= 4 }
            }
            error = truthHash == prediction.classHash ? 0 : 1
        case .number(let value):
            error = prediction.number - value
            if error == 0 { bits |= 1 }
        }
        let capacity = outcomes.count
        var pos = outcomeHead + outcomeCount
        if outcomeCount == capacity {
            pos = outcomeHead
            outcomeHead = outcomeHead + 1 == capacity ? 0 : outcomeHead + 1
        } else {
            outcomeCount += 1
        }
        if pos >= capacity { pos -= capacity }
        outcomes[pos] = bits
        errors[pos] = error
        labelsSinceEvaluation += 1
        return true
    }

    /// The metric over the joined labels in the window (nil when there are none or it is undefined).
    func metric(_ metric: AccuracyMetric) -> Double? {
        guard outcomeCount > 0 else { return nil }
        var correct = 0
        var tp = 0
        var fp = 0
        var fn = 0
        var absolute = 0.0
        var squared = 0.0
        for k in 0..<outcomeCount {
            let pos = (outcomeHead + k) % outcomes.count
            let bits = outcomes[pos]
            if bits & 1 != 0 { correct += 1 }
            let predicted = bits & 2 != 0
            let actual = bits & 4 != 0
            if predicted && actual { tp += 1 }
            if predicted && !actual { fp += 1 }
            if !predicted && actual { fn += 1 }
            let e = errors[pos]
            absolute += abs(e)
            squared += e * e
        }
        let n = Double(outcomeCount)
        switch metric {
        case .accuracy: return Double(correct) / n
        case .precision: return tp + fp == 0 ? nil : Double(tp) / Double(tp + fp)
        case .recall: return tp + fn == 0 ? nil : Double(tp) / Double(tp + fn)
        case .f1: return 2 * tp + fp + fn == 0 ? nil : Double(2 * tp) / Double(2 * tp + fp + fn)
        case .mae: return absolute / n
        case .rmse: return (squared / n).squareRoot()
        }
    }

    /// Predictions waiting for a label.
    var pendingCount: Int { pending.count }

    private mutating func resizeFIFO(_ capacity: Int) {
        var entries: [Entry] = []
        entries.reserveCapacity(capacity)
        for k in 0..<fifoCount { entries.append(fifo[(fifoHead + k) % fifo.count]) }
        while entries.count > capacity {
            let oldest = entries.removeFirst()
            if pending.remove(key: oldest.key, registeredAt: oldest.timestamp) { evicted += 1 }
        }
        fifoCount = entries.count
        fifoHead = 0
        entries.append(contentsOf: repeatElement(Entry(key: 0, timestamp: 0), count: capacity - entries.count))
        fifo = entries
    }
}
