import FormatParsers

extension ModelFacts {
    /// Facts of a safetensors variant: sums over every shard, with hyperparameters and the quantization
    /// from `config` (the repository's `config.json`) when given.
    ///
    /// Parameters are true counts: packed quantized weights count the values they pack, and quantization
    /// bookkeeping (scales, zero points, group indices) counts in `tensorBytes` but not in `parameters`
    /// (see `SafetensorsParameterCounter`). The quantization label comes from `quantization_config`
    /// (source `.header`, as config.json sits beside the headers); without one it is the dtype holding
    /// the most parameters, with source `.inferred`: the files state dtypes, not a quantization, and the
    /// majority dtype is a reading of them, as for GGUF files without a file type.
    public init(safetensors shards: [SafetensorsHeader], config: ModelConfig?) {
        let names = shards.map { shard in shard.tensors.map(shard.name(of:)) }
        let counter = SafetensorsParameterCounter(names: Set(names.joined()), quantization: config?.quantizationConfig)
        var parameters = [UInt64](repeating: 0, count: SafetensorsDType.all.count)
        var bytes = [UInt64](repeating: 0, count: SafetensorsDType.all.count)
        var tensorCounts = [UInt64](repeating: 0, count: SafetensorsDType.all.count)
        var expertParameters: UInt64 = 0
        for (shard, shardNames) in zip(shards, names) {
            for (tensor, name) in zip(shard.tensors, shardNames) {
                let count = counter.parameters(of: tensor, named: name)
                parameters[tensor.dtype.id] = parameters[tensor.dtype.id].addingSaturating(count)
                if SafetensorsParameterCounter.isRoutedExpert(name) { expertParameters = expertParameters.addingSaturating(count) }
            }
            for id in bytes.indices {
                bytes[id] = bytes[id].addingSaturating(shard.totals.byteCounts[id])
                tensorCounts[id] = tensorCounts[id].addingSaturating(shard.totals.tensorCounts[id])
            }
        }
        self.init(format: "safetensors", parameters: parameters.reduce(0) { $0.addingSaturating($1) }, tensorBytes: bytes.reduce(0) { $0.addingSaturating($1) })
        for dtype in SafetensorsDType.all where tensorCounts[dtype.id] > 0 {
            parametersByType[dtype.nameString] = parameters[dtype.id]
            bytesByType[dtype.nameString] = bytes[dtype.id]
            tensorTypes.append(dtype.nameString)
        }

        if let config { apply(config) }
        setActiveParameters(routedExpertParameters: expertParameters)
        if let label = config?.quantizationConfig?.label {
            quantization = QuantizationLabel(name: label, source: .header)
        } else if let dominant = SafetensorsDType.all.filter({ parameters[$0.id] > 0 }).max(by: { parameters[$0.id] < parameters[$1.id] }) {
            quantization = QuantizationLabel(name: dominant.nameString, source: .inferred)
        }
    }

    /// Hyperparameters from config.json. The architecture is `model_type` lowercased ("llama",
    /// "qwen2", "gemma3", "deepseek_v3"), the top-level one for multimodal models.
    private mutating func apply(_ config: ModelConfig) {
        architecture = config.modelType?.lowercased()
        contextLength = config.maxPositionEmbeddings
        blockCount = config.numHiddenLayers.flatMap { $0 <= Self.maxBlockCount ? $0 : nil }
        embeddingLength = config.hiddenSize
        feedForwardLength = config.intermediateSize
        expertCount = config.numExperts
        expertUsedCount = config.numExpertsPerTok
        vocabularySize = config.vocabSize
        ropeScaling = config.ropeScaling

        let layers = Int(min(config.numHiddenLayers ?? 0, 1 << 16))
        let heads = config.numAttentionHeads
        let headWidth = config.headDim ?? heads.flatMap { heads in heads > 0 ? config.hiddenSize.map { $0 / heads } : nil }
        var keyLength = headWidth
        if let nope = config.qkNopeHeadDim, let rope = config.qkRopeHeadDim { keyLength = nope + rope }
        attention = AttentionFacts(
            headCount: heads,
            kvHeadCountPerLayer: (config.numKeyValueHeads ?? heads).map { [UInt64](repeating: $0, count: layers) } ?? [],
            keyLength: keyLength,
            valueLength: config.vHeadDim ?? headWidth,
            kvLoraRank: config.kvLoraRank,
            qLoraRank: config.qLoraRank,
            ropeDimension: config.qkRopeHeadDim)
        let sliding = Self.slidingWindowLayers(config, architecture: architecture ?? "", layers: layers)
        if let window = config.slidingWindow, window > 0, sliding.contains(true) {
            attention.slidingWindow = window
            attention.slidingWindowLayers = sliding
        }
    }

