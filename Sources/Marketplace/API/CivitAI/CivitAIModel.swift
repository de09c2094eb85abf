import Foundation

/// A CivitAI model as `GET /api/v1/models/{id}` (and each item of `GET /api/v1/models`) describes it.
public struct CivitAIModel: Sendable, Hashable, Codable {
    public let id: Int
    public let name: String
    /// The description, as HTML.
    public let description: String?
    public let type: CivitAIModelType
    /// Whether the creator marked the whole model as mature content.
    public let nsfw: Bool?
    /// The levels of the model's content (2024+ responses; a bitmask, e.g. 7 = safe, soft and mature images).
    public let nsfwLevel: CivitAINSFWLevel?
    /// Whether the model depicts a real person.
    public let poi: Bool?
    public let allowNoCredit: Bool?
    /// How the model may be used commercially, e.g. `["Image", "Rent", "Sell"]`
    /// (older responses send one string, newer ones an array).
    public let allowCommercialUse: [String]?
    public let allowDerivatives: Bool?
    public let allowDifferentLicense: Bool?
    public let stats: CivitAIStats?
    public let creator: CivitAICreator?
    public let tags: [String]
    /// The versions, newest first.
    public internal(set) var modelVersions: [CivitAIModelVersion]

    private enum CodingKeys: String, CodingKey {
        case id, name, description, type, nsfw, nsfwLevel, poi, allowNoCredit, allowCommercialUse
        case allowDerivatives, allowDifferentLicense, stats, creator, tags, modelVersions
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        type = try container.decode(CivitAIModelType.self, forKey: .type)
        nsfw = try container.decodeIfPresent(Bool.self, forKey: .nsfw)
        nsfwLevel = try container.decodeIfPresent(CivitAINSFWLevel.self, forKey: .nsfwLevel)
        poi = try container.decodeIfPresent(Bool.self, forKey: .poi)
        allowNoCredit = try container.decodeIfPresent(Bool.self, forKey: .allowNoCredit)
        allowCommercialUse = try container.decodeStringOrStringsIfPresent(forKey: .allowCommercialUse)
        allowDerivatives = try container.decodeIfPresent(Bool.self, forKey: .allowDerivatives)
        allowDifferentLicense = try container.decodeIfPresent(Bool.self, forKey: .allowDifferentLicense)
        stats = try container.decodeIfPresent(CivitAIStats.self, forKey: .stats)
        creator = try container.decodeIfPresent(CivitAICreator.self, forKey: .creator)
        tags = try container.decodeIfPresent([CivitAITag].self, forKey: .tags)?.map(\.name) ?? []
        modelVersions = try container.decodeIfPresent([CivitAIModelVersion].self, forKey: .modelVersions) ?? []
    }
}

/// A CivitAI model kind (`type`), e.g. `Checkpoint` or `LORA`. Kinds added by CivitAI later decode too.
public struct CivitAIModelType: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }

    public static let checkpoint: Self = "Checkpoint"
    public static let textualInversion: Self = "TextualInversion"
    public static let hypernetwork: Self = "Hypernetwork"
    public static let aestheticGradient: Self = "AestheticGradient"
    public static let lora: Self = "LORA"
    public static let loCon: Self = "LoCon"
    public static let doRA: Self = "DoRA"
    public static let controlnet: Self = "Controlnet"
    public static let upscaler: Self = "Upscaler"
    public static let motionModule: Self = "MotionModule"
    public static let vae: Self = "VAE"
    public static let poses: Self = "Poses"
    public static let wildcards: Self = "Wildcards"
    public static let workflows: Self = "Workflows"
    public static let other: Self = "Other"
}

/// A tag: a plain string in most responses, `{"name": …}` in older single-model responses.
private struct CivitAITag: Decodable {
    let name: String

    private enum CodingKeys: String, CodingKey { case name }

    init(from decoder: any Decoder) throws {
        if let name = try? decoder.singleValueContainer().decode(String.self) {
            self.name = name
        } else {
            name = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .name)
        }
    }
}

/// Counters CivitAI keeps for a model or a version (`stats`).
public struct CivitAIStats: Sendable, Hashable, Codable {
    public let downloadCount: Int?
    public let favoriteCount: Int?
    public let thumbsUpCount: Int?
    public let thumbsDownCount: Int?
    public let commentCount: Int?
    public let ratingCount: Int?
    public let rating: Double?
}

/// Who uploaded a model (`creator`).
public struct CivitAICreator: Sendable, Hashable, Codable {
    public let username: String?
    /// The avatar's URL.
    public let image: String?
}

/// One version of a CivitAI model: `modelVersions[]` of a model, or `GET /api/v1/model-versions/{id}`.
public struct CivitAIModelVersion: Sendable, Hashable, Codable {
    public let id: Int
    /// The model this version belongs to (absent inside a model's `modelVersions`).
    public let modelID: Int?
    public let name: String
    /// The base model it was trained for or on, e.g. `SDXL 1.0`, `Illustrious`, `SD 1.5`.
    public let baseModel: String?
    /// The variant of the base model, e.g. `Standard` or `Inpainting`.
    public let baseModelType: String?
    public let createdAt: Date?
    public let updatedAt: Date?
    public let publishedAt: Date?
    /// The changelog, as HTML.
    public let description: String?
    /// Words that trigger the model in a prompt.
    public let trainedWords: [String]
    public let downloadURL: String?
    public let stats: CivitAIStats?
    public let files: [CivitAIFile]
    public internal(set) var images: [CivitAIImage]
    /// The model this version belongs to (only in `GET /api/v1/model-versions/{id}`).
    public let model: ParentModel?

