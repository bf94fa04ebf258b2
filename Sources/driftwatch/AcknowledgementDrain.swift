/// The end of a run of `driftwatch simulate` or `driftwatch replay`: wait for the collector's last acknowledgements.
enum AcknowledgementDrain {
    /// Pumps until nothing is outstanding, giving up once the outstanding count has not fallen for `stallTimeout`:
    /// a collector still working through a deep queue is waited for, a silent one is not.
    /// - Parameters:
    ///   - stallTimeout: how long without progress ends the wait.
    ///   - outstanding: the batches still unacknowledged.
    ///   - pump: reads acknowledgements for up to the given time and resends what is due.
    /// - Returns: whether every batch was acknowledged.
    static func run(
        stallTimeout: Duration,
        outstanding: () -> Int,
        pump: (Duration) throws -> Void
    ) rethrows -> Bool {
        let clock = ContinuousClock()
        var deadline = clock.now + stallTimeout
        var waiting = outstanding()
        while outstanding() > 0 {
            let left = deadline - clock.now
            if left <= .zero { break }
            try pump(min(left, .milliseconds(100)))
            if outstanding() < waiting {
                waiting = outstanding()
                deadline = clock.now + stallTimeout
            }
        }
        return outstanding() == 0
    }
}
