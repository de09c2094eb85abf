import FormatParsers

/// Where a model runs: which memory its weights, cache and buffers occupy.
public enum ComputeTarget: String, Codable, Sendable {
    /// Everything on the GPU (VRAM).
    case gpu
    /// Everything in system memory.
    case cpu
}

/// Options for a memory estimate.
public struct MemoryOptions: Equatable, Sendable {
    /// Context length in tokens; nil for the model's own, capped at `defaultContextCap`.
    public var context: UInt64?
    public var kvCacheType: KVCacheType
    /// llama.cpp's micro-batch (`n_ubatch`), which sizes the compute buffer and sliding-window caches.
    public var microBatch: UInt64
    /// Flash attention (llama.cpp's `auto` turns it on where supported); without it the compute
    /// buffer holds the whole attention score matrix.
    public var flashAttention: Bool

    public static let defaultContextCap: UInt64 = 8192

    public init(context: UInt64? = nil, kvCacheType: KVCacheType = .f16, microBatch: UInt64 = 512, flashAttention: Bool = true) {
        self.context = context
        self.kvCacheType = kvCacheType
        self.microBatch = microBatch
        self.flashAttention = flashAttention
    }

    /// The context to size for: the requested one, else the model's capped at 8192 (4096 when unknown).
    public func resolvedContext(for facts: ModelFacts) -> UInt64 {
        context ?? min(facts.contextLength ?? 4096, Self.defaultContextCap)
    }
}

/// The memory a variant needs at one context length.
public struct MemoryEstimate: Equatable, Codable, Sendable {
    public var context: UInt64
    /// The exact sum of tensor bytes.
    public var weightsBytes: UInt64
    public var kvCacheBytes: UInt64
    /// Compute and output buffers (see docs/memory.md).
    public var overheadBytes: UInt64

    public var totalBytes: UInt64 { weightsBytes.addingSaturating(kvCacheBytes).addingSaturating(overheadBytes) }

    enum CodingKeys: String, CodingKey { case context, weightsBytes, kvCacheBytes, overheadBytes, totalBytes }

    public init(context: UInt64, weightsBytes: UInt64, kvCacheBytes: UInt64, overheadBytes: UInt64) {
        self.context = context
        self.weightsBytes = weightsBytes
        self.kvCacheBytes = kvCacheBytes
        self.overheadBytes = overheadBytes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        context = try container.decode(UInt64.self, forKey: .context)
        weightsBytes = try container.decode(UInt64.self, forKey: .weightsBytes)
        kvCacheBytes = try container.decode(UInt64.self, forKey: .kvCacheBytes)
        overheadBytes = try container.decode(UInt64.self, forKey: .overheadBytes)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(context, forKey: .context)
        try container.encode(weightsBytes, forKey: .weightsBytes)
        try container.encode(kvCacheBytes, forKey: .kvCacheBytes)
        try container.encode(overheadBytes, forKey: .overheadBytes)
        try container.encode(totalBytes, forKey: .totalBytes)
    }
}

/// How much of a model fits a memory budget.
public struct OffloadPlan: Equatable, Codable, Sendable {
    /// Repeating layers that fit on the GPU, of `totalLayers`.
    public var gpuLayers: UInt64
    public var totalLayers: UInt64
    /// The largest context (a multiple of 256, at most the model's) at which everything fits; nil when none does.
    public var maxContext: UInt64?
}

/// Memory estimates from facts (formulas and sources in docs/memory.md).
public enum MemoryEstimator {
    /// Weights, KV cache and buffers at the options' context.
    public static func estimate(_ facts: ModelFacts, options: MemoryOptions = MemoryOptions(), target: ComputeTarget = .gpu) -> MemoryEstimate {
        let context = options.resolvedContext(for: facts)
        let kv = KVCache.bytes(facts: facts, context: context, type: options.kvCacheType, microBatch: options.microBatch)
        return MemoryEstimate(
            context: context, weightsBytes: facts.tensorBytes, kvCacheBytes: kv.keys.addingSaturating(kv.values),
            overheadBytes: RuntimeOverhead.bytes(
                facts: facts, context: context, microBatch: options.microBatch, flashAttention: options.flashAttention, target: target))
    }

    /// For a GPU with `budget` bytes: how many layers fit at the options' context, and the largest
    /// context at which the whole model fits.
    public static func plan(_ facts: ModelFacts, budget: UInt64, options: MemoryOptions = MemoryOptions()) -> OffloadPlan {
        let layers = max(facts.blockCount ?? 1, 1)
        let full = estimate(facts, options: options)
        var gpuLayers: UInt64 = 0
        if full.totalBytes <= budget {
            gpuLayers = layers
        } else if full.overheadBytes < budget {
            // Each repeating layer carries an equal share of the weights and the cache.
            let perLayer = full.weightsBytes.addingSaturating(full.kvCacheBytes) / layers
            gpuLayers = perLayer > 0 ? min(layers, (budget - full.overheadBytes) / perLayer) : layers
        }
        return OffloadPlan(gpuLayers: gpuLayers, totalLayers: layers, maxContext: largestContext(facts, budget: budget, options: options))
    }

    /// The largest context at which the whole model fits `budget` on `target`: a binary search over
    /// multiples of 256 tokens up to the model's context.
    static func largestContext(_ facts: ModelFacts, budget: UInt64, options: MemoryOptions, target: ComputeTarget = .gpu) -> UInt64? {
        let step = KVCache.cellPadding
        let limit = max(facts.contextLength ?? options.resolvedContext(for: facts), step) / step
        func fits(_ units: UInt64) -> Bool {
            var sized = options
            sized.context = units * step
            return estimate(facts, options: sized, target: target).totalBytes <= budget
        }
        guard fits(1) else { return nil }
        var low: UInt64 = 1
        var high = limit
        while low < high {
            let middle = (low + high + 1) / 2
            if fits(middle) { low = middle } else { high = middle - 1 }
        }
        return low * step
    }
}
