import DriftAgentHTTP
import DriftProtocol
import Testing

/// Extracts from literal JSON text.
private func extract(
    _ request: String,
    _ response: String?,
    _ configuration: PayloadExtractor.Configuration = .init()
) -> PayloadExtraction {
    PayloadExtractor(configuration: configuration).extract(
        request: Array(request.utf8),
        response: response.map { Array($0.utf8) }
    )
}

@Suite("Payload extraction: KServe / Seldon V1")
struct PayloadV1Tests {
    @Test("Array instances get positional names f0, f1, ... and number predictions")
    func arrayInstances() {
        let result = extract(#"{"instances": [[1, 2.5, -3], [4, 5, 6]]}"#, #"{"predictions": [0.5, 7]}"#)
        #expect(result.format == .kserveV1)
        #expect(result.failure == nil)
        #expect(
            result.records == [
                ExtractedRecord(numericFeatures: ["f0": 1, "f1": 2.5, "f2": -3], prediction: .number(0.5)),
                ExtractedRecord(numericFeatures: ["f0": 4, "f1": 5, "f2": 6], prediction: .number(7)),
            ]
        )
    }

    @Test("Configured feature names apply when their count matches, else positions")
    func configuredNames() {
        let named = extract(
            #"{"instances": [[1, 2]]}"#,
            #"{"predictions": [1]}"#,
            .init(featureNames: ["age", "income"])
        )
        #expect(named.records.first?.numericFeatures == ["age": 1, "income": 2])
        let mismatched = extract(
            #"{"instances": [[1, 2, 3]]}"#,
            #"{"predictions": [1]}"#,
            .init(featureNames: ["age", "income"])
        )
        #expect(mismatched.records.first?.numericFeatures == ["f0": 1, "f1": 2, "f2": 3])
    }

    @Test("Object instances are named by key; strings and booleans are categorical; nested values are skipped")
    func objectInstances() {
        let result = extract(
            #"{"instances": [{"age": 31, "city": "Oslo", "member": true, "tags": [1, 2], "x": {"y": 1}}]}"#,
            #"{"predictions": ["approve"]}"#
        )
        #expect(result.failure == nil)
        #expect(
            result.records == [
                ExtractedRecord(
                    numericFeatures: ["age": 31],
                    categoricalFeatures: ["city": "Oslo", "member": "true"],
                    prediction: .classLabel("approve")
                )
            ]
        )
    }

    @Test("null is missing: categorical when the feature holds strings elsewhere in the request, else numeric")
    func nullsAreMissing() {
        let result = extract(
            #"{"instances": [{"a": null, "c": "x"}, {"a": 2, "c": null}]}"#,
            #"{"predictions": [1, 2]}"#
        )
        #expect(result.records.count == 2)
        #expect(result.records[0].numericFeatures["a"]?.isNaN == true)
        #expect(result.records[0].categoricalFeatures == ["c": "x"])
        #expect(result.records[1].numericFeatures == ["a": 2])
        #expect(result.records[1].categoricalFeatures == ["c": nil])
    }

    @Test("Scalar instances are one feature; probabilities get class names from configuration")
    func scalarsAndProbabilities() {
        let result = extract(
            #"{"instances": ["good film", "bad film"]}"#,
            #"{"predictions": [[0.9, 0.1], [0.2, 0.8]]}"#,
            .init(classNames: ["positive", "negative"])
        )
        #expect(result.failure == nil)
        #expect(
            result.records == [
                ExtractedRecord(
                    categoricalFeatures: ["f0": "good film"],
                    prediction: .probabilities([
                        ClassProbability(label: "positive", probability: 0.9),
                        ClassProbability(label: "negative", probability: 0.1),
                    ])
                ),
                ExtractedRecord(
                    categoricalFeatures: ["f0": "bad film"],
                    prediction: .probabilities([
                        ClassProbability(label: "positive", probability: 0.2),
                        ClassProbability(label: "negative", probability: 0.8),
                    ])
                ),
            ]
        )
    }

    @Test("Probability classes default to positions; a one-element list is a number; booleans are labels")
    func predictionShapes() {
        let result = extract(
            #"{"instances": [[1], [2], [3], [4]]}"#,
            #"{"predictions": [[0.25, 0.75], [0.5], true, null]}"#
        )
        #expect(result.failure == nil)
        #expect(
            result.records.map(\.prediction) == [
                .probabilities([
                    ClassProbability(label: "0", probability: 0.25), ClassProbability(label: "1", probability: 0.75),
                ]),
                .number(0.5),
                .classLabel("true"),
                .absent,
            ]
        )
    }

    @Test(
        "Unsupported predictions are absent and counted; the others are kept",
        arguments: [
            #"{"predictions": [[2.5, -1], 3]}"#,
            #"{"predictions": [{"label": "a"}, 3]}"#,
            #"{"predictions": [["a", "b"], 3]}"#,
        ]
    )
    func unsupportedPredictions(response: String) {
        let result = extract(#"{"instances": [[1], [2]]}"#, response)
        #expect(result.failure == .unsupportedPrediction)
        #expect(result.records.map(\.prediction) == [.absent, .number(3)])
        #expect(result.records[0].numericFeatures == ["f0": 1])
    }
}

