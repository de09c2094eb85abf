import Foundation

/// What identifies a cached header: the file at `path` in `repo` at `commit` on the Hub at `endpoint`,
/// with `etag` (LFS sha256 or git blob id) pinning its contents.
public struct HeaderCacheKey: Hashable, Sendable {
    public var endpoint: String
    public var repo: String
    public var commit: String
    public var path: String
    public var etag: String

    public init(endpoint: String, repo: String, commit: String, path: String, etag: String) {
        self.endpoint = endpoint
        self.repo = repo
        self.commit = commit
        self.path = path
        self.etag = etag
    }

    /// The fields in the order entries store them, named as `fieldNames`.
    static let fieldNames = ["endpoint", "repo", "commit", "path", "etag"]

    var fields: [String] {
        [endpoint, repo, commit, path, etag]
    }

    /// From `fields` in `fieldNames` order.
    init(fields: [String]) {
        precondition(fields.count == Self.fieldNames.count, "a header cache key has \(Self.fieldNames.count) fields")
        self.init(endpoint: fields[0], repo: fields[1], commit: fields[2], path: fields[3], etag: fields[4])
    }
}

/// A file's header bytes (the prefix a parser needs) and the whole file's size.
public struct CachedHeader: Equatable, Sendable {
    public var bytes: [UInt8]
    public var fileSize: UInt64

    public init(bytes: [UInt8], fileSize: UInt64) {
        self.bytes = bytes
        self.fileSize = fileSize
    }
}

/// A file of one commit whose header is in the cache, as `HeaderCache.cachedFiles` lists it.
public struct CachedHeaderFile: Hashable, Sendable {
    public var path: String
    public var etag: String
    public var fileSize: UInt64

    public init(path: String, etag: String, fileSize: UInt64) {
        self.path = path
        self.etag = etag
        self.fileSize = fileSize
    }
}

/// Model file headers on disk, zstd-compressed, so a header is fetched over the network once per
/// file version, and offline runs can still answer.
///
/// Layout under `directory`:
/// - `headers/<hash of endpoint, repo, commit>/<hash of path, ETag>.header`: one entry per file
///   (see `HeaderCacheEntry`), bounded in total by `maxBytes` with least-recently-used eviction;
///   a hit refreshes the entry's modification time.
/// - `refs/<hash of endpoint, repo, revision>.ref`: the commit a revision last resolved to.
///
/// Every file is replaced atomically, so concurrent processes never see half-written files; a corrupt
/// or foreign file reads as a miss and is removed. Failures to write are reported only as `false`.
public final class HeaderCache: Sendable {
    public static let defaultMaxBytes: UInt64 = 1 << 30

    public let directory: URL
    /// The bound on the total size of entries; refs are not counted.
    public let maxBytes: UInt64
    /// The entries' total size as this process knows it: scanned at the first store, then grown by
    /// each store (over-counting replaced entries), and rescanned, catching other processes' writes,
    /// when it passes `maxBytes`.
    private let knownEntryBytes = LockedState<UInt64?>(nil)

    private static let entrySuffix = ".header"
    /// Temporary files older than this were abandoned by a writer that crashed, and are removed.
    private static let abandonedTemporaryAge: TimeInterval = 3600

    public init(directory: URL, maxBytes: UInt64 = defaultMaxBytes) {
        self.directory = directory
        self.maxBytes = maxBytes
    }

