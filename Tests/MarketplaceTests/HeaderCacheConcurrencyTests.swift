import Foundation
@testable import Marketplace
import Testing

@Suite struct HeaderCacheConcurrencyTests {
    /// Two writers (separate cache instances, as two processes would have) replace the same entry
    /// 50 times each while a reader decodes it continuously: every read is one writer's whole header.
    @Test func concurrentWritersOfOneKeyNeverLeaveACorruptEntry() throws {
        let scratch = try HeaderCacheScratch()
        let versions = [
            CachedHeader(bytes: sampleHeaderBytes(count: 200_000, seed: 1), fileSize: 1_000_000),
            CachedHeader(bytes: sampleHeaderBytes(count: 150_000, seed: 2), fileSize: 2_000_000),
        ]
        scratch.cache.store(versions[0], for: .sample())
        let entry = try #require(scratch.entryPaths.first)
        let writersDone = LockedState(0)
        let outcomes = LockedState((reads: 0, corrupt: [String](), wrong: 0, failedStores: 0))

        let finished = DispatchGroup()
        func onNewThread(_ work: @escaping @Sendable () -> Void) {
            finished.enter()
            Thread.detachNewThread { work(); finished.leave() }
        }
        onNewThread { [cache = scratch.cache] in
            repeat {
                // The entry file itself, so a corrupt entry is seen rather than quietly removed.
                if let bytes = HeaderCacheFiles.read(entry) {
                    do {
                        let header = try HeaderCacheEntry.decode(bytes, expecting: .sample())
                        outcomes.withLock { $0.reads += 1; $0.wrong += versions.contains(header) ? 0 : 1 }
                    } catch {
                        outcomes.withLock { $0.corrupt.append("\(error)") }
                    }
                }
                if let header = cache.header(for: .sample()), !versions.contains(header) {
                    outcomes.withLock { $0.wrong += 1 }
                }
            } while writersDone.withLock { $0 } < versions.count
        }
        for version in versions {
            onNewThread { [directory = scratch.directory] in
                let cache = HeaderCache(directory: directory)
                for _ in 0..<50 where !cache.store(version, for: .sample()) {
                    outcomes.withLock { $0.failedStores += 1 }
                }
                writersDone.withLock { $0 += 1 }
            }
        }
        finished.wait()

        let outcome = outcomes.withLock { $0 }
        #expect(outcome.corrupt.isEmpty)
        #expect(outcome.wrong == 0)
        #expect(outcome.failedStores == 0)
        #expect(outcome.reads > 0)
        #expect(versions.contains(try #require(scratch.cache.header(for: .sample()))))
        #expect(scratch.files.count == 1)
    }
}
