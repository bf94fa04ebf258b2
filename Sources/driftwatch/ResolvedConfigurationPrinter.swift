import DriftEngine
import Foundation

/// Prints a resolved per-model configuration as sorted, indented JSON (the same keys as the YAML file).
enum ResolvedConfigurationPrinter {
    static func json(_ configuration: MonitorConfiguration) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(configuration), as: UTF8.self)
    }
}
