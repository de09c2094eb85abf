import Foundation
import Marketplace

/// The CivitAI manifests: models as CivitAI lists them (every content level), facts from its API —
/// file sizes, base model, type — since its files are not on the Hub and have no ranged headers.
struct CivitAIManifestBuilder: Sendable {
    /// Must keep every content level, so that the NSFW filters have all models to choose from.
    let client: CivitAIClient
    let sort: ListingSort
    let limit: Int
    let timestamp: ManifestTimestamp

    /// The most models CivitAI returns per page.
    static let maxPageSize = 100

    func build(progress: ManifestProgress) async throws(ManifestError) -> ProviderManifest {
        progress.begin("listing CivitAI models", total: limit)
        let listed = try await list(progress: progress)
        let models = listed.map(ManifestModel.init(civitAI:))
        return ProviderManifest(
            models: ModelsManifest(provider: .civitAI, sort: sort, timestamp: timestamp.text, models: models),
            filters: Self.filters(Array(zip(models, listed)), at: timestamp), failures: [], warnings: [])
    }

    /// Up to `limit` models, following the pages' cursors; a model a later page repeats is kept once.
    func list(progress: ManifestProgress) async throws(ManifestError) -> [CivitAIModel] {
        let ranking = sort.civitAIRanking
        var models: [CivitAIModel] = []
        var cursor: String?
        var cursorsFollowed: Set<String> = []
        while models.count < limit {
            let query = CivitAIModelQuery(
                sort: ranking.sort, period: ranking.period, limit: min(Self.maxPageSize, limit - models.count), cursor: cursor)
            let page: CivitAIModelPage
            do {
                page = try await client.listModels(query)
            } catch {
                throw .listing(provider: .civitAI, error)
            }
            models = (models + page.items).uniqued(by: \.id)
            progress.advance(to: min(models.count, limit))
            guard !page.items.isEmpty, let next = page.metadata.nextCursor, cursorsFollowed.insert(next).inserted else { break }
            cursor = next
        }
        return Array(models.prefix(limit))
    }

    // MARK: Filters

    /// Every content level × period × type × base model combination but all/all/all/all, which is
    /// the models file. Lists keep the listing's order.
    static func filters(_ models: [(ManifestModel, CivitAIModel)], at timestamp: ManifestTimestamp) -> [FilterManifest] {
        var filters: [FilterManifest] = []
        for content in ContentFilter.allCases {
            let shown = models.filter { content.keeps($0.1) }
            for period in PeriodFilter.allCases {
                let recent = shown.filter { period.keeps(publishedAt: $0.1.publishedAt, at: timestamp.date) }
                for type in TypeFilter.allCases {
                    for base in BaseModelFilter.allCases {
                        if content == .all && period == .all && type == .all && base == .all { continue }
                        filters.append(FilterManifest(
                            provider: .civitAI, choices: [content.rawValue, period.rawValue, type.rawValue, base.rawValue],
                            models: recent.map(\.0).filter { type.keeps($0) && base.keeps($0) }, timestamp: timestamp.text))
                    }
                }
            }
        }
        return filters
    }

    /// Content levels, each allowing the ones before it: a model is kept when it has content at an
    /// allowed level (`CivitAINSFWFilter`).
    enum ContentFilter: String, CaseIterable, Sendable {
        case pg, pg13, r, x, all

        var allowedLevels: CivitAINSFWLevel {
            switch self {
            case .pg: .safe
            case .pg13: [.safe, .soft]
            case .r: [.safe, .soft, .mature]
            case .x: [.safe, .soft, .mature, .x]
            case .all: .all
            }
        }

        func keeps(_ model: CivitAIModel) -> Bool {
            CivitAINSFWFilter(allowedLevels: allowedLevels).allows(model)
        }
    }

    /// How recently the newest version was published, counted back from the manifest's timestamp;
    /// a model with no publication date is only in `all`.
    enum PeriodFilter: String, CaseIterable, Sendable {
        case all, year, month, week, day

        private static let secondsPerDay: TimeInterval = 86_400

        /// How far back the period reaches: a year is 365 days, a month 30.
        var window: TimeInterval? {
            switch self {
            case .all: nil
            case .year: 365 * Self.secondsPerDay
            case .month: 30 * Self.secondsPerDay
            case .week: 7 * Self.secondsPerDay
            case .day: Self.secondsPerDay
            }
        }

        func keeps(publishedAt: Date?, at timestamp: Date) -> Bool {
            guard let window else { return true }
            guard let publishedAt else { return false }
            return publishedAt >= timestamp.addingTimeInterval(-window)
        }
    }

