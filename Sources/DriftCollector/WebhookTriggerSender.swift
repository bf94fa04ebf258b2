import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// POSTs triggers to an HTTP endpoint: the JSON body with `Content-Type: application/json`,
/// `Idempotency-Key` and `X-Driftwatch-Trigger-Id` set to the trigger id; any 2xx answer within ``timeout``
/// acknowledges. Blocks its delivery thread until the answer or the timeout.
final class WebhookTriggerSender: TriggerSender {
    let url: URL
    let timeout: Duration
    private let session: URLSession

    init(url: URL, timeout: Duration) {
        self.url = url
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout.seconds
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration)
    }

    func deliver(_ trigger: TriggerSummary, body: [UInt8], attempt: Int) -> String? {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.timeoutInterval = timeout.seconds
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(trigger.id, forHTTPHeaderField: "Idempotency-Key")
        request.setValue(trigger.id, forHTTPHeaderField: "X-Driftwatch-Trigger-Id")
        request.setValue(trigger.model, forHTTPHeaderField: "X-Driftwatch-Model")
        request.setValue(String(attempt), forHTTPHeaderField: "X-Driftwatch-Attempt")
        let result = Mutex<String??>(nil)
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { data, response, error in
            let outcome: String?
            if let error {
                outcome = "\(error)"
            } else {
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                outcome =
                    (200..<300).contains(status)
                    ? nil : "HTTP \(status): \(String(decoding: (data ?? Data()).prefix(200), as: UTF8.self))"
            }
            result.withLock { $0 = .some(outcome) }
            done.signal()
        }
        task.resume()
        // The session's own timeout ends the task; the extra second only guards against a lost callback.
        if done.wait(timeout: .now() + timeout.seconds + 1) == .timedOut {
            task.cancel()
            return "no answer from \(url.absoluteString) within \(timeout)"
        }
        return result.withLock { $0 } ?? "no answer"
    }
}
