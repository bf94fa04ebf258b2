import DriftAgent
import DriftProtocol

/// Reads features and predictions from JSON request and response bodies of the common model-serving formats.
///
/// Pure and deterministic: the proxy calls it after the response has been forwarded, with the captured bodies.
/// Formats (see docs/agent-proxy.md for the full rules):
/// - KServe / Seldon V1: `instances` → `predictions`;
/// - Open Inference Protocol V2: `inputs` tensors → `outputs` tensors;
/// - MLflow scoring server: `dataframe_split`, `dataframe_records` or `inputs` → `predictions` or a bare list;
/// - user-given ``JSONPath``s for the instances and the predictions.
///
/// Values: numbers become numeric features, strings and booleans categorical ones, `null` a missing value
/// (categorical when the same feature holds strings elsewhere in the request, numeric otherwise); nested arrays
/// and objects inside an instance are skipped. A prediction that is a number becomes ``Prediction/number(_:)``, a
/// string or boolean ``Prediction/classLabel(_:)``, a one-element list a number, and a longer list of values in
/// [0, 1] ``Prediction/probabilities(_:)``.
public struct PayloadExtractor: Sendable {
    /// The settings in force.
    public let configuration: Configuration

    /// Creates an extractor.
    /// - Parameter configuration: how to read bodies.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// One instance as read from a request: named scalar values in request order.
    typealias Row = [(name: String, value: JSONValue)]

    /// Extracts one record per instance.
    /// - Parameters:
    ///   - request: the request body.
    ///   - response: the response body, or `nil` when predictions should not be read (an error status, or a body
    ///     that was not captured); the records then carry ``Prediction/absent``.
    /// - Returns: the records and the first problem met.
    /// - Complexity: O(request bytes + response bytes).
    public func extract(request: [UInt8], response: [UInt8]?) -> PayloadExtraction {
        let requestDocument: JSONValue
        do {
            requestDocument = try JSONValue.parse(request)
        } catch {
            return PayloadExtraction(format: nil, records: [], failure: .requestNotJSON)
        }
        let format: PayloadFormat?
        let rows: [Row]
        switch readInstances(requestDocument) {
        case .success(let read):
            format = read.format
            rows = read.rows
        case .failure(let failure):
            return PayloadExtraction(format: nil, records: [], failure: failure)
        }
        guard rows.count <= configuration.maximumInstances else {
            return PayloadExtraction(format: format, records: [], failure: .tooManyInstances)
        }
        guard rows.allSatisfy({ $0.count <= WireLimits.maxFeaturesPerSchema }) else {
            return PayloadExtraction(format: format, records: [], failure: .tooManyFeatures)
        }
        var records = Self.records(from: rows)
        guard let response else {
            return PayloadExtraction(format: format, records: records, failure: nil)
        }
        let responseDocument: JSONValue
        do {
            responseDocument = try JSONValue.parse(response)
        } catch {
            return PayloadExtraction(format: format, records: records, failure: .responseNotJSON)
        }
        switch readPredictions(responseDocument, format: format ?? .auto) {
        case .success(let read):
            guard read.predictions.count == records.count else {
                return PayloadExtraction(format: format, records: records, failure: .countMismatch)
            }
            for index in records.indices { records[index].prediction = read.predictions[index] }
            return PayloadExtraction(format: format, records: records, failure: read.failure)
        case .failure(let failure):
            return PayloadExtraction(format: format, records: records, failure: failure)
        }
    }

    /// Types the rows' values: numbers numeric, strings and booleans categorical, nulls missing.
    static func records(from rows: [Row]) -> [ExtractedRecord] {
        var categorical = Set<String>()
        for row in rows {
            for (name, value) in row {
                switch value {
                case .string, .bool: categorical.insert(name)
                default: break
                }
            }
        }
        return rows.map { row in
            var record = ExtractedRecord()
            for (name, value) in row {
                switch value {
                case .number(let number):
                    record.numericFeatures[name] = number.isFinite ? number : .nan
                case .string(let text):
                    record.categoricalFeatures[name] = .some(text)
                case .bool(let flag):
                    record.categoricalFeatures[name] = .some(flag ? "true" : "false")
                case .null:
                    if categorical.contains(name) {
                        record.categoricalFeatures[name] = .some(nil)
                    } else {
                        record.numericFeatures[name] = .nan
                    }
                case .array, .object:
                    break
                }
            }
            return record
        }
    }

    /// The name of positional feature `position` among `count`.
    func positionalName(_ position: Int, of count: Int) -> String {
        configuration.featureNames.count == count ? configuration.featureNames[position] : "f\(position)"
    }

    /// One instance: an object's scalar members by key, an array's elements by position, or a lone scalar.
    func row(from instance: JSONValue) -> Row {
        switch instance {
        case .object(let members):
            return members.filter { $0.value.isScalar }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        case .array(let elements):
            return elements.enumerated().compactMap { position, element in
                element.isScalar ? (positionalName(position, of: elements.count), element) : nil
            }
        default:
            return [(positionalName(0, of: 1), instance)]
        }
    }
}
