/// What to list from CivitAI's `GET /api/v1/models`: filters, order, and which page.
public struct CivitAIModelQuery: Sendable, Hashable {
    /// Words in the model's name (`query`).
    public var query: String?
    public var tag: String?
    /// The creator (`username`).
    public var username: String?
    /// Model kinds to keep; all when empty (`types`, repeated).
    public var types: [CivitAIModelType]
    /// Base models to keep, e.g. `SDXL 1.0`, `Flux.1 D`; all when empty (`baseModels`, repeated).
    public var baseModels: [String]
    public var sort: CivitAIModelSort?
    /// The time frame `sort` ranks over.
    public var period: CivitAIPeriod?
    /// Models per page, 1–100 (CivitAI's default: 100).
    public var limit: Int?
    /// The page number; CivitAI refuses it together with `query`, use `cursor` there.
    public var page: Int?
    /// Where to continue: the previous page's `metadata.nextCursor`.
    public var cursor: String?

    public init(
        query: String? = nil, tag: String? = nil, username: String? = nil, types: [CivitAIModelType] = [],
        baseModels: [String] = [], sort: CivitAIModelSort? = nil, period: CivitAIPeriod? = nil, limit: Int? = nil,
        page: Int? = nil, cursor: String? = nil
    ) {
        self.query = query
        self.tag = tag
        self.username = username
        self.types = types
        self.baseModels = baseModels
        self.sort = sort
        self.period = period
        self.limit = limit
        self.page = page
        self.cursor = cursor
    }

    /// The query string; `nsfw=false` asks CivitAI itself to leave out models without safe images
    /// when `nsfwFilter` allows nothing above safe.
    func queryItems(nsfwFilter: CivitAINSFWFilter) -> [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        if let limit { items.append(("limit", String(limit))) }
        if let page { items.append(("page", String(page))) }
        if let cursor { items.append(("cursor", cursor)) }
        if let query { items.append(("query", query)) }
        if let tag { items.append(("tag", tag)) }
        if let username { items.append(("username", username)) }
        items += types.map { ("types", $0.rawValue) }
        items += baseModels.map { ("baseModels", $0) }
        if let sort { items.append(("sort", sort.rawValue)) }
        if let period { items.append(("period", period.rawValue)) }
        if !nsfwFilter.allowsMatureContent { items.append(("nsfw", "false")) }
        return items
    }
}

/// The order of a CivitAI listing (`sort`).
public enum CivitAIModelSort: String, Sendable, Hashable, CaseIterable {
    case highestRated = "Highest Rated"
    case mostDownloaded = "Most Downloaded"
    case newest = "Newest"
}

/// The time frame a CivitAI ranking covers (`period`).
public enum CivitAIPeriod: String, Sendable, Hashable, CaseIterable {
    case allTime = "AllTime"
    case year = "Year"
    case month = "Month"
    case week = "Week"
    case day = "Day"
}
