import Compat
import Testing

@Suite("Compatibility quality order")
struct CompatibilityQualityOrderTests {
    /// The order the marketplace states, with the labels the order adds placed between.
    static let bestFirst = [
        "F32", "BF16", "Q8_0", "F8_E4M3", "Q6_K", "Q5_K_M", "Q5_K_S", "Q5_1", "Q5_0", "Q4_K_M", "Q4_K_S", "IQ4_NL",
        "IQ4_XS", "MXFP4", "Q4_1", "Q4_0", "Q3_K_L", "Q3_K_M", "IQ3_M", "IQ3_S", "IQ3_XS", "IQ3_XXS", "Q3_K_S", "Q2_K",
        "Q2_K_S", "IQ2_M", "IQ2_S", "IQ2_XS", "IQ2_XXS", "TQ2_0", "IQ1_M", "TQ1_0", "IQ1_S",
    ]

    @Test("each label ranks above the next", arguments: zip(bestFirst, bestFirst.dropFirst()))
    func ranksAboveNext(better: String, worse: String) {
        #expect(QualityOrder.score(label: better, bitsPerWeight: nil) > QualityOrder.score(label: worse, bitsPerWeight: nil))
    }

    @Test("labels of equal quality tie, in any case", arguments: [("F16", "BF16"), ("q4_k_m", "Q4_K_M"), ("Q8_0", "Q8_1"), ("Q4_K", "Q4_K_S"), ("FP8", "F8_E4M3")])
    func equalLabels(first: String, second: String) {
        #expect(QualityOrder.score(label: first, bitsPerWeight: nil) == QualityOrder.score(label: second, bitsPerWeight: nil))
    }

    @Test("a known label ranks by the order, not by its bits per weight")
    func knownLabelIgnoresBits() {
        #expect(QualityOrder.score(label: "Q5_1", bitsPerWeight: 6) < QualityOrder.score(label: "Q5_K_S", bitsPerWeight: 5.5))
    }

    @Test("an unknown label ranks by bits per weight", arguments: [
        (4.1, "Q3_K_L", "Q3_K_M"), (16.0, "F32", "Q8_0"), (8.5, "F16", "F8_E4M3"), (2.2, "IQ2_XS", "IQ2_XXS"),
    ])
    func unknownLabelByBits(bits: Double, above: String, below: String) {
        let score = QualityOrder.score(label: "GPTQ-4bit", bitsPerWeight: bits)
        #expect(score < QualityOrder.score(label: above, bitsPerWeight: nil))
        #expect(score >= QualityOrder.score(label: below, bitsPerWeight: nil))
    }

    @Test("an unknown label without bits ranks below every known label")
    func unknownWithoutBits() {
        #expect(QualityOrder.score(label: "mystery", bitsPerWeight: nil) < QualityOrder.score(label: "Q1_0", bitsPerWeight: nil))
        #expect(QualityOrder.score(label: "mystery", bitsPerWeight: nil) < QualityOrder.score(label: "mystery", bitsPerWeight: 0.5))
    }
}

@Suite("Compatibility size classes")
struct CompatibilitySizeClassTests {
    @Test("true parameters give the size class", arguments: [
        (UInt64(0), SizeClass.small), (6_999_999_999, .small), (7_000_000_000, .medium), (19_999_999_999, .medium),
        (20_000_000_000, .large), (671_000_000_000, .large),
    ])
    func defaultThresholds(parameters: UInt64, expected: SizeClass) {
        #expect(SizeClass(parameters: parameters) == expected)
    }

    @Test("thresholds are configurable")
    func customThresholds() {
        let thresholds = SizeClassThresholds(mediumFrom: 3_000_000_000, largeFrom: 70_000_000_000)
        #expect(SizeClass(parameters: 8_000_000_000, thresholds: thresholds) == .medium)
        #expect(SizeClass(parameters: 2_000_000_000, thresholds: thresholds) == .small)
        #expect(SizeClass(parameters: 70_000_000_000, thresholds: thresholds) == .large)
    }
}
