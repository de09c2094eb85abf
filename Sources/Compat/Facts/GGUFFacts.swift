import FormatParsers

extension ModelFacts {
    /// Facts of a GGUF variant: one file, or every part of a split file (sums over the parts;
    /// hyperparameters from the first part, which carries the metadata).
    public init(gguf parts: [GGUFHeader]) {
        precondition(!parts.isEmpty)
        let first = parts.min { ($0.split?.partIndex ?? 0) < ($1.split?.partIndex ?? 0) }!
        var elements = [UInt64](repeating: 0, count: GGMLType.idCount)
        var bytes = [UInt64](repeating: 0, count: GGMLType.idCount)
        var expertParameters: UInt64 = 0
        for part in parts {
            for id in 0..<GGMLType.idCount {
                elements[id] = elements[id].addingSaturating(part.totals.elementCounts[id])
                bytes[id] = bytes[id].addingSaturating(part.totals.byteCounts[id])
            }
            // Routed expert weights (`ffn_gate_exps`, `ffn_up_exps`, ...); shared experts (`_shexp`) are
            // always active and not counted here.
            for tensor in part.tensors where part.name(of: tensor, contains: "_exps.") {
                expertParameters = expertParameters.addingSaturating(tensor.elementCount)
            }
        }
        self.init(format: "gguf", parameters: elements.reduce(0) { $0.addingSaturating($1) }, tensorBytes: bytes.reduce(0) { $0.addingSaturating($1) })
        for id in 0..<GGMLType.idCount where elements[id] > 0 || bytes[id] > 0 {
            guard let type = GGMLType(id: UInt32(id)) else { continue }
            parametersByType[type.nameString] = elements[id]
            bytesByType[type.nameString] = bytes[id]
            tensorTypes.append(type.nameString)
        }

        let header = first
        architecture = header.architecture
        func number(_ suffix: String) -> UInt64? { header.architectureValue(suffix)?.unsignedValue }
        contextLength = number("context_length")
        blockCount = number("block_count").flatMap { $0 <= Self.maxBlockCount ? $0 : nil }
        embeddingLength = number("embedding_length")
        feedForwardLength = Self.firstOrScalar(header, header.architectureValue("feed_forward_length"))
        expertCount = number("expert_count")
        expertUsedCount = number("expert_used_count")
        expertFeedForwardLength = number("expert_feed_forward_length")
        sharedExpertFeedForwardLength = number("expert_shared_feed_forward_length")
            ?? number("expert_shared_count").flatMap { count in expertFeedForwardLength.map { count * $0 } }
        vocabularySize = header.vocabularySize ?? number("vocab_size")

        let layers = Int(min(blockCount ?? 0, 1 << 16))
        attention = AttentionFacts(
            headCount: Self.firstOrScalar(header, header.architectureValue("attention.head_count")),
            kvHeadCountPerLayer: Self.perLayer(header, header.architectureValue("attention.head_count_kv"), layers: layers)
                ?? Self.perLayer(header, header.architectureValue("attention.head_count"), layers: layers) ?? [],
            keyLength: number("attention.key_length"),
            valueLength: number("attention.value_length"),
            slidingWindow: number("attention.sliding_window"),
            slidingWindowLayers: [],
            kvLoraRank: number("attention.kv_lora_rank"),
            qLoraRank: number("attention.q_lora_rank"),
            ropeDimension: number("rope.dimension_count"))
        if let window = attention.slidingWindow, window > 0 {
            attention.slidingWindowLayers = Self.slidingWindowLayers(header, architecture: architecture ?? "", layers: layers)
        }
        if let type = header.architectureValue("rope.scaling.type")?.stringValue, type != "none" {
            ropeScaling = RopeScaling(
                type: type, factor: header.architectureValue("rope.scaling.factor")?.doubleValue,
                originalContextLength: number("rope.scaling.original_context_length"))
        }

        setActiveParameters(routedExpertParameters: expertParameters)
        if let label = header.fileType?.label {
            quantization = QuantizationLabel(name: label, source: .header)
        } else if let dominant = Self.dominantWeightType(bytes: bytes) {
            quantization = QuantizationLabel(name: dominant, source: .inferred)
        }
    }

    /// The type holding the most tensor bytes, ignoring F32 (norms and biases) unless it is all there is.
    static func dominantWeightType(bytes: [UInt64]) -> String? {
        let candidates = bytes.indices.filter { bytes[$0] > 0 }
        guard !candidates.isEmpty else { return nil }
        let weights = candidates.filter { $0 != Int(GGMLType.f32.id) }
        let pool = weights.isEmpty ? candidates : weights
        let best = pool.max { bytes[$0] < bytes[$1] }!
        return GGMLType(id: UInt32(best))?.nameString
    }

    /// A per-layer value: an array as given (padded with its last value), or a scalar repeated.
    static func perLayer(_ header: GGUFHeader, _ value: GGUFValue?, layers: Int) -> [UInt64]? {
        switch value {
        case .array(let array):
            var values = header.elements(of: array).map { $0.unsignedValue ?? 0 }
            guard let last = values.last else { return nil }
            if values.count < layers { values += [UInt64](repeating: last, count: layers - values.count) }
            return values
        case let scalar?:
            guard let number = scalar.unsignedValue else { return nil }
            return [UInt64](repeating: number, count: layers)
        case nil:
            return nil
        }
    }

    private static func firstOrScalar(_ header: GGUFHeader, _ value: GGUFValue?) -> UInt64? {
        if case .array(let array) = value { return header.elements(of: array).lazy.compactMap(\.unsignedValue).max() }
        return value?.unsignedValue
    }

    /// Which layers use the sliding window: the file's `attention.sliding_window_pattern` (a bool per
    /// layer, or a period N where every N-th layer is global), else llama.cpp's defaults per architecture.
    static func slidingWindowLayers(_ header: GGUFHeader, architecture: String, layers: Int) -> [Bool] {
        let value = header.architectureValue("attention.sliding_window_pattern")
        if case .array(let array) = value {
            var flags = header.elements(of: array).map { element -> Bool in
                if case .bool(let flag) = element { return flag }
                return (element.unsignedValue ?? 0) != 0
            }
            if flags.count < layers { flags += [Bool](repeating: false, count: layers - flags.count) }
            return Array(flags.prefix(layers))
        }
        let period = value?.unsignedValue.map(Int.init) ?? defaultSlidingWindowPeriod[architecture]
        // Without a known pattern, llama.cpp keeps a full cache for every layer, and so do we.
        guard let period, period > 0 else { return [] }
        return periodicSlidingLayers(period: period, layers: layers)
    }

    /// llama.cpp's `set_swa_pattern(n)`: in each group of `period` layers all but the last slide.
    static func periodicSlidingLayers(period: Int, layers: Int) -> [Bool] {
        (0..<layers).map { period > 1 && $0 % period < period - 1 }
    }

    /// llama.cpp's built-in patterns: in each group of N layers, the last one is global.
    static let defaultSlidingWindowPeriod: [String: Int] = [
        "gemma2": 2, "gemma3": 6, "gemma3n": 5, "cohere2": 4, "gpt-oss": 2, "openai-moe": 2,
    ]
}
