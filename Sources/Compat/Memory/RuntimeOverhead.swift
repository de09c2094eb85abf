/// Compute and output buffers llama.cpp allocates beside weights and KV cache, with the
/// formulas of docs/memory.md (§4, §5), fitted to measured llama.cpp allocations.
public enum RuntimeOverhead {
    /// What drivers and runtimes keep on a GPU beyond llama.cpp's own buffers (CUDA context,
    /// BLAS workspaces). llama.cpp's `--fit` leaves the same margin per device.
    public static let gpuReserveBytes: UInt64 = 1 << 30

    /// Output buffer at context creation: one row of `n_vocab` float logits.
    public static func outputBufferBytes(facts: ModelFacts) -> UInt64 {
        4 * (facts.vocabularySize ?? 32000)
    }

    /// Compute buffer: `n_ubatch × max(P_out, P_ffn, P_attn)` bytes, P_attn only without flash attention.
    public static func computeBufferBytes(facts: ModelFacts, context: UInt64, microBatch: UInt64, flashAttention: Bool) -> UInt64 {
        let tokens = min(context, microBatch)
        let embedding = facts.embeddingLength ?? 4096
        let vocabulary = facts.vocabularySize ?? 32000
        let heads = facts.attention.headCount ?? 32
        let cells = KVCache.cells(context: context)
        let keyWidth = facts.attention.keyLength ?? (heads > 0 ? embedding / heads : 0)
        let keyWidthGQA = keyWidth * (facts.attention.kvHeadCountPerLayer.max() ?? heads)
        let output = 4 * vocabulary + (facts.isMixtureOfExperts ? 32 : 8) * embedding
        let feedForward = 16 * activeFeedForwardWidth(facts) + 2 * embedding + 12 * keyWidthGQA + (flashAttention ? 2 * cells : 0)
        var perToken = max(output, feedForward)
        if !flashAttention {
            let slidingCells = facts.attention.slidingWindowLayers.contains(true)
                ? KVCache.slidingCells(context: context, window: facts.attention.slidingWindow ?? context, microBatch: microBatch)
                : 0
            let attention = 4 * (heads + 1) * cells + 4 * slidingCells + 20 * embedding + 8 * keyWidthGQA
            perToken = max(perToken, attention)
        }
        return tokens * perToken
    }

    /// The feed-forward width active per token: dense `n_ff`, or for MoE the used experts plus shared experts.
    static func activeFeedForwardWidth(_ facts: ModelFacts) -> UInt64 {
        let dense = facts.feedForwardLength ?? 4 * (facts.embeddingLength ?? 4096)
        guard facts.isMixtureOfExperts, let used = facts.expertUsedCount, let expertWidth = facts.expertFeedForwardLength else {
            return dense
        }
        return max(facts.feedForwardLength ?? 0, used * expertWidth + (facts.sharedExpertFeedForwardLength ?? 0))
    }

    /// Output and compute buffers, plus the device reserve on a GPU.
    public static func bytes(facts: ModelFacts, context: UInt64, microBatch: UInt64, flashAttention: Bool, target: ComputeTarget) -> UInt64 {
        outputBufferBytes(facts: facts)
            + computeBufferBytes(facts: facts, context: context, microBatch: microBatch, flashAttention: flashAttention)
            + (target == .gpu ? gpuReserveBytes : 0)
    }
}
