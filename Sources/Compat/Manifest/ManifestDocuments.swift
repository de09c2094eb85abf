import Foundation
import Marketplace

/// Where a manifest model's facts come from.
public enum ManifestFactsSource: String, Codable, Sendable {
    /// Read from the weight files' headers (Hugging Face).
    case headers
    /// Reported by the marketplace's API: file sizes, base model and type (CivitAI).
    case api
}

/// One model of a provider's models file: what the marketplace lists, and the facts behind its size
/// and verdict. Every key is always written; unknown values are `null`, never guesses.
public struct ManifestModel: Codable, Equatable, Sendable {
    /// The marketplace's id: `owner/name` on Hugging Face, the numeric model id on CivitAI.
    public var id: String
    /// The id as one URL path segment (`owner--name`).
    public var slug: String
    public var name: String
    public var author: String?
    /// CivitAI's HTML description; null on Hugging Face, whose API has none.
    public var description: String?
    public var downloads: Int?
    public var likes: Int?
    public var tags: [String]
    /// The Hub license id (`cardData.license`), e.g. `apache-2.0`; null on CivitAI.
    public var license: String?
    public var category: ModelCategory
    public var factsSource: ManifestFactsSource
    /// True parameter count of the largest variant; null when no header was read (and always on CivitAI).
    public var parameters: UInt64?
    /// Parameters used per token, for mixture-of-experts models.
    public var activeParameters: UInt64?
    /// The header's architecture (`llama`), or CivitAI's base model (`SDXL 1.0`).
    public var architecture: String?
    /// `gguf`, `safetensors` (or both, `gguf+safetensors`); from CivitAI, its file format.
    public var format: String?
    /// Quantization or precision labels of the variants, best quality first.
    public var quantizations: [String]
    public var smallestVariantBytes: UInt64?
    /// The size of the variant the default runner would pick; null when it can load none.
    public var recommendedVariantBytes: UInt64?
    /// The least memory a variant needs at the default context (the model's, capped at 8192); from headers only.
    public var minimumMemoryBytes: UInt64?
    /// Whether the default runner loads the model, with no memory budget; null when no header was read.
    public var compatible: Bool?
    /// Why it is not compatible (empty when it is, or when unknown).
    public var reasons: [String]
    /// CivitAI's model type, e.g. `Checkpoint`, `LORA`; null on Hugging Face.
    public var type: String?
    /// CivitAI's content levels as its bitmask (1 None, 2 Soft, 4 Mature, 8 X, 16 XXX); null on Hugging Face.
    public var nsfwLevel: Int?
    /// When the newest CivitAI version was published (ISO 8601); null on Hugging Face.
    public var publishedAt: String?

    /// A model with its marketplace description and no facts yet.
    init(describing model: Model, factsSource: ManifestFactsSource) {
        id = model.id
        slug = model.slug
        name = model.name
        author = model.author
        description = model.description
        downloads = model.downloads
        likes = model.likes
        tags = model.tags
        license = model.license
        category = model.category
        self.factsSource = factsSource
        quantizations = []
        reasons = []
    }

    /// Encodes every key, writing `null` for absent values so the shape never varies.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(slug, forKey: .slug)
        try container.encode(name, forKey: .name)
        try container.encode(author, forKey: .author)
        try container.encode(description, forKey: .description)
        try container.encode(downloads, forKey: .downloads)
        try container.encode(likes, forKey: .likes)
        try container.encode(tags, forKey: .tags)
        try container.encode(license, forKey: .license)
        try container.encode(category, forKey: .category)
        try container.encode(factsSource, forKey: .factsSource)
        try container.encode(parameters, forKey: .parameters)
        try container.encode(activeParameters, forKey: .activeParameters)
        try container.encode(architecture, forKey: .architecture)
        try container.encode(format, forKey: .format)
        try container.encode(quantizations, forKey: .quantizations)
        try container.encode(smallestVariantBytes, forKey: .smallestVariantBytes)
        try container.encode(recommendedVariantBytes, forKey: .recommendedVariantBytes)
        try container.encode(minimumMemoryBytes, forKey: .minimumMemoryBytes)
        try container.encode(compatible, forKey: .compatible)
        try container.encode(reasons, forKey: .reasons)
        try container.encode(type, forKey: .type)
        try container.encode(nsfwLevel, forKey: .nsfwLevel)
        try container.encode(publishedAt, forKey: .publishedAt)
    }
}

/// `huggingface-models.json` and `civitai-models.json`: every model listed, in the listing's order.
public struct ModelsManifest: Codable, Equatable, Sendable {
    public var provider: ModelProvider
    /// The order the models were listed in (`--sort`).
    public var sort: ListingSort
    public var timestamp: String
    public var models: [ManifestModel]

    /// `{provider}-models.json`.
    public var fileName: String { "\(provider.rawValue)-models.json" }
}

/// A filter manifest: the models one filter combination keeps, in the filter's order.
public struct FilterManifest: Codable, Equatable, Sendable {
    /// A model as a filtered list shows it.
    public struct Entry: Codable, Equatable, Sendable {
        public var id: String
        public var slug: String
        public var name: String
        public var parameters: UInt64?
        /// The smallest variant's size.
        public var sizeBytes: UInt64?

        init(_ model: ManifestModel) {
            id = model.id
            slug = model.slug
            name = model.name
            parameters = model.parameters
            sizeBytes = model.smallestVariantBytes
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(slug, forKey: .slug)
            try container.encode(name, forKey: .name)
            try container.encode(parameters, forKey: .parameters)
            try container.encode(sizeBytes, forKey: .sizeBytes)
        }
    }

    /// The filter path, e.g. `hf/filter/likes/small/apache`.
    public var filter: String
    public var models: [Entry]
    public var timestamp: String

    /// The filter path with `/` replaced by `-`: `hf-filter-likes-small-apache.json`.
    public var fileName: String { filter.replacingOccurrences(of: "/", with: "-") + ".json" }
}

/// `manifest-report.json`: what a run listed, which models have no facts and why, and the files it wrote.
public struct ManifestReport: Codable, Equatable, Sendable {
    /// How many models a provider's models file holds, and how many of them without facts.
    public struct ProviderSummary: Codable, Equatable, Sendable {
        public var provider: ModelProvider
        public var models: Int
        public var withoutFacts: Int
    }

    /// A model whose headers could not (all) be read.
    public struct Problem: Codable, Equatable, Sendable {
        public var provider: ModelProvider
        public var id: String
        public var error: String
        /// The files that failed, and why.
        public var files: [FileProblem]
    }

    public struct FileProblem: Codable, Equatable, Sendable {
        public var path: String
        public var error: String
    }

    public var timestamp: String
    public var providers: [ProviderSummary]
    /// Models left without facts: out of every size-filtered list, never guessed.
    public var failures: [Problem]
    /// Models with facts from some variants while others could not be read.
    public var warnings: [Problem]
    /// The manifest files written besides this report, sorted.
    public var files: [String]

    public static let fileName = "manifest-report.json"
}

/// The one JSON form of every manifest file: sorted keys, two-space indentation, a final newline.
/// Manifests hold no floating-point numbers, so equal values always give equal bytes.
enum ManifestJSON {
    static func encode(_ value: some Encodable) -> Data {
        // The documents are plain values with string keys; encoding them cannot fail.
        try! JSONEncoder.deterministic().encode(value) + Data("\n".utf8)
    }
}
