/// The JSON request/response conventions the proxy understands when it extracts features and predictions.
public enum PayloadFormat: String, Sendable, Hashable, CaseIterable {
    /// Detect from the request body: `instances` (V1), `inputs` holding tensors `{name, shape, datatype, data}`
    /// (V2), `dataframe_split` / `dataframe_records` / other `inputs` (MLflow).
    case auto
    /// KServe / Seldon V1: `{"instances": [...]}` → `{"predictions": [...]}`.
    case kserveV1 = "kserve-v1"
    /// Open Inference Protocol V2: `{"inputs": [{name, shape, datatype, data}]}` → `{"outputs": [...]}`.
    case openInferenceV2 = "oip-v2"
    /// The MLflow scoring server: `dataframe_split`, `dataframe_records` or `inputs` → `predictions` (or a bare
    /// list).
    case mlflow
}
