import Marketplace

/// The Hugging Face manifests: models listed by the Hub, facts from their headers (ranged reads, or
/// the header cache), verdicts against the default runner with no memory budget.
struct HuggingFaceManifestBuilder: Sendable {
    let source: HubModelSource
    let sort: ListingSort
    let limit: Int
    /// Models analyzed at once.
    let concurrency: Int
    let timestamp: ManifestTimestamp

    /// The listing fields the manifests show and filter on.
    static let listedFields: [HuggingFaceExpandField] = [.author, .cardData, .downloads, .likes, .tags, .pipelineTag, .libraryName]

    func build(progress: ManifestProgress) async throws(ManifestError) -> ProviderManifest {
        progress.begin("listing Hugging Face models", total: nil)
        let listed: [HuggingFaceModelInfo]
        do {
            listed = try await source.client.listModels(
                HuggingFaceModelQuery(sort: sort.hubSort, limit: limit, detail: .expanded(Self.listedFields)))
        } catch {
            throw .listing(provider: .huggingFace, error)
        }
        let models = listed.uniqued(by: \.id)
        progress.begin("reading Hugging Face headers", total: models.count)
        let outcomes = await models.concurrentMap(width: concurrency) { info in
            let outcome = await analyze(info)
            progress.advance()
            return outcome
        }
        let manifestModels = outcomes.map(\.model)
        return ProviderManifest(
            models: ModelsManifest(provider: .huggingFace, sort: sort, timestamp: timestamp.text, models: manifestModels),
            filters: Self.filters(manifestModels, listedBy: sort, timestamp: timestamp.text),
            failures: outcomes.compactMap(\.failure), warnings: outcomes.compactMap(\.warning))
    }

    /// A listed model with its facts, or the reason it has none.
    struct Outcome: Sendable {
        var model: ManifestModel
        var failure: ManifestReport.Problem?
        var warning: ManifestReport.Problem?
    }

    func analyze(_ info: HuggingFaceModelInfo) async -> Outcome {
        var outcome = Outcome(model: ManifestModel(describing: Model(huggingFace: info), factsSource: .headers))
        func problem(_ error: String, _ failures: [FileFailure]) -> ManifestReport.Problem {
            ManifestReport.Problem(
                provider: .huggingFace, id: info.id, error: error,
                files: failures.map { ManifestReport.FileProblem(path: $0.path, error: $0.message) })
        }
        let analysis: ModelAnalysis
        do {
            analysis = try await source.analyze(repo: info.id, revision: nil)
        } catch {
            outcome.failure = problem(error.description, [])
            return outcome
        }
        guard !analysis.variants.isEmpty else {
            outcome.failure = problem(
                analysis.failures.isEmpty ? "no GGUF or safetensors variant to read" : "no variant's headers could be read",
                analysis.failures)
            return outcome
        }
        let input = analysis.compatibilityInput(hasToken: source.client.token != nil)
        outcome.model.addFacts(from: analysis, verdict: checkModelCompatibility(input, hardware: Hardware()))
        if !analysis.failures.isEmpty {
            outcome.warning = problem("some variants' headers could not be read", analysis.failures)
        }
        return outcome
    }

    // MARK: Filters

    /// Every sort × size × license combination but the one the models file already is: the
    /// listing's own sort with every size and license.
    static func filters(_ models: [ManifestModel], listedBy listingSort: ListingSort, timestamp: String) -> [FilterManifest] {
        var filters: [FilterManifest] = []
        for sort in FilterSort.allCases {
            let ordered = sort.order(models, listedBy: listingSort)
            for size in SizeFilter.allCases {
                for license in LicenseFilter.allCases {
                    if sort.listingSort == listingSort && size == .all && license == .all { continue }
                    filters.append(FilterManifest(
                        provider: .huggingFace, choices: [sort.rawValue, size.rawValue, license.rawValue],
                        models: ordered.filter { size.keeps($0) && license.keeps($0) }, timestamp: timestamp))
                }
            }
        }
        return filters
    }

    /// The orders filter manifests come in.
    enum FilterSort: String, CaseIterable, Sendable {
        case downloads, likes

        var listingSort: ListingSort {
            switch self {
            case .downloads: .downloads
            case .likes: .likes
            }
        }

        private func count(_ model: ManifestModel) -> Int {
            switch self {
            case .downloads: model.downloads ?? 0
            case .likes: model.likes ?? 0
            }
        }

        /// `models` by this count, highest first, ties in listing order; unchanged when they were
        /// listed in this order already, so the Hub's own ranking stands.
        func order(_ models: [ManifestModel], listedBy listingSort: ListingSort) -> [ManifestModel] {
            guard self.listingSort != listingSort else { return models }
            return models.enumerated().sorted { first, second in
                let (a, b) = (count(first.element), count(second.element))
                return a != b ? a > b : first.offset < second.offset
            }.map(\.element)
        }
    }

    /// Size classes by true parameter count (`SizeClass`); a model without facts has none.
    enum SizeFilter: String, CaseIterable, Sendable {
        case all, small, medium, large

        func keeps(_ model: ManifestModel) -> Bool {
            // Every case but `all` is named after its size class.
            guard let wanted = SizeClass(rawValue: rawValue) else { return true }
            return model.parameters.map { SizeClass(parameters: $0) == wanted } ?? false
        }
    }

    /// License families: `apache-2.0` is apache, `mit` is mit, anything else or none is other.
    enum LicenseFilter: String, CaseIterable, Sendable {
        case all, apache, mit, other

        init(license: String?) {
            switch license?.lowercased() {
            case "apache-2.0": self = .apache
            case "mit": self = .mit
            default: self = .other
            }
        }

        func keeps(_ model: ManifestModel) -> Bool {
            self == .all || self == LicenseFilter(license: model.license)
        }
    }
}

extension ManifestModel {
    /// Sets the facts from the headers read and the default runner's verdict. Model-level facts are
    /// those of the largest variant, as `check` reports them.
    mutating func addFacts(from analysis: ModelAnalysis, verdict result: CompatibilityResult) {
        let report = CheckReport(analysis: analysis, result: result)
        parameters = report.parameters
        activeParameters = report.activeParameters
        architecture = report.architecture
        format = report.format
        quantizations = result.variants.sorted { CompatibilityChecker.ranksBelow($1, $0) }.map(\.label).uniqued(by: \.self)
        smallestVariantBytes = result.variants.map(\.sizeBytes).min()
        recommendedVariantBytes = result.variants.first { $0.name == result.recommendedVariant }?.sizeBytes
        minimumMemoryBytes = result.variants.map(\.memory.totalBytes).min()
        compatible = result.compatible
        reasons = result.compatible ? [] : result.reasons
    }
}
