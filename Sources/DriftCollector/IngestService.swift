import DriftEngine
import Foundation
import Logging
import ServiceLifecycle

/// Runs the ``IngestLoop`` on a dedicated thread (its ZeroMQ calls block, so it must not sit on the cooperative
/// pool) and stops it on graceful shutdown, after its final checkpoint.
struct IngestService: Service {
    let configuration: CollectorConfiguration
    let resolver: ConfigurationResolver
    let core: CollectorCore
    let store: CheckpointStore?
    let logger: Logger

    func run() async throws {
        let (configuration, resolver, core, store, logger) = (configuration, resolver, core, store, logger)
        try await withGracefulShutdownHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let thread = Thread {
                    do {
                        let loop = try IngestLoop(
                            configuration: configuration,
                            resolver: resolver,
                            core: core,
                            store: store,
                            logger: logger
                        )
                        try loop.run()
                        continuation.resume()
                    } catch {
                        core.update { $0.failure = "\(error)" }
                        logger.critical("Collector ingest failed", metadata: ["error": "\(error)"])
                        continuation.resume(throwing: error)
                    }
                }
                thread.name = "driftwatch-ingest"
                thread.start()
            }
        } onGracefulShutdown: {
            core.requestStop()
        }
    }
}
