/// A loopback stand-in for the Hugging Face Hub and its CDN: two servers on different ports,
/// so "another host" for credentials is a different origin.
///
/// Like the real Hub, `/{repo}/resolve/{revision}/{path}` answers large files with a 302 to a
/// signed CDN URL carrying `X-Repo-Commit`, `X-Linked-Size`, `X-Linked-Etag` and `ETag`, and
/// serves small files itself. The CDN serves the bytes and honours `Range`.
public final class LoopbackHub: Sendable {
    public let hub: LoopbackServer
    public let cdn: LoopbackServer

    /// The commit hash every file reports unless a test gives its own.
    public static let defaultCommit = "0123456789abcdef0123456789abcdef01234567"

    public init() throws(LoopbackServerError) {
        hub = try LoopbackServer()
        cdn = try LoopbackServer()
    }

    /// The Hub base URL, as `HF_ENDPOINT` would give it.
    public var endpoint: String {
        hub.baseURL
    }

    /// The Hub path that resolves `path` of `repo` at `revision`.
    public static func resolvePath(repo: String, revision: String = "main", path: String) -> String {
        "/\(repo)/resolve/\(revision)/\(path)"
    }

    /// The absolute Hub URL that resolves `path` of `repo` at `revision`.
    public func resolveURL(repo: String, revision: String = "main", path: String) -> String {
        hub.url(Self.resolvePath(repo: repo, revision: revision, path: path))
    }

    /// Adds an LFS file of `totalSize` bytes, `prefix` followed by zeros: the Hub redirects to the
    /// CDN, which serves it. Returns the CDN path (without its signature query), for faults and counters.
    @discardableResult
    public func addLargeFile(
        repo: String,
        revision: String = "main",
        path: String,
        prefix: [UInt8],
        totalSize: UInt64,
        commit: String = LoopbackHub.defaultCommit
    ) -> String {
        let sha256 = Self.fakeSHA256(of: "\(repo)/\(path)")
        let cdnPath = "/repos/\(sha256.prefix(2))/\(sha256.dropFirst(2).prefix(2))/\(sha256)"
        let signedTarget = "\(cdnPath)?Expires=4102444800&Signature=loopback&Key-Pair-Id=TEST"
        hub.serve(
            Self.resolvePath(repo: repo, revision: revision, path: path),
            .redirect(to: cdn.url(signedTarget), headers: [
                ("X-Repo-Commit", commit),
                ("X-Linked-Size", String(totalSize)),
                ("X-Linked-Etag", "\"\(sha256)\""),
                ("ETag", "\"\(sha256)\""),
            ])
        )
        cdn.serve(cdnPath, LoopbackResponse(
            headers: [("ETag", "\"\(sha256)\""), ("Accept-Ranges", "bytes")],
            body: LoopbackBody(prefix: prefix, totalSize: totalSize)
        ))
        return cdnPath
    }

    /// Adds a small (non-LFS) file the Hub serves directly, as it does for `config.json`.
    public func addSmallFile(
        repo: String,
        revision: String = "main",
        path: String,
        contents: [UInt8],
        commit: String = LoopbackHub.defaultCommit
    ) {
        hub.serve(Self.resolvePath(repo: repo, revision: revision, path: path), LoopbackResponse(
            headers: [
                ("X-Repo-Commit", commit),
                ("ETag", "\"\(Self.fakeSHA256(of: "\(repo)/\(path)").prefix(40))\""),
                ("Accept-Ranges", "bytes"),
            ],
            body: LoopbackBody(contents)
        ))
    }

    /// Stops both servers.
    public func stop() {
        hub.stop()
        cdn.stop()
    }

    /// 64 hex digits derived from `text` (FNV-1a, repeated): stable, distinct per file, not a real hash.
    static func fakeSHA256(of text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            // FNV-1a multiplies modulo 2^64 by design.
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        let word = String(repeating: "0", count: 16 - hex.count) + hex
        return String(repeating: word, count: 4)
    }
}
