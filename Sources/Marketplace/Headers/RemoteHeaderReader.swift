import FormatParsers

/// A file in a Hub repository, as `resolve/{revision}/{path}` names it.
public struct RemoteFile: Hashable, Sendable {
    public var repo: String
    public var revision: String
    public var path: String
    /// From a tree listing, when known: the commit and the file's ETag (LFS sha256 or git blob id).
    /// With both, a cached header answers without any request.
    public var commit: String?
    public var etag: String?

    public init(repo: String, revision: String = "main", path: String, commit: String? = nil, etag: String? = nil) {
        self.repo = repo
        self.revision = revision
        self.path = path
        self.commit = commit
        self.etag = etag
    }

    /// `{endpoint}/{repo}/resolve/{revision}/{path}` with each segment percent-encoded.
    public func resolveURL(endpoint: String) -> String {
        let base = MarketplaceEnvironment.withoutTrailingSlash(endpoint)
        let encodedPath = path.split(separator: "/", omittingEmptySubsequences: false).map { URLQuery.encode(String($0)) }
        return base + "/" + repo + "/resolve/" + URLQuery.encode(revision) + "/" + encodedPath.joined(separator: "/")
    }
}

/// A header read over HTTP, with what the server said about the file.
public struct RemoteHeader: Sendable {
    public let file: RemoteFile
    public let header: ModelHeader
    /// The whole file's size (from `Content-Range`, or `X-Linked-Size`).
    public let fileSize: UInt64
    /// `X-Repo-Commit`, when the Hub sent it.
    public let commit: String?
    /// `X-Linked-Etag` or `ETag`, without quotes.
    public let etag: String?
    /// File requests made for this header (0 when it came from the cache).
    public let requests: Int
    /// Bytes of the file transferred (0 when it came from the cache).
    public let bytesTransferred: UInt64
}

/// Reads GGUF and safetensors headers over HTTP Range requests, driven by the incremental parsers:
/// a first chunk, then only the missing bytes the parser asks for, never a byte twice.
///
/// Per file: safetensors takes one request when its header fits the first chunk and two otherwise;
/// GGUF fetches the parser's estimate of the whole header with a margin, so headers up to tens of
/// megabytes take at most three requests, and the bytes transferred stay within
/// 1.1 × the header size + 256 KiB.
public struct RemoteHeaderReader: Sendable {
    public let client: HTTPClient
    public let endpoint: String
    public let token: String?
    public let cache: HeaderCache?
    /// Answer from the cache only; a miss is `.notCached`.
    public let offline: Bool
    public let limits: FormatLimits

    /// The first request's size: it bounds what a small header costs. 64 KiB holds the header of
    /// most safetensors shards and GGUF split parts, and is under the 100 kB first read of
    /// huggingface_hub and hf-mem, so no small file costs more bytes here than there.
    public static let firstChunkBytes: UInt64 = 64 << 10
    /// Absolute margin added to estimated follow-up requests.
    static let followUpMarginBytes: UInt64 = 128 << 10

    public init(client: HTTPClient, endpoint: String, token: String? = nil, cache: HeaderCache? = nil, offline: Bool = false, limits: FormatLimits = .default) {
        self.client = client
        self.endpoint = MarketplaceEnvironment.withoutTrailingSlash(endpoint)
        self.token = token
        self.cache = cache
        self.offline = offline
        self.limits = limits
    }

    /// Reads one file's header: from the cache when the commit and ETag are known and cached,
    /// else over the network (and then stores it).
    public func read(_ file: RemoteFile) async throws(HeaderReadError) -> RemoteHeader {
        let source = file.resolveURL(endpoint: endpoint)
        guard let format = ModelFileFormat(fileName: file.path) else { throw .unknownFormat(source) }
        if let (cached, commit, etag) = cachedEntry(of: file) {
            var assembler = HeaderAssembler(format: format, fileSize: cached.fileSize, limits: limits)
            // A cached entry that no longer parses is refetched.
            if let step = try? assembler.step(cached.bytes), case .complete(let header) = step {
                return RemoteHeader(file: file, header: header, fileSize: cached.fileSize, commit: commit, etag: etag, requests: 0, bytesTransferred: 0)
            }
        }
        guard !offline else { throw .notCached(source) }
        let remote = try await fetch(file, format: format, url: source)
        store(CachedHeader(bytes: headerBytes(of: remote.header), fileSize: remote.fileSize), of: file, commit: remote.commit, etag: remote.etag)
        return remote
    }

