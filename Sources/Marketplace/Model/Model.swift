import Foundation

/// A model from either marketplace, in one shape: what it is, who made it, how big it is.
public struct Model: Sendable, Codable, Equatable, Identifiable {
    /// The marketplace's id: `owner/name` on Hugging Face, the numeric model id on CivitAI.
    public var id: String
    public var name: String
    /// The description (HTML on CivitAI; the Hub's API has none, see the README instead).
    public var description: String?
    public var author: String?
    /// The first preview image the NSFW filter allows (CivitAI only).
    public var imageURL: URL?
    public var tags: [String]
    public var downloads: Int?
    public var likes: Int?
    public var size: ModelSize
    public var provider: ModelProvider
    public var category: ModelCategory
    /// The files: the repository's files on Hugging Face, the latest version's files on CivitAI.
    public var siblings: [ModelFile]
    /// The license id, e.g. `apache-2.0` (Hugging Face only).
    public var license: String?
    /// Whether files can only be downloaded after being granted access.
    public var isGated: Bool
    /// The commit the description is for (Hugging Face only).
    public var sha: String?
    public var lastModified: Date?

    public init(
        id: String, name: String, description: String? = nil, author: String? = nil, imageURL: URL? = nil,
        tags: [String] = [], downloads: Int? = nil, likes: Int? = nil, size: ModelSize = .unknown,
        provider: ModelProvider, category: ModelCategory, siblings: [ModelFile] = [], license: String? = nil,
        isGated: Bool = false, sha: String? = nil, lastModified: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.author = author
        self.imageURL = imageURL
        self.tags = tags
        self.downloads = downloads
        self.likes = likes
        self.size = size
        self.provider = provider
        self.category = category
        self.siblings = siblings
        self.license = license
        self.isGated = isGated
        self.sha = sha
        self.lastModified = lastModified
    }

    /// The id as one URL path segment: `/` becomes `--` (`meta-llama/Llama-3.1-8B` → `meta-llama--Llama-3.1-8B`).
    public var slug: String { id.replacingOccurrences(of: "/", with: "--") }
}

/// Which marketplace a model comes from.
public enum ModelProvider: String, Sendable, Codable, CaseIterable {
    case huggingFace = "huggingface"
    case civitAI = "civitai"
}

/// What kind of model it is, for choosing how to judge whether it runs.
public enum ModelCategory: String, Sendable, Codable, CaseIterable {
    /// A text-generating language model (also vision-language and text-to-text models).
    case llm
    /// A complete image-generation model (CivitAI `Checkpoint`).
    case checkpoint
    /// An adapter applied on top of a base model (LoRA, LoCon, DoRA, PEFT).
    case lora
    /// Other image-generation models and parts: diffusion pipelines, embeddings, VAEs, ControlNets, upscalers.
    case image
    case other
}

/// How large a model is, and where the figures come from. Never guessed from the model's name.
public struct ModelSize: Sendable, Codable, Hashable {
    /// Where size figures come from.
    public enum Source: String, Sendable, Codable {
        /// Read from the weight files' headers.
        case headers
        /// Reported by the marketplace's API (e.g. the Hub's `safetensors.total`, CivitAI's `sizeKB`).
        case marketplaceAPI
        /// Not known.
        case unknown
    }

    /// The weights' size in bytes.
    public var bytes: Int64?
    /// The number of parameters.
    public var parameters: Int64?
    public var source: Source

    public init(bytes: Int64?, parameters: Int64?, source: Source) {
        self.bytes = bytes
        self.parameters = parameters
        self.source = source
    }

    /// Neither figure is known.
    public static let unknown = ModelSize(bytes: nil, parameters: nil, source: .unknown)

    /// Figures from the marketplace's API, or `.unknown` when it reported neither.
    static func reportedByAPI(bytes: Int64?, parameters: Int64?) -> ModelSize {
        bytes == nil && parameters == nil ? .unknown : ModelSize(bytes: bytes, parameters: parameters, source: .marketplaceAPI)
    }
}

/// One file of a model.
public struct ModelFile: Sendable, Codable, Hashable {
    /// The path inside the repository, or the file name on CivitAI.
    public var name: String
    /// The size in bytes, when the marketplace reported it.
    public var size: Int64?

    public init(name: String, size: Int64?) {
        self.name = name
        self.size = size
    }
}
