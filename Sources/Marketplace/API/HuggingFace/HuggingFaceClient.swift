/// Reads model listings, metadata, model cards and file trees from the Hugging Face Hub's API.
///
/// The marketplace SDK's functions map to: `searchHuggingFaceModels` → `searchModels`,
/// `listHuggingFaceModels` → `listModels`, `getHuggingFaceModel` → `model`,
/// `getRawHuggingFaceModel` → `rawModel`, `getHuggingFaceModelReadme` → `readme`.
///
/// Renamed repositories are followed (the Hub answers 307 to the new id; the returned id is the new one).
/// A missing repository throws `.repositoryNotFound`; a gated or private one `.http(.accessDenied)`.
public struct HuggingFaceClient: Sendable {
    /// The Hub's base URL, without a trailing slash.
    public let endpoint: String
    /// Sent as a bearer token to `endpoint`'s origin only.
    public let token: String?
    public let http: HTTPClient

    /// A client for `endpoint` (default: `HF_ENDPOINT`, else huggingface.co) sending `token`
    /// (default: `HF_TOKEN`, `HUGGING_FACE_HUB_TOKEN`, or the `huggingface-cli login` token file).
    public init(
        endpoint: String = MarketplaceEnvironment.hubEndpoint(),
        token: String? = MarketplaceEnvironment.hubToken(),
        http: HTTPClient = HTTPClient()
    ) {
        self.endpoint = MarketplaceEnvironment.withoutTrailingSlash(endpoint)
        self.token = token
        self.http = http
    }

    /// Models matching `query`, following the `Link` header's next page until `query.limit` models
    /// arrived (`listHuggingFaceModels`). Convert with `Model(huggingFace:)`.
    public func listModels(_ query: HuggingFaceModelQuery = HuggingFaceModelQuery()) async throws(MarketplaceAPIError)
        -> [HuggingFaceModelInfo] {
        let firstPage = URLQuery.url("\(endpoint)/api/models", query.queryItems)
        return try await fetchAllPages(HuggingFaceModelInfo.self, from: firstPage, repository: nil, limit: query.limit)
    }

    /// Models whose id contains `text`, further filtered and ordered by `query` (`searchHuggingFaceModels`).
    public func searchModels(_ text: String, query: HuggingFaceModelQuery = HuggingFaceModelQuery())
        async throws(MarketplaceAPIError) -> [HuggingFaceModelInfo] {
        var query = query
        query.search = text
        return try await listModels(query)
    }

    /// The normalized model `id` (`owner/name`) at `revision`, default the main branch (`getHuggingFaceModel`).
    public func model(id: String, revision: String? = nil) async throws(MarketplaceAPIError) -> Model {
        Model(huggingFace: try await rawModel(id: id, revision: revision))
    }

    /// What the Hub says about model `id` at `revision`, typed and as raw JSON, with file sizes
    /// (`GET /api/models/{id}[/revision/{revision}]?blobs=true`; `getRawHuggingFaceModel`).
    public func rawModel(id: String, revision: String? = nil) async throws(MarketplaceAPIError) -> HuggingFaceModelInfo {
        try Self.requireValidRepositoryID(id)
        let revisionPath = revision.map { "/revision/\(URLQuery.encode($0))" } ?? ""
        let response = try await get("\(endpoint)/api/models/\(id)\(revisionPath)?blobs=true")
        return try Self.requireSuccess(response, repository: id, revision: revision).decodeJSON(HuggingFaceModelInfo.self)
    }

    /// The model card of `id` at `revision` (default `main`), or nil when the repository has none
    /// (`GET {endpoint}/{id}/resolve/{revision}/README.md`; `getHuggingFaceModelReadme`).
    public func readme(id: String, revision: String? = nil) async throws(MarketplaceAPIError) -> String? {
        try Self.requireValidRepositoryID(id)
        let revision = revision ?? "main"
        let response = try await get(RemoteFile(repo: id, revision: revision, path: "README.md").resolveURL(endpoint: endpoint))
        if response.status == 404, [nil, "EntryNotFound"].contains(Self.errorCode(of: response)) {
            return nil
        }
        return String(decoding: try Self.requireSuccess(response, repository: id, revision: revision).body, as: UTF8.self)
    }

    /// Every file and folder of `id` at `revision` (default `main`), all pages
    /// (`GET /api/models/{id}/tree/{revision}?recursive=true`).
    public func tree(id: String, revision: String? = nil) async throws(MarketplaceAPIError) -> [HuggingFaceTreeEntry] {
        try Self.requireValidRepositoryID(id)
        let revision = revision ?? "main"
        let firstPage = "\(endpoint)/api/models/\(id)/tree/\(URLQuery.encode(revision))?recursive=true"
        return try await fetchAllPages(
            HuggingFaceTreeEntry.self, from: firstPage, repository: (id, revision), limit: nil)
    }

    // MARK: Requests

    private func get(_ url: String) async throws(MarketplaceAPIError) -> HTTPResponse {
        try await http.apiGet(url, bearerToken: token)
    }

    /// The items of the page at `url` and of the pages its `Link` headers lead to, stopping once `limit` arrived.
    private func fetchAllPages<Item: Decodable>(
        _ item: Item.Type, from url: String, repository: (id: String, revision: String)?, limit: Int?
    ) async throws(MarketplaceAPIError) -> [Item] {
        var items: [Item] = []
        var nextPage: String? = url
        while let pageURL = nextPage, items.count < limit ?? .max {
            let response = try Self.requireSuccess(
                try await get(pageURL), repository: repository?.id, revision: repository?.revision)
            items += try response.decodeJSON([Item].self)
            nextPage = try response.nextPageURL(stayingOn: endpoint)
        }
        return limit.map { Array(items.prefix($0)) } ?? items
    }

    /// `response` if it is a 2xx answer; otherwise the error it means. With a `repository`, the Hub's
    /// `X-Error-Code` (or a bare 404) tells a missing repository or revision apart from other failures.
    private static func requireSuccess(
        _ response: HTTPResponse, repository: String?, revision: String?
    ) throws(MarketplaceAPIError) -> HTTPResponse {
        if let repository {
            switch (response.status, errorCode(of: response)) {
            case (_, "RepoNotFound"), (404, nil):
                throw .repositoryNotFound(repository: repository, url: response.url, status: response.status)
            case (404, "RevisionNotFound"):
                throw .revisionNotFound(repository: repository, revision: revision ?? "main", url: response.url)
            default:
                break
            }
        }
        return try response.requireSuccessForAPI()
    }

    /// The Hub's machine-readable reason for a failure (`X-Error-Code`: `RepoNotFound`, `RevisionNotFound`,
    /// `EntryNotFound`, `GatedRepo`, …).
    private static func errorCode(of response: HTTPResponse) -> String? {
        response.headers["X-Error-Code"]
    }

    /// Whether `id` is `owner/name` (or, when `allowingBareName`, a legacy bare `name`), each part made
    /// of ASCII letters, digits, `-`, `_` and `.`, not starting with `.` and without `..`, so it can go
    /// into a URL path as is.
    public static func isValidRepositoryID(_ id: String, allowingBareName: Bool = true) -> Bool {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        return (allowingBareName ? 1...2 : 2...2).contains(parts.count) && parts.allSatisfy { part in
            !part.isEmpty && !part.hasPrefix(".") && !part.contains("..")
                && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
        }
    }

    /// Throws unless `isValidRepositoryID(id)`.
    static func requireValidRepositoryID(_ id: String) throws(MarketplaceAPIError) {
        guard isValidRepositoryID(id) else { throw .invalidRepositoryID(id) }
    }
}
