import Foundation
@testable import Marketplace
import Testing
import TestSupport

@testable import Compat

/// The built `compat-cli`, run as a separate process.
struct CompatProcess {
    /// Beside the test bundle: `swift test` builds every product into the same folder.
    static let executable: URL = {
        let testBinary = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return testBinary.deletingLastPathComponent().appendingPathComponent("compat-cli")
    }()

    private let child: ChildProcess
    private let output: URL

    /// Starts `compat-cli arguments` with exactly `environment`, its output going to a file in `scratch`.
    init(_ arguments: [String], environment: [String: String], scratch: URL) throws {
        output = scratch.appendingPathComponent("process-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: output.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let log = try FileHandle(forWritingTo: output)
        defer { try? log.close() }
        child = try ChildProcess(Self.executable.path, arguments, environment: environment, output: log)
    }

    /// Waits for the process; its exit status and everything it printed.
    func finish() -> (status: Int32, output: String) {
        let status = child.wait()
        // Not String(contentsOf:): swift-corelibs-foundation leaks a page reading an empty file that way.
        let handle = try? FileHandle(forReadingFrom: output)
        let printed = String(decoding: (try? handle?.readToEnd()) ?? Data(), as: UTF8.self)
        try? handle?.close()
        try? FileManager.default.removeItem(at: output)
        return (status, printed)
    }
}

/// Separate `compat-cli` processes at once on one header cache and one output directory: the cache
/// is small enough that they evict each other's entries while reading and writing them.
@Suite("processes sharing a cache and an output directory")
struct SharedCacheProcessTests {
    static let processes = 4
    static let rounds = 3

    @Test("concurrent manifest runs leave every cache entry and every manifest whole")
    func concurrentManifestRuns() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CompatProcess.executable.path),
                     "compat-cli is not built beside the tests at \(CompatProcess.executable.path)")
        let marketplaces = try ManifestMarketplaces()
        let scratch = marketplaces.scratch.url
        func manifest(out: String, cache: String, _ extra: [String] = [], size: String? = nil) throws -> CompatProcess {
            var environment = marketplaces.environment(cache: cache)
            environment["COMPAT_CACHE_SIZE"] = size
            return try CompatProcess(
                ["manifest", "--out", marketplaces.path(out), "--quiet", "--timestamp", ManifestMarketplaces.timestamp] + extra,
                environment: environment, scratch: scratch)
        }

        // One run alone gives the expected manifests and the size of a full cache.
        let alone = try manifest(out: "expected", cache: "sizing").finish()
        try #require(alone.status == CompatCommand.Exit.success, "\(alone.output)")
        let fullCache = HeaderCacheFiles.regularFiles(under: marketplaces.path("sizing")).reduce(0) { $0 + $1.size }
        // Room for about half the entries, so every run evicts and refetches.
        let bound = max(1, fullCache / 2)

        // While the processes run, this one reads every entry it finds: none may ever be half-written.
        let cache = marketplaces.path("shared-cache")
        let running = LockedState(true)
        let observed = LockedState((whole: 0, damaged: [String]()))
        let watcher = Thread {
            while running.withLock({ $0 }) {
                for entry in HeaderCacheFiles.regularFiles(under: cache) where entry.path.hasSuffix(".header") {
                    // nil: evicted between listing and opening.
                    guard let bytes = HeaderCacheFiles.read(entry.path) else { continue }
                    let problem = Self.problem(decoding: bytes)
                    observed.withLock { seen in
                        if let problem { seen.damaged.append(problem) } else { seen.whole += 1 }
                    }
                }
            }
        }
        watcher.start()
        for _ in 0..<Self.rounds {
            let runs = try (0..<Self.processes).map { _ in try manifest(out: "shared", cache: "shared-cache", size: "\(bound)") }
            for (status, output) in runs.map({ $0.finish() }) {
                #expect(status == CompatCommand.Exit.success, "\(output)")
            }
        }
        running.withLock { $0 = false }
        while !watcher.isFinished { usleep(1000) }
        let seen = observed.withLock { $0 }
        #expect(seen.damaged == [])
        #expect(seen.whole > 0)

        let expected = try ManifestMarketplaces.contents(of: marketplaces.path("expected"))
        let written = try ManifestMarketplaces.contents(of: marketplaces.path("shared"))
        #expect(written.keys.sorted() == expected.keys.sorted())
        #expect(written.filter { expected[$0.key] != $0.value }.keys.sorted() == [])

        let files = HeaderCacheFiles.regularFiles(under: cache)
        #expect(files.allSatisfy { $0.path.hasSuffix(".header") || $0.path.hasSuffix(".ref") }, "\(files.map(\.path))")
        let entries = files.filter { $0.path.hasSuffix(".header") }
        #expect(!entries.isEmpty)
        for entry in entries {
            #expect(Self.problem(decoding: try #require(HeaderCacheFiles.read(entry.path))) == nil, "\(entry.path)")
        }
    }

    /// Why an entry's bytes do not decode against the key they name, or nil when they do.
    static func problem(decoding bytes: [UInt8]) -> String? {
        do {
            let key = try HeaderCacheEntry.decodeMetadata(bytes).key
            _ = try HeaderCacheEntry.decode(bytes, expecting: key)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