    /// Reads many headers concurrently (the client bounds the transfers in flight).
    /// Results are in the order of `files`.
    public func read(_ files: [RemoteFile]) async -> [Result<RemoteHeader, HeaderReadError>] {
        await withTaskGroup(of: (Int, Result<RemoteHeader, HeaderReadError>).self) { group in
            for (index, file) in files.enumerated() {
                group.addTask {
                    // One return of the tuple: returning it from both the `do` and the `catch` of a typed
                    // `do throws` is miscompiled by Swift 6.3.1 at -O (the index comes back as garbage).
                    let result: Result<RemoteHeader, HeaderReadError>
                    do throws(HeaderReadError) {
                        result = .success(try await read(file))
                    } catch {
                        result = .failure(error)
                    }
                    return (index, result)
                }
            }
            var results = [Result<RemoteHeader, HeaderReadError>?](repeating: nil, count: files.count)
            for await (index, result) in group { results[index] = result }
            return results.map { $0! }  // every index was filled by its task
        }
    }

    /// The whole of a small file (config.json, an index), at most `maxBytes`, through the cache.
    public func readSmallFile(_ file: RemoteFile, maxBytes: Int = 64 << 20) async throws(HeaderReadError) -> [UInt8] {
        let source = file.resolveURL(endpoint: endpoint)
        if let (cached, _, _) = cachedEntry(of: file) {
            return cached.bytes
        }
        guard !offline else { throw .notCached(source) }
        let response: HTTPResponse
        do {
            response = try await client.send(HTTPRequest(url: source, bearerToken: token, maxBodyBytes: maxBytes))
            try response.requireSuccess()
        } catch {
            throw .network(error)
        }
        guard !response.bodyWasTruncated else { throw .invalidResponse(source, reason: "larger than \(maxBytes) bytes") }
        let facts = ServerFileFacts(response)
        store(CachedHeader(bytes: response.body, fileSize: UInt64(response.body.count)), of: file, commit: facts.commit, etag: facts.etag)
        return response.body
    }

    /// The cached bytes of `file`, when its listing pinned the commit and ETag and the cache has them.
    private func cachedEntry(of file: RemoteFile) -> (CachedHeader, commit: String, etag: String)? {
        guard let cache, let commit = file.commit, let etag = file.etag,
              let cached = cache.header(for: cacheKey(file, commit: commit, etag: etag))
        else { return nil }
        return (cached, commit, etag)
    }

    /// Stores `header` under the commit and ETag the server named, else those of the listing.
    private func store(_ header: CachedHeader, of file: RemoteFile, commit: String?, etag: String?) {
        guard let cache, let commit = commit ?? file.commit, let etag = etag ?? file.etag else { return }
        cache.store(header, for: cacheKey(file, commit: commit, etag: etag))
    }

    private func cacheKey(_ file: RemoteFile, commit: String, etag: String) -> HeaderCacheKey {
        HeaderCacheKey(endpoint: endpoint, repo: file.repo, commit: commit, path: file.path, etag: etag)
    }

    private func headerBytes(of header: ModelHeader) -> [UInt8] {
        switch header {
        case .gguf(let gguf): gguf.bytes
        case .safetensors(let safetensors): safetensors.bytes
        }
    }

    // MARK: Network

