/// What an `HTTPClient` has transferred so far.
public struct HTTPTransferStats: Sendable, Equatable {
    /// HTTP requests put on the wire: every redirect hop and every retry counts.
    public var requests: Int
    /// Response body bytes received, including bytes dropped past a `maxBodyBytes` limit.
    public var bytesReceived: Int

    public init(requests: Int = 0, bytesReceived: Int = 0) {
        self.requests = requests
        self.bytesReceived = bytesReceived
    }
}
