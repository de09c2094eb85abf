import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fetches URLs with libcurl: redirects followed hop by hop with credentials kept on their
/// origin, retries with backoff, and a bound on concurrent transfers.
///
/// `send` throws only when no usable answer came: transport failures, exhausted retries,
/// redirect problems, a 206 for the wrong bytes, cancellation. Other statuses (404, 401, …)
/// come back as responses; `HTTPResponse.requireSuccess()` turns them into errors.
public final class HTTPClient: Sendable {
    /// Limits and timeouts for one client.
    public struct Configuration: Sendable {
        /// Transfers running at once; further requests wait their turn.
        public var maxConcurrentTransfers: Int
        /// Redirects followed per request before `HTTPError.tooManyRedirects`.
        public var maxRedirects: Int
        public var connectTimeout: Duration
        /// A transfer slower than `lowSpeedLimit` bytes per second for `lowSpeedTime` is aborted (and retried).
        public var lowSpeedLimit: Int
        public var lowSpeedTime: Duration
        public var retry: HTTPRetryPolicy
        public var userAgent: String
        /// A PEM file of the certificate authorities TLS peers are verified against, replacing the
        /// system's (for a proxy that re-signs traffic); nil uses the system's. Verification is always on.
        public var certificateAuthorities: String?

        public init(
            maxConcurrentTransfers: Int = 8,
            maxRedirects: Int = 10,
            connectTimeout: Duration = .seconds(10),
            lowSpeedLimit: Int = 1_024,
            lowSpeedTime: Duration = .seconds(20),
            retry: HTTPRetryPolicy = HTTPRetryPolicy(),
            userAgent: String = "compat/0.1",
            certificateAuthorities: String? = MarketplaceEnvironment.certificateAuthorities()
        ) {
            self.maxConcurrentTransfers = maxConcurrentTransfers
            self.maxRedirects = maxRedirects
            self.connectTimeout = connectTimeout
            self.lowSpeedLimit = lowSpeedLimit
            self.lowSpeedTime = lowSpeedTime
            self.retry = retry
            self.userAgent = userAgent
            self.certificateAuthorities = certificateAuthorities
        }
    }

