import Foundation
import FormatParsers
import Marketplace

/// Why a model could not be analyzed at all (as opposed to some of its files).
public enum AnalysisError: Error, Sendable, CustomStringConvertible {
    case api(MarketplaceAPIError)
    /// Offline, and the cache knows nothing of this repository at this revision.
    case notCached(repo: String, revision: String)

    public var description: String {
        switch self {
        case .api(let error): error.description
        case .notCached(let repo, let revision):
            "\(repo)@\(revision) is not in the header cache; run once without --offline to cache it"
        }
    }
}

/// A model on the Hub: the file listing from the API, headers over ranged reads (or the cache).
public struct HubModelSource: Sendable {
    public let client: HuggingFaceClient
    public let reader: RemoteHeaderReader

    public init(client: HuggingFaceClient, reader: RemoteHeaderReader) {
        self.client = client
        self.reader = reader
    }

    /// Lists the repository, reads the headers of every variant concurrently, and builds facts.
    /// `include` selects variants (e.g. a `--file` glob): a variant is read when any of its files passes.
    public func analyze(repo: String, revision: String?, include: @Sendable (String) -> Bool = { _ in true }) async throws(AnalysisError) -> ModelAnalysis {
        let listing = try await listFiles(repo: repo, revision: revision)
        let files = listing.files
        let pinned = listing.commit ?? revision ?? "main"
        let etags = Dictionary(files.compactMap { file in file.etag.map { (file.path, $0) } }, uniquingKeysWith: { first, _ in first })
        func remote(_ path: String) -> RemoteFile {
            RemoteFile(repo: listing.repo, revision: pinned, path: path, commit: listing.commit, etag: etags[path])
        }
        let paths = Set(files.map(\.path))
        // The index and the config are independent: read them at the same time. A complete set of
        // `-0000k-of-0000N` shards needs no index.
        let reader = self.reader
        let namedShards = RepoVariants.completeShardSet(files)
        async let indexBytes = namedShards == nil && paths.contains("model.safetensors.index.json")
            ? try? await reader.readSmallFile(remote("model.safetensors.index.json")) : nil
        async let configBytes = paths.contains("config.json") ? try? await reader.readSmallFile(remote("config.json")) : nil
        let indexed = await indexBytes.flatMap { try? SafetensorsIndex(parsing: $0) }?.shardFiles
        let indexShards = namedShards ?? indexed
        let config = await configBytes.flatMap { try? ModelConfig(parsing: $0) }

        let plans = RepoVariants.plan(files, indexShards: indexShards).filter { $0.files.contains { include($0.path) } }
        let wanted = plans.flatMap(\.files)
        let results = await reader.read(wanted.map { remote($0.path) })
        var headers: [String: Result<(ModelHeader, UInt64), FileFailure>] = [:]
        var requests = 0
        var transferred: UInt64 = 0
        for (file, result) in zip(wanted, results) {
            switch result {
            case .success(let remote):
                headers[file.path] = .success((remote.header, remote.fileSize))
                requests += remote.requests
                transferred += remote.bytesTransferred
            case .failure(let error):
                headers[file.path] = .failure(FileFailure(path: file.path, message: error.description, accessDenied: error.isAccessDenied))
            }
        }
        let (variants, failures) = VariantFactsBuilder.variants(plans: plans, headers: headers, config: config)
        return ModelAnalysis(
            repo: listing.repo, revision: revision, commit: listing.commit, source: reader.endpoint, info: listing.info,
            variants: variants, failures: failures, headerRequests: requests, headerBytesTransferred: transferred)
    }

    struct Listing {
        var repo: String
        var commit: String?
        var files: [RepoFile]
        var info: HuggingFaceModelInfo?
    }

    /// The API's file listing with sizes and ETags, or, offline, what the cache holds for the
    /// revision's last seen commit.
    func listFiles(repo: String, revision: String?) async throws(AnalysisError) -> Listing {
        let revisionName = revision ?? "main"
        if reader.offline {
            guard let cache = reader.cache, let commit = cache.commit(endpoint: reader.endpoint, repo: repo, revision: revisionName) else {
                throw .notCached(repo: repo, revision: revisionName)
            }
            let files = cache.cachedFiles(endpoint: reader.endpoint, repo: repo, commit: commit)
                .map { RepoFile(path: $0.path, sizeBytes: $0.fileSize, etag: $0.etag) }
            return Listing(repo: repo, commit: commit, files: files, info: nil)
        }
        let info: HuggingFaceModelInfo
        do { info = try await client.rawModel(id: repo, revision: revision) } catch { throw .api(error) }
        let files = (info.siblings ?? []).map { sibling in
            RepoFile(path: sibling.path, sizeBytes: sibling.size.map { UInt64(max($0, 0)) }, etag: sibling.lfs?.sha256 ?? sibling.blobID)
        }
        // A renamed repository answers under its new id.
        let canonical = info.id
        if let commit = info.sha {
            reader.cache?.recordCommit(commit, endpoint: reader.endpoint, repo: canonical, revision: revisionName)
        }
        return Listing(repo: canonical, commit: info.sha, files: files, info: info)
    }
}

extension HeaderReadError {
    /// The server refused access (401/403).
    public var isAccessDenied: Bool {
        if case .network(.accessDenied) = self { return true }
        return false
    }
}
