import Foundation
import FormatParsers
import Marketplace

/// A file whose header could not be read, and why.
public struct FileFailure: Error, Sendable, Equatable {
    public var path: String
    public var message: String
    /// The Hub refused access (401/403): the repository is gated or private.
    public var accessDenied: Bool
}

/// Everything read about one model: where from, its variants' facts, and what failed.
public struct ModelAnalysis: Sendable {
    public var repo: String
    public var revision: String?
    public var commit: String?
    /// Where the bytes came from: the Hub endpoint, "local", or "Hugging Face cache".
    public var source: String
    /// The Hub's metadata (tags, gating, card), when it was fetched.
    public var info: HuggingFaceModelInfo?
    public var variants: [VariantInput]
    public var failures: [FileFailure]
    /// File requests and bytes spent on headers (0 when everything came from caches or disk).
    public var headerRequests: Int
    public var headerBytesTransferred: UInt64

    /// The format of the first variant ("gguf" or "safetensors"), or of the mix.
    public var format: String? {
        let formats = Set(variants.map(\.facts.format))
        return formats.count > 1 ? formats.sorted().joined(separator: "+") : formats.first
    }
}

/// Builds facts from the headers of a variant's files.
enum VariantFactsBuilder {
    static func facts(for plan: VariantPlan, headers: [ModelHeader], config: ModelConfig?) -> ModelFacts {
        switch plan.kind {
        case .gguf:
            return ModelFacts(gguf: headers.compactMap { if case .gguf(let header) = $0 { header } else { nil } })
        case .safetensors:
            return ModelFacts(safetensors: headers.compactMap { if case .safetensors(let header) = $0 { header } else { nil } }, config: config)
        }
    }

    /// Assembles variants from per-file header results; a variant with any unreadable file is left out
    /// and its failures reported.
    static func variants(plans: [VariantPlan], headers: [String: Result<(ModelHeader, UInt64), FileFailure>], config: ModelConfig?) -> ([VariantInput], [FileFailure]) {
        var variants: [VariantInput] = []
        var failures: [FileFailure] = []
        for plan in plans {
            var read: [(RepoFile, ModelHeader, UInt64)] = []
            for file in plan.files {
                switch headers[file.path] {
                case .success(let (header, size))?: read.append((file, header, size))
                case .failure(let failure)?: failures.append(failure)
                case nil: break
                }
            }
            guard read.count == plan.files.count, !read.isEmpty else { continue }
            let files = read.map { VariantFileReport(path: $0.0.path, sizeBytes: $0.2, headerBytes: $0.1.headerBytes) }
            variants.append(VariantInput(name: plan.name, files: files, facts: facts(for: plan, headers: read.map(\.1), config: config)))
        }
        return (variants, failures)
    }
}

extension ModelAnalysis {
    /// What the verdict rests on: the variants read, the files that were not, and the Hub's tags.
    public func compatibilityInput(hasToken: Bool) -> CompatibilityInput {
        let model = info.map { Model(huggingFace: $0) }
        return CompatibilityInput(
            modelID: repo, category: model?.category, tags: info?.tags ?? [], pipelineTag: info?.pipelineTag,
            libraryName: info?.libraryName, baseModel: nil,
            isGated: info?.gated?.isGated ?? failures.contains(where: \.accessDenied),
            hasToken: hasToken, variants: variants,
            unreadableVariants: failures.map { VariantReadFailure(name: $0.path, message: $0.message) })
    }
}
