import Testing

@testable import DriftEngine

@Suite("Alert summary figures")
struct SummaryFormatTests {
    @Test(
        "Four significant digits, in scientific form for tiny and huge values",
        arguments: [
            (0.012345, "0.01235"), (8.84712, "8.847"), (83_310.0, "83310"), (-2.5, "-2.5"), (0.0, "0"),
            (1.1827469408306528e-97, "1.183e-97"), (9.9996e-5, "1e-4"), (1e-300, "1e-300"),
            (4.9e-324, "4.941e-324"), (123_456_789.0, "1.235e8"), (-3.2e-13, "-3.2e-13"),
        ]
    )
    func figures(value: Double, text: String) {
        #expect(format(value) == text)
    }

    @Test("A model without a version is named once; with one, model and version")
    func names() {
        #expect(ModelKey(model: "fraud", version: "").summaryName == "fraud")
        #expect(ModelKey(model: "fraud", version: "2024.06").summaryName == "fraud 2024.06")
    }
}