@Suite("Payload extraction: Open Inference Protocol V2")
struct PayloadV2Tests {
    @Test("One [n, k] input: rows of k positional features; [n, 2] probabilities output")
    func singleTensor() {
        let result = extract(
            #"{"id": "r1", "inputs": [{"name": "x", "shape": [2, 3], "datatype": "FP32", "data": [[1, 2, 3], [4, 5, 6]]}]}"#,
            #"{"outputs": [{"name": "p", "shape": [2, 2], "datatype": "FP64", "data": [0.25, 0.75, 1, 0]}]}"#,
            .init(featureNames: ["a", "b", "c"], classNames: ["no", "yes"])
        )
        #expect(result.format == .openInferenceV2)
        #expect(result.failure == nil)
        #expect(
            result.records == [
                ExtractedRecord(
                    numericFeatures: ["a": 1, "b": 2, "c": 3],
                    prediction: .probabilities([
                        ClassProbability(label: "no", probability: 0.25),
                        ClassProbability(label: "yes", probability: 0.75),
                    ])
                ),
                ExtractedRecord(
                    numericFeatures: ["a": 4, "b": 5, "c": 6],
                    prediction: .probabilities([
                        ClassProbability(label: "no", probability: 1),
                        ClassProbability(label: "yes", probability: 0),
                    ])
                ),
            ]
        )
    }

    @Test("Several inputs: a [n] or [n, 1] tensor is one feature by its name, wider ones name.i; BYTES are categorical")
    func severalTensors() {
        let request = """
            {"inputs": [
              {"name": "age", "shape": [2], "datatype": "INT64", "data": [30, 40]},
              {"name": "city", "shape": [2, 1], "datatype": "BYTES", "data": ["Oslo", "Rome"]},
              {"name": "v", "shape": [2, 2], "datatype": "FP64", "data": [1, 2, 3, 4]}
            ]}
            """
        let response = """
            {"outputs": [
              {"name": "score", "shape": [2], "datatype": "FP64", "data": [0.5, 1.5]},
              {"name": "label", "shape": [2], "datatype": "BYTES", "data": ["a", "b"]}
            ]}
            """
        let first = extract(request, response)
        #expect(first.failure == nil)
        #expect(
            first.records == [
                ExtractedRecord(
                    numericFeatures: ["age": 30, "v.0": 1, "v.1": 2],
                    categoricalFeatures: ["city": "Oslo"],
                    prediction: .number(0.5)
                ),
                ExtractedRecord(
                    numericFeatures: ["age": 40, "v.0": 3, "v.1": 4],
                    categoricalFeatures: ["city": "Rome"],
                    prediction: .number(1.5)
                ),
            ]
        )
        let labelled = extract(request, response, .init(outputName: "label"))
        #expect(labelled.records.map(\.prediction) == [.classLabel("a"), .classLabel("b")])
        let missing = extract(request, response, .init(outputName: "nope"))
        #expect(missing.failure == .unrecognisedResponse)
        #expect(missing.records.map(\.prediction) == [.absent, .absent])
    }

    @Test(
        "Tensors whose data do not match their shape, or disagree on the batch size, are malformed",
        arguments: [
            #"{"inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP32", "data": [1, 2, 3]}]}"#,
            #"{"inputs": [{"name": "x", "shape": [2], "data": [1, 2]}, {"name": "y", "shape": [3], "data": [1, 2, 3]}]}"#,
            #"{"inputs": [{"name": "x", "shape": [-1], "datatype": "FP32", "data": [1]}]}"#,
            #"{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [{"a": 1}]}]}"#,
        ]
    )
    func malformedTensors(request: String) {
        let result = extract(request, #"{"outputs": []}"#, .init(format: .openInferenceV2))
        #expect(result.failure == .malformedInputs)
        #expect(result.records.isEmpty)
    }

    @Test("An output tensor that does not match its shape is malformed; the features are kept")
    func malformedOutput() {
        let result = extract(
            #"{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [7]}]}"#,
            #"{"outputs": [{"name": "y", "shape": [2], "datatype": "FP32", "data": [1]}]}"#
        )
        #expect(result.failure == .malformedOutputs)
        #expect(result.records == [ExtractedRecord(numericFeatures: ["x": 7])])
    }
}

