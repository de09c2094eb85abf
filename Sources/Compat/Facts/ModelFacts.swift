/// How a number was obtained: read from headers, or inferred.
public enum FactSource: String, Codable, Sendable {
    /// Read from file headers (or config.json beside them).
    case header
    /// Derived when the file does not say it directly (e.g. a quantization label from the dominant tensor type).
    case inferred
}

/// A quantization label such as "Q4_K_M" or "BF16", and whether the file stated it.
public struct QuantizationLabel: Equatable, Codable, Sendable {
    public var name: String
    public var source: FactSource

    public init(name: String, source: FactSource) {
        self.name = name
        self.source = source
    }
}

/// Attention geometry needed for the KV cache, per layer where models vary by layer.
public struct AttentionFacts: Equatable, Codable, Sendable {
    public var headCount: UInt64?
    /// KV heads of each layer (a scalar key is repeated for every layer). Empty when unknown.
    public var kvHeadCountPerLayer: [UInt64]
    /// Per-head key and value widths (default: embedding / heads).
    public var keyLength: UInt64?
    public var valueLength: UInt64?
    /// Sliding-window size, when some layers use one.
    public var slidingWindow: UInt64?
    /// For each layer, whether it is a sliding-window layer. Empty when no layer is.
    public var slidingWindowLayers: [Bool]
    /// Multi-head latent attention (DeepSeek-V2/V3): the compressed KV rank and the RoPE part of each key.
    public var kvLoraRank: UInt64?
    public var qLoraRank: UInt64?
    public var ropeDimension: UInt64?

    public init(
        headCount: UInt64? = nil, kvHeadCountPerLayer: [UInt64] = [], keyLength: UInt64? = nil, valueLength: UInt64? = nil,
        slidingWindow: UInt64? = nil, slidingWindowLayers: [Bool] = [], kvLoraRank: UInt64? = nil, qLoraRank: UInt64? = nil,
        ropeDimension: UInt64? = nil
    ) {
        self.headCount = headCount
        self.kvHeadCountPerLayer = kvHeadCountPerLayer
        self.keyLength = keyLength
        self.valueLength = valueLength
        self.slidingWindow = slidingWindow
        self.slidingWindowLayers = slidingWindowLayers
        self.kvLoraRank = kvLoraRank
        self.qLoraRank = qLoraRank
        self.ropeDimension = ropeDimension
    }

    public var usesMLA: Bool { kvLoraRank != nil }
}

/// RoPE context extension as the file declares it.
public struct RopeScaling: Equatable, Codable, Sendable {
    public var type: String
    public var factor: Double?
    public var originalContextLength: UInt64?
}

/// The facts of one model variant (a GGUF file or split set, or a safetensors set), read from headers.
public struct ModelFacts: Equatable, Codable, Sendable {
    public var format: String
    public var architecture: String?
    /// True parameter count (packed quantizations unpacked; bookkeeping tensors excluded).
    public var parameters: UInt64
    /// For mixture-of-experts models: parameters used per token.
    public var activeParameters: UInt64?
    /// Parameters and tensor bytes per ggml type or safetensors dtype name.
    public var parametersByType: [String: UInt64]
    public var bytesByType: [String: UInt64]
    /// The exact sum of tensor data bytes.
    public var tensorBytes: UInt64
    public var quantization: QuantizationLabel?
    public var contextLength: UInt64?
    public var blockCount: UInt64?
    public var embeddingLength: UInt64?
    public var feedForwardLength: UInt64?
    public var attention: AttentionFacts
    public var expertCount: UInt64?
    public var expertUsedCount: UInt64?
    /// Feed-forward width of one routed expert, and of the shared experts together (MoE models).
    public var expertFeedForwardLength: UInt64?
    public var sharedExpertFeedForwardLength: UInt64?
    public var vocabularySize: UInt64?
    public var ropeScaling: RopeScaling?
    /// Tensor types that appear (ggml names for GGUF), for loadability checks.
    public var tensorTypes: [String]

    public init(format: String, parameters: UInt64, tensorBytes: UInt64) {
        self.format = format
        self.parameters = parameters
        self.tensorBytes = tensorBytes
        self.parametersByType = [:]
        self.bytesByType = [:]
        self.attention = AttentionFacts()
        self.tensorTypes = []
    }

    /// More layers than any model has; a header claiming more is treated as not saying.
    public static let maxBlockCount: UInt64 = 1 << 16

    /// Tensor bytes × 8 / parameters.
    public var bitsPerWeight: Double? {
        parameters > 0 ? Double(tensorBytes) * 8 / Double(parameters) : nil
    }

    public var isMixtureOfExperts: Bool { (expertCount ?? 0) > 1 }

    /// Sets `activeParameters` of a mixture-of-experts model from its routed experts' parameters:
    /// all others, plus the used share of the experts. Unchanged when it is not one.
    mutating func setActiveParameters(routedExpertParameters experts: UInt64) {
        guard let used = expertUsedCount, let count = expertCount, count > 1, experts > 0 else { return }
        // Expert tensors are a subset of all tensors, and used <= count in real files; saturate otherwise.
        activeParameters = (parameters - min(experts, parameters)).addingSaturating((experts / count).multipliedSaturating(by: used))
    }
}
