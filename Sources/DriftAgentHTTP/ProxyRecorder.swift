import DriftAgent
import DriftProtocol
import Foundation
import Logging

/// Turns one finished proxy exchange into events: extracts features and predictions from the captured bodies with
/// the ``PayloadExtractor`` and hands one ``AgentEvent`` per instance to the sink, updating ``ProxyCounters``.
///
/// Runs on the event loop of the exchange's client connection once its response end has been written, so the
/// client never waits for extraction. Cost: one parse of each captured body, O(body size).
struct ProxyRecorder: Sendable {
    let model: String
    let modelVersion: String
    let sink: any AgentEventSink
    let counters: ProxyCounters
    let extractor: PayloadExtractor
    let logger: Logger

    /// Records one event per extracted instance (or one without features), and counts what went wrong.
    /// - Parameters:
    ///   - exchange: the exchange (its request id, start time and captures).
    ///   - latency: from the request head to the end of the response (or the failure).
    ///   - outcome: `.ok`, or the error code the client saw (5xx from the model, 502, 503, 504).
    ///   - readPredictions: whether the response body holds predictions (a complete 2xx answer).
    func record(_ exchange: ProxyExchange, latency: Duration, outcome: Outcome, readPredictions: Bool) {
        var failure: ExtractionFailure?
        var records: [ExtractedRecord] = []
        if let request = exchange.requestCapture {
            if request.overflowed {
                failure = .requestTooLarge
            } else {
                let response = readPredictions ? exchange.responseCapture : nil
                let extraction = extractor.extract(
                    request: request.bytes,
                    response: response?.overflowed == false ? response?.bytes : nil
                )
                records = extraction.records
                failure = extraction.failure ?? (response?.overflowed == true ? .responseTooLarge : nil)
            }
        }
        if records.isEmpty { records = [ExtractedRecord()] }
        let latencyMicroseconds =
            Double(latency.components.seconds) * 1e6
            + Double(latency.components.attoseconds) / 1e12
        var accepted = 0
        for (index, extracted) in records.enumerated() {
            let event = AgentEvent(
                model: model,
                modelVersion: modelVersion,
                timestamp: exchange.timestamp,
                requestID: records.count == 1 ? exchange.requestID : "\(exchange.requestID)#\(index)",
                latencyMicroseconds: latencyMicroseconds,
                outcome: outcome,
                prediction: extracted.prediction,
                numericFeatures: extracted.numericFeatures,
                categoricalFeatures: extracted.categoricalFeatures
            )
            if sink.record(event) { accepted += 1 }
        }
        let total = records.count
        counters.update {
            $0.eventsRecorded += accepted
            $0.eventsDropped += total - accepted
            if let failure { $0.extractionFailures[failure, default: 0] += 1 }
        }
        if let failure {
            logger.debug(
                "The request's payload could not be fully extracted.",
                metadata: ["reason": "\(failure.rawValue)", "request.id": "\(exchange.requestID)"]
            )
        }
    }

    /// Nanoseconds since the Unix epoch, from the system's real-time clock.
    static func wallClockNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
