/// A redirect answered on the way to the final response.
public struct HTTPRedirect: Sendable, Equatable {
    /// The URL that answered with the redirect.
    public var url: String
    public var status: Int
    /// Its headers, e.g. the Hub's `X-Repo-Commit`, `X-Linked-Size` and `X-Linked-Etag`.
    public var headers: HTTPHeaders

    public init(url: String, status: Int, headers: HTTPHeaders) {
        self.url = url
        self.status = status
        self.headers = headers
    }
}

/// The final answer to an `HTTPRequest`, after redirects.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    /// The body, cut at the request's body limit (see `HTTPRequest.maxBodyBytes`). Empty for HEAD.
    public var body: [UInt8]
    /// The URL that gave this answer (the request URL, or the last redirect target).
    public var url: String
    /// The redirects followed, in order, starting with the request URL.
    public var redirects: [HTTPRedirect]
    /// True when the transfer was stopped because the body reached its limit.
    public var bodyWasTruncated: Bool
    /// Whether the request to `url` carried the caller's credentials.
    public var credentialsWereSent: Bool

    public init(
        status: Int,
        headers: HTTPHeaders,
        body: [UInt8],
        url: String,
        redirects: [HTTPRedirect] = [],
        bodyWasTruncated: Bool = false,
        credentialsWereSent: Bool = false
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
        self.redirects = redirects
        self.bodyWasTruncated = bodyWasTruncated
        self.credentialsWereSent = credentialsWereSent
    }

    /// The URLs that redirected, in order, starting with the request URL.
    public var redirectChain: [String] {
        redirects.map(\.url)
    }

    /// The parsed `Content-Range` header, if any.
    public var contentRange: HTTPContentRange? {
        headers["Content-Range"].flatMap(HTTPContentRange.init(headerValue:))
    }

    /// Returns the response when its status is 2xx; otherwise throws `HTTPError.accessDenied`
    /// for 401/403 and `HTTPError.unexpectedStatus` for anything else.
    @discardableResult
    public func requireSuccess() throws(HTTPError) -> HTTPResponse {
        switch status {
        case 200..<300:
            return self
        case 401, 403:
            throw .accessDenied(url: url, status: status, credentialsWereSent: credentialsWereSent)
        default:
            throw .unexpectedStatus(url: url, status: status, bodyPrefix: HTTPError.bodyPrefix(body))
        }
    }
}

/// A `Content-Range: bytes first-last/total` header value.
public struct HTTPContentRange: Sendable, Equatable {
    /// The bytes carried, or nil for the `bytes */total` form of a 416 answer.
    public var range: ClosedRange<UInt64>?
    /// The size of the whole resource, or nil when the server sent `*`.
    public var totalSize: UInt64?

    public init(range: ClosedRange<UInt64>?, totalSize: UInt64?) {
        self.range = range
        self.totalSize = totalSize
    }

    /// Parses `bytes a-b/total`, `bytes a-b/*` and `bytes */total`; nil for anything else.
    public init?(headerValue: String) {
        let value = headerValue.trimmingHTTPWhitespace()
        guard value.lowercased().hasPrefix("bytes ") else { return nil }
        let parts = value.dropFirst("bytes ".count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }

        if parts[1] == "*" {
            totalSize = nil
        } else if let total = UInt64(parts[1]) {
            totalSize = total
        } else {
            return nil
        }

        if parts[0] == "*" {
            guard totalSize != nil else { return nil }
            range = nil
        } else {
            let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 2, let first = UInt64(bounds[0]), let last = UInt64(bounds[1]), first <= last
            else { return nil }
            range = first...last
        }
    }
}

extension StringProtocol {
    /// The string without leading and trailing whitespace and line breaks.
    func trimmingHTTPWhitespace() -> String {
        guard let start = firstIndex(where: { !$0.isWhitespace }), let end = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[start...end])
    }
}
