/// A request as the loopback server parsed it.
public struct LoopbackRequest: Sendable {
    public let method: String
    /// The request target as sent: path plus `?query` if any.
    public let target: String
    public let headers: [(name: String, value: String)]
    /// Which accepted connection carried it (1 for the first), to observe connection reuse.
    public let connectionNumber: Int

    /// The target without its query.
    public var path: String {
        target.firstIndex(of: "?").map { String(target[..<$0]) } ?? target
    }

    /// The first value of header `name` (case-insensitive), or nil.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A body the server can stream without holding it: `prefix`, then zeros up to `totalSize` bytes,
/// so a test can serve a "40 GB" file whose header is real.
public struct LoopbackBody: Sendable {
    public var prefix: [UInt8]
    public var totalSize: UInt64

    /// A body of exactly `bytes`.
    public init(_ bytes: [UInt8] = []) {
        self.init(prefix: bytes, totalSize: UInt64(bytes.count))
    }

    /// A virtual body: `prefix` followed by zeros up to `totalSize` bytes.
    public init(prefix: [UInt8], totalSize: UInt64) {
        precondition(totalSize >= UInt64(prefix.count), "the prefix must fit in the total size")
        self.prefix = prefix
        self.totalSize = totalSize
    }

    /// The bytes at `offsets`, generated on the fly past the prefix. The server asks for one
    /// write-sized chunk at a time, so the count fits in memory.
    func bytes(at offsets: Range<UInt64>) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: Int(offsets.count))
        let prefixEnd = UInt64(prefix.count)
        if offsets.lowerBound < prefixEnd {
            let copied = offsets.clamped(to: 0..<prefixEnd)
            // Both bounds are below prefix.count, an Int.
            chunk.replaceSubrange(0..<copied.count, with: prefix[Int(copied.lowerBound)..<Int(copied.upperBound)])
        }
        return chunk
    }
}

/// What a route answers.
public struct LoopbackResponse: Sendable {
    public var status: Int
    /// Headers besides `Content-Length` and `Connection`, which the server adds.
    public var headers: [(name: String, value: String)]
    /// For a 200 the server honours `Range` on this body (206/416), unless a fault says otherwise.
    public var body: LoopbackBody

    public init(status: Int = 200, headers: [(name: String, value: String)] = [], body: LoopbackBody = LoopbackBody()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A 200 (or `status`) answer with a UTF-8 text body.
    public static func text(_ text: String, status: Int = 200, headers: [(name: String, value: String)] = []) -> Self {
        LoopbackResponse(status: status, headers: headers, body: LoopbackBody(Array(text.utf8)))
    }

    /// A redirect to `location` (absolute or relative), with a short body as real servers send.
    public static func redirect(
        to location: String,
        status: Int = 302,
        headers: [(name: String, value: String)] = []
    ) -> Self {
        .text("Found. Redirecting to \(location)", status: status, headers: [("Location", location)] + headers)
    }
}

/// Misbehaviour a test switches on for one path (see `LoopbackServer.inject`).
public enum LoopbackFault: Sendable {
    /// Answer `status` (e.g. 429 or 503) instead of the route, with `Retry-After` when given.
    case answerStatus(Int, retryAfter: String? = nil)
    /// Answer 200 with the whole body even when a `Range` was asked for.
    case ignoreRange
    /// Announce the full `Content-Length` but close the connection after `afterBytes` body bytes.
    case cutBodyShort(afterBytes: UInt64)
    /// Wait before sending the status line.
    case delayBeforeHeaders(Duration)
    /// Answer a range request with 206 and a `Content-Range` one byte off from what was asked.
    case wrongContentRange
}

/// The loopback server could not start.
public struct LoopbackServerError: Error, CustomStringConvertible {
    public let description: String
}
