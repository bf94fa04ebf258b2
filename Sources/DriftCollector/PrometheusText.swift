/// Writes Prometheus text exposition format (version 0.0.4): one `# HELP` and `# TYPE` per family, then its
/// samples with escaped label values.
struct PrometheusText {
    private(set) var text = ""

    init(appendingTo text: String = "") {
        self.text = text
        if !self.text.isEmpty && !self.text.hasSuffix("\n") { self.text += "\n" }
    }

    enum Kind: String {
        case gauge
        case counter
    }

    /// Writes a family with its samples; a family without samples is omitted entirely.
    mutating func family(
        _ name: String,
        _ kind: Kind,
        help: String,
        samples: [(labels: [(String, String)], value: Double)]
    ) {
        guard !samples.isEmpty else { return }
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(kind.rawValue)\n"
        for sample in samples {
            text += name
            if !sample.labels.isEmpty {
                text += "{"
                text += sample.labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",")
                text += "}"
            }
            text += " \(Self.format(sample.value))\n"
        }
    }

    /// Label values escape backslash, double quote and newline.
    static func escape(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
