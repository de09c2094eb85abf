import Foundation
import TestSupport

/// Requests and bytes the Hub and its CDN answered: status lines, headers and bodies.
public struct HubTraffic: Codable, Sendable {
    public var requests: Int
    public var bytes: Int

    public init(requests: Int, bytes: Int) {
        self.requests = requests
        self.bytes = bytes
    }

    public static func - (after: HubTraffic, before: HubTraffic) -> HubTraffic {
        HubTraffic(requests: after.requests - before.requests, bytes: after.bytes - before.bytes)
    }
}

/// The loopback Hub serving `HubRepositories`, plus a control server that is not counted as traffic:
/// `GET /traffic` answers `HubTraffic` as JSON, `GET /latency?ms=N` sets the latency added to every answer.
public final class BenchmarkHub: Sendable {
    public let hub: LoopbackHub
    public let control: LoopbackServer

    public init() throws {
        hub = try LoopbackHub()
        control = try LoopbackServer()
        HubRepositories.publish(on: hub)
        // The control server belongs to this hub, so its routes need not keep it alive.
        control.route("/traffic") { [unowned self] _ in
            .text(String(decoding: try! JSONEncoder().encode(traffic), as: UTF8.self))  // two integers always encode
        }
        control.route("/latency") { [unowned self] request in
            guard let milliseconds = request.target.split(separator: "=").last.flatMap({ Int($0) }) else {
                return .text("usage: /latency?ms=N", status: 400)
            }
            addedLatency = .milliseconds(milliseconds)
            return .text("latency \(milliseconds) ms")
        }
    }

    public var traffic: HubTraffic {
        HubTraffic(requests: hub.hub.totalRequests + hub.cdn.totalRequests, bytes: hub.hub.bytesSent + hub.cdn.bytesSent)
    }

    /// Latency added before each answer of the Hub and of the CDN.
    public var addedLatency: Duration {
        get { hub.hub.addedLatency }
        set {
            hub.hub.addedLatency = newValue
            hub.cdn.addedLatency = newValue
        }
    }

    public func stop() {
        hub.stop()
        control.stop()
    }
}
