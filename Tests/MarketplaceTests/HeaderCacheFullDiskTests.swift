import Foundation
@testable import Marketplace
import Testing
import TestSupport

/// The cache on a real disk that fills up: stores fail quietly, leave nothing half-written, and
/// every entry already there stays whole.
@Suite(SmallFilesystem.required) struct HeaderCacheFullDiskTests {
    /// A cache in `cache/` on a 512 KiB file system, holding one entry (and a ref) before the disk fills.
    final class FullDisk {
        let filesystem: SmallFilesystem
        let directory: URL
        let cache: HeaderCache
        let earlier = CachedHeader(bytes: sampleHeaderBytes(count: 100_000, seed: 7), fileSize: 5_000_000)

        init() throws {
            filesystem = try SmallFilesystem(bytes: 512 << 10)
            directory = filesystem.url.appendingPathComponent("cache")
            cache = HeaderCache(directory: directory)
            #expect(cache.store(earlier, for: .sample(etag: "earlier")))
            #expect(cache.recordCommit("c0ffee", endpoint: "https://huggingface.co", repo: "org/model", revision: "main"))
        }

        /// Every regular file under the cache directory, relative to it, sorted.
        var files: [String] {
            HeaderCacheFiles.regularFiles(under: directory.path)
                .map { String($0.path.dropFirst(directory.path.count + 1)) }.sorted()
        }

        func expectEarlierEntriesWhole() {
            #expect(cache.header(for: .sample(etag: "earlier")) == earlier)
            #expect(cache.commit(endpoint: "https://huggingface.co", repo: "org/model", revision: "main") == "c0ffee")
        }
    }

    /// A header that compresses to nothing, so its entry is bigger than any of the gaps left.
    static let incompressible = CachedHeader(bytes: incompressibleBytes(count: 96 << 10), fileSize: 1 << 30)

    /// 0 bytes: the temporary file cannot grow at all; a few pages: it is cut off part way.
    @Test(arguments: [0, 4096, 16384, 65536])
    func storeOnAFullDiskFailsLeavingNoPartialFileAndEarlierEntriesWhole(freeBytes: Int) throws {
        let disk = try FullDisk()
        let before = disk.files
        try disk.filesystem.fill(leaving: freeBytes)

        #expect(!disk.cache.store(Self.incompressible, for: .sample(etag: "new")))
        #expect(disk.files == before)
        #expect(disk.cache.header(for: .sample(etag: "new")) == nil)
        disk.expectEarlierEntriesWhole()

        // A ref is a few hundred bytes: on a full disk it is not recorded, in a page it is, whole.
        let recorded = disk.cache.recordCommit("d00d", endpoint: "https://huggingface.co", repo: "org/model", revision: "v2")
        #expect(recorded == (freeBytes > 0))
        #expect(disk.files.count == before.count + (recorded ? 1 : 0))
        #expect(disk.cache.commit(endpoint: "https://huggingface.co", repo: "org/model", revision: "v2") == (recorded ? "d00d" : nil))
    }

    @Test func storesSucceedAgainOnceSpaceIsFreed() throws {
        let disk = try FullDisk()
        try disk.filesystem.fill(leaving: 0)
        #expect(!disk.cache.store(Self.incompressible, for: .sample(etag: "new")))

        try disk.filesystem.fill(leaving: 256 << 10)
        #expect(disk.cache.store(Self.incompressible, for: .sample(etag: "new")))
        #expect(disk.cache.header(for: .sample(etag: "new")) == Self.incompressible)
        disk.expectEarlierEntriesWhole()
    }

    /// A hit refreshes its entry's modification time, which takes no space; a full disk must not
    /// turn it into a miss or damage the entry.
    @Test func hitsStillReadOnAFullDisk() throws {
        let disk = try FullDisk()
        try disk.filesystem.fill(leaving: 0)
        for _ in 0..<3 { disk.expectEarlierEntriesWhole() }
        #expect(disk.cache.cachedFiles(endpoint: "https://huggingface.co", repo: "org/model", commit: "c0ffee").map(\.etag) == ["earlier"])
    }
}
