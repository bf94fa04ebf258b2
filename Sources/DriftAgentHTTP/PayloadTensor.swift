import DriftAgent

/// A V2 tensor with its data flattened in row-major order.
struct PayloadTensor {
    /// The flattened scalars.
    var values: [JSONValue]
    /// The first dimension (1 for a scalar tensor).
    var batchSize: Int
    /// Scalars per instance.
    var rowWidth: Int

    /// Reads `{shape, data}`; `nil` when the shape is not a list of non-negative integers or the data count does
    /// not match it.
    init?(_ value: JSONValue) {
        guard let shapeList = value["shape"]?.arrayValue, let data = value["data"] else { return nil }
        var shape: [Int] = []
        for dimension in shapeList {
            guard let number = dimension.numberValue, number >= 0, number == number.rounded(),
                number < 1e12
            else { return nil }
            shape.append(Int(number))
        }
        var values: [JSONValue] = []
        Self.flatten(data, into: &values)
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        guard values.count == count, values.allSatisfy(\.isScalar) else { return nil }
        let batch = shape.first ?? 1
        self.values = values
        self.batchSize = batch
        self.rowWidth = batch == 0 ? 0 : count / batch
    }

    static func flatten(_ value: JSONValue, into values: inout [JSONValue]) {
        if case .array(let elements) = value {
            for element in elements { flatten(element, into: &values) }
        } else {
            values.append(value)
        }
    }
}
