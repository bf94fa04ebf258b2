import DriftEngine
import Logging
import ServiceLifecycle
import UnixSignals

/// The single owner of SIGHUP: reloads the YAML configuration and hands it to the ingest thread, which applies it
/// without losing window state. An invalid file keeps the configuration in force, is logged at error level with
/// the file, line and key, and bumps `driftwatch_config_reloads_total{result="failure"}`.
struct ReloadService: Service {
    let path: String?
    let privacyKey: [UInt8]?
    let core: CollectorCore
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            guard let path else {
                logger.warning("SIGHUP received, but the collector runs without --config: nothing to reload")
                continue
            }
            do {
                let resolver = try ConfigurationFile.load(path: path)
                _ = try PrivacyFilter(resolver: resolver, key: privacyKey)
                core.send(.reconfigure(resolver))
                core.metrics.reloadSuccesses.increment()
                logger.info("Configuration reloaded", metadata: ["config.file": "\(path)"])
            } catch {
                core.metrics.reloadFailures.increment()
                logger.error(
                    "Configuration reload failed; the previous configuration stays in force",
                    metadata: ["config.file": "\(path)", "error": "\(error)"]
                )
            }
        }
    }
}
