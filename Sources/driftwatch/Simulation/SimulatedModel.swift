import DriftProtocol

/// One simulated model inside a run: its traffic generator and the batches it is filling.
struct SimulatedModel {
    /// The model name in batch headers.
    let name: String
    /// The request generator.
    var traffic: FraudTrafficModel
    /// When the next candidate request happens, in nanoseconds after the start of the run.
    var nextOffset: Int64 = 0
    /// Events of the batch being filled.
    var events: [Event] = []
    /// When the first event of ``events`` happened (nanoseconds after the start).
    var eventsStart: Int64 = 0
    /// Labels waiting for their delay, in due order (the delay is constant), from ``waitingHead`` on.
    var waiting: [(due: Int64, label: Label)] = []
    /// The first label of ``waiting`` not yet moved to ``ready``.
    var waitingHead = 0
    /// Labels due, in the label batch being filled.
    var ready: [Label] = []
    /// When the first label of ``ready`` became due.
    var readyStart: Int64 = 0

    /// The next waiting label's due time, if any.
    var nextDue: Int64? { waitingHead < waiting.count ? waiting[waitingHead].due : nil }

    /// Moves the next waiting label to ``ready`` and compacts the queue now and then.
    mutating func takeNextDue() {
        let entry = waiting[waitingHead]
        if ready.isEmpty { readyStart = entry.due }
        ready.append(entry.label)
        waitingHead += 1
        if waitingHead > 1024 && waitingHead * 2 > waiting.count {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
    }

    /// Labels still waiting for their delay.
    var waitingCount: Int { waiting.count - waitingHead }
}
