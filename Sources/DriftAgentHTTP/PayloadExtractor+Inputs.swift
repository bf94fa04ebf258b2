import DriftAgent

extension PayloadExtractor {
    /// Reads the instances of a request document.
    func readInstances(_ document: JSONValue) -> Result<(format: PayloadFormat?, rows: [Row]), ExtractionFailure> {
        if let inputPath = configuration.inputPath {
            let selected = inputPath.select(in: document)
            guard !selected.isEmpty else { return .failure(.unrecognisedRequest) }
            return .success((nil, selected.map(row(from:))))
        }
        let format = configuration.format == .auto ? Self.detectFormat(document) : configuration.format
        let rows: Result<[Row], ExtractionFailure>
        switch format {
        case .kserveV1:
            rows = readV1(document)
        case .openInferenceV2:
            rows = readV2(document)
        case .mlflow:
            rows = readMLflow(document)
        case .auto, nil:
            return .failure(.unrecognisedRequest)
        }
        return rows.map { (format, $0) }
    }

    /// The format a request document follows, from its top-level keys; `nil` when none matches.
    static func detectFormat(_ document: JSONValue) -> PayloadFormat? {
        guard let members = document.objectValue else { return nil }
        if members["instances"] != nil { return .kserveV1 }
        if members["dataframe_split"] != nil || members["dataframe_records"] != nil { return .mlflow }
        if let inputs = members["inputs"] {
            if let tensors = inputs.arrayValue, !tensors.isEmpty,
                tensors.allSatisfy({ $0["name"]?.stringValue != nil && $0["data"] != nil })
            {
                return .openInferenceV2
            }
            return .mlflow
        }
        return nil
    }

    /// V1: `instances` (or `inputs`), a list of instances.
    func readV1(_ document: JSONValue) -> Result<[Row], ExtractionFailure> {
        guard let members = document.objectValue else { return .failure(.unrecognisedRequest) }
        guard let instances = members["instances"] ?? members["inputs"] else { return .failure(.unrecognisedRequest) }
        guard let list = instances.arrayValue else { return .failure(.malformedInputs) }
        return .success(list.map(row(from:)))
    }

    /// MLflow: `dataframe_split`, `dataframe_records`, `inputs` (rows, or columns by name) or `instances`.
    func readMLflow(_ document: JSONValue) -> Result<[Row], ExtractionFailure> {
        guard let members = document.objectValue else { return .failure(.unrecognisedRequest) }
        if let split = members["dataframe_split"] {
            guard let data = split["data"]?.arrayValue else { return .failure(.malformedInputs) }
            guard let columnValues = split["columns"] else { return .success(data.map(row(from:))) }
            guard let columnList = columnValues.arrayValue else { return .failure(.malformedInputs) }
            let columns = columnList.compactMap(\.stringValue)
            guard columns.count == columnList.count else { return .failure(.malformedInputs) }
            var rows: [Row] = []
            rows.reserveCapacity(data.count)
            for entry in data {
                let values = entry.arrayValue ?? [entry]
                guard values.count == columns.count else { return .failure(.malformedInputs) }
                rows.append(zip(columns, values).filter { $0.1.isScalar }.map { ($0.0, $0.1) })
            }
            return .success(rows)
        }
        if let records = members["dataframe_records"] {
            guard let list = records.arrayValue, list.allSatisfy({ $0.objectValue != nil }) else {
                return .failure(.malformedInputs)
            }
            return .success(list.map(row(from:)))
        }
        guard let inputs = members["inputs"] ?? members["instances"] else { return .failure(.unrecognisedRequest) }
        switch inputs {
        case .array(let list):
            return .success(list.map(row(from:)))
        case .object(let columns):
            return readColumns(columns)
        default:
            return .failure(.malformedInputs)
        }
    }

    /// Columnar inputs `{name: [v0, v1, ...]}` (all lists the same length) or `{name: scalar}` (one instance).
    func readColumns(_ columns: [String: JSONValue]) -> Result<[Row], ExtractionFailure> {
        let names = columns.keys.sorted()
        if columns.values.allSatisfy(\.isScalar) {
            return .success([names.map { ($0, columns[$0] ?? .null) }])
        }
        var count: Int?
        for name in names {
            guard let list = columns[name]?.arrayValue, count == nil || count == list.count else {
                return .failure(.malformedInputs)
            }
            count = list.count
        }
        let lists = names.map { columns[$0]?.arrayValue ?? [] }
        return .success(
            (0..<(count ?? 0)).map { position in
                zip(names, lists).compactMap { name, list in list[position].isScalar ? (name, list[position]) : nil }
            }
        )
    }

    /// V2: `inputs`, a list of tensors `{name, shape, datatype, data}` sharing their first dimension.
    func readV2(_ document: JSONValue) -> Result<[Row], ExtractionFailure> {
        guard let tensors = document["inputs"]?.arrayValue, !tensors.isEmpty else {
            return .failure(.unrecognisedRequest)
        }
        var decoded: [(name: String, tensor: PayloadTensor)] = []
        for value in tensors {
            guard let name = value["name"]?.stringValue, let tensor = PayloadTensor(value) else {
                return .failure(.malformedInputs)
            }
            decoded.append((name, tensor))
        }
        let batch = decoded[0].tensor.batchSize
        guard decoded.allSatisfy({ $0.tensor.batchSize == batch }) else { return .failure(.malformedInputs) }
        var rows = [Row](repeating: [], count: batch)
        for (name, tensor) in decoded {
            let width = tensor.rowWidth
            for position in 0..<batch {
                let slice = tensor.values[(position * width)..<((position + 1) * width)]
                for (offset, value) in slice.enumerated() {
                    let featureName: String
                    if width == 1 {
                        featureName = name
                    } else if decoded.count == 1 {
                        featureName = positionalName(offset, of: width)
                    } else {
                        featureName = "\(name).\(offset)"
                    }
                    rows[position].append((featureName, value))
                }
            }
        }
        return .success(rows)
    }
}
