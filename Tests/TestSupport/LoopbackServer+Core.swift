import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sockets, threads and state behind a `LoopbackServer`. Its threads keep it alive, so it is
/// stopped by the `LoopbackServer` that owns it, when that one goes away.
final class LoopbackServerCore: @unchecked Sendable {
    typealias Handler = LoopbackServer.Handler

    let port: UInt16

    private let listener: Int32
    private let wakePipe: (read: Int32, write: Int32)
    private let threads = DispatchGroup()
    /// Guards `state`; also signalled on `stop()` to cut short the pauses of threads that are delaying an answer.
    private let lock = NSCondition()
    private var state = State()

    /// Routes, faults and counters, guarded by `lock` (see `withState`).
    struct State {
        var routes: [String: Handler] = [:]
        var faults: [String: [InjectedFault]] = [:]
        var addedLatency: Duration = .zero
        var requestsPerPath: [String: Int] = [:]
        var recordedRequests: [LoopbackRequest] = []
        var bytesSent = 0
        var connectionsAccepted = 0
        var openConnections: Set<Int32> = []
        var requestsInFlight = 0
        var maxRequestsInFlight = 0
        var isStopped = false
    }

    struct InjectedFault {
        let fault: LoopbackFault
        /// How many more requests it applies to; nil for all.
        var remaining: Int?
    }

    /// The faults that apply to one request, already consumed from the injected ones.
    private struct ActiveFaults {
        var status: (code: Int, retryAfter: String?)?
        var ignoresRange = false
        var cutAfterBytes: UInt64?
        var delay: Duration = .zero
        var wrongContentRange = false
    }

    /// Binds 127.0.0.1 on a free port and starts accepting.
    init() throws(LoopbackServerError) {
        // A client that hangs up mid-body must surface as a write error, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        let listener = socket(AF_INET, Self.streamSocketType, 0)
        guard listener >= 0 else { throw Self.failure("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(listener, socketAddress, length) == 0
                    && listen(listener, 128) == 0
                    && getsockname(listener, socketAddress, &length) == 0
            }
        }
        var pipeEnds: [Int32] = [0, 0]
        guard bound, pipe(&pipeEnds) == 0 else {
            close(listener)
            throw Self.failure("listening on 127.0.0.1")
        }
        self.listener = listener
        port = UInt16(bigEndian: address.sin_port)
        wakePipe = (pipeEnds[0], pipeEnds[1])
        startThread { [self] in acceptConnections() }
    }

    deinit {
        close(wakePipe.read)
        close(wakePipe.write)
    }

    /// Stops accepting, closes open connections and the listening socket, and waits for all
    /// server threads to end. Idempotent.
    func stop() {
        let wasStopped = withState { state in
            defer { state.isStopped = true }
            if !state.isStopped {
                for connection in state.openConnections {
                    shutdown(connection, Int32(SHUT_RDWR))
                }
                lock.broadcast()
            }
            return state.isStopped
        }
        guard !wasStopped else { return }
        var wake: UInt8 = 1
        _ = write(wakePipe.write, &wake, 1)
        threads.wait()
        close(listener)
    }

    // MARK: Serving

    private func acceptConnections() {
        var watched = [
            pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            guard poll(&watched, nfds_t(watched.count), -1) >= 0 else { continue }
            if watched[1].revents != 0 { return }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            var noDelay: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            let connectionNumber: Int? = withState { state in
                guard !state.isStopped else { return nil }
                state.connectionsAccepted += 1
                state.openConnections.insert(connection)
                return state.connectionsAccepted
            }
            guard let connectionNumber else {
                close(connection)
                return
            }
            startThread { [self] in serveConnection(connection, number: connectionNumber) }
        }
    }

    private func serveConnection(_ connection: Int32, number: Int) {
        var reader = RequestReader(socket: connection)
        while let request = reader.nextRequest(connectionNumber: number), answer(request, on: connection) {}
        withState { state in
            state.openConnections.remove(connection)
            close(connection)
        }
    }

    /// Answers one request; returns whether the connection stays open for another.
    private func answer(_ request: LoopbackRequest, on connection: Int32) -> Bool {
        let (handler, faults, latency) = withState { state in
            state.requestsPerPath[request.path, default: 0] += 1
            state.recordedRequests.append(request)
            state.requestsInFlight += 1
            state.maxRequestsInFlight = max(state.maxRequestsInFlight, state.requestsInFlight)
            return (
                state.routes[request.target] ?? state.routes[request.path],
                Self.consumeFaults(for: request.path, in: &state),
                state.addedLatency
            )
        }
        defer { withState { $0.requestsInFlight -= 1 } }

        pause(for: latency + faults.delay)
        let (response, bodyRange) = Self.response(to: request, handler: handler, faults: faults)
        let keepAlive = request.header("Connection")?.lowercased() != "close" && faults.cutAfterBytes == nil
        var head = "HTTP/1.1 \(response.status) \(Self.reasonPhrase(response.status))\r\n"
        for header in response.headers {
            head += "\(header.name): \(header.value)\r\n"
        }
        head += "Content-Length: \(bodyRange.count)\r\n"
        head += "Connection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n"
        guard send(Array(head.utf8), on: connection) else { return false }
        guard request.method != "HEAD" else { return keepAlive }

        let sentCount = min(faults.cutAfterBytes ?? UInt64(bodyRange.count), UInt64(bodyRange.count))
        // Adding at most the range's own length to its start stays within the range.
        let sentEnd = bodyRange.lowerBound + sentCount
        var offset = bodyRange.lowerBound
        while offset < sentEnd {
            let chunkEnd = offset + min(Self.chunkSize, sentEnd - offset)
            guard send(response.body.bytes(at: offset..<chunkEnd), on: connection) else { return false }
            offset = chunkEnd
        }
        return keepAlive
    }

