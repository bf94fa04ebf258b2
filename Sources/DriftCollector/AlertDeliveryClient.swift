import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// POSTs JSON to alert receivers with a timeout per attempt and retries with exponential backoff.
///
/// A 2xx answer is success. Connection errors, timeouts, 408, 429 and 5xx are retried (up to ``attempts`` in all,
/// waiting ``firstBackoff``, then twice as long each time); any other status fails at once, since sending the same
/// body again cannot change the answer.
struct AlertDeliveryClient: Sendable {
    /// The outcome of one delivery, retries included.
    enum Outcome: Sendable, Equatable {
        /// The receiver answered 2xx.
        case delivered(attempts: Int)
        /// Every attempt failed; `reason` describes the last one.
        case failed(reason: String, attempts: Int)
    }

    /// Timeout of one attempt.
    let timeout: Duration
    /// Attempts in all, the first included.
    var attempts = 4
    /// The wait before the first retry.
    var firstBackoff: Duration = .milliseconds(500)
    private let session: URLSession

    /// Creates a client with its own session (no cookies, no cache).
    /// - Parameter timeout: the timeout of one attempt.
    init(timeout: Duration) {
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout.seconds
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        self.session = URLSession(configuration: configuration)
    }

    /// POSTs `body` as `application/json` to `url`.
    /// - Parameters:
    ///   - body: the JSON bytes.
    ///   - url: the receiver.
    ///   - headers: extra request headers.
    ///   - mayRetry: asked before each retry; `false` (e.g. while shutting down) gives up after the current attempt.
    /// - Returns: delivered or failed, with the number of attempts made.
    func post(
        _ body: Data,
        to url: URL,
        headers: [String: String] = [:],
        mayRetry: @Sendable () -> Bool = { true }
    ) async -> Outcome {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.timeoutInterval = timeout.seconds
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }

        var backoff = firstBackoff
        var attempt = 0
        while true {
            attempt += 1
            let reason: String
            do {
                let (data, response) = try await session.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if (200..<300).contains(status) { return .delivered(attempts: attempt) }
                let answer = String(decoding: data.prefix(200), as: UTF8.self)
                reason = "HTTP \(status): \(answer)"
                guard status == 408 || status == 429 || status >= 500 else {
                    return .failed(reason: reason, attempts: attempt)
                }
            } catch {
                reason = "\(error)"
            }
            guard attempt < attempts, mayRetry(), !Task.isCancelled else {
                return .failed(reason: reason, attempts: attempt)
            }
            do {
                try await Task.sleep(for: backoff)
            } catch {
                return .failed(reason: reason, attempts: attempt)
            }
            backoff *= 2
        }
    }
}
