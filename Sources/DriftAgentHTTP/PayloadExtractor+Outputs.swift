import DriftAgent
import DriftProtocol

extension PayloadExtractor {
    /// Predictions read from a response, and the first unsupported one met (read as ``Prediction/absent``).
    struct ReadPredictions {
        var predictions: [Prediction]
        var failure: ExtractionFailure?
    }

    /// Reads the predictions of a response document, following the request's format or the output path.
    func readPredictions(_ document: JSONValue, format: PayloadFormat) -> Result<ReadPredictions, ExtractionFailure> {
        if let outputPath = configuration.outputPath {
            let selected = outputPath.select(in: document)
            guard !selected.isEmpty else { return .failure(.unrecognisedResponse) }
            return .success(convert(selected))
        }
        switch format {
        case .openInferenceV2:
            return readV2Outputs(document)
        case .kserveV1, .mlflow, .auto:
            // MLflow 1.x answers with a bare list, 2.x and V1 with {"predictions": [...]}.
            if let list = document.arrayValue ?? document["predictions"]?.arrayValue {
                return .success(convert(list))
            }
            if document["outputs"] != nil { return readV2Outputs(document) }
            return .failure(.unrecognisedResponse)
        }
    }

    /// Converts each value, noting the first that is not a supported prediction.
    func convert(_ values: [JSONValue]) -> ReadPredictions {
        var result = ReadPredictions(predictions: [], failure: nil)
        result.predictions.reserveCapacity(values.count)
        for value in values {
            if let prediction = prediction(from: value) {
                result.predictions.append(prediction)
            } else {
                result.predictions.append(.absent)
                result.failure = result.failure ?? .unsupportedPrediction
            }
        }
        return result
    }

    /// One prediction: a number, a class label (string or boolean), `null` (absent), a one-element list (its
    /// element) or a list of probabilities.
    func prediction(from value: JSONValue) -> Prediction? {
        switch value {
        case .null:
            return .absent
        case .number(let number):
            return number.isFinite ? .number(number) : nil
        case .string(let label):
            return .classLabel(label)
        case .bool(let flag):
            return .classLabel(flag ? "true" : "false")
        case .array(let elements):
            if elements.count == 1 {
                guard case .number(let number) = elements[0], number.isFinite else { return nil }
                return .number(number)
            }
            return probabilities(elements[...])
        case .object:
            return nil
        }
    }

    /// Class probabilities from 2 or more numbers in [0, 1], named by configuration or by position.
    func probabilities(_ elements: ArraySlice<JSONValue>) -> Prediction? {
        guard elements.count >= 2, elements.count <= WireLimits.maxProbabilitiesPerPrediction else { return nil }
        let names = configuration.classNames.count == elements.count ? configuration.classNames : nil
        var classes: [ClassProbability] = []
        classes.reserveCapacity(elements.count)
        for (offset, element) in elements.enumerated() {
            guard case .number(let probability) = element, probability >= 0, probability <= 1 else { return nil }
            classes.append(ClassProbability(label: names?[offset] ?? String(offset), probability: probability))
        }
        return .probabilities(classes)
    }

    /// V2: the configured output tensor (or the first), one prediction per row of its first dimension.
    func readV2Outputs(_ document: JSONValue) -> Result<ReadPredictions, ExtractionFailure> {
        guard let outputs = document["outputs"]?.arrayValue, !outputs.isEmpty else {
            return .failure(.unrecognisedResponse)
        }
        let chosen: JSONValue?
        if let outputName = configuration.outputName {
            chosen = outputs.first { $0["name"]?.stringValue == outputName }
        } else {
            chosen = outputs.first
        }
        guard let chosen else { return .failure(.unrecognisedResponse) }
        guard let tensor = PayloadTensor(chosen) else { return .failure(.malformedOutputs) }
        var result = ReadPredictions(predictions: [], failure: nil)
        for position in 0..<tensor.batchSize {
            let slice = tensor.values[(position * tensor.rowWidth)..<((position + 1) * tensor.rowWidth)]
            let prediction: Prediction?
            if slice.count == 1, let only = slice.first {
                prediction = self.prediction(from: only)
            } else {
                prediction = probabilities(slice)
            }
            if let prediction {
                result.predictions.append(prediction)
            } else {
                result.predictions.append(.absent)
                result.failure = result.failure ?? .unsupportedPrediction
            }
        }
        return .success(result)
    }
}