@Suite("Payload extraction: MLflow scoring server")
struct PayloadMLflowTests {
    @Test("dataframe_split: columns name the values; {predictions} response")
    func dataframeSplit() {
        let result = extract(
            #"{"dataframe_split": {"columns": ["a", "b"], "index": [0, 1], "data": [[1, "x"], [2, null]]}}"#,
            #"{"predictions": [10, 20]}"#
        )
        #expect(result.format == .mlflow)
        #expect(result.failure == nil)
        #expect(
            result.records == [
                ExtractedRecord(numericFeatures: ["a": 1], categoricalFeatures: ["b": "x"], prediction: .number(10)),
                ExtractedRecord(
                    numericFeatures: ["a": 2],
                    categoricalFeatures: ["b": nil],
                    prediction: .number(20)
                ),
            ]
        )
    }

    @Test("dataframe_split with a row longer than its columns is malformed")
    func dataframeSplitMismatch() {
        let result = extract(#"{"dataframe_split": {"columns": ["a"], "data": [[1, 2]]}}"#, #"[1]"#)
        #expect(result.failure == .malformedInputs)
        #expect(result.records.isEmpty)
    }

    @Test("dataframe_records and a bare-list (MLflow 1.x) response")
    func dataframeRecords() {
        let result = extract(#"{"dataframe_records": [{"a": 1, "b": 2}, {"a": 3, "b": 4}]}"#, "[3, 7]")
        #expect(result.failure == nil)
        #expect(
            result.records == [
                ExtractedRecord(numericFeatures: ["a": 1, "b": 2], prediction: .number(3)),
                ExtractedRecord(numericFeatures: ["a": 3, "b": 4], prediction: .number(7)),
            ]
        )
    }

    @Test("inputs as rows, and as columns by name")
    func tensorInputs() {
        let rows = extract(#"{"inputs": [[1, 2], [3, 4]]}"#, #"{"predictions": [0, 1]}"#)
        #expect(rows.format == .mlflow)
        #expect(rows.records.map(\.numericFeatures) == [["f0": 1, "f1": 2], ["f0": 3, "f1": 4]])
        let columns = extract(#"{"inputs": {"a": [1, 2], "b": ["x", "y"]}}"#, #"{"predictions": ["p", "q"]}"#)
        #expect(
            columns.records == [
                ExtractedRecord(
                    numericFeatures: ["a": 1],
                    categoricalFeatures: ["b": "x"],
                    prediction: .classLabel("p")
                ),
                ExtractedRecord(
                    numericFeatures: ["a": 2],
                    categoricalFeatures: ["b": "y"],
                    prediction: .classLabel("q")
                ),
            ]
        )
        let single = extract(#"{"inputs": {"a": 1, "b": "x"}}"#, "[5]")
        #expect(
            single.records == [
                ExtractedRecord(numericFeatures: ["a": 1], categoricalFeatures: ["b": "x"], prediction: .number(5))
            ]
        )
        let ragged = extract(#"{"inputs": {"a": [1, 2], "b": [1]}}"#, "[5]")
        #expect(ragged.failure == .malformedInputs)
    }
}

@Suite("Payload extraction: JSON paths and bad bodies")
struct PayloadPathAndFailureTests {
    @Test("User-given paths select the instances and the predictions")
    func paths() throws {
        let configuration = PayloadExtractor.Configuration(
            inputPath: try JSONPath(parsing: "payload.rows[*]"),
            outputPath: try JSONPath(parsing: "$.result[*].score")
        )
        let result = extract(
            #"{"payload": {"rows": [{"a": 1}, {"a": 2}]}}"#,
            #"{"result": [{"score": 0.5}, {"score": 0.25}]}"#,
            configuration
        )
        #expect(result.format == nil)
        #expect(result.failure == nil)
        #expect(
            result.records == [
                ExtractedRecord(numericFeatures: ["a": 1], prediction: .number(0.5)),
                ExtractedRecord(numericFeatures: ["a": 2], prediction: .number(0.25)),
            ]
        )
        let nothing = extract(#"{"other": 1}"#, "{}", configuration)
        #expect(nothing.failure == .unrecognisedRequest)
        let noOutput = extract(#"{"payload": {"rows": [[1]]}}"#, "{}", configuration)
        #expect(noOutput.failure == .unrecognisedResponse)
        #expect(noOutput.records == [ExtractedRecord(numericFeatures: ["f0": 1])])
    }

    @Test(
        "Non-JSON or unrecognised requests give no records and a reason",
        arguments: [
            ("", ExtractionFailure.requestNotJSON),
            ("not json", .requestNotJSON),
            (#"{"instances": [[1, 2]"#, .requestNotJSON),
            (#"{"instances": [1]} trailing"#, .requestNotJSON),
            (#"{"something": [1]}"#, .unrecognisedRequest),
            ("[1, 2, 3]", .unrecognisedRequest),
            (#"{"instances": 5}"#, .malformedInputs),
        ]
    )
    func badRequests(request: String, reason: ExtractionFailure) {
        let result = extract(request, #"{"predictions": [1]}"#)
        #expect(result.failure == reason)
        #expect(result.records.isEmpty)
    }

    @Test(
        "A bad response keeps the features and says why",
        arguments: [
            ("<html>oops</html>", ExtractionFailure.responseNotJSON),
            ("", .responseNotJSON),
            (#"{"error": "bad"}"#, .unrecognisedResponse),
            (#"{"predictions": [1, 2]}"#, .countMismatch),
        ]
    )
    func badResponses(response: String, reason: ExtractionFailure) {
        let result = extract(#"{"instances": [[4]]}"#, response)
        #expect(result.failure == reason)
        #expect(result.records == [ExtractedRecord(numericFeatures: ["f0": 4])])
    }

    @Test("Without a response the features are read and predictions are absent")
    func noResponse() {
        let result = extract(#"{"instances": [[4], [5]]}"#, nil)
        #expect(result.failure == nil)
        #expect(
            result.records == [
                ExtractedRecord(numericFeatures: ["f0": 4]), ExtractedRecord(numericFeatures: ["f0": 5]),
            ]
        )
    }

    @Test("A configured format that does not match the body is unrecognised")
    func formatMismatch() {
        let result = extract(#"{"instances": [[1]]}"#, #"{"predictions": [1]}"#, .init(format: .openInferenceV2))
        #expect(result.failure == .unrecognisedRequest)
    }

    @Test("More instances than the limit give no records")
    func tooManyInstances() {
        let result = extract(
            #"{"instances": [[1], [2], [3]]}"#,
            #"{"predictions": [1, 2, 3]}"#,
            .init(maximumInstances: 2)
        )
        #expect(result.failure == .tooManyInstances)
        #expect(result.records.isEmpty)
    }

    @Test("More features than the wire schema allows give no records")
    func tooManyFeatures() {
        let row = "[" + (0...WireLimits.maxFeaturesPerSchema).map(String.init).joined(separator: ",") + "]"
        let result = extract(#"{"instances": [\#(row)]}"#, #"{"predictions": [1]}"#)
        #expect(result.failure == .tooManyFeatures)
        #expect(result.records.isEmpty)
    }
}
