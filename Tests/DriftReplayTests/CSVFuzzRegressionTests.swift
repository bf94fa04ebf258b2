import Testing

@testable import DriftReplay

/// Inputs the CSV fuzz target (Fuzz/Sources/FuzzCSV) found, kept so they never come back.
@Suite("CSV fuzz regressions")
struct CSVFuzzRegressionTests {
    /// Found by the fuzzer: a year before 1677 made nanoseconds since 1970 overflow Int64, which trapped.
    static let yearOutOfRange = """
        timestamp,value
        1007-04-10 00:00:00,18.324
        2014-0<-10 00:05:g00,21.970
        2014-04-10 00:10:00,18.061

        """

    @Test("A timestamp outside Int64 nanoseconds is an invalid input, not a trap")
    func yearOutOfRange() {
        #expect(throws: ReplayError.self) {
            try CSVEventReader.read(text: Self.yearOutOfRange, name: "crash.csv", mapping: .nab(model: "nab"))
        }
        #expect(CSVEventReader.parseISO8601("1007-04-10 00:00:00") == nil)
        #expect(CSVEventReader.parseISO8601("9999-12-31T23:59:59.999999999Z") == nil)
        #expect(CSVEventReader.parseISO8601("2262-04-11T23:47:16.854775807Z") == Int64.max)
        #expect(CSVEventReader.parseISO8601("2262-04-11T23:47:16.854775808Z") == nil)
        #expect(CSVEventReader.parseISO8601("1677-09-21T00:12:43.145224193Z") == Int64.min + 1)
        #expect(CSVEventReader.parseISO8601("1970-01-01T00:00:01.5Z") == 1_500_000_000)
    }

    /// Found by the fuzzer: a quoted label cell longer than the wire's 1,024-byte string limit became a label batch
    /// that could not be encoded (events were already held to the limit by their batch builder).
    @Test("A class label longer than the wire's string limit is an invalid input naming the line and column")
    func labelTooLong() {
        var mapping = CSVColumnMapping()
        mapping.timestamp = "ts"
        mapping.timestampFormat = .seconds
        mapping.numericFeatures = ["x"]
        mapping.label = "truth"
        let long = String(repeating: "a\n", count: 600)
        let text = "ts,x,truth\n1714521600,0.5,ok\n1714521601,0.6,\"\(long)\"\n"
        #expect {
            try CSVEventReader.read(text: text, name: "long.csv", mapping: mapping)
        } throws: { error in
            "\(error)".contains("long.csv:3: the label in column 'truth' is longer than 1024 bytes")
        }
        let fine = "ts,x,truth\n1714521600,0.5,ok\n1714521601,0.6,\"\(String(repeating: "b", count: 1024))\"\n"
        #expect(throws: Never.self) { try CSVEventReader.read(text: fine, name: "fine.csv", mapping: mapping) }
    }
}