    /// Which layers use the sliding window, as config.json says: `layer_types`; else Qwen2's
    /// `use_sliding_window` (layers from `max_window_layers` on); else a period N, where every N-th layer
    /// is global, from `sliding_window_pattern` or llama.cpp's default for the architecture (Gemma 2: 2,
    /// Gemma 3: 6). A bare `sliding_window` (Mistral, Phi-3) enables nothing: like llama.cpp for those
    /// models, the cache is sized for full attention, which never underestimates.
    static func slidingWindowLayers(_ config: ModelConfig, architecture: String, layers: Int) -> [Bool] {
        if let types = config.layerTypes {
            let flags = types.prefix(layers).map { $0 == "sliding_attention" }
            return flags + [Bool](repeating: false, count: layers - flags.count)
        }
        if config.useSlidingWindow == true {
            let first = config.maxWindowLayers ?? 0
            return (0..<layers).map { UInt64($0) >= first }
        }
        let textArchitecture = architecture.hasSuffix("_text") ? String(architecture.dropLast(5)) : architecture
        guard let period = config.slidingWindowPattern.map(Int.init) ?? defaultSlidingWindowPeriod[textArchitecture], period > 1
        else { return [] }
        return periodicSlidingLayers(period: period, layers: layers)
    }
}

/// Counts the parameters a safetensors tensor holds, knowing how quantized checkpoints store weights.
///
/// - Packed weights count the values they pack: GPTQ/AWQ `qweight` and compressed-tensors `weight_packed`
///   (I32) `32 / bits` per element; MXFP4 `*_blocks` and bitsandbytes 4-bit weights (U8) two per byte.
/// - Bookkeeping tensors count none: GPTQ/AWQ `qzeros`, `scales`, `g_idx`; bitsandbytes `absmax`,
///   `quant_map`, `nested_*`, `quant_state.*`, `SCB`, `weight_format`; MXFP4 `*_scales`; compressed-tensors
///   and FP8 `weight_scale`, `weight_scale_inv`, `weight_zero_point`, `weight_shape`, `weight_g_idx`,
///   `input_scale`, global scales and KV-cache scales.
///
/// Tensors are recognised by name whatever the config says, except the names ordinary models use too:
/// `X.scales` and `X_scales` are bookkeeping only beside `X.qweight` and `X_blocks`, and a U8 weight is
/// bitsandbytes-packed when the config says 4-bit or its `absmax`/`quant_map`/`quant_state` companions exist.
struct SafetensorsParameterCounter {
    /// Every tensor name of the checkpoint, for finding companions.
    let names: Set<String>
    /// Bits per value in the I32 words of packed weights (default 4).
    let packedBits: UInt64
    /// The config declares bitsandbytes 4-bit.
    let bitsAndBytes4bit: Bool

    init(names: Set<String>, quantization: QuantizationConfig?) {
        self.names = names
        let bits = quantization?.bits.flatMap { UInt64(exactly: $0) } ?? 4
        packedBits = (1...32).contains(bits) ? bits : 4
        bitsAndBytes4bit = quantization?.isBitsAndBytes4bit ?? false
    }

    static let bookkeepingSuffixes = [
        ".qzeros", ".g_idx",
        ".absmax", ".quant_map", ".nested_absmax", ".nested_quant_map", ".SCB", ".weight_format",
        ".weight_scale", ".weight_scale_inv", ".weight_zero_point", ".weight_shape", ".weight_g_idx",
        ".weight_global_scale", ".input_scale", ".input_global_scale", ".k_scale", ".v_scale",
    ]

    static let bitsAndBytesCompanionSuffixes = [
        ".absmax", ".quant_map", ".quant_state.bitsandbytes__nf4", ".quant_state.bitsandbytes__fp4",
    ]

    func parameters(of tensor: SafetensorsTensor, named name: String) -> UInt64 {
        if isBookkeeping(name) { return 0 }
        switch tensor.dtype.nameString {
        case "I32" where name.hasSuffix(".qweight") || name.hasSuffix(".weight_packed"):
            return tensor.elementCount.multipliedSaturating(by: 32) / packedBits
        case "U8" where name.hasSuffix("_blocks") || isBitsAndBytes4bitWeight(name):
            return tensor.elementCount.multipliedSaturating(by: 2)
        default:
            return tensor.elementCount
        }
    }

    func isBookkeeping(_ name: String) -> Bool {
        if name.contains(".quant_state.") || Self.bookkeepingSuffixes.contains(where: name.hasSuffix) { return true }
        if name.hasSuffix(".scales") { return names.contains(name.dropLast(".scales".count) + ".qweight") }
        if name.hasSuffix("_scales") { return names.contains(name.dropLast("_scales".count) + "_blocks") }
        return false
    }

    private func isBitsAndBytes4bitWeight(_ name: String) -> Bool {
        bitsAndBytes4bit || Self.bitsAndBytesCompanionSuffixes.contains { names.contains(name + $0) }
    }

    /// Routed expert tensors (`.experts.` in the name); shared experts are always active and not counted.
    static func isRoutedExpert(_ name: String) -> Bool {
        name.contains(".experts.") && !name.contains("shared_expert")
    }
}
