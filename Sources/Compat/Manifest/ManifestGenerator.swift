import Foundation
import Marketplace

/// One `manifest` run: lists each provider, derives the models' facts, builds the filter manifests
/// and the report, and writes them all (see `ManifestWriter`).
struct ManifestGenerator: Sendable {
    var outputDirectory: String
    var timestamp: ManifestTimestamp
    var huggingFace: HuggingFaceManifestBuilder?
    var civitAI: CivitAIManifestBuilder?

    /// Builds every provider's manifests, then writes filter manifests, models files and last the
    /// report. Nothing is written when a listing fails or the task is cancelled before the writing.
    func run(progress: ManifestProgress) async throws(ManifestError) -> ManifestReport {
        var providers: [ProviderManifest] = []
        do throws(ManifestError) {
            if let huggingFace { providers.append(try await huggingFace.build(progress: progress)) }
            guard !Task.isCancelled else { throw .interrupted }
            if let civitAI { providers.append(try await civitAI.build(progress: progress)) }
        } catch {
            // A cancelled request fails its listing: that is the interruption, not a network error.
            throw Task.isCancelled ? .interrupted : error
        }
        // Cancelled header reads only fail their models; the run must not write those as results.
        guard !Task.isCancelled else { throw .interrupted }

        let manifests = providers.flatMap { $0.filters.map { ManifestWriter.File(name: $0.fileName, contents: ManifestJSON.encode($0)) } }
            + providers.map { ManifestWriter.File(name: $0.models.fileName, contents: ManifestJSON.encode($0.models)) }
        let report = ManifestReport(
            timestamp: timestamp.text, providers: providers.map(\.summary), failures: providers.flatMap(\.failures),
            warnings: providers.flatMap(\.warnings), files: manifests.map(\.name).sorted())
        let written = providers.map(\.models.provider)
        try ManifestWriter(directory: outputDirectory).publish(
            manifests + [ManifestWriter.File(name: ManifestReport.fileName, contents: ManifestJSON.encode(report))],
            removingStale: { name in written.contains { FilterManifest.isFileName(name, of: $0) } })
        return report
    }

    /// The HTTP traffic of the run so far, over every client it uses.
    var transfers: HTTPTransferStats {
        let clients = [huggingFace?.source.client.http, huggingFace?.source.reader.client, civitAI?.client.http]
            .compactMap { $0 }.uniqued(by: ObjectIdentifier.init)
        return clients.reduce(into: HTTPTransferStats()) { total, client in
            let stats = client.stats
            total.requests += stats.requests
            total.bytesReceived += stats.bytesReceived
        }
    }
}

extension ManifestReport {
    /// `wrote 480 files to DIR: 500 huggingface models (2 without facts, see manifest-report.json), …`
    func summary(directory: String) -> String {
        let counts = providers.map { provider in
            ManifestProgress.counted(provider.models, "\(provider.provider.rawValue) model")
                + (provider.withoutFacts == 0 ? "" : " (\(provider.withoutFacts) without facts, see \(Self.fileName))")
        }
        return "wrote \(files.count + 1) files to \(directory): " + counts.joined(separator: ", ")
    }
}
