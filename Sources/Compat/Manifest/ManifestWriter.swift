import Foundation
import Marketplace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why `manifest` wrote nothing (or, for a failed rename, not everything). Each names what and where.
public enum ManifestError: Error, Sendable, CustomStringConvertible {
    /// Offline (`--offline` or `HF_HUB_OFFLINE`): listing models needs the network.
    case offline
    /// A provider's model listing failed.
    case listing(provider: ModelProvider, MarketplaceAPIError)
    /// The output directory could not be created.
    case outputDirectory(path: String, reason: String)
    /// A manifest file could not be written, renamed into place, or (when stale) removed.
    case write(path: String, reason: String)
    /// The run was cancelled (SIGINT) before its files were renamed into place.
    case interrupted

    public var description: String {
        switch self {
        case .offline:
            "manifest lists models over the network; drop --offline (and HF_HUB_OFFLINE)"
        case .listing(let provider, let error):
            "listing \(provider.rawValue) models failed: \(error)"
        case .outputDirectory(let path, let reason):
            "cannot create the output directory \(path): \(reason)"
        case .write(let path, let reason):
            "cannot write \(path): \(reason)"
        case .interrupted:
            "interrupted: no manifest file was replaced"
        }
    }
}

/// Writes a run's files so that no reader ever sees a partial one: every file first goes to a
/// temporary file in the output directory, and only once all of them are complete is each renamed
/// over its destination (an atomic replacement). Failing or being cancelled before the renames
/// leaves the directory as it was, temporary files removed.
struct ManifestWriter: Sendable {
    /// A file to write: its name in the directory and its bytes.
    struct File: Sendable {
        var name: String
        var contents: Data
    }

    let directory: String

    /// Writes `files`, renaming them into place in order, then removes the files `isStale` claims
    /// that this run did not write (filter manifests of combinations no longer produced). Should a
    /// rename fail, the files renamed before it stay replaced, each of them whole.
    func publish(_ files: [File], removingStale isStale: (String) -> Bool) throws(ManifestError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .outputDirectory(path: directory, reason: Self.reason(error))
        }
        var pending: [(temporary: String, destination: String)] = []
        defer { for file in pending { unlink(file.temporary) } }
        for file in files {
            guard !Task.isCancelled else { throw .interrupted }
            let destination = path(file.name)
            let temporary = path(".\(file.name).\(UUID().uuidString).tmp")
            do {
                try NewFile.create(temporary, containing: file.contents)
            } catch {
                throw .write(path: destination, reason: error.description)
            }
            pending.append((temporary, destination))
        }
        guard !Task.isCancelled else { throw .interrupted }
        while let (temporary, destination) = pending.first {
            guard rename(temporary, destination) == 0 else { throw .write(path: destination, reason: SystemCallError.last.description) }
            pending.removeFirst()
        }
        try removeStale(keeping: Set(files.map(\.name)), isStale)
    }

    private func path(_ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }

    private func removeStale(keeping written: Set<String>, _ isStale: (String) -> Bool) throws(ManifestError) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names.sorted() where isStale(name) && !written.contains(name) {
            // Another run removing the same stale file first is no failure.
            guard unlink(path(name)) == 0 || errno == ENOENT else { throw .write(path: path(name), reason: SystemCallError.last.description) }
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}
