import Marketplace

/// Everything one provider contributes to a run: its models file, its filter manifests, and the
/// models the report must name.
struct ProviderManifest: Sendable {
    var models: ModelsManifest
    var filters: [FilterManifest]
    /// Models left without facts.
    var failures: [ManifestReport.Problem]
    /// Models with facts, some of whose files could not be read.
    var warnings: [ManifestReport.Problem]

    var summary: ManifestReport.ProviderSummary {
        ManifestReport.ProviderSummary(provider: models.provider, models: models.models.count, withoutFacts: failures.count)
    }
}

extension FilterManifest {
    /// The filter manifest of one combination: `choices` (one per dimension, in order) under the
    /// provider's `hf/filter/` or `civitai/filter/`.
    init(provider: ModelProvider, choices: [String], models: [ManifestModel], timestamp: String) {
        self.init(
            filter: ([Self.pathPrefix(provider)] + choices).joined(separator: "/"),
            models: models.map(Entry.init), timestamp: timestamp)
    }

    /// `hf/filter` or `civitai/filter`.
    static func pathPrefix(_ provider: ModelProvider) -> String {
        switch provider {
        case .huggingFace: "hf/filter"
        case .civitAI: "civitai/filter"
        }
    }

    /// Whether `name` is a file name of one of `provider`'s filter manifests.
    static func isFileName(_ name: String, of provider: ModelProvider) -> Bool {
        name.hasPrefix(pathPrefix(provider).replacingOccurrences(of: "/", with: "-") + "-") && name.hasSuffix(".json")
    }
}

extension ListingSort: Codable {}

extension Array {
    /// The elements in order, without those whose `key` an earlier element already had.
    func uniqued<Key: Hashable>(by key: (Element) -> Key) -> [Element] {
        var seen = Set<Key>()
        return filter { seen.insert(key($0)).inserted }
    }
}
