import Foundation
@testable import Marketplace
import Testing

/// A cache in a fresh temporary directory, removed when the test ends.
final class HeaderCacheScratch {
    let directory: URL
    let cache: HeaderCache

    init(maxBytes: UInt64 = HeaderCache.defaultMaxBytes) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("compat-header-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        cache = HeaderCache(directory: directory, maxBytes: maxBytes)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Paths of every regular file in the cache directory, relative to it, sorted.
    var files: [String] {
        (FileManager.default.subpaths(atPath: directory.path) ?? []).filter { relativePath in
            var isDirectory: ObjCBool = false
            let path = directory.appendingPathComponent(relativePath).path
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }

    /// Full paths of the header entries.
    var entryPaths: [String] {
        files.filter { $0.hasSuffix(".header") }.map { directory.appendingPathComponent($0).path }
    }
}

extension HeaderCacheKey {
    static func sample(commit: String = "c0ffee", path: String = "model.gguf", etag: String = "etag-1") -> HeaderCacheKey {
        HeaderCacheKey(endpoint: "https://huggingface.co", repo: "org/model", commit: commit, path: path, etag: etag)
    }
}

/// Bytes shaped like a header: repetitive structure with varying values, so zstd has something to do.
func sampleHeaderBytes(count: Int, seed: UInt8 = 0) -> [UInt8] {
    // Wrapping byte values are fine: any bytes will do, as long as they repeat in structure.
    (0..<count).map { index in (index % 64 < 32 ? UInt8(truncatingIfNeeded: index / 64) : UInt8(ascii: "a")) &+ seed }
}

/// Bytes zstd cannot shrink, so an entry's size on disk is predictable.
func incompressibleBytes(count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
}

@Suite struct HeaderCacheTests {
    @Test func storedHeaderReadsBackWithIdenticalBytesAndFileSize() throws {
        let scratch = try HeaderCacheScratch()
        let header = CachedHeader(bytes: sampleHeaderBytes(count: 300_000), fileSize: 40 << 30)

        #expect(scratch.cache.store(header, for: .sample()))

        #expect(scratch.cache.header(for: .sample()) == header)
    }

    @Test func emptyHeaderRoundTrips() throws {
        let scratch = try HeaderCacheScratch()
        let header = CachedHeader(bytes: [], fileSize: 0)

        #expect(scratch.cache.store(header, for: .sample()))

        #expect(scratch.cache.header(for: .sample()) == header)
    }

    @Test func anyDifferentKeyFieldIsAMiss() throws {
        let scratch = try HeaderCacheScratch()
        scratch.cache.store(CachedHeader(bytes: sampleHeaderBytes(count: 1000), fileSize: 5000), for: .sample())

        var otherEndpoint = HeaderCacheKey.sample()
        otherEndpoint.endpoint = "https://hf-mirror.com"
        var otherRepo = HeaderCacheKey.sample()
        otherRepo.repo = "org/other"
        for key in [.sample(etag: "etag-2"), .sample(commit: "beef"), .sample(path: "other.gguf"), otherEndpoint, otherRepo] {
            #expect(scratch.cache.header(for: key) == nil, "\(key)")
        }
        #expect(scratch.cache.header(for: .sample()) != nil)
    }

    @Test func storingAgainReplacesTheEntry() throws {
        let scratch = try HeaderCacheScratch()
        let newer = CachedHeader(bytes: sampleHeaderBytes(count: 2000, seed: 7), fileSize: 9000)
        scratch.cache.store(CachedHeader(bytes: sampleHeaderBytes(count: 1000), fileSize: 5000), for: .sample())

        #expect(scratch.cache.store(newer, for: .sample()))

        #expect(scratch.cache.header(for: .sample()) == newer)
        #expect(scratch.entryPaths.count == 1)
    }

    @Test func entriesAreStoredCompressed() throws {
        let scratch = try HeaderCacheScratch()
        scratch.cache.store(CachedHeader(bytes: sampleHeaderBytes(count: 1 << 20), fileSize: 1 << 33), for: .sample())

        let entry = try #require(scratch.entryPaths.first)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: entry)[.size] as? Int)
        #expect(size < 100_000)
    }

    @Test func storesLeaveOnlyEntriesAndRefsBehind() throws {
        let scratch = try HeaderCacheScratch()
        for index in 0..<5 {
            scratch.cache.store(CachedHeader(bytes: sampleHeaderBytes(count: 500), fileSize: 900), for: .sample(path: "file\(index).gguf"))
            scratch.cache.store(CachedHeader(bytes: sampleHeaderBytes(count: 500), fileSize: 900), for: .sample(path: "file\(index).gguf"))
        }
        scratch.cache.recordCommit("c0ffee", endpoint: "https://huggingface.co", repo: "org/model", revision: "main")

        #expect(scratch.files.count == 6)
        #expect(scratch.files.allSatisfy { $0.hasSuffix(".header") || $0.hasSuffix(".ref") })
    }

    @Test func cacheUnderARegularFileFailsQuietly() throws {
        let scratch = try HeaderCacheScratch()
        let blocker = scratch.directory.appendingPathComponent("not-a-directory")
        try Data("x".utf8).write(to: blocker)
        let cache = HeaderCache(directory: blocker.appendingPathComponent("cache"))

        #expect(!cache.store(CachedHeader(bytes: [1, 2, 3], fileSize: 3), for: .sample()))
        #expect(!cache.recordCommit("c0ffee", endpoint: "https://huggingface.co", repo: "org/model", revision: "main"))
        #expect(cache.header(for: .sample()) == nil)
        #expect(cache.commit(endpoint: "https://huggingface.co", repo: "org/model", revision: "main") == nil)
        #expect(cache.cachedFiles(endpoint: "https://huggingface.co", repo: "org/model", commit: "c0ffee").isEmpty)
    }

    @Test func evictionRemovesLeastRecentlyUsedEntriesUntilUnderTheBound() throws {
        // Entries of a little over 10,000 bytes; five exceed the bound, four fit.
        let scratch = try HeaderCacheScratch(maxBytes: 48_000)
        func store(_ name: String) {
            scratch.cache.store(CachedHeader(bytes: incompressibleBytes(count: 10_000), fileSize: 1 << 30), for: .sample(path: name))
            Thread.sleep(forTimeInterval: 0.005)  // distinct modification times
        }
        for name in ["a", "b", "c", "d"] { store(name) }
        #expect(scratch.cache.header(for: .sample(path: "a")) != nil)  // now the most recently used
        Thread.sleep(forTimeInterval: 0.005)

        store("e")

        let cached = scratch.cache.cachedFiles(endpoint: "https://huggingface.co", repo: "org/model", commit: "c0ffee")
        #expect(cached.map(\.path) == ["a", "c", "d", "e"])
        let sizes = try scratch.entryPaths.map { try #require(try FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) }
        #expect(sizes.reduce(0, +) <= 48_000)
    }

    @Test func newCacheInstanceCountsEntriesAlreadyOnDisk() throws {
        let scratch = try HeaderCacheScratch()
        for name in ["a", "b", "c"] {
            scratch.cache.store(CachedHeader(bytes: incompressibleBytes(count: 10_000), fileSize: 1 << 30), for: .sample(path: name))
            Thread.sleep(forTimeInterval: 0.005)  // distinct modification times
        }
        let smallCache = HeaderCache(directory: scratch.directory, maxBytes: 25_000)

        smallCache.store(CachedHeader(bytes: incompressibleBytes(count: 10_000), fileSize: 1 << 30), for: .sample(path: "d"))

        let cached = smallCache.cachedFiles(endpoint: "https://huggingface.co", repo: "org/model", commit: "c0ffee")
        #expect(cached.map(\.path) == ["c", "d"])
    }

    @Test func evictionRemovesAbandonedTemporaryFiles() throws {
        let scratch = try HeaderCacheScratch()
        scratch.cache.store(CachedHeader(bytes: [1], fileSize: 1), for: .sample())
        let entry = try #require(scratch.entryPaths.first)
        let abandoned = entry + ".123-456.tmp"
        let inProgress = entry + ".789-012.tmp"
        try Data([0]).write(to: URL(fileURLWithPath: abandoned))
        try Data([0]).write(to: URL(fileURLWithPath: inProgress))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: abandoned)

        // A new instance scans the directory at its first store.
        HeaderCache(directory: scratch.directory).store(CachedHeader(bytes: [2], fileSize: 2), for: .sample(path: "other"))

        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(FileManager.default.fileExists(atPath: inProgress))
    }

    @Test func cachedFilesListsOnlyTheCommitsEntriesSortedByPath() throws {
        let scratch = try HeaderCacheScratch()
        scratch.cache.store(CachedHeader(bytes: [1], fileSize: 100), for: .sample(path: "z.safetensors", etag: "e-z"))
        scratch.cache.store(CachedHeader(bytes: [2], fileSize: 200), for: .sample(path: "a/b.gguf", etag: "e-a"))
        scratch.cache.store(CachedHeader(bytes: [3], fileSize: 300), for: .sample(commit: "other", path: "c.gguf"))

        let cached = scratch.cache.cachedFiles(endpoint: "https://huggingface.co", repo: "org/model", commit: "c0ffee")

        #expect(cached == [
            CachedHeaderFile(path: "a/b.gguf", etag: "e-a", fileSize: 200),
            CachedHeaderFile(path: "z.safetensors", etag: "e-z", fileSize: 100),
        ])
        #expect(scratch.cache.cachedFiles(endpoint: "https://huggingface.co", repo: "org/unknown", commit: "c0ffee").isEmpty)
    }

