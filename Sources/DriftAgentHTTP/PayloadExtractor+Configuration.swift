extension PayloadExtractor {
    /// How the extractor reads bodies. Every setting has a default that suits the standard formats.
    public struct Configuration: Sendable, Hashable {
        /// Which convention the bodies follow; `.auto` (default) detects it per request.
        public var format: PayloadFormat
        /// Names for positional features (instances given as arrays, V2 tensors with several values per row);
        /// used only when the count matches, otherwise positional features are named `f0`, `f1`, ...
        /// Default: none.
        public var featureNames: [String]
        /// Names for the classes of probability outputs; used only when the count matches, otherwise classes are
        /// named `0`, `1`, ... Default: none.
        public var classNames: [String]
        /// Selects the instances in the request body instead of the format's rule; each selected value is one
        /// instance. Default: none.
        public var inputPath: JSONPath?
        /// Selects the predictions in the response body instead of the format's rule; each selected value is one
        /// prediction. Default: none.
        public var outputPath: JSONPath?
        /// The V2 output tensor holding the predictions; default: the first output.
        public var outputName: String?
        /// Requests with more instances than this record one event without features (default 10,000).
        public var maximumInstances: Int

        /// Creates a configuration.
        /// - Parameters:
        ///   - format: the body convention (default `.auto`).
        ///   - featureNames: names for positional features.
        ///   - classNames: names for probability classes.
        ///   - inputPath: a JSON path selecting the instances.
        ///   - outputPath: a JSON path selecting the predictions.
        ///   - outputName: the V2 output tensor to read.
        ///   - maximumInstances: the most instances extracted from one request.
        public init(
            format: PayloadFormat = .auto,
            featureNames: [String] = [],
            classNames: [String] = [],
            inputPath: JSONPath? = nil,
            outputPath: JSONPath? = nil,
            outputName: String? = nil,
            maximumInstances: Int = 10_000
        ) {
            self.format = format
            self.featureNames = featureNames
            self.classNames = classNames
            self.inputPath = inputPath
            self.outputPath = outputPath
            self.outputName = outputName
            self.maximumInstances = maximumInstances
        }
    }
}
