import Foundation

/// A Hugging Face Hub model as `GET /api/models/{id}` (and each entry of `GET /api/models`) describes it.
///
/// The fields this package uses are typed; `json` keeps the whole response, so every field the Hub
/// sends (`widgetData`, `inferenceProviderMapping`, …) stays reachable. Every field but `id` is
/// optional: list entries and `?expand=` responses carry only the fields asked for.
/// Encoding writes `json` back unchanged.
public struct HuggingFaceModelInfo: Sendable, Equatable, Codable {
    /// The repository id, `owner/name` (or a bare legacy name such as `gpt2`).
    public let id: String
    public let author: String?
    /// The commit the response describes.
    public let sha: String?
    public let lastModified: Date?
    public let createdAt: Date?
    /// Whether only its owner (and their organisation) can see it (`private`).
    public let isPrivate: Bool?
    public let gated: HuggingFaceGating?
    /// Whether the Hub has disabled it, e.g. after a takedown (`disabled`).
    public let isDisabled: Bool?
    public let downloads: Int?
    public let likes: Int?
    public let tags: [String]?
    /// The task, e.g. `text-generation` or `text-to-image` (`pipeline_tag`).
    public let pipelineTag: String?
    /// The library the repository targets, e.g. `transformers`, `diffusers`, `gguf` (`library_name`).
    public let libraryName: String?
    /// The repository's files; sizes and LFS details only when asked for (`?blobs=true` or `expand`).
    public let siblings: [HuggingFaceSibling]?
    /// The model card's YAML front matter, as JSON (license, base_model, datasets, …).
    public let cardData: JSONValue?
    public let config: HuggingFaceModelConfig?
    /// Parameter counts the Hub computed from the safetensors headers.
    public let safetensors: HuggingFaceSafetensorsInfo?
    /// What the Hub read from the repository's GGUF file, when it has one.
    public let gguf: HuggingFaceGGUFInfo?
    /// Ids of the Spaces that use this model.
    public let spaces: [String]?
    public let transformersInfo: HuggingFaceTransformersInfo?
    /// The complete response as received.
    public let json: JSONValue

    /// The license id from the model card (`cardData.license`), else from a `license:` tag.
    public var license: String? {
        if let license = cardData?["license"]?.stringValue ?? cardData?["license"]?[0]?.stringValue {
            return license
        }
        let prefix = "license:"
        return tags?.first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    private enum CodingKeys: String, CodingKey {
        case id, modelId, author, sha, lastModified, createdAt, gated, downloads, likes, tags
        case siblings, cardData, config, safetensors, gguf, spaces, transformersInfo
        case isPrivate = "private"
        case isDisabled = "disabled"
        case pipelineTag = "pipeline_tag"
        case libraryName = "library_name"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let id = try container.decodeIfPresent(String.self, forKey: .id) {
            self.id = id
        } else {
            id = try container.decode(String.self, forKey: .modelId)
        }
        author = try container.decodeIfPresent(String.self, forKey: .author)
        sha = try container.decodeIfPresent(String.self, forKey: .sha)
        lastModified = try container.decodeISO8601DateIfPresent(forKey: .lastModified)
        createdAt = try container.decodeISO8601DateIfPresent(forKey: .createdAt)
        isPrivate = try container.decodeIfPresent(Bool.self, forKey: .isPrivate)
        gated = try container.decodeIfPresent(HuggingFaceGating.self, forKey: .gated)
        isDisabled = try container.decodeIfPresent(Bool.self, forKey: .isDisabled)
        downloads = try container.decodeIfPresent(Int.self, forKey: .downloads)
        likes = try container.decodeIfPresent(Int.self, forKey: .likes)
        tags = try container.decodeIfPresent([String].self, forKey: .tags)
        pipelineTag = try container.decodeIfPresent(String.self, forKey: .pipelineTag)
        libraryName = try container.decodeIfPresent(String.self, forKey: .libraryName)
        siblings = try container.decodeIfPresent([HuggingFaceSibling].self, forKey: .siblings)
        cardData = try container.decodeIfPresent(JSONValue.self, forKey: .cardData)
        config = try container.decodeIfPresent(HuggingFaceModelConfig.self, forKey: .config)
        safetensors = try container.decodeIfPresent(HuggingFaceSafetensorsInfo.self, forKey: .safetensors)
        gguf = try container.decodeIfPresent(HuggingFaceGGUFInfo.self, forKey: .gguf)
        spaces = try container.decodeIfPresent([String].self, forKey: .spaces)
        transformersInfo = try container.decodeIfPresent(HuggingFaceTransformersInfo.self, forKey: .transformersInfo)
        json = try JSONValue(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}

/// Whether downloading a Hub repository needs the owner's approval (`gated`: `false`, `"auto"` or `"manual"`).
public enum HuggingFaceGating: Sendable, Hashable, Codable {
    /// Anyone may download the files.
    case open
    /// Users must accept the terms; access is granted at once.
    case automatic
    /// Users must request access and the owner approves each request.
    case manual

    /// Whether files can be read without first being granted access.
    public var isGated: Bool { self != .open }

    /// Any gated value other than `false` and `"auto"` (older responses sent `true`) decodes as
    /// `.manual`, the conservative reading.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let gated = try? container.decode(Bool.self) {
            self = gated ? .manual : .open
        } else {
            self = try container.decode(String.self) == "auto" ? .automatic : .manual
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .open: try container.encode(false)
        case .automatic: try container.encode("auto")
        case .manual: try container.encode("manual")
        }
    }
}

/// One file of a Hub repository, as listed in a model's `siblings`.
public struct HuggingFaceSibling: Sendable, Hashable, Codable {
    /// The path inside the repository (`rfilename`), e.g. `unet/diffusion_pytorch_model.safetensors`.
    public let path: String
    /// The size in bytes (of the real file for LFS files), when the response includes it.
    public let size: Int64?
    /// The git blob id of the file (for LFS files: of the pointer).
    public let blobID: String?
    public let lfs: HuggingFaceLFSInfo?