    private func fetch(_ file: RemoteFile, format: ModelFileFormat, url: String) async throws(HeaderReadError) -> RemoteHeader {
        var bytes: [UInt8] = []
        var requests = 0
        var transferred: UInt64 = 0
        var fileSize: UInt64?
        var commit: String?
        var etag: String?
        var assembler: HeaderAssembler?
        var wanted = Self.firstChunkBytes
        // After the first answer, the bytes are asked of the server that had them (the CDN's signed
        // URL), skipping the Hub's redirect; credentials stay with the Hub.
        var source = url

        while true {
            let start = UInt64(bytes.count)
            let end = fileSize.map { min(wanted, $0) } ?? wanted
            guard end > start else {
                throw .format(FormatError(.truncated(needed: wanted), at: start), source: url)
            }
            let response: HTTPResponse
            do {
                response = try await client.send(HTTPRequest(url: source, byteRange: start...(end - 1), bearerToken: URLOrigin(source) == URLOrigin(url) ? token : nil))
                try response.requireSuccess()
            } catch {
                throw .network(error)
            }
            requests += 1
            transferred += UInt64(response.body.count)
            if requests == 1 {
                source = response.url
                let facts = ServerFileFacts(response)
                commit = facts.commit
                etag = facts.etag
                fileSize = facts.size
                if fileSize == nil { throw .invalidResponse(url, reason: "no file size in Content-Range, Content-Length or X-Linked-Size") }
            }
            bytes += try newBytes(in: response, start: start, end: end, url: url)

            if assembler == nil {
                assembler = HeaderAssembler(format: format, fileSize: fileSize, limits: limits)
            }
            let step: ParseStep<ModelHeader>
            do { step = try assembler!.step(bytes) } catch { throw .format(error, source: url) }
            switch step {
            case .complete(let header):
                return RemoteHeader(
                    file: file, header: header, fileSize: fileSize!, commit: commit, etag: etag,
                    requests: requests, bytesTransferred: transferred)
            case .needsBytes(let needed):
                wanted = nextRequestEnd(needed: needed, estimate: assembler!.estimatedHeaderBytes, format: format)
            }
        }
    }

    /// Where the next request should end. safetensors announces its exact header size, so it gets
    /// exactly that; for GGUF the estimate plus 5 % and a fixed margin covers what is not yet known
    /// without exceeding 1.1 × the header + 256 KiB when the estimate holds.
    func nextRequestEnd(needed: UInt64, estimate: UInt64, format: ModelFileFormat) -> UInt64 {
        switch format {
        case .safetensors:
            return needed
        case .gguf:
            let guess = max(needed, estimate)
            return max(needed, guess.addingReportingOverflow(guess / 20 + Self.followUpMarginBytes).partialValue)
        }
    }

    /// The bytes `[start, end)` of the file from a 206, or cut from a 200 that ignored the range.
    private func newBytes(in response: HTTPResponse, start: UInt64, end: UInt64, url: String) throws(HeaderReadError) -> [UInt8] {
        let body = response.body
        if response.status == 206 {
            guard let range = response.contentRange?.range, range.lowerBound == start else {
                throw .invalidResponse(url, reason: "206 with Content-Range \(response.headers["Content-Range"] ?? "missing") for bytes \(start)-\(end - 1)")
            }
            let expected = Int(range.upperBound - range.lowerBound + 1)
            guard body.count == expected, range.upperBound < end else {
                throw .invalidResponse(url, reason: "206 body of \(body.count) bytes for Content-Range \(range.lowerBound)-\(range.upperBound)")
            }
            return body
        }
        // A 200: the server sent the file from byte 0 (the client stopped it at `end`).
        let available = UInt64(body.count)
        guard available > start else {
            throw .invalidResponse(url, reason: "200 body of \(body.count) bytes ends before byte \(start)")
        }
        return Array(body[Int(start)..<Int(min(available, end))])
    }
}

/// What a resolve answer says about the file, from the Hub's redirect and the final response.
struct ServerFileFacts {
    var size: UInt64?
    var commit: String?
    var etag: String?

    init(_ response: HTTPResponse) {
        // The Hub puts its X- headers on the resolve answer; when it redirects to the CDN that is the first hop.
        let hubHeaders = response.redirects.first?.headers ?? response.headers
        commit = hubHeaders["X-Repo-Commit"] ?? response.headers["X-Repo-Commit"]
        etag = (hubHeaders["X-Linked-Etag"] ?? hubHeaders["ETag"] ?? response.headers["ETag"]).map(Self.unquoted)
        if let total = response.contentRange?.totalSize {
            size = total
        } else if let linked = hubHeaders["X-Linked-Size"].flatMap({ UInt64($0) }) {
            size = linked
        } else if response.status == 200, !response.bodyWasTruncated {
            size = UInt64(response.body.count)
        } else if response.status == 200 {
            size = response.headers["Content-Length"].flatMap { UInt64($0) }
        }
    }

    /// `"abc"` or `W/"abc"` → `abc`.
    static func unquoted(_ value: String) -> String {
        var text = Substring(value)
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = text.dropFirst().dropLast() }
        return String(text)
    }
}
