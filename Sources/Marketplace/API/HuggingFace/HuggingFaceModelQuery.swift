/// What to list from `GET /api/models`: filters, order, how many, and how much detail per model.
public struct HuggingFaceModelQuery: Sendable, Hashable {
    /// Words the repository id must contain (`search`).
    public var search: String?
    /// The owning user or organisation (`author`).
    public var author: String?
    /// Tags every model must carry, e.g. `gguf`, `license:mit` (`filter`, repeated).
    public var tags: [String]
    /// The task, e.g. `text-generation` (`pipeline_tag`).
    public var pipelineTag: String?
    /// The library, e.g. `transformers`, `diffusers`, `gguf` (`library`).
    public var library: String?
    public var sort: HuggingFaceModelSort?
    public var direction: HuggingFaceSortDirection
    /// How many models to return in all; further pages are fetched until this many arrived or none are left.
    public var limit: Int
    public var detail: HuggingFaceListDetail

    public init(
        search: String? = nil, author: String? = nil, tags: [String] = [], pipelineTag: String? = nil,
        library: String? = nil, sort: HuggingFaceModelSort? = nil, direction: HuggingFaceSortDirection = .descending,
        limit: Int = 20, detail: HuggingFaceListDetail = .compact
    ) {
        self.search = search
        self.author = author
        self.tags = tags
        self.pipelineTag = pipelineTag
        self.library = library
        self.sort = sort
        self.direction = direction
        self.limit = limit
        self.detail = detail
    }

    /// The most models the Hub returns per page.
    static let maxPageSize = 1000

    /// The query string for the first page.
    var queryItems: [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        if let search { items.append(("search", search)) }
        if let author { items.append(("author", author)) }
        items += tags.map { ("filter", $0) }
        if let pipelineTag { items.append(("pipeline_tag", pipelineTag)) }
        if let library { items.append(("library", library)) }
        if let sort {
            items.append(("sort", sort.rawValue))
            items.append(("direction", direction.rawValue))
        }
        items.append(("limit", String(min(max(limit, 1), Self.maxPageSize))))
        switch detail {
        case .compact: break
        case .full: items.append(("full", "true"))
        case .expanded(let fields): items += fields.map { ("expand", $0.rawValue) }
        }
        return items
    }
}

/// The order of a model listing (`sort`).
public enum HuggingFaceModelSort: String, Sendable, Hashable, CaseIterable {
    case downloads
    case likes
    /// Recent popularity (`trendingScore`).
    case trending = "trendingScore"
    /// Most recently updated (`lastModified`).
    case recentlyModified = "lastModified"
    /// Most recently created (`createdAt`).
    case created = "createdAt"
}

/// Which way to sort (`direction`).
public enum HuggingFaceSortDirection: String, Sendable, Hashable {
    case descending = "-1"
    case ascending = "1"
}

/// How much the Hub says about each listed model. The Hub accepts either `full` or `expand`, not both.
public enum HuggingFaceListDetail: Sendable, Hashable {
    /// The Hub's default: id, counters, tags, task, library, dates.
    case compact
    /// Everything, including `siblings` and `cardData` (`full=true`).
    case full
    /// Exactly these fields (`expand`, repeated), e.g. `[.gguf, .safetensors]`.
    case expanded([HuggingFaceExpandField])
}

/// A field to ask for with `expand`. Fields the Hub adds later can be named with `init(rawValue:)`.
public struct HuggingFaceExpandField: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }

    public static let author: Self = "author"
    public static let cardData: Self = "cardData"
    public static let config: Self = "config"
    public static let createdAt: Self = "createdAt"
    public static let downloads: Self = "downloads"
    public static let gated: Self = "gated"
    public static let gguf: Self = "gguf"
    public static let lastModified: Self = "lastModified"
    public static let libraryName: Self = "library_name"
    public static let likes: Self = "likes"
    public static let pipelineTag: Self = "pipeline_tag"
    public static let safetensors: Self = "safetensors"
    public static let sha: Self = "sha"
    public static let siblings: Self = "siblings"
    public static let tags: Self = "tags"
    public static let trendingScore: Self = "trendingScore"
    public static let usedStorage: Self = "usedStorage"
}
