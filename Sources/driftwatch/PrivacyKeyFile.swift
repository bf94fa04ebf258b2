import DriftEngine
import DriftwatchAgentCommand
import Foundation
import ZeroMQ

/// Loads the deployment's privacy key (`--privacy-key FILE`): the key for hashing request ids
/// (`privacy.request_ids: hash`). The file's bytes, without trailing whitespace, are the key: at least 32 of them,
/// e.g. the 64 hex digits `driftwatch keygen --privacy-key NAME` writes. Like a CURVE secret, the file must not be
/// readable by group or others. Every process that hashes ids for one deployment (collector, record, backtest)
/// needs the same file, or labels will not join and backtests will not match.
enum PrivacyKeyFile {
    static func load(path: String) throws -> [UInt8] {
        do {
            try CurveKeyFile.checkPrivate(path)
        } catch let problem as CurveKeyFile.Problem {
            throw CommandFailure("--privacy-key: \(problem.message)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("--privacy-key: cannot read \(path)")
        }
        var bytes = [UInt8](data)
        while let last = bytes.last, last == 0x0a || last == 0x0d || last == 0x20 || last == 0x09 { bytes.removeLast() }
        guard bytes.count >= PrivacyFilter.minimumKeyBytes else {
            throw CommandFailure(
                "--privacy-key: \(path) holds \(bytes.count) bytes; a privacy key needs at least "
                    + "\(PrivacyFilter.minimumKeyBytes) (make one with `driftwatch keygen --privacy-key NAME`)"
            )
        }
        return bytes
    }
}
