import Marketplace

/// The accelerator API a runner uses.
public enum Backend: String, CaseIterable, Codable, Sendable {
    case cpu, cuda, metal, rocm
}

/// The machine a model should run on.
public struct Hardware: Equatable, Sendable {
    public var backend: Backend
    /// GPU memory; nil when unknown or for CPU-only machines.
    public var vramBytes: UInt64?
    /// System memory; nil when unknown.
    public var ramBytes: UInt64?

    public init(backend: Backend = .cpu, vramBytes: UInt64? = nil, ramBytes: UInt64? = nil) {
        self.backend = backend
        self.vramBytes = vramBytes
        self.ramBytes = ramBytes
    }

    /// The budget a model must fit: VRAM on a GPU backend, else RAM; nil when unknown.
    public var memoryBudget: UInt64? {
        backend == .cpu ? ramBytes : (vramBytes ?? ramBytes)
    }

    public var computeTarget: ComputeTarget { backend == .cpu ? .cpu : .gpu }
}

/// How much a verdict can be trusted.
public enum Confidence: String, Codable, Sendable, Comparable {
    /// Nothing could be read: no verdict.
    case none
    /// Rests on tags or names alone.
    case low
    /// Rests partly on headers (e.g. some files unreadable, or config.json only).
    case medium
    /// Rests on file headers.
    case high

    private var rank: Int {
        switch self {
        case .none: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        }
    }

    public static func < (lhs: Confidence, rhs: Confidence) -> Bool { lhs.rank < rhs.rank }
}

/// One file of a variant in a report.
public struct VariantFileReport: Equatable, Codable, Sendable {
    public var path: String
    public var sizeBytes: UInt64
    /// Bytes a reader needs from the start of the file.
    public var headerBytes: UInt64

    public init(path: String, sizeBytes: UInt64, headerBytes: UInt64) {
        self.path = path
        self.sizeBytes = sizeBytes
        self.headerBytes = headerBytes
    }
}

/// A variant with its facts, memory need, and whether the runner can load it and the budget holds it.
public struct AnalyzedVariant: Equatable, Codable, Sendable {
    public var name: String
    public var files: [VariantFileReport]
    public var sizeBytes: UInt64
    public var facts: ModelFacts
    public var memory: MemoryEstimate
    /// Whether `memory.totalBytes` fits the hardware budget; nil when no budget is known.
    public var fits: Bool?
    /// Whether the runner supports the format, architecture and every tensor type.
    public var loadable: Bool
    /// Why it is not loadable (empty when loadable).
    public var loadProblems: [String]
    /// For a GPU budget that the whole model exceeds: how much of it fits.
    public var offload: OffloadPlan?

    public init(name: String, files: [VariantFileReport], sizeBytes: UInt64, facts: ModelFacts, memory: MemoryEstimate,
                fits: Bool? = nil, loadable: Bool = true, loadProblems: [String] = [], offload: OffloadPlan? = nil) {
        self.name = name
        self.files = files
        self.sizeBytes = sizeBytes
        self.facts = facts
        self.memory = memory
        self.fits = fits
        self.loadable = loadable
        self.loadProblems = loadProblems
        self.offload = offload
    }

    /// The label people know the variant by: its quantization, else its name.
    public var label: String { facts.quantization?.name ?? name }
}

/// The verdict for one model on one machine, with the fields the marketplace already uses.
public struct CompatibilityResult: Equatable, Codable, Sendable {
    public var compatible: Bool
    public var confidence: Confidence
    public var reasons: [String]
    public var warnings: [String]
    public var recommendations: [String]
    public var variants: [AnalyzedVariant]
    /// The highest-quality variant that is loadable and fits the budget.
    public var recommendedVariant: String?

    public init(compatible: Bool, confidence: Confidence, reasons: [String] = [], warnings: [String] = [],
                recommendations: [String] = [], variants: [AnalyzedVariant] = [], recommendedVariant: String? = nil) {
        self.compatible = compatible
        self.confidence = confidence
        self.reasons = reasons
        self.warnings = warnings
        self.recommendations = recommendations
        self.variants = variants
        self.recommendedVariant = recommendedVariant
    }
}

/// Everything known about one model that its compatibility verdict rests on.
public struct CompatibilityInput: Equatable, Sendable {
    /// The marketplace's id (`owner/name` on the Hub).
    public var modelID: String
    /// The kind of model, when the marketplace says; nil (or `.other`) lets the verdict guess it.
    public var category: ModelCategory?
    public var tags: [String]
    /// The Hub task, e.g. `text-generation`.
    public var pipelineTag: String?
    /// The Hub library, e.g. `gguf`, `diffusers`.
    public var libraryName: String?
    /// The base model: CivitAI's `baseModel` ("SDXL 1.0") or a Hub repository id.
    public var baseModel: String?
    /// Whether downloading needs accepted terms and a token.
    public var isGated: Bool
    /// Whether a Hub token is available.
    public var hasToken: Bool
    /// The variants whose headers were read.
    public var variants: [VariantInput]
    /// The variants whose headers could not be read.
    public var unreadableVariants: [VariantReadFailure]

    public init(
        modelID: String, category: ModelCategory? = nil, tags: [String] = [], pipelineTag: String? = nil,
        libraryName: String? = nil, baseModel: String? = nil, isGated: Bool = false, hasToken: Bool = false,
        variants: [VariantInput] = [], unreadableVariants: [VariantReadFailure] = []
    ) {
        self.modelID = modelID
        self.category = category
        self.tags = tags
        self.pipelineTag = pipelineTag
        self.libraryName = libraryName
        self.baseModel = baseModel
        self.isGated = isGated
        self.hasToken = hasToken
        self.variants = variants
        self.unreadableVariants = unreadableVariants
    }
}

/// A variant whose headers were read: its files and the facts they give.
public struct VariantInput: Equatable, Sendable {
    public var name: String
    public var files: [VariantFileReport]
    public var facts: ModelFacts

    public init(name: String, files: [VariantFileReport], facts: ModelFacts) {
        self.name = name
        self.files = files
        self.facts = facts
    }
}

/// A variant whose headers could not be read, and why.
public struct VariantReadFailure: Equatable, Sendable {
    public var name: String
    public var message: String

    public init(name: String, message: String) {
        self.name = name
        self.message = message
    }
}
