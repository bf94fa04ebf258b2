import DriftEngine
import Foundation
import Yams

/// The collector's YAML configuration file: global defaults, per-model overrides by glob pattern or exact name,
/// per-feature overrides and engine limits, decoded into a ``ConfigurationResolver`` (keys: docs/engine.md).
///
/// Every problem is reported with the file, the line and column of the offending key, the key path and what was
/// expected, e.g. `collector.yaml:12:5: models.fraud.data_drift.p_value: must be in (0, 1)`.
public enum ConfigurationFile {
    /// Reads, decodes and validates the file at `path`.
    /// - Throws: ``ConfigurationFileError`` listing every problem found.
    public static func load(path: String) throws(ConfigurationFileError) -> ConfigurationResolver {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationFileError(
                file: path,
                problems: [.init(line: nil, column: nil, keyPath: "", message: "cannot be read: \(reason(error))")]
            )
        }
        return try parse(text, file: path)
    }

    /// Decodes and validates YAML text; `file` only names the source in errors.
    /// - Throws: ``ConfigurationFileError`` listing every problem found.
    public static func parse(_ text: String, file: String) throws(ConfigurationFileError) -> ConfigurationResolver {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationFileError(file: file, problems: [syntaxProblem(error)])
        }
        guard let root else { return ConfigurationResolver() }
        guard case .mapping = root else {
            throw ConfigurationFileError(
                file: file,
                problems: [
                    .init(
                        line: root.mark?.line,
                        column: root.mark?.column,
                        keyPath: "",
                        message: "expected a mapping with keys defaults, patterns, models and limits"
                    )
                ]
            )
        }
        let resolver: ConfigurationResolver
        do {
            resolver = try YAMLDecoder().decode(ConfigurationResolver.self, from: root)
        } catch let error as DecodingError {
            throw ConfigurationFileError(file: file, problems: [decodingProblem(error, root: root)])
        } catch {
            throw ConfigurationFileError(file: file, problems: [syntaxProblem(error)])
        }
        var problems = resolver.validate()
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        let loaded = BaselineFiles.resolve(resolver, relativeTo: directory)
        problems += loaded.problems
        guard problems.isEmpty else {
            throw ConfigurationFileError(
                file: file,
                problems: problems.map { problem in
                    let mark = NodeLocator.mark(of: problem.keyPath, in: root)
                    return .init(
                        line: mark?.line,
                        column: mark?.column,
                        keyPath: problem.keyPath,
                        message: problem.message
                    )
                }
            )
        }
        return loaded.resolver
    }

    private static func syntaxProblem(_ error: any Error) -> ConfigurationFileError.Problem {
        if let yaml = error as? YamlError {
            switch yaml {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
                return .init(line: mark.line, column: mark.column, keyPath: "", message: "invalid YAML: \(problem)")
            default:
                break
            }
        }
        return .init(line: nil, column: nil, keyPath: "", message: "invalid YAML: \(error)")
    }

    private static func decodingProblem(_ error: DecodingError, root: Node) -> ConfigurationFileError.Problem {
        let (path, message): ([any CodingKey], String)
        switch error {
        case .typeMismatch(let type, let context):
            (path, message) = (context.codingPath, "expected \(describe(type)): \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            (path, message) = (context.codingPath, "expected \(describe(type)), found nothing")
        case .keyNotFound(let key, let context):
            (path, message) = (context.codingPath + [key], "is required")
        case .dataCorrupted(let context):
            (path, message) = (context.codingPath, context.debugDescription)
        @unknown default:
            (path, message) = ([], "\(error)")
        }
        let keyPath = NodeLocator.keyPath(path)
        let mark = NodeLocator.mark(of: path, in: root)
        return .init(line: mark?.line, column: mark?.column, keyPath: keyPath, message: message)
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is String.Type: "a string"
        default: "\(type)"
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }
}

/// Every problem of a configuration file, each located by line, column and key path.
public struct ConfigurationFileError: Error, Sendable, CustomStringConvertible {
    /// One problem.
    public struct Problem: Sendable, Hashable {
        /// 1-based line of the key, when known.
        public var line: Int?
        /// 1-based column of the key, when known.
        public var column: Int?
        /// The key path, such as `models.fraud.data_drift.p_value` (empty for the whole file).
        public var keyPath: String
        /// What was wrong or expected.
        public var message: String
    }

