extension HTTPClient {
    /// GETs `url`, sending `bearerToken` to its origin only; transport failures become `MarketplaceAPIError.http`.
    /// Any status comes back as a response.
    func apiGet(_ url: String, bearerToken: String?) async throws(MarketplaceAPIError) -> HTTPResponse {
        do {
            return try await send(HTTPRequest(url: url, bearerToken: bearerToken))
        } catch {
            throw .http(error)
        }
    }
}

extension HTTPResponse {
    /// This response when its status is 2xx; otherwise the HTTP layer's error for it
    /// (`accessDenied` for 401/403), as `MarketplaceAPIError.http`.
    func requireSuccessForAPI() throws(MarketplaceAPIError) -> HTTPResponse {
        do {
            return try requireSuccess()
        } catch {
            throw .http(error)
        }
    }
}
