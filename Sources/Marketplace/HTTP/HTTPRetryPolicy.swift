import CCurl

/// How often and how patiently `HTTPClient` retries 429, 5xx, broken connections and short bodies.
public struct HTTPRetryPolicy: Sendable, Equatable {
    /// Total tries per request, the first one included (at least 1).
    public var maxAttempts: Int
    /// The wait before the first retry; it doubles for each further retry.
    public var baseDelay: Duration
    /// The longest wait between tries, also for a server's `Retry-After`.
    public var maxDelay: Duration

    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30)) {
        precondition(maxAttempts >= 1, "a request needs at least one attempt")
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait before retry number `retry` (1 for the first retry).
    ///
    /// A server's `Retry-After` wins when present; otherwise exponential backoff
    /// `baseDelay * 2^(retry-1)` with "equal jitter": a random point in its upper half,
    /// picked by `randomUnit` in 0...1. Either way at most `maxDelay`.
    public func delay(beforeRetry retry: Int, retryAfter: Duration?, randomUnit: Double = .random(in: 0...1)) -> Duration {
        if let retryAfter {
            return min(retryAfter, maxDelay)
        }
        // Doubling more than 30 times exceeds any sensible maxDelay; the clamp keeps the shift in range.
        let doublings = min(max(retry - 1, 0), 30)
        let backoff = min(baseDelay * (1 << doublings), maxDelay)
        return backoff * (0.5 + 0.5 * randomUnit)
    }

    /// The wait a `Retry-After` header asks for: delta-seconds (`"120"`) or an HTTP-date,
    /// measured from `now` (seconds since 1970). Nil when the value is neither; a date in the past is zero.
    public static func retryAfterDelay(headerValue: String, now: Int) -> Duration? {
        let value = headerValue.trimmingHTTPWhitespace()
        if !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }) {
            // Digits too many for Int mean "very long"; maxDelay caps the wait anyway.
            return .seconds(Int(value) ?? Int.max)
        }
        let date = curl_getdate(value, nil)
        guard date >= 0 else { return nil }
        // Both times are non-negative, so the difference cannot overflow.
        return .seconds(max(Int(date) - now, 0))
    }
}
