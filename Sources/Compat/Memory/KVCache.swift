import FormatParsers

/// The element type of the K and V caches, as llama.cpp's `--cache-type-k/-v`.
public enum KVCacheType: String, CaseIterable, Codable, Sendable {
    case f16, q8_0, q4_0

    public var ggmlType: GGMLType {
        switch self {
        case .f16: .f16
        case .q8_0: .q8_0
        case .q4_0: .q4_0
        }
    }
}

/// KV cache sizing as llama.cpp does it (see docs/memory.md).
public enum KVCache {
    /// llama.cpp rounds the cache to a multiple of this many cells.
    public static let cellPadding: UInt64 = 256

    /// `value` rounded up to a multiple of `multiple`.
    static func padded(_ value: UInt64, to multiple: UInt64) -> UInt64 {
        value.addingSaturating(multiple - 1) / multiple * multiple
    }

    /// Cells of a full-attention layer for a context of `context` tokens.
    public static func cells(context: UInt64) -> UInt64 {
        padded(context, to: cellPadding)
    }

    /// Cells of a sliding-window layer: the window plus one micro-batch, padded, never more than
    /// the full cache.
    public static func slidingCells(context: UInt64, window: UInt64, microBatch: UInt64) -> UInt64 {
        min(cells(context: context), padded(window.addingSaturating(microBatch), to: cellPadding))
    }

    /// Bytes of `elements` values of `type` (ggml_row_size), rounding partial blocks up.
    static func bytes(_ elements: UInt64, as type: GGMLType) -> UInt64 {
        (elements.addingSaturating(type.blockSize - 1) / type.blockSize).multipliedSaturating(by: type.typeSize)
    }

    /// The K and V cache bytes at `context`, summed over layers.
    ///
    /// Per layer: keys hold `key_length × kv_heads(layer)` values per cell and values
    /// `value_length × kv_heads(layer)`; sliding-window layers hold `slidingCells` cells.
    /// MLA models (DeepSeek-V2/V3) cache one compressed latent of `kv_lora_rank + rope_dimension`
    /// values per cell and no separate V.
    public static func bytes(facts: ModelFacts, context: UInt64, type: KVCacheType, microBatch: UInt64 = 512) -> (keys: UInt64, values: UInt64) {
        let attention = facts.attention
        // Facts bound the layer count (ModelFacts.maxBlockCount), so this loop is short.
        let layers = Int(min(facts.blockCount ?? UInt64(attention.kvHeadCountPerLayer.count), ModelFacts.maxBlockCount))
        guard layers > 0 else { return (0, 0) }
        let fullCells = cells(context: context)
        if let rank = attention.kvLoraRank {
            let perCell = rank.addingSaturating(attention.ropeDimension ?? 0)
            return (bytes(perCell.multipliedSaturating(by: fullCells), as: type.ggmlType).multipliedSaturating(by: UInt64(layers)), 0)
        }
        let headCount = attention.headCount ?? 0
        let defaultHeadWidth = headCount > 0 ? (facts.embeddingLength ?? 0) / headCount : 0
        let keyWidth = attention.keyLength ?? defaultHeadWidth
        let valueWidth = attention.valueLength ?? defaultHeadWidth
        var keys: UInt64 = 0
        var values: UInt64 = 0
        for layer in 0..<layers {
            let kvHeads = layer < attention.kvHeadCountPerLayer.count ? attention.kvHeadCountPerLayer[layer] : headCount
            let sliding = layer < attention.slidingWindowLayers.count && attention.slidingWindowLayers[layer]
            let layerCells = sliding
                ? slidingCells(context: context, window: attention.slidingWindow ?? context, microBatch: microBatch)
                : fullCells
            keys = keys.addingSaturating(bytes(keyWidth.multipliedSaturating(by: kvHeads).multipliedSaturating(by: layerCells), as: type.ggmlType))
            values = values.addingSaturating(bytes(valueWidth.multipliedSaturating(by: kvHeads).multipliedSaturating(by: layerCells), as: type.ggmlType))
        }
        return (keys, values)
    }
}
