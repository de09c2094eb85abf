import Foundation

/// Reads models and model versions from CivitAI's REST API (v1), keeping only the content
/// `nsfwFilter` allows.
///
/// The marketplace SDK's functions map to: `searchCivitAIModels` → `searchModels`,
/// `listCivitAIModels` → `listModels`, `getCivitAIModel` → `model`, `getRawCivitAIModel` → `rawModel`,
/// `getCivitAIModelVersion` → `modelVersion`.
public struct CivitAIClient: Sendable {
    /// CivitAI's base URL, without a trailing slash.
    public let endpoint: String
    /// Sent as `Authorization: Bearer …` to `endpoint`'s origin only.
    public let apiKey: String?
    /// Which models listings keep, and which preview images every answer keeps.
    public let nsfwFilter: CivitAINSFWFilter
    public let http: HTTPClient

    /// A client for `endpoint` (default: `CIVITAI_ENDPOINT`, else civitai.com) sending `apiKey`
    /// (default: `CIVITAI_API_KEY`), keeping safe content only unless told otherwise.
    public init(
        endpoint: String = MarketplaceEnvironment.civitAIEndpoint(),
        apiKey: String? = CivitAIClient.apiKey(),
        nsfwFilter: CivitAINSFWFilter = .safeOnly,
        http: HTTPClient = HTTPClient()
    ) {
        self.endpoint = MarketplaceEnvironment.withoutTrailingSlash(endpoint)
        self.apiKey = apiKey
        self.nsfwFilter = nsfwFilter
        self.http = http
    }

    /// `CIVITAI_API_KEY`, trimmed; nil when unset or blank.
    public static func apiKey(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        MarketplaceEnvironment.usable(environment["CIVITAI_API_KEY"])
    }

    /// One page of models matching `query`, without the models and images the filter disallows
    /// (`listCivitAIModels`). Continue with `metadata.nextCursor` (or `page`).
    public func listModels(_ query: CivitAIModelQuery = CivitAIModelQuery()) async throws(MarketplaceAPIError)
        -> CivitAIModelPage {
        let url = URLQuery.url("\(endpoint)/api/v1/models", query.queryItems(nsfwFilter: nsfwFilter))
        let page = try await get(CivitAIModelPage.self, url)
        return CivitAIModelPage(items: nsfwFilter.apply(to: page.items), metadata: page.metadata)
    }

    /// One page of models whose name contains `text`, further filtered by `query` (`searchCivitAIModels`).
    public func searchModels(_ text: String, query: CivitAIModelQuery = CivitAIModelQuery())
        async throws(MarketplaceAPIError) -> CivitAIModelPage {
        var query = query
        query.query = text
        return try await listModels(query)
    }

    /// The normalized model `id` (`getCivitAIModel`). A model asked for by id is returned even when the
    /// filter would leave it out of listings; only its preview images are filtered.
    public func model(id: Int) async throws(MarketplaceAPIError) -> Model {
        Model(civitAI: try await rawModel(id: id), nsfwFilter: nsfwFilter)
    }

    /// Model `id` as CivitAI describes it, without the images the filter disallows
    /// (`GET /api/v1/models/{id}`; `getRawCivitAIModel`).
    public func rawModel(id: Int) async throws(MarketplaceAPIError) -> CivitAIModel {
        nsfwFilter.apply(to: try await get(CivitAIModel.self, "\(endpoint)/api/v1/models/\(id)"))
    }

    /// Model version `id`, without the images the filter disallows
    /// (`GET /api/v1/model-versions/{id}`; `getCivitAIModelVersion`).
    public func modelVersion(id: Int) async throws(MarketplaceAPIError) -> CivitAIModelVersion {
        nsfwFilter.apply(to: try await get(CivitAIModelVersion.self, "\(endpoint)/api/v1/model-versions/\(id)"))
    }

    /// The JSON at `url` decoded as `type`; 404 is `.notFound`.
    private func get<Value: Decodable>(_ type: Value.Type, _ url: String) async throws(MarketplaceAPIError) -> Value {
        let response = try await http.apiGet(url, bearerToken: apiKey)
        if response.status == 404 { throw .notFound(url: response.url) }
        return try response.requireSuccessForAPI().decodeJSON(type)
    }
}
