/// Why the proxy could not extract features or predictions from a request: one counter per reason on the agent's
/// `/metrics`. The raw values are the counters' `reason` label values and never change.
///
/// An extraction failure never fails the proxied request: the event is still recorded, with latency and outcome,
/// and with whatever could be read (features without predictions, or nothing).
public enum ExtractionFailure: String, Error, Sendable, Hashable, CaseIterable, Comparable {
    /// The request body was larger than the capture limit, so nothing was extracted.
    case requestTooLarge = "request_too_large"
    /// The response body was larger than the capture limit; features were extracted, predictions were not.
    case responseTooLarge = "response_too_large"
    /// The request body is empty or not JSON.
    case requestNotJSON = "request_not_json"
    /// The response body is empty or not JSON.
    case responseNotJSON = "response_not_json"
    /// The request is JSON but in none of the known formats (or the configured one, or the input path matched
    /// nothing).
    case unrecognisedRequest = "unrecognised_request"
    /// The response is JSON but does not hold predictions where the format (or the output path) says.
    case unrecognisedResponse = "unrecognised_response"
    /// The request names its format but its inputs are inconsistent (a V2 tensor whose data does not match its
    /// shape, a `dataframe_split` row longer than its columns, ...).
    case malformedInputs = "malformed_inputs"
    /// The response's outputs are inconsistent (a V2 tensor whose data does not match its shape, ...).
    case malformedOutputs = "malformed_outputs"
    /// The response holds a different number of predictions than the request held instances.
    case countMismatch = "count_mismatch"
    /// A prediction is neither a number, a string, a boolean nor a list of probabilities in [0, 1].
    case unsupportedPrediction = "unsupported_prediction"
    /// The request holds more instances than ``PayloadExtractor/Configuration/maximumInstances``.
    case tooManyInstances = "too_many_instances"
    /// An instance holds more features than the wire protocol's schema limit.
    case tooManyFeatures = "too_many_features"

    /// Orders reasons by their label value (for stable metric output).
    public static func < (lhs: ExtractionFailure, rhs: ExtractionFailure) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
