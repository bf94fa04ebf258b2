import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small client of the collector's JSON API (`/api/v1/...`) for the CLI commands that talk to a running collector.
struct CollectorAPIClient: Sendable {
    /// `HOST:PORT` of the collector's HTTP server.
    let address: String

    /// Sends a request and returns the status and the body; throws ``CommandFailure`` when the collector is
    /// unreachable.
    func send(_ method: String, _ path: String, json body: [String: String]? = nil) async throws -> (Int, Data) {
        guard let url = URL(string: "http://\(address)\(path)") else {
            throw CommandFailure("--http must be HOST:PORT, e.g. 127.0.0.1:7780 (got '\(address)')")
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 30
        // A collector started with --api-token-file requires the same token on writes (docs/security.md).
        if let token = ProcessInfo.processInfo.environment["DRIFTWATCH_API_TOKEN"], !token.isEmpty {
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        }
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        } catch {
            throw CommandFailure("cannot reach the collector at http://\(address): \(error.localizedDescription)")
        }
    }

    /// The `error` field of an error answer, or the body as text.
    static func errorMessage(_ data: Data) -> String {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let message = object["error"] as? String
        {
            return message
        }
        return String(decoding: data, as: UTF8.self)
    }
}
