/// A real HTTP/1.1 server on 127.0.0.1 with an ephemeral port, for tests that exercise the HTTP
/// client end to end: routes, virtual large files with `Range` support, keep-alive, switchable
/// faults, and counters of what it saw and sent. One thread accepts; each connection gets a thread.
///
/// It stops when `stop()` is called or when it goes away.
public final class LoopbackServer: Sendable {
    public typealias Handler = @Sendable (LoopbackRequest) -> LoopbackResponse

    private let core: LoopbackServerCore

    /// Binds 127.0.0.1 on a free port and starts accepting.
    public init() throws(LoopbackServerError) {
        core = try LoopbackServerCore()
    }

    deinit {
        core.stop()
    }

    public var port: UInt16 {
        core.port
    }

    /// `http://127.0.0.1:<port>`
    public var baseURL: String {
        "http://127.0.0.1:\(port)"
    }

    /// The absolute URL of `target` (a path with optional query) on this server.
    public func url(_ target: String) -> String {
        baseURL + target
    }

    /// Stops accepting, closes open connections and the listening socket (so new connections
    /// are refused), and waits for all server threads to end. Idempotent.
    public func stop() {
        core.stop()
    }

    // MARK: Routes and faults

    /// Answers requests for `target` with `handler`. A target with a query matches only that
    /// query; a bare path matches any query not routed more precisely. Unrouted targets get 404.
    public func route(_ target: String, _ handler: @escaping Handler) {
        core.withState { $0.routes[target] = handler }
    }

    /// Answers requests for `target` with a fixed response.
    public func serve(_ target: String, _ response: LoopbackResponse) {
        route(target) { _ in response }
    }

    /// Makes requests for `path` (query ignored) misbehave: for the next `times` requests, or all when nil.
    /// At most one `answerStatus` fault applies per request, in the order injected.
    public func inject(_ fault: LoopbackFault, on path: String, times: Int? = nil) {
        core.withState { $0.faults[path, default: []].append(.init(fault: fault, remaining: times)) }
    }

    /// Latency added before every answer on every path (e.g. 50 ms to mimic a remote Hub).
    public var addedLatency: Duration {
        get { core.withState { $0.addedLatency } }
        set { core.withState { $0.addedLatency = newValue } }
    }

    // MARK: Observations

    /// Requests received for `path` (query ignored).
    public func requestCount(path: String) -> Int {
        core.withState { $0.requestsPerPath[path, default: 0] }
    }

    /// Requests received on all paths.
    public var totalRequests: Int {
        core.withState { $0.recordedRequests.count }
    }

    /// Every request received, in arrival order, with its headers.
    public var recordedRequests: [LoopbackRequest] {
        core.withState { $0.recordedRequests }
    }

    /// Bytes written to clients: status lines, headers and bodies.
    public var bytesSent: Int {
        core.withState { $0.bytesSent }
    }

    /// TCP connections accepted; fewer than `totalRequests` means keep-alive reuse.
    public var connectionsAccepted: Int {
        core.withState { $0.connectionsAccepted }
    }

    /// The most requests that were being answered at the same moment.
    public var maxConcurrentRequests: Int {
        core.withState { $0.maxRequestsInFlight }
    }
}