    @Test func recordedCommitResolvesItsRevisionOnly() throws {
        let scratch = try HeaderCacheScratch()
        let cache = scratch.cache

        #expect(cache.commit(endpoint: "https://huggingface.co", repo: "org/model", revision: "main") == nil)
        #expect(cache.recordCommit("c0ffee", endpoint: "https://huggingface.co", repo: "org/model", revision: "main"))
        #expect(cache.commit(endpoint: "https://huggingface.co", repo: "org/model", revision: "main") == "c0ffee")
        #expect(cache.commit(endpoint: "https://huggingface.co", repo: "org/model", revision: "v1") == nil)
        #expect(cache.commit(endpoint: "https://huggingface.co", repo: "org/other", revision: "main") == nil)
        #expect(cache.commit(endpoint: "https://hf-mirror.com", repo: "org/model", revision: "main") == nil)

        cache.recordCommit("beef", endpoint: "https://huggingface.co", repo: "org/model", revision: "main")
        #expect(cache.commit(endpoint: "https://huggingface.co", repo: "org/model", revision: "main") == "beef")
    }

    @Test func corruptRefReadsAsUnknownAndIsRemoved() throws {
        let scratch = try HeaderCacheScratch()
        scratch.cache.recordCommit("c0ffee", endpoint: "https://huggingface.co", repo: "org/model", revision: "main")
        let ref = scratch.directory.appendingPathComponent(try #require(scratch.files.first { $0.hasSuffix(".ref") }))
        var bytes = try [UInt8](Data(contentsOf: ref))
        bytes[bytes.count - 20] ^= 0x01  // inside the commit field
        try Data(bytes).write(to: ref)

        #expect(scratch.cache.commit(endpoint: "https://huggingface.co", repo: "org/model", revision: "main") == nil)
        #expect(!FileManager.default.fileExists(atPath: ref.path))
    }

    @Test func defaultDirectoryPrefersCompatCacheThenXDGThenHome() {
        let home = "/home/user"
        func resolved(_ environment: [String: String]) -> String {
            HeaderCache.defaultDirectory(environment: environment, home: home).path
        }

        #expect(resolved(["COMPAT_CACHE": "/data/compat", "XDG_CACHE_HOME": "/xdg"]) == "/data/compat")
        #expect(resolved(["XDG_CACHE_HOME": "/xdg"]) == "/xdg/compat")
        #expect(resolved([:]) == "/home/user/.cache/compat")
        #expect(resolved(["COMPAT_CACHE": "", "XDG_CACHE_HOME": ""]) == "/home/user/.cache/compat")
        // The XDG spec says relative paths are invalid and must be ignored.
        #expect(resolved(["XDG_CACHE_HOME": "relative/cache"]) == "/home/user/.cache/compat")
    }

    @Test func digestMatchesFNV1a128ReferenceValues() {
        #expect(HeaderCacheDigest([]).hex == "6c62272e07bb014262b821756295c58d")
        #expect(HeaderCacheDigest(Array("a".utf8)).hex == "d228cb696f1a8caf78912b704e4a8964")
        #expect(HeaderCacheDigest(Array("foobar".utf8)).hex == "343e1662793c64bf6f0d3597ba446f18")
        #expect(HeaderCacheDigest(fields: ["ab", "c"]) != HeaderCacheDigest(fields: ["a", "bc"]))
    }
}
