import CCurl

/// Everything that can go wrong fetching a URL. Each `description` names the URL and the cause.
public enum HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not an absolute `http://` or `https://` URL (the request's, or a redirect's target).
    case invalidURL(String)
    /// The connection failed or broke (a libcurl error), on the last of `attempts` tries.
    case transferFailed(url: String, curlCode: Int, reason: String, attempts: Int)
    /// The server answered 429 or 5xx on every one of `attempts` tries.
    case serverError(url: String, status: Int, bodyPrefix: String, attempts: Int)
    /// The connection closed before the announced `Content-Length` arrived, on every one of `attempts` tries.
    case bodyShorterThanAnnounced(url: String, announcedBytes: UInt64, receivedBytes: UInt64, attempts: Int)
    /// The request URL redirected more than `limit` times.
    case tooManyRedirects(url: String, limit: Int)
    /// A 3xx answer without a usable `Location` header.
    case redirectWithoutLocation(url: String, status: Int)
    /// A 206 answer whose `Content-Range` does not start at the requested byte (or is missing).
    case mismatchedContentRange(url: String, requested: ClosedRange<UInt64>, contentRange: String?)
    /// 401 or 403: the resource is gated or private, and the token was missing or rejected.
    case accessDenied(url: String, status: Int, credentialsWereSent: Bool)
    /// Any other non-2xx answer, with the start of its body.
    case unexpectedStatus(url: String, status: Int, bodyPrefix: String)
    /// The calling task was cancelled.
    case cancelled(url: String)

    public var description: String {
        switch self {
        case .invalidURL(let url):
            return "Invalid URL \"\(url)\": only absolute http:// and https:// URLs are supported."
        case .transferFailed(let url, let curlCode, let reason, let attempts):
            return "Fetching \(url) failed \(Self.after(attempts)): \(reason) (curl error \(curlCode))."
                + (Self.certificateErrorCodes.contains(curlCode) ? Self.certificateHint : "")
        case .serverError(let url, let status, let bodyPrefix, let attempts):
            return "\(url) answered HTTP \(status) \(Self.after(attempts))\(Self.saying(bodyPrefix))."
        case .bodyShorterThanAnnounced(let url, let announcedBytes, let receivedBytes, let attempts):
            return "\(url) announced \(announcedBytes) bytes but closed the connection after \(receivedBytes), "
                + "\(Self.after(attempts))."
        case .tooManyRedirects(let url, let limit):
            return "\(url) redirected more than \(limit) times."
        case .redirectWithoutLocation(let url, let status):
            return "\(url) answered HTTP \(status) (a redirect) without a Location header."
        case .mismatchedContentRange(let url, let requested, let contentRange):
            return "\(url) was asked for bytes \(requested.lowerBound)-\(requested.upperBound) but answered 206 with "
                + (contentRange.map { "Content-Range \"\($0)\"" } ?? "no Content-Range") + "."
        case .accessDenied(let url, let status, let credentialsWereSent):
            let cause = credentialsWereSent
                ? "the token was rejected or has no access"
                : "the model is gated or private and no token was sent"
            return "\(url) answered HTTP \(status): \(cause). Accept the model's terms on its Hub page, "
                + "then set HF_TOKEN (or pass --token) to a token of that account."
        case .unexpectedStatus(let url, let status, let bodyPrefix):
            return "\(url) answered HTTP \(status)\(Self.saying(bodyPrefix))."
        case .cancelled(let url):
            return "Fetching \(url) was cancelled."
        }
    }

    /// libcurl's "the peer's certificate was not trusted" and "the CA bundle could not be used".
    static let certificateErrorCodes: Set<Int> = [Int(CURLE_PEER_FAILED_VERIFICATION.rawValue), Int(CURLE_SSL_CACERT_BADFILE.rawValue)]
    static let certificateHint = " If a proxy re-signs TLS traffic, point CURL_CA_BUNDLE (or SSL_CERT_FILE) "
        + "at a PEM file of its certificate authority."

    /// How many leading body bytes an error quotes.
    static let quotedBodyBytes = 200

    /// The first `quotedBodyBytes` of a body as text, for error messages.
    static func bodyPrefix(_ body: [UInt8]) -> String {
        String(decoding: body.prefix(quotedBodyBytes), as: UTF8.self).trimmingHTTPWhitespace()
    }

    private static func after(_ attempts: Int) -> String {
        attempts == 1 ? "after 1 attempt" : "after \(attempts) attempts"
    }

    private static func saying(_ bodyPrefix: String) -> String {
        bodyPrefix.isEmpty ? "" : "; the server said: \(bodyPrefix)"
    }
}
