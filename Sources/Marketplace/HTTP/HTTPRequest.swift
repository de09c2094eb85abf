/// The HTTP methods the client sends: it only ever reads.
public enum HTTPMethod: String, Sendable {
    case get = "GET"
    case head = "HEAD"
}

/// One request for `HTTPClient.send`.
public struct HTTPRequest: Sendable {
    /// An absolute `http://` or `https://` URL.
    public var url: String
    public var method: HTTPMethod
    /// Extra request headers. An `Authorization` header here is treated like
    /// `bearerToken`: it is sent only to the origin of `url`.
    public var headers: HTTPHeaders
    /// Inclusive byte range to ask for with a `Range` header (answered with 206 by servers that honour it).
    public var byteRange: ClosedRange<UInt64>?
    /// Sent as `Authorization: Bearer <token>`, only to the origin (scheme, host, port) of `url`,
    /// never to a host a redirect leads to.
    public var bearerToken: String?
    /// The most bytes of a 2xx body to keep. A server that ignores `Range` and streams a whole
    /// 40 GB file is cut off once this many bytes arrived; the response then carries the
    /// truncated body and `bodyWasTruncated == true`. When nil and `byteRange` is set, the
    /// limit is `byteRange.upperBound + 1`: enough to cut the range out of a full-file 200.
    /// Bodies of other statuses (redirects, errors) are always cut at 64 KiB.
    public var maxBodyBytes: Int?
    /// Whether 301/302/303/307/308 answers are followed (at most `Configuration.maxRedirects` times).
    /// When false the redirect itself is returned, e.g. to read the Hub's `X-Linked-Size`.
    public var followRedirects: Bool

    public init(
        url: String,
        method: HTTPMethod = .get,
        headers: HTTPHeaders = [:],
        byteRange: ClosedRange<UInt64>? = nil,
        bearerToken: String? = nil,
        maxBodyBytes: Int? = nil,
        followRedirects: Bool = true
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.byteRange = byteRange
        self.bearerToken = bearerToken
        self.maxBodyBytes = maxBodyBytes
        self.followRedirects = followRedirects
    }

    /// `maxBodyBytes`, or what a ranged request can use at most.
    var effectiveMaxBodyBytes: Int? {
        // Clamped first, so adding one cannot overflow.
        maxBodyBytes ?? byteRange.map { Int(min($0.upperBound, UInt64(Int.max - 1))) + 1 }
    }

    /// The header lines for one hop: credentials only when the hop stays on the request's origin.
    func headerLines(includingCredentials: Bool) -> [String] {
        var hopHeaders = headers
        if includingCredentials {
            if let bearerToken {
                hopHeaders.remove(name: "Authorization")
                hopHeaders.add(name: "Authorization", value: "Bearer \(bearerToken)")
            }
        } else {
            hopHeaders.remove(name: "Authorization")
        }
        return hopHeaders.map { "\($0.name): \($0.value)" }
    }
}