    public let configuration: Configuration
    private let engine: CurlTransferEngine

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        let settings = CurlTransferSettings(
            userAgent: configuration.userAgent,
            connectTimeoutMilliseconds: Self.wholeUnits(of: configuration.connectTimeout, unit: .milliseconds(1)),
            lowSpeedLimitBytesPerSecond: configuration.lowSpeedLimit,
            lowSpeedTimeSeconds: Self.wholeUnits(of: configuration.lowSpeedTime, unit: .seconds(1)),
            certificateAuthorities: configuration.certificateAuthorities
        )
        engine = CurlTransferEngine(settings: settings, maxConcurrentTransfers: configuration.maxConcurrentTransfers)
    }

    deinit {
        engine.shutDown()
    }

    /// Requests made and body bytes received so far, by all of this client's transfers.
    public var stats: HTTPTransferStats {
        engine.stats.withLock { $0 }
    }

    /// Fetches `request.url`, following redirects and retrying 429, 5xx, broken connections
    /// and short bodies as `configuration.retry` allows.
    public func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        guard let credentialOrigin = URLOrigin(request.url) else { throw .invalidURL(request.url) }
        var attempt = 1
        while true {
            switch await fetchFollowingRedirects(request, credentialOrigin: credentialOrigin) {
            case .success(let response):
                return response
            case .failure(let failure):
                guard failure.isRetryable, attempt < configuration.retry.maxAttempts else {
                    throw failure.error(attempts: attempt)
                }
                let delay = configuration.retry.delay(beforeRetry: attempt, retryAfter: failure.retryAfter)
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    throw .cancelled(url: request.url)
                }
                attempt += 1
            }
        }
    }

    /// One attempt: hops until a non-redirect answer.
    private func fetchFollowingRedirects(
        _ request: HTTPRequest,
        credentialOrigin: URLOrigin
    ) async -> Result<HTTPResponse, AttemptFailure> {
        var url = request.url
        var redirects: [HTTPRedirect] = []
        while true {
            guard let origin = URLOrigin(url) else { return .failure(.final(.invalidURL(url))) }
            let sendsCredentials = origin == credentialOrigin
            let hop = CurlTransferRequest(
                url: url,
                method: request.method,
                headerLines: request.headerLines(includingCredentials: sendsCredentials),
                byteRange: request.byteRange,
                maxBodyBytes: request.effectiveMaxBodyBytes
            )
            let answer: CurlTransferResponse
            switch await engine.perform(hop) {
            case .cancelled:
                return .failure(.final(.cancelled(url: url)))
            case .failed(let failure):
                return .failure(AttemptFailure(url: url, transferFailure: failure))
            case .completed(let completed):
                answer = completed
            }

            if request.followRedirects, Self.redirectStatuses.contains(answer.status) {
                guard let target = answer.headers["Location"].flatMap({ CurlURL.resolve($0, against: url) }) else {
                    return .failure(.final(.redirectWithoutLocation(url: url, status: answer.status)))
                }
                guard redirects.count < configuration.maxRedirects else {
                    return .failure(.final(.tooManyRedirects(url: request.url, limit: configuration.maxRedirects)))
                }
                redirects.append(HTTPRedirect(url: url, status: answer.status, headers: answer.headers))
                url = target
                continue
            }
            if answer.status == 429 || (500..<600).contains(answer.status) {
                return .failure(.retryableStatus(
                    url: url,
                    status: answer.status,
                    bodyPrefix: HTTPError.bodyPrefix(answer.body),
                    retryAfter: answer.headers["Retry-After"].flatMap {
                        HTTPRetryPolicy.retryAfterDelay(headerValue: $0, now: Int(time(nil)))
                    }
                ))
            }
            let response = HTTPResponse(
                status: answer.status,
                headers: answer.headers,
                body: answer.body,
                url: url,
                redirects: redirects,
                bodyWasTruncated: answer.bodyWasTruncated,
                credentialsWereSent: sendsCredentials
                    && (request.bearerToken != nil || request.headers["Authorization"] != nil)
            )
            if let requested = request.byteRange, response.status == 206,
               response.contentRange?.range?.lowerBound != requested.lowerBound {
                return .failure(.final(.mismatchedContentRange(
                    url: url, requested: requested, contentRange: response.headers["Content-Range"]
                )))
            }
            return .success(response)
        }
    }

    private static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    /// libcurl errors worth another try: the network or the server hiccuped.
    private static let retryableCurlCodes: Set<CURLcode> = [
        CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING,
        CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM,
    ]

    /// `duration` in whole `unit`s for a libcurl `long` option: rounded up so a short timeout
    /// never becomes "no timeout" (0), and clamped so an absurd one cannot trap the conversion.
    private static func wholeUnits(of duration: Duration, unit: Duration) -> Int {
        Int(min((duration / unit).rounded(.up), Double(Int32.max)))
    }

    /// Why one attempt produced no response, and whether another attempt may help.
    private enum AttemptFailure: Error {
        case transport(url: String, failure: CurlTransferFailure)
        case shortBody(url: String, announcedBytes: UInt64, receivedBytes: UInt64)
        case retryableStatus(url: String, status: Int, bodyPrefix: String, retryAfter: Duration?)
        case final(HTTPError)

        init(url: String, transferFailure: CurlTransferFailure) {
            if transferFailure.code == CURLE_PARTIAL_FILE, let announced = transferFailure.announcedBodyBytes {
                self = .shortBody(url: url, announcedBytes: announced, receivedBytes: transferFailure.receivedBodyBytes)
            } else {
                self = .transport(url: url, failure: transferFailure)
            }
        }

        var isRetryable: Bool {
            switch self {
            case .transport(_, let failure): HTTPClient.retryableCurlCodes.contains(failure.code)
            case .shortBody, .retryableStatus: true
            case .final: false
            }
        }

        var retryAfter: Duration? {
            if case .retryableStatus(_, _, _, let retryAfter) = self { retryAfter } else { nil }
        }

        func error(attempts: Int) -> HTTPError {
            switch self {
            case .transport(let url, let failure):
                .transferFailed(url: url, curlCode: Int(failure.code.rawValue), reason: failure.reason, attempts: attempts)
            case .shortBody(let url, let announcedBytes, let receivedBytes):
                .bodyShorterThanAnnounced(
                    url: url, announcedBytes: announcedBytes, receivedBytes: receivedBytes, attempts: attempts
                )
            case .retryableStatus(let url, let status, let bodyPrefix, _):
                .serverError(url: url, status: status, bodyPrefix: bodyPrefix, attempts: attempts)
            case .final(let error):
                error
            }
        }
    }
}
