/// How quantizations and dtypes rank by output quality, best first.
///
/// The order follows llama.cpp's perplexity measurements (`llama-quantize --help`, Llama-3-8B):
/// F32 > BF16 = F16 > Q8_0 > Q6_K > Q5_K_M > Q5_K_S > Q5_1 > Q5_0 > Q4_K_M > Q4_K_S > IQ4_NL > IQ4_XS
/// > MXFP4 > Q4_1 > Q4_0 > Q3_K_L > Q3_K_M > IQ3_* > Q3_K_S > Q2_K > Q2_K_S > IQ2_* > TQ2_0 > IQ1_M > TQ1_0 > IQ1_S.
/// Safetensors dtypes take their place by precision (FP8 just below Q8_0). A label the order does
/// not know is placed by the variant's bits per weight.
public enum QualityOrder {
    /// Labels of equal quality, and the typical bits per weight that places unknown labels among them.
    struct Rank {
        var labels: [String]
        var typicalBits: Double
    }

    /// Best first. Bare K-quant type names (e.g. "Q4_K", a label inferred from the dominant tensor
    /// type) rank with their small (`_S`) mix.
    static let ranks: [Rank] = [
        Rank(labels: ["F64"], typicalBits: 64),
        Rank(labels: ["F32"], typicalBits: 32),
        Rank(labels: ["BF16", "F16"], typicalBits: 16),
        Rank(labels: ["Q8_0", "Q8_1", "Q8_K"], typicalBits: 8.5),
        Rank(labels: ["F8_E4M3", "F8_E4M3FNUZ", "FP8"], typicalBits: 8),
        Rank(labels: ["F8_E5M2", "F8_E5M2FNUZ"], typicalBits: 8),
        Rank(labels: ["Q6_K"], typicalBits: 6.56),
        Rank(labels: ["Q5_K_M"], typicalBits: 5.69),
        Rank(labels: ["Q5_K_S", "Q5_K"], typicalBits: 5.54),
        Rank(labels: ["Q5_1"], typicalBits: 6),
        Rank(labels: ["Q5_0"], typicalBits: 5.5),
        Rank(labels: ["Q4_K_M"], typicalBits: 4.89),
        Rank(labels: ["Q4_K_S", "Q4_K"], typicalBits: 4.58),
        Rank(labels: ["IQ4_NL"], typicalBits: 4.5),
        Rank(labels: ["IQ4_XS"], typicalBits: 4.25),
        Rank(labels: ["MXFP4", "MXFP4_MOE", "NVFP4"], typicalBits: 4.25),
        Rank(labels: ["Q4_1"], typicalBits: 5),
        Rank(labels: ["Q4_0"], typicalBits: 4.5),
        Rank(labels: ["Q3_K_L"], typicalBits: 4.27),
        Rank(labels: ["Q3_K_M"], typicalBits: 3.91),
        Rank(labels: ["IQ3_M"], typicalBits: 3.66),
        Rank(labels: ["IQ3_S"], typicalBits: 3.44),
        Rank(labels: ["IQ3_XS"], typicalBits: 3.3),
        Rank(labels: ["IQ3_XXS"], typicalBits: 3.06),
        Rank(labels: ["Q3_K_S", "Q3_K"], typicalBits: 3.5),
        Rank(labels: ["Q2_K"], typicalBits: 3.0),
        Rank(labels: ["Q2_K_S"], typicalBits: 2.96),
        Rank(labels: ["IQ2_M"], typicalBits: 2.7),
        Rank(labels: ["IQ2_S"], typicalBits: 2.5),
        Rank(labels: ["IQ2_XS"], typicalBits: 2.31),
        Rank(labels: ["IQ2_XXS"], typicalBits: 2.06),
        Rank(labels: ["TQ2_0"], typicalBits: 2.06),
        Rank(labels: ["IQ1_M"], typicalBits: 1.75),
        Rank(labels: ["TQ1_0"], typicalBits: 1.69),
        Rank(labels: ["IQ1_S"], typicalBits: 1.56),
        Rank(labels: ["Q1_0"], typicalBits: 1.125),
    ]

    /// A quality score: higher is better, equal for labels of equal quality.
    ///
    /// A known label (case-insensitive) scores by its place in the order. Another label with a known
    /// `bitsPerWeight` ties with the best-ranked label of the same typical bits, or ranks just above
    /// the best-ranked label with fewer; without bits it ranks below every known label.
    public static func score(label: String, bitsPerWeight: Double?) -> Double {
        let upper = label.uppercased()
        if let index = ranks.firstIndex(where: { $0.labels.contains(upper) }) {
            return score(atRank: index)
        }
        guard let bits = bitsPerWeight else { return 0 }
        guard let index = ranks.firstIndex(where: { $0.typicalBits <= bits }) else { return 0.5 }
        return score(atRank: index) + (ranks[index].typicalBits == bits ? 0 : 0.5)
    }

    private static func score(atRank index: Int) -> Double { Double(ranks.count - index) }
}

extension AnalyzedVariant {
    /// The variant's place in `QualityOrder`: by its label, else by its bits per weight.
    public var qualityScore: Double {
        QualityOrder.score(label: label, bitsPerWeight: facts.bitsPerWeight)
    }
}