    /// Checkpoints, or LoRA-style adapters (LORA, LoCon, DoRA).
    enum TypeFilter: String, CaseIterable, Sendable {
        case all, checkpoints, loras

        func keeps(_ model: ManifestModel) -> Bool {
            switch self {
            case .all: true
            case .checkpoints: model.category == .checkpoint
            case .loras: model.category == .lora
            }
        }
    }

    /// Base model families, by the start of CivitAI's base model name (case-insensitive):
    /// `SDXL…` (SDXL 1.0, Turbo, Lightning, Hyper), `SD 1.5…`, `SD 2.1…`, `Flux.1…` (D, S, …) and
    /// `Pony…`, which is its own family though it descends from SDXL.
    enum BaseModelFilter: String, CaseIterable, Sendable {
        case all, sdxl, sd15, sd21, flux, pony

        var namePrefix: String? {
            switch self {
            case .all: nil
            case .sdxl: "sdxl"
            case .sd15: "sd 1.5"
            case .sd21: "sd 2.1"
            case .flux: "flux.1"
            case .pony: "pony"
            }
        }

        /// `model.architecture` holds CivitAI's base model.
        func keeps(_ model: ManifestModel) -> Bool {
            guard let namePrefix else { return true }
            return model.architecture?.lowercased().hasPrefix(namePrefix) ?? false
        }
    }
}

extension ListingSort {
    /// CivitAI's nearest ranking: downloads → Most Downloaded, likes → Highest Rated, trending → Most
    /// Downloaded over the last week, recent and created → Newest.
    var civitAIRanking: (sort: CivitAIModelSort, period: CivitAIPeriod?) {
        switch self {
        case .downloads: (.mostDownloaded, nil)
        case .likes: (.highestRated, nil)
        case .trending: (.mostDownloaded, .week)
        case .recent, .created: (.newest, nil)
        }
    }
}

extension CivitAIModel {
    /// When the newest version was published.
    var publishedAt: Date? {
        modelVersions.compactMap(\.publishedAt).max()
    }
}

extension ManifestModel {
    /// A CivitAI model with the facts its API gives: the latest version's weight files (their sizes
    /// and precisions), its base model as the architecture, and the default runner's verdict from
    /// type and base model. Parameters and memory stay null: they need headers.
    init(civitAI model: CivitAIModel) {
        self.init(describing: Model(civitAI: model, nsfwFilter: .everything), factsSource: .api)
        let latest = model.modelVersions.first
        let weights = latest.map(Self.weightFiles) ?? []
        let primary = weights.first { $0.primary == true } ?? weights.first
        architecture = latest?.baseModel
        format = primary?.metadata?.format.map { $0 == "SafeTensor" ? "safetensors" : $0.lowercased() }
        quantizations = weights.compactMap { $0.metadata?.fp.map(Self.precisionLabel) }.uniqued(by: \.self)
            .map { (label: $0, score: QualityOrder.score(label: $0, bitsPerWeight: nil)) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.label < $1.label }
            .map(\.label)
        smallestVariantBytes = weights.map(\.byteCount).min()
        recommendedVariantBytes = primary?.byteCount
        let input = CompatibilityInput(modelID: id, category: category, tags: tags, baseModel: latest?.baseModel)
        let result = checkModelCompatibility(input, hardware: Hardware())
        compatible = result.compatible
        reasons = result.compatible ? [] : result.reasons
        type = model.type.rawValue
        nsfwLevel = model.nsfwLevel?.rawValue
        publishedAt = model.publishedAt.map(ManifestTimestamp.format)
    }

    /// The version's weights: its `Model` and `Pruned Model` files, else its primary file.
    private static func weightFiles(_ version: CivitAIModelVersion) -> [CivitAIFile] {
        let weights = version.files.filter { ["Model", "Pruned Model"].contains($0.type) }
        return weights.isEmpty ? [version.primaryFile].compactMap { $0 } : weights
    }

    /// CivitAI's `fp` as the dtype names headers use: `fp16` → `F16`, `bf16` → `BF16`, `fp8` → `FP8`.
    private static func precisionLabel(_ fp: String) -> String {
        let upper = fp.uppercased()
        return ["FP16": "F16", "FP32": "F32"][upper] ?? upper
    }
}

extension CivitAIFile {
    /// The size in bytes; a negative `sizeKB` counts as 0.
    var byteCount: UInt64 { UInt64(max(sizeBytes, 0)) }
}
