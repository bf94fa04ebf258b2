import DriftAgent
import Foundation

/// Reads NDJSON events and labels, one JSON object per line, in the agent's JSON-lines schema (docs/agent.md,
/// "JSON lines"), into backtest inputs in line order.
///
/// Every event must carry `timestamp` or `timestamp_ns` (a backtest has no arrival time to fall back on). Blank
/// lines are skipped; any other line that breaks the schema is an error naming the file and line.
public enum NDJSONEventReader {
    /// Reads the file at `path`.
    /// - Parameters:
    ///   - path: the NDJSON file.
    ///   - defaultModel: the model for lines without `model`.
    ///   - defaultVersion: the version for lines without `version`.
    /// - Returns: the inputs in line order.
    /// - Throws: ``ReplayError`` `io` or `invalid_input`.
    public static func read(
        path: String,
        defaultModel: String? = nil,
        defaultVersion: String = ""
    ) throws(ReplayError) -> [BacktestInput] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReplayError(.io, "cannot read \(path)")
        }
        let decoder = JSONLineDecoder(defaultModel: defaultModel, defaultVersion: defaultVersion)
        var batcher = EventBatcher()
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) else { continue }
            do {
                switch try decoder.decode(line, now: .min) {
                case .event(let event):
                    guard event.timestamp != .min else {
                        throw ReplayError(.invalidInput, "an event needs timestamp or timestamp_ns in a backtest")
                    }
                    try batcher.add(event)
                case .label(let label): batcher.add(label)
                }
            } catch let error as AgentError {
                throw ReplayError(.invalidInput, "\(path):\(lineNumber): \(error.message)")
            } catch let error as ReplayError {
                throw ReplayError(.invalidInput, "\(path):\(lineNumber): \(error.message)")
            } catch {
                throw ReplayError(.invalidInput, "\(path):\(lineNumber): \(error)")
            }
        }
        batcher.finish()
        return batcher.inputs
    }
}
