import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// An HTTPS server on 127.0.0.1 (`openssl s_server -WWW`) serving the files of its folder over a
/// real TLS handshake, with a self-signed certificate made for the names given. Stopped and its
/// folder removed when released. Tests that use it carry `TLSServer.required`.
public final class TLSServer {
    /// The folder served: `GET /name` answers the file `name` in it.
    public let folder: URL
    /// The server's certificate (PEM), which is also the authority that signed it.
    public let certificatePath: String
    public let port: UInt16
    private var server: ChildProcess?

    static let openssl = "/usr/bin/openssl"

    /// Whether `openssl` is installed to serve HTTPS.
    public static let isAvailable = FileManager.default.isExecutableFile(atPath: openssl)

    /// Skips a test, saying why, when `openssl` is missing.
    public static let required = ConditionTrait.enabled(if: isAvailable, "serving HTTPS needs \(openssl)")

    /// Starts a server whose certificate names `hostNames` (DNS names or IP addresses).
    public init(hostNames: [String] = ["localhost", "127.0.0.1"]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("compat-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        certificatePath = folder.appendingPathComponent("certificate.pem").path
        let keyPath = folder.appendingPathComponent("key.pem").path
        let names = hostNames.map { name in
            (name.allSatisfy { $0.isNumber || $0 == "." } ? "IP:" : "DNS:") + name
        }.joined(separator: ",")
        try ChildProcess.run(Self.openssl, [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
            "-subj", "/CN=\(hostNames.first ?? "localhost")", "-addext", "subjectAltName=\(names)",
            "-keyout", keyPath, "-out", certificatePath,
        ])
        port = try Self.unusedPort()
        let server = try ChildProcess(Self.openssl, [
            "s_server", "-quiet", "-WWW", "-accept", "127.0.0.1:\(port)", "-cert", certificatePath, "-key", keyPath,
        ], directory: folder)
        self.server = server
        try waitUntilAccepting(server)
    }

    deinit {
        server?.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// `https://127.0.0.1:PORT` + `path`.
    public func url(_ path: String) -> String {
        "https://127.0.0.1:\(port)\(path)"
    }

    /// Puts a file in the served folder.
    public func serve(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: folder.appendingPathComponent(name))
    }

    /// A server failed to start.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    private func waitUntilAccepting(_ server: ChildProcess) throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            guard server.isRunning else { throw StartError(description: "openssl s_server exited with \(server.wait())") }
            if Self.connects(to: port) { return }
            usleep(20_000)
        }
        throw StartError(description: "openssl s_server did not accept connections on port \(port) within 10 s")
    }

    private static func loopbackAddress(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    /// A port the kernel just handed out for 127.0.0.1, free again for the server to take.
    private static func unusedPort() throws -> UInt16 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw StartError(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(socket) }
        var address = loopbackAddress(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let found = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socket, generic, length) == 0 && getsockname(socket, generic, &length) == 0
            }
        }
        guard found else { throw StartError(description: "bind: \(String(cString: strerror(errno)))") }
        return UInt16(bigEndian: address.sin_port)
    }

    private static func connects(to port: UInt16) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = loopbackAddress(port: port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
