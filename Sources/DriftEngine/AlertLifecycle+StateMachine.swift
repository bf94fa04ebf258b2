import DriftProtocol

extension AlertLifecycle {
    /// The lifecycle's states. Times are event-time nanoseconds.
    enum State: Sendable, Hashable, Codable {
        /// No condition (never active, or cancelled).
        case inactive
        /// The condition holds since `since`; fires once it has held for `for`.
        case pending(since: Int64, severity: AlertSeverity)
        /// Firing since `since`; last sent at `sentAt`; `clearSince` is when the condition last stopped holding.
        case firing(since: Int64, sentAt: Int64, severity: AlertSeverity, clearSince: Int64?)
        /// Resolved at `at` (the condition stayed clear for `keep_firing_for`).
        case resolved(at: Int64)

        /// What a step asks the caller to do.
        enum Action: Sendable, Hashable {
            /// Nothing to publish.
            case none
            /// Publish this change.
            case notify(AlertNotification.Change)
        }

        /// The body's state for this lifecycle state.
        var alertState: AlertState {
            switch self {
            case .pending: .pending
            case .firing: .firing
            case .inactive, .resolved: .resolved
            }
        }

        /// When the current activation started.
        var startedAt: Int64? {
            switch self {
            case .pending(let since, _), .firing(let since, _, _, _): since
            case .inactive, .resolved: nil
            }
        }

        /// Whether no alert is active.
        var isIdle: Bool {
            switch self {
            case .inactive, .resolved: true
            case .pending, .firing: false
            }
        }

        /// Advances the state machine.
        /// - Parameters:
        ///   - holds: whether the condition holds now.
        ///   - severity: its severity when it holds.
        ///   - now: event time.
        ///   - settings: `for`, `keep_firing_for`, `repeat_interval`.
        /// - Returns: the action.
        mutating func step(
            holds: Bool,
            severity: AlertSeverity?,
            at now: Int64,
            settings: LifecycleSettings
        ) -> Action {
            let level = severity ?? .warning
            switch self {
            case .inactive, .resolved:
                guard holds else { return .none }
                if settings.forNanoseconds <= 0 {
                    self = .firing(since: now, sentAt: now, severity: level, clearSince: nil)
                    return .notify(.firing)
                }
                self = .pending(since: now, severity: level)
                return .notify(.pending)
            case .pending(let since, _):
                guard holds else {
                    self = .inactive
                    return .notify(.cancelled)
                }
                if now - since >= settings.forNanoseconds {
                    self = .firing(since: since, sentAt: now, severity: level, clearSince: nil)
                    return .notify(.firing)
                }
                self = .pending(since: since, severity: level)
                return .none
            case .firing(let since, let sentAt, let previous, let clearSince):
                if holds {
                    if level != previous {
                        self = .firing(since: since, sentAt: now, severity: level, clearSince: nil)
                        return .notify(.severityChanged)
                    }
                    if settings.repeatIntervalNanoseconds > 0 && now - sentAt >= settings.repeatIntervalNanoseconds {
                        self = .firing(since: since, sentAt: now, severity: level, clearSince: nil)
                        return .notify(.repeated)
                    }
                    self = .firing(since: since, sentAt: sentAt, severity: level, clearSince: nil)
                    return .none
                }
                let clearedAt = clearSince ?? now
                if now - clearedAt >= settings.keepFiringForNanoseconds {
                    self = .resolved(at: now)
                    return .notify(.resolved)
                }
                self = .firing(since: since, sentAt: sentAt, severity: previous, clearSince: clearedAt)
                return .none
            }
        }
    }
}