    /// The answer before any byte is written: an injected status, or the route's response
    /// narrowed to the requested range (206, or 416 when the range is past the end).
    private static func response(
        to request: LoopbackRequest,
        handler: Handler?,
        faults: ActiveFaults
    ) -> (response: LoopbackResponse, bodyRange: Range<UInt64>) {
        var response: LoopbackResponse
        if let status = faults.status {
            response = .text("HTTP \(status.code) injected by the test", status: status.code)
            if let retryAfter = status.retryAfter {
                response.headers.append(("Retry-After", retryAfter))
            }
        } else {
            response = handler?(request) ?? .text("Not Found: \(request.target)", status: 404)
        }
        let wholeBody = 0..<response.body.totalSize
        guard response.status == 200, !faults.ignoresRange, let rangeHeader = request.header("Range") else {
            return (response, wholeBody)
        }
        switch parseRange(rangeHeader, totalSize: response.body.totalSize) {
        case .none:
            return (response, wholeBody)
        case .unsatisfiable:
            let contentRange = "bytes */\(response.body.totalSize)"
            return (LoopbackResponse(status: 416, headers: [("Content-Range", contentRange)]), 0..<0)
        case .satisfiable(let range):
            let shift: UInt64 = faults.wrongContentRange ? 1 : 0
            // A satisfiable range is non-empty, so its upper bound is at least 1.
            let contentRange = "bytes \(range.lowerBound + shift)-\(range.upperBound - 1 + shift)/\(response.body.totalSize)"
            response.status = 206
            response.headers.append(("Content-Range", contentRange))
            return (response, range)
        }
    }

    private static let chunkSize: UInt64 = 64 * 1024

    /// Writes all of `bytes`; false when the client has gone.
    private func send(_ bytes: [UInt8], on connection: Int32) -> Bool {
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
            guard result > 0 else { return false }
            written += result
            withState { $0.bytesSent += result }
        }
        return true
    }

    private static func consumeFaults(for path: String, in state: inout State) -> ActiveFaults {
        var active = ActiveFaults()
        guard var injected = state.faults[path] else { return active }
        for index in injected.indices where injected[index].remaining != 0 {
            switch injected[index].fault {
            case .answerStatus(let code, let retryAfter):
                guard active.status == nil else { continue }
                active.status = (code, retryAfter)
            case .ignoreRange:
                active.ignoresRange = true
            case .cutBodyShort(let afterBytes):
                active.cutAfterBytes = afterBytes
            case .delayBeforeHeaders(let delay):
                active.delay += delay
            case .wrongContentRange:
                active.wrongContentRange = true
            }
            injected[index].remaining? -= 1
        }
        state.faults[path] = injected
        return active
    }

    private enum RangeRequest {
        case none
        case unsatisfiable
        case satisfiable(Range<UInt64>)
    }

    /// `bytes=a-b` or `bytes=a-`; anything else is ignored, as RFC 9110 allows.
    private static func parseRange(_ header: String, totalSize: UInt64) -> RangeRequest {
        guard header.hasPrefix("bytes=") else { return .none }
        let bounds = header.dropFirst("bytes=".count).split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let first = UInt64(bounds[0]) else { return .none }
        let requestedLast = bounds[1].isEmpty ? UInt64.max : UInt64(bounds[1])
        guard let requestedLast, first <= requestedLast else { return .none }
        guard first < totalSize else { return .unsatisfiable }
        // first < totalSize, so totalSize - 1 does not underflow and the end fits.
        return .satisfiable(first..<(min(requestedLast, totalSize - 1) + 1))
    }

    private static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 307: "Temporary Redirect"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 416: "Range Not Satisfiable"
        case 429: "Too Many Requests"
        case 503: "Service Unavailable"
        default: "Status \(status)"
        }
    }

    // MARK: Plumbing

    /// Sleeps for `duration`, or less if the server stops meanwhile.
    private func pause(for duration: Duration) {
        guard duration > .zero else { return }
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let deadline = Date(timeIntervalSinceNow: seconds)
        lock.lock()
        defer { lock.unlock() }
        while !state.isStopped, lock.wait(until: deadline) {}
    }

    func withState<Result>(_ body: (inout State) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    private func startThread(_ body: @escaping @Sendable () -> Void) {
        threads.enter()
        Thread { [threads] in
            body()
            threads.leave()
        }.start()
    }

    private static func failure(_ call: String) -> LoopbackServerError {
        LoopbackServerError(description: "loopback server: \(call) failed with errno \(errno)")
    }

    #if canImport(Glibc)
    private static let streamSocketType = Int32(SOCK_STREAM.rawValue)
    #else
    private static let streamSocketType = SOCK_STREAM
    #endif
}

/// Reads HTTP/1.1 request heads from one connection; requests carry no bodies here (GET/HEAD).
private struct RequestReader {
    let socket: Int32
    var buffer: [UInt8] = []

    /// The next request, or nil when the client closed the connection or sent garbage.
    mutating func nextRequest(connectionNumber: Int) -> LoopbackRequest? {
        let terminator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while true {
            headEnd = buffer.firstRange(of: terminator)?.lowerBound
            if headEnd != nil || buffer.count > 64 * 1024 { break }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let received = chunk.withUnsafeMutableBytes { read(socket, $0.baseAddress, $0.count) }
            guard received > 0 else { return nil }
            buffer += chunk[..<received]
        }
        guard let headEnd else { return nil }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + terminator.count)

        let lines = head.components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count == 3 else { return nil }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return LoopbackRequest(
            method: String(requestLine[0]),
            target: String(requestLine[1]),
            headers: headers,
            connectionNumber: connectionNumber
        )
    }
}
