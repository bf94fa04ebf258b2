import DriftProtocol
import DriftwatchAgentCommand

/// Decides which columns are numeric features, categorical features, the prediction and the latency, and turns
/// rows into events for the baseline builder.
struct BaselinePlan {
    let numericNames: [String]
    let categoricalNames: [String]
    private let numericColumns: [Int]
    private let categoricalColumns: [Int]
    private let predictionColumn: Int?
    private let latencyColumn: Int?
    private let predictionIsNumeric: Bool

    init(
        table: TrainingTable,
        prediction: String?,
        latency: String?,
        ignored: Set<String>,
        forcedNumeric: Set<String>,
        forcedCategorical: Set<String>
    ) throws {
        func column(_ name: String, _ flag: String) throws -> Int {
            guard let index = table.columns.firstIndex(of: name) else {
                throw CommandFailure(
                    "\(flag) \(name): no such column (columns: \(table.columns.joined(separator: ", ")))."
                )
            }
            return index
        }
        for name in ignored.union(forcedNumeric).union(forcedCategorical).sorted() {
            _ = try column(name, "column")
        }
        predictionColumn = try prediction.map { try column($0, "--prediction") }
        latencyColumn = try latency.map { try column($0, "--latency") }
        var numeric: [Int] = []
        var categorical: [Int] = []
        for (index, name) in table.columns.enumerated() {
            if ignored.contains(name) || index == predictionColumn || index == latencyColumn { continue }
            let allNumbers = table.rows.allSatisfy { row in
                if case .text = row[index] { return false }
                return true
            }
            if forcedNumeric.contains(name) || (allNumbers && !forcedCategorical.contains(name)) {
                numeric.append(index)
            } else {
                categorical.append(index)
            }
        }
        guard !numeric.isEmpty || !categorical.isEmpty || predictionColumn != nil else {
            throw CommandFailure("No feature or prediction column is left to describe.")
        }
        numericColumns = numeric
        categoricalColumns = categorical
        numericNames = numeric.map { table.columns[$0] }
        categoricalNames = categorical.map { table.columns[$0] }
        predictionIsNumeric =
            predictionColumn.map { index in
                table.rows.allSatisfy { row in
                    if case .text = row[index] { return false }
                    return true
                }
            } ?? false
    }

    func event(for row: [TrainingTable.Cell]) -> Event {
        let numericValues = numericColumns.map { index -> Double in
            switch row[index] {
            case .number(let value): value
            case .text(let text): Double(text) ?? .nan
            case .missing: .nan
            }
        }
        let categoricalValues = categoricalColumns.map { index -> String? in
            switch row[index] {
            case .number(let value): Self.label(value)
            case .text(let text): text
            case .missing: nil
            }
        }
        var prediction = Prediction.absent
        if let predictionColumn {
            switch row[predictionColumn] {
            case .number(let value): prediction = predictionIsNumeric ? .number(value) : .classLabel(Self.label(value))
            case .text(let text): prediction = .classLabel(text)
            case .missing: prediction = .absent
            }
        }
        var latency: Double?
        if let latencyColumn, case .number(let value) = row[latencyColumn], value >= 0 { latency = value }
        return Event(
            timestamp: 0,
            latencyMicroseconds: latency,
            prediction: prediction,
            numericFeatures: numericValues,
            categoricalFeatures: categoricalValues
        )
    }

    /// A number used as a category, written without a needless ".0".
    private static func label(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