    public init(path: String, size: Int64? = nil, blobID: String? = nil, lfs: HuggingFaceLFSInfo? = nil) {
        self.path = path
        self.size = size
        self.blobID = blobID
        self.lfs = lfs
    }

    private enum CodingKeys: String, CodingKey {
        case path = "rfilename"
        case blobID = "blobId"
        case size, lfs
    }
}

/// The Git LFS object behind a sibling (`siblings[].lfs`).
public struct HuggingFaceLFSInfo: Sendable, Hashable, Codable {
    public let sha256: String
    /// The size of the real file in bytes.
    public let size: Int64
    /// The size of the pointer file stored in git.
    public let pointerSize: Int64?
}

/// The parts of a repository's `config.json` the Hub echoes back (`config`).
public struct HuggingFaceModelConfig: Sendable, Hashable, Codable {
    /// Model classes, e.g. `["LlamaForCausalLM"]`.
    public let architectures: [String]?
    /// The transformers model type, e.g. `llama`.
    public let modelType: String?

    private enum CodingKeys: String, CodingKey {
        case architectures
        case modelType = "model_type"
    }
}

/// Parameter counts the Hub read from a repository's safetensors headers (`safetensors`).
public struct HuggingFaceSafetensorsInfo: Sendable, Hashable, Codable {
    /// Parameters per dtype, e.g. `["F32": 22713216, "I64": 512]`.
    public let parameters: [String: Int64]
    /// All parameters.
    public let total: Int64
}

/// What the Hub read from a repository's GGUF file (`gguf`).
public struct HuggingFaceGGUFInfo: Sendable, Hashable, Codable {
    /// All parameters.
    public let total: Int64?
    /// `general.architecture`, e.g. `llama`.
    public let architecture: String?
    public let contextLength: Int64?
    public let chatTemplate: String?
    public let bosToken: String?
    public let eosToken: String?

    private enum CodingKeys: String, CodingKey {
        case total, architecture
        case contextLength = "context_length"
        case chatTemplate = "chat_template"
        case bosToken = "bos_token"
        case eosToken = "eos_token"
    }
}

/// How transformers loads the model (`transformersInfo`).
public struct HuggingFaceTransformersInfo: Sendable, Hashable, Codable {
    /// The auto class, e.g. `AutoModelForCausalLM`.
    public let autoModel: String?
    public let pipelineTag: String?
    /// The preprocessing class, e.g. `AutoTokenizer`.
    public let processor: String?

    private enum CodingKeys: String, CodingKey {
        case autoModel = "auto_model"
        case pipelineTag = "pipeline_tag"
        case processor
    }
}
