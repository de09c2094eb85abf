import FormatParsers

/// Compute and output buffers llama.cpp allocates beside weights and KV cache, with the
/// formulas of docs/memory.md (§4, §5), fitted to measured llama.cpp allocations.
public enum RuntimeOverhead {
    /// What drivers and runtimes keep on a GPU beyond llama.cpp's own buffers (CUDA context,
    /// BLAS workspaces). llama.cpp's `--fit` leaves the same margin per device.
    public static let gpuReserveBytes: UInt64 = 1 << 30

    /// Output buffer at context creation: one row of `n_vocab` float logits.
    public static func outputBufferBytes(facts: ModelFacts) -> UInt64 {
        (facts.vocabularySize ?? 32000).multipliedSaturating(by: 4)
    }

    /// Compute buffer: `n_ubatch × max(P_out, P_ffn, P_attn)` bytes, P_attn only without flash attention.
    /// Header numbers are untrusted, so the arithmetic saturates instead of trapping.
    public static func computeBufferBytes(facts: ModelFacts, context: UInt64, microBatch: UInt64, flashAttention: Bool) -> UInt64 {
        let tokens = min(context, microBatch)
        let embedding = facts.embeddingLength ?? 4096
        let heads = facts.attention.headCount ?? 32
        let cells = KVCache.cells(context: context)
        let keyWidth = facts.attention.keyLength ?? (heads > 0 ? embedding / heads : 0)
        let keyWidthGQA = keyWidth.multipliedSaturating(by: facts.attention.kvHeadCountPerLayer.max() ?? heads)
        let output = sum([outputBufferBytes(facts: facts), embedding.multipliedSaturating(by: facts.isMixtureOfExperts ? 32 : 8)])
        let feedForward = sum([
            activeFeedForwardWidth(facts).multipliedSaturating(by: 16), embedding.multipliedSaturating(by: 2),
            keyWidthGQA.multipliedSaturating(by: 12), flashAttention ? cells.multipliedSaturating(by: 2) : 0,
        ])
        var perToken = max(output, feedForward)
        if !flashAttention {
            let slidingCells = facts.attention.slidingWindowLayers.contains(true)
                ? KVCache.slidingCells(context: context, window: facts.attention.slidingWindow ?? context, microBatch: microBatch)
                : 0
            let attention = sum([
                heads.addingSaturating(1).multipliedSaturating(by: cells).multipliedSaturating(by: 4),
                slidingCells.multipliedSaturating(by: 4), embedding.multipliedSaturating(by: 20), keyWidthGQA.multipliedSaturating(by: 8),
            ])
            perToken = max(perToken, attention)
        }
        return tokens.multipliedSaturating(by: perToken)
    }

    /// The feed-forward width active per token: dense `n_ff`, or for MoE the used experts plus shared experts.
    static func activeFeedForwardWidth(_ facts: ModelFacts) -> UInt64 {
        let dense = facts.feedForwardLength ?? (facts.embeddingLength ?? 4096).multipliedSaturating(by: 4)
        guard facts.isMixtureOfExperts, let used = facts.expertUsedCount, let expertWidth = facts.expertFeedForwardLength else {
            return dense
        }
        return max(facts.feedForwardLength ?? 0, used.multipliedSaturating(by: expertWidth).addingSaturating(facts.sharedExpertFeedForwardLength ?? 0))
    }

    private static func sum(_ terms: [UInt64]) -> UInt64 {
        terms.reduce(0) { $0.addingSaturating($1) }
    }

    /// Output and compute buffers, plus the device reserve on a GPU.
    public static func bytes(facts: ModelFacts, context: UInt64, microBatch: UInt64, flashAttention: Bool, target: ComputeTarget) -> UInt64 {
        sum([
            outputBufferBytes(facts: facts),
            computeBufferBytes(facts: facts, context: context, microBatch: microBatch, flashAttention: flashAttention),
            target == .gpu ? gpuReserveBytes : 0,
        ])
    }
}