    /// The model a stand-alone version response belongs to.
    public struct ParentModel: Sendable, Hashable, Codable {
        public let name: String
        public let type: CivitAIModelType
        public let nsfw: Bool?
        public let poi: Bool?
    }

    /// The file marked `primary`, else the first file.
    public var primaryFile: CivitAIFile? {
        files.first { $0.primary == true } ?? files.first
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, baseModel, baseModelType, createdAt, updatedAt, publishedAt, description
        case trainedWords, stats, files, images, model
        case modelID = "modelId"
        case downloadURL = "downloadUrl"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        modelID = try container.decodeIfPresent(Int.self, forKey: .modelID)
        name = try container.decode(String.self, forKey: .name)
        baseModel = try container.decodeIfPresent(String.self, forKey: .baseModel)
        baseModelType = try container.decodeIfPresent(String.self, forKey: .baseModelType)
        createdAt = try container.decodeISO8601DateIfPresent(forKey: .createdAt)
        updatedAt = try container.decodeISO8601DateIfPresent(forKey: .updatedAt)
        publishedAt = try container.decodeISO8601DateIfPresent(forKey: .publishedAt)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        trainedWords = try container.decodeIfPresent([String].self, forKey: .trainedWords) ?? []
        downloadURL = try container.decodeIfPresent(String.self, forKey: .downloadURL)
        stats = try container.decodeIfPresent(CivitAIStats.self, forKey: .stats)
        files = try container.decodeIfPresent([CivitAIFile].self, forKey: .files) ?? []
        images = try container.decodeIfPresent([CivitAIImage].self, forKey: .images) ?? []
        model = try container.decodeIfPresent(ParentModel.self, forKey: .model)
    }
}

/// A downloadable file of a model version (`files[]`).
public struct CivitAIFile: Sendable, Hashable, Codable {
    public let id: Int?
    public let name: String
    /// The size in KiB, fractional (`sizeKB`).
    public let sizeKB: Double
    /// The role of the file, e.g. `Model`, `Training Data`, `Config`.
    public let type: String?
    public let metadata: Metadata?
    /// Hashes by algorithm: `SHA256`, `AutoV2`, `CRC32`, `BLAKE3`, …
    public let hashes: [String: String]?
    public let downloadURL: String?
    /// Whether this is the version's main file (the weights, rather than e.g. training data).
    public let primary: Bool?

    /// What the uploader declared about the file (`metadata`).
    public struct Metadata: Sendable, Hashable, Codable {
        /// The float precision, e.g. `fp16`.
        public let fp: String?
        /// `full` or `pruned`.
        public let size: String?
        /// `SafeTensor`, `PickleTensor`, `GGUF`, `Diffusers`, `Other`, …
        public let format: String?
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, sizeKB, type, metadata, hashes, primary
        case downloadURL = "downloadUrl"
    }

    /// The size in bytes (`sizeKB` × 1024, rounded).
    public var sizeBytes: Int64 { Int64((sizeKB * 1024).rounded()) }
}

/// A preview image of a model version (`images[]`), or an item of `GET /api/v1/images`.
public struct CivitAIImage: Sendable, Hashable, Codable {
    public let url: String
    /// The image's rating; nil when the response carries none.
    public let nsfwLevel: CivitAINSFWLevel?
    public let width: Int?
    public let height: Int?
    /// A blurhash placeholder.
    public let hash: String?

    private enum CodingKeys: String, CodingKey {
        case url, nsfwLevel, nsfw, width, height, hash
    }

    /// Reads the rating from `nsfwLevel` (a number, or a name in older responses), else from the legacy `nsfw` field.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decode(String.self, forKey: .url)
        width = try container.decodeIfPresent(Int.self, forKey: .width)
        height = try container.decodeIfPresent(Int.self, forKey: .height)
        hash = try container.decodeIfPresent(String.self, forKey: .hash)
        nsfwLevel = try container.decodeIfPresent(CivitAINSFWLevel.self, forKey: .nsfwLevel)
            ?? container.decodeIfPresent(CivitAINSFWLevel.self, forKey: .nsfw)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(url, forKey: .url)
        try container.encodeIfPresent(nsfwLevel, forKey: .nsfwLevel)
        try container.encodeIfPresent(width, forKey: .width)
        try container.encodeIfPresent(height, forKey: .height)
        try container.encodeIfPresent(hash, forKey: .hash)
    }
}

/// One page of `GET /api/v1/models`.
public struct CivitAIModelPage: Sendable, Hashable, Codable {
    public let items: [CivitAIModel]
    public let metadata: CivitAIPageMetadata
}

/// Where a CivitAI page sits in the whole result (`metadata`): page numbers, a cursor, or both.
public struct CivitAIPageMetadata: Sendable, Hashable, Codable {
    public let totalItems: Int?
    public let currentPage: Int?
    public let pageSize: Int?
    public let totalPages: Int?
    /// The URL of the next page, when there is one.
    public let nextPage: String?
    /// The cursor for the next page (a number for images, a string for models).
    public let nextCursor: String?

    private enum CodingKeys: String, CodingKey {
        case totalItems, currentPage, pageSize, totalPages, nextPage, nextCursor
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        totalItems = try container.decodeIfPresent(Int.self, forKey: .totalItems)
        currentPage = try container.decodeIfPresent(Int.self, forKey: .currentPage)
        pageSize = try container.decodeIfPresent(Int.self, forKey: .pageSize)
        totalPages = try container.decodeIfPresent(Int.self, forKey: .totalPages)
        nextPage = try container.decodeIfPresent(String.self, forKey: .nextPage)
        if let number = try? container.decodeIfPresent(Int64.self, forKey: .nextCursor) {
            nextCursor = String(number)
        } else {
            nextCursor = try container.decodeIfPresent(String.self, forKey: .nextCursor)
        }
    }
}