    /// The file the problems are in.
    public var file: String
    /// The problems, in file order where known.
    public var problems: [Problem]

    /// One line per problem: `file:line:column: key.path: message`.
    public var description: String {
        problems.map { problem in
            var location = file
            if let line = problem.line { location += ":\(line)" }
            if let column = problem.column { location += ":\(column)" }
            let key = problem.keyPath.isEmpty ? "" : "\(problem.keyPath): "
            return "\(location): \(key)\(problem.message)"
        }.joined(separator: "\n")
    }
}

/// Finds where a key path sits in a YAML node tree, for error messages.
enum NodeLocator {
    static func keyPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == "\(index)" {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    /// The mark of the deepest node reached along `path` (the key's own mark for mapping keys).
    static func mark(of path: [any CodingKey], in root: Node) -> Mark? {
        var node = root
        var mark = root.mark
        for key in path {
            if case .sequence(let sequence) = node, let index = key.intValue, index < sequence.count {
                node = sequence[index]
                mark = node.mark
            } else if case .mapping(let mapping) = node,
                let entry = mapping.first(where: { $0.key.string == key.stringValue })
            {
                mark = entry.key.mark
                node = entry.value
            } else {
                break
            }
        }
        return mark
    }

    /// The mark for a dotted key path such as `models.fraud.v2.data_drift.p_value` or `patterns[0].bins`. Model and
    /// feature names may contain dots, so at each mapping the longest key that matches the path is taken.
    static func mark(of keyPath: String, in root: Node) -> Mark? {
        var node = root
        var mark = root.mark
        var rest = Substring(keyPath)
        while !rest.isEmpty {
            if rest.hasPrefix(".") { rest = rest.dropFirst() }
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]"),
                let index = Int(rest[rest.index(after: rest.startIndex)..<close])
            {
                guard case .sequence(let sequence) = node, index < sequence.count else { break }
                node = sequence[index]
                mark = node.mark
                rest = rest[rest.index(after: close)...]
                continue
            }
            guard case .mapping(let mapping) = node else { break }
            let candidates = mapping.compactMap { entry -> (Node, Node, Int)? in
                guard let key = entry.key.string, rest.hasPrefix(key) else { return nil }
                let after = rest.dropFirst(key.count)
                guard after.isEmpty || after.hasPrefix(".") || after.hasPrefix("[") else { return nil }
                return (entry.key, entry.value, key.count)
            }
            guard let best = candidates.max(by: { $0.2 < $1.2 }) else { break }
            mark = best.0.mark
            node = best.1
            rest = rest.dropFirst(best.2)
        }
        return mark
    }
}

/// Loads the baseline files that `reference: {policy: baseline_file, path: …}` names (written by
/// `driftwatch baseline`), so the engine gets the baseline itself. Paths are relative to the configuration file.
enum BaselineFiles {
    static func resolve(
        _ resolver: ConfigurationResolver,
        relativeTo directory: URL
    ) -> (resolver: ConfigurationResolver, problems: [ConfigurationProblem]) {
        var resolver = resolver
        var problems: [ConfigurationProblem] = []
        var cache: [String: Baseline] = [:]
        func load(_ configuration: inout MonitorConfiguration, _ keyPath: String) {
            guard case .baselineFile(let path) = configuration.reference else { return }
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
            if let baseline = cache[url.path] {
                configuration.reference = .baseline(baseline)
                return
            }
            do {
                let baseline = try CheckpointCoding.decoder().decode(Baseline.self, from: Data(contentsOf: url))
                cache[url.path] = baseline
                configuration.reference = .baseline(baseline)
            } catch {
                problems.append(
                    ConfigurationProblem(
                        keyPath: "\(keyPath).reference.path",
                        message: "cannot load baseline file \(url.path): \(error.localizedDescription)"
                    )
                )
            }
        }
        load(&resolver.defaults, "defaults")
        for index in resolver.patterns.indices {
            load(&resolver.patterns[index].configuration, "patterns[\(index)]")
        }
        for name in resolver.models.keys.sorted() {
            guard var configuration = resolver.models[name] else { continue }
            load(&configuration, "models.\(name)")
            resolver.models[name] = configuration
        }
        return (resolver, problems)
    }
}