    /// Where the cache lives: `$COMPAT_CACHE`, else `$XDG_CACHE_HOME/compat` (when absolute, as the XDG
    /// spec requires), else `<home>/.cache/compat`. Empty variables count as unset.
    public static func defaultDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        home: String = FileManager.default.homeDirectoryForCurrentUser.path
    ) -> URL {
        func nonEmpty(_ name: String) -> String? {
            environment[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        if let explicit = nonEmpty("COMPAT_CACHE") {
            return URL(fileURLWithPath: explicit, isDirectory: true)
        }
        if let xdgCache = nonEmpty("XDG_CACHE_HOME"), xdgCache.hasPrefix("/") {
            return URL(fileURLWithPath: xdgCache, isDirectory: true).appendingPathComponent("compat", isDirectory: true)
        }
        return URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".cache/compat", isDirectory: true)
    }

    /// The cached header for `key`, or nil on a miss. A corrupt entry is a miss, and is removed.
    public func header(for key: HeaderCacheKey) -> CachedHeader? {
        let path = entryPath(for: key)
        guard let contents = HeaderCacheFiles.read(path) else { return nil }
        do {
            let header = try HeaderCacheEntry.decode(contents, expecting: key)
            HeaderCacheFiles.setModified(path, to: Date())
            return header
        } catch {
            HeaderCacheFiles.remove(path)
            return nil
        }
    }

    /// Stores `header` under `key`, replacing any entry, then evicts the least recently used entries
    /// if the cache has outgrown `maxBytes`. False when it could not be written (the caller carries on).
    @discardableResult
    public func store(_ header: CachedHeader, for key: HeaderCacheKey) -> Bool {
        guard let contents = HeaderCacheEntry.encode(header, for: key),
              HeaderCacheFiles.writeAtomically(contents, to: entryPath(for: key), modified: Date())
        else { return false }
        evictIfOverBound(afterStoring: UInt64(contents.count))
        return true
    }

    /// The files of `commit` whose headers are cached (by their intact metadata), sorted by path:
    /// what an offline run can read.
    public func cachedFiles(endpoint: String, repo: String, commit: String) -> [CachedHeaderFile] {
        let commitDirectory = headersDirectory + "/" + HeaderCacheDigest(fields: [endpoint, repo, commit]).hex
        let names = (try? FileManager.default.contentsOfDirectory(atPath: commitDirectory)) ?? []
        return names.filter { $0.hasSuffix(Self.entrySuffix) }.compactMap { name -> CachedHeaderFile? in
            let path = commitDirectory + "/" + name
            guard let prefix = HeaderCacheFiles.read(path, upTo: HeaderCacheRecord.maximumLength) else { return nil }
            guard let metadata = try? HeaderCacheEntry.decodeMetadata(prefix) else {
                HeaderCacheFiles.remove(path)
                return nil
            }
            let key = metadata.key
            // Another commit whose directory hash collides with this one's.
            guard key.endpoint == endpoint, key.repo == repo, key.commit == commit else { return nil }
            return CachedHeaderFile(path: key.path, etag: key.etag, fileSize: metadata.fileSize)
        }.sorted { ($0.path, $0.etag) < ($1.path, $1.etag) }
    }

    /// The commit `revision` (a branch, tag or commit) of `repo` resolved to when last recorded, or nil.
    public func commit(endpoint: String, repo: String, revision: String) -> String? {
        let path = refPath(endpoint: endpoint, repo: repo, revision: revision)
        guard let contents = HeaderCacheFiles.read(path, upTo: HeaderCacheRecord.maximumLength) else { return nil }
        do {
            return try HeaderCacheRef.decodeCommit(contents, endpoint: endpoint, repo: repo, revision: revision)
        } catch {
            HeaderCacheFiles.remove(path)
            return nil
        }
    }

    /// Records that `revision` of `repo` resolved to `commit`, for offline runs. False when it could not be written.
    @discardableResult
    public func recordCommit(_ commit: String, endpoint: String, repo: String, revision: String) -> Bool {
        guard let contents = HeaderCacheRef.encode(commit: commit, endpoint: endpoint, repo: repo, revision: revision)
        else { return false }
        let path = refPath(endpoint: endpoint, repo: repo, revision: revision)
        return HeaderCacheFiles.writeAtomically(contents, to: path, modified: Date())
    }

    private var headersDirectory: String {
        directory.appendingPathComponent("headers").path
    }

    private func entryPath(for key: HeaderCacheKey) -> String {
        let commitDirectory = HeaderCacheDigest(fields: [key.endpoint, key.repo, key.commit]).hex
        let fileName = HeaderCacheDigest(fields: [key.path, key.etag]).hex + Self.entrySuffix
        return headersDirectory + "/" + commitDirectory + "/" + fileName
    }

    private func refPath(endpoint: String, repo: String, revision: String) -> String {
        directory.appendingPathComponent("refs").path + "/" + HeaderCacheDigest(fields: [endpoint, repo, revision]).hex + ".ref"
    }

    /// Counts a stored entry against `maxBytes`; past it, rescans the disk and evicts.
    /// Holding the lock keeps this process's stores from evicting at the same time.
    private func evictIfOverBound(afterStoring entryBytes: UInt64) {
        knownEntryBytes.withLock { knownBytes in
            // Sizes of files on one disk: sums stay far below 2^64.
            if let known = knownBytes, known + entryBytes <= maxBytes {
                knownBytes = known + entryBytes
            } else {
                knownBytes = evictLeastRecentlyUsed()
            }
        }
    }

    /// Scans the entries and, if they exceed `maxBytes`, removes the least recently used until they fit
    /// in 90% of it (the slack keeps a full cache from rescanning on every store). Also removes
    /// abandoned temporary files. Returns the entries' total size afterwards.
    private func evictLeastRecentlyUsed() -> UInt64 {
        let files = HeaderCacheFiles.regularFiles(under: headersDirectory)
        let abandonedBefore = Date(timeIntervalSinceNow: -Self.abandonedTemporaryAge)
        for file in files where file.path.hasSuffix(HeaderCacheFiles.temporarySuffix) && file.modified < abandonedBefore {
            HeaderCacheFiles.remove(file.path)
        }
        let entries = files.filter { $0.path.hasSuffix(Self.entrySuffix) }
        // Sizes of files on one disk: sums stay far below 2^64.
        var total = entries.reduce(0) { $0 + $1.size }
        guard total > maxBytes else { return total }
        let target = maxBytes - maxBytes / 10
        for entry in entries.sorted(by: { $0.modified < $1.modified }) where total > target {
            HeaderCacheFiles.remove(entry.path)
            total -= entry.size  // entry.size is part of total
        }
        return total
    }
}
