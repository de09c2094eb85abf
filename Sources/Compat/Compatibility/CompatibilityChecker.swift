import FormatParsers
import Marketplace

/// The verdict for one model on `hardware` (the Swift counterpart of the TypeScript SDK's
/// `checkModelCompatibility`): which variants `runtime` can load, which fit the memory budget, the
/// highest-quality one that does both, and why, when none does.
public func checkModelCompatibility(
    _ input: CompatibilityInput, hardware: Hardware, runtime: RuntimeSupport = .default,
    options: MemoryOptions = MemoryOptions()
) -> CompatibilityResult {
    CompatibilityChecker(hardware: hardware, runtime: runtime, options: options).check(input)
}

/// The models that run on `hardware`, with their verdicts, in input order.
public func filterCompatibleModels(
    _ inputs: [CompatibilityInput], hardware: Hardware, runtime: RuntimeSupport = .default,
    options: MemoryOptions = MemoryOptions()
) -> [(input: CompatibilityInput, result: CompatibilityResult)] {
    let checker = CompatibilityChecker(hardware: hardware, runtime: runtime, options: options)
    return inputs.compactMap { input in
        let result = checker.check(input)
        return result.compatible ? (input, result) : nil
    }
}

/// Judges models against one machine and runner.
struct CompatibilityChecker {
    let hardware: Hardware
    let runtime: RuntimeSupport
    let options: MemoryOptions

    /// Contexts shorter than this are not worth recommending.
    static let minimumUsefulContext: UInt64 = 2048

    /// The worker a model goes to, or why none does.
    enum WorkerChoice {
        /// `guessedFrom` says what the choice rests on when neither the marketplace nor the headers settle it.
        case chosen(WorkerSupport, guessedFrom: String?)
        case unavailable(reason: String)
    }

    func check(_ input: CompatibilityInput) -> CompatibilityResult {
        var result: CompatibilityResult
        switch workerChoice(for: input) {
        case .chosen(let worker, let guessedFrom):
            result = input.variants.isEmpty ? tagVerdict(input, worker: worker) : headerVerdict(input, worker: worker)
            if let guessedFrom {
                result.warnings.insert("the model's category is not given: judged by the runner's \(worker.name) worker from \(guessedFrom)", at: 0)
            }
        case .unavailable(let reason):
            // Headers without a worker still give the variants' memory needs.
            let confidence: Confidence = input.variants.isEmpty
                ? (input.category == nil ? .none : .low)
                : (input.unreadableVariants.isEmpty ? .high : .medium)
            result = CompatibilityResult(
                compatible: false, confidence: confidence, reasons: [reason],
                variants: input.variants.map { analyze($0, loadProblems: [reason]) })
        }
        result.warnings += input.unreadableVariants.map { "could not read \($0.name): \($0.message)" }
        if input.isGated {
            result.warnings.append("\(input.modelID) is gated: its files download only after its terms are accepted")
            if !input.hasToken {
                result.recommendations.append(
                    "accept the model's terms on its Hub page (https://huggingface.co/\(input.modelID)) and set HF_TOKEN")
            }
        }
        return result
    }

    // MARK: - Choosing the worker

    /// The worker for the model's category; without one, the first worker that loads a variant's
    /// architecture, then one named by the pipeline tag, the library or a tag, then one that loads a
    /// variant's format, then one that supports an architecture a tag names.
    func workerChoice(for input: CompatibilityInput) -> WorkerChoice {
        if let category = input.category, category != .other {
            guard let worker = runtime.worker(for: category) else {
                return .unavailable(reason: "the runner has no worker for \(category.rawValue) models")
            }
            return .chosen(worker, guessedFrom: nil)
        }
        for variant in input.variants {
            guard let architecture = variant.facts.architecture else { continue }
            if let worker = runtime.workers.first(where: { $0.architecture(matching: architecture, format: variant.facts.format) != nil }) {
                // The header's architecture is a fact, not a guess: no warning.
                return .chosen(worker, guessedFrom: nil)
            }
        }
        if let task = input.pipelineTag, let worker = runtime.workers.first(where: { $0.pipelineTags.contains(task) }) {
            return .chosen(worker, guessedFrom: "pipeline tag \(task)")
        }
        if let library = input.libraryName, let worker = runtime.workers.first(where: { $0.libraries.contains(library) }) {
            return .chosen(worker, guessedFrom: "library \(library)")
        }
        for tag in input.tags {
            if let worker = runtime.workers.first(where: { $0.libraries.contains(tag) }) {
                return .chosen(worker, guessedFrom: "tag \(tag)")
            }
        }
        for variant in input.variants {
            if let worker = runtime.workers.first(where: { $0.formats[variant.facts.format] != nil }) {
                return .chosen(worker, guessedFrom: "its \(variant.facts.format) files")
            }
        }
        for tag in input.declaredArchitectures {
            if let worker = runtime.workers.first(where: { worker in worker.formats.keys.contains { worker.architecture(matching: tag, format: $0) != nil } }) {
                return .chosen(worker, guessedFrom: "tag \(tag)")
            }
        }
        return .unavailable(reason: input.category == .other
            ? "the runner has no worker for this kind of model"
            : "nothing known about \(input.modelID) tells what kind of model it is")
    }

    // MARK: - Verdict from headers

    /// The verdict from the variants' facts.
    func headerVerdict(_ input: CompatibilityInput, worker: WorkerSupport) -> CompatibilityResult {
        let variants = input.variants.map { analyze($0, loadProblems: loadProblems($0.facts, worker: worker, input: input)) }
        let loadable = variants.filter(\.loadable)
        let recommended = loadable.filter { $0.fits != false }.max(by: Self.ranksBelow)
        let partial = variants.compactMap { partialFactsWarning($0, worker: worker) }
        var result = CompatibilityResult(
            compatible: recommended != nil,
            confidence: partial.isEmpty && input.unreadableVariants.isEmpty ? .high : .medium,
            variants: variants, recommendedVariant: recommended?.name)
        result.warnings = partial

        // The variant worth shrinking the need of: the next better than the recommended one, or the
        // smallest when none fits.
        let closestMiss: AnalyzedVariant? = if let recommended {
            loadable.filter { Self.ranksBelow(recommended, $0) && $0.fits == false }.min(by: Self.ranksBelow)
        } else {
            loadable.min { $0.memory.totalBytes < $1.memory.totalBytes }
        }
        let budget = hardware.memoryBudget
        if loadable.isEmpty {
            result.reasons = Self.summarizeLoadProblems(variants)
        } else if let budget, let closestMiss {
            let (label, need) = (closestMiss.label, Formatting.bytes(closestMiss.memory.totalBytes))
            if let recommended {
                result.recommendations.append("\(recommended.label) fits in \(Formatting.bytes(budget)); \(label) needs \(need)")
            } else {
                result.reasons.append("no loadable variant fits in \(Formatting.bytes(budget)): the smallest, \(label), needs \(need)")
            }
        }
        guard worker.runsLanguageModels else { return result }

        if let limit = worker.maxRecommendedContext, let context = variants.map(\.memory.context).max(), context > limit {
            let whose = options.context == nil ? "the model's context" : "the requested context"
            result.warnings.append("\(whose) of \(context) tokens is above the runner's recommended maximum of \(limit)")
        }
        if let budget, let closestMiss {
            if recommended == nil, let warning = offloadWarning(loadable, budget: budget) { result.warnings.append(warning) }
            result.recommendations += [kvCacheRecommendation(closestMiss, budget: budget), contextRecommendation(closestMiss, budget: budget)]
                .compactMap { $0 }
        }
        return result
    }

    /// A variant with its memory need, whether it fits, and (on a GPU it overflows) how much of it fits.
    func analyze(_ variant: VariantInput, loadProblems: [String]) -> AnalyzedVariant {
        let facts = variant.facts
        let memory = MemoryEstimator.estimate(facts, options: options, target: hardware.computeTarget)
        let budget = hardware.memoryBudget
        let fits = budget.map { memory.totalBytes <= $0 }
        var offload: OffloadPlan?
        if let budget, fits == false, hardware.computeTarget == .gpu, facts.blockCount != nil {
            offload = MemoryEstimator.plan(facts, budget: budget, options: options)
        }
        return AnalyzedVariant(
            name: variant.name, files: variant.files, sizeBytes: variant.files.reduce(0) { $0.addingSaturating($1.sizeBytes) }, facts: facts,
            memory: memory, fits: fits, loadable: loadProblems.isEmpty, loadProblems: loadProblems, offload: offload)
    }

    /// Why `worker` cannot load a variant: backend, format, architecture (for image files without one,
    /// the base model the marketplace declares), and every tensor type.
    func loadProblems(_ facts: ModelFacts, worker: WorkerSupport, input: CompatibilityInput) -> [String] {
        var problems: [String] = []
        if !worker.backends.contains(hardware.backend) {
            problems.append("backend \(hardware.backend.rawValue) is not supported by the runner's \(worker.name) worker")
        }
        guard let support = worker.formats[facts.format] else {
            return problems + ["format \(facts.format) is not supported by the runner's \(worker.name) worker"]
        }
        // The headers decide; image files that do not name their base model go by what the marketplace declares.
        let candidates = facts.architecture.map { [$0] }
            ?? (worker.runsLanguageModels ? [] : input.declaredBaseModels + [input.modelID])
        if !candidates.contains(where: { worker.architecture(matching: $0, format: facts.format) != nil }) {
            let supported = support.architectures.joined(separator: ", ")
            problems.append(candidates.first.map {
                "\(worker.architectureTerm) \($0) is not supported by the runner for \(facts.format) files (supported: \(supported))"
            } ?? "the \(worker.architectureTerm) is not known (supported: \(supported))")
        }
        if let loadableTypes = support.tensorTypes {
            problems += facts.tensorTypes.filter { !loadableTypes.contains($0) }.map { "tensor type \($0) is not supported by the runner" }
        }
        return problems
    }

    /// A warning when a language model's headers lack facts the verdict needs.
    func partialFactsWarning(_ variant: AnalyzedVariant, worker: WorkerSupport) -> String? {
        guard worker.runsLanguageModels else { return nil }
        let facts = variant.facts
        let missing = [
            facts.architecture == nil ? "architecture" : nil,
            facts.blockCount == nil ? "layer count" : nil,
            facts.attention.headCount == nil ? "attention head count" : nil,
        ].compactMap { $0 }
        guard !missing.isEmpty else { return nil }
        return "the headers of \(variant.name) do not give its \(missing.joined(separator: ", ")): the verdict for it is partial"
    }

    /// Each distinct load problem once, naming the variants it applies to unless it applies to all.
    static func summarizeLoadProblems(_ variants: [AnalyzedVariant]) -> [String] {
        var problems: [String] = []
        var labels: [String: [String]] = [:]
        for variant in variants {
            for problem in variant.loadProblems {
                if labels[problem] == nil { problems.append(problem) }
                labels[problem, default: []].append(variant.label)
            }
        }
        return problems.map { problem in
            let holders = labels[problem]!
            return holders.count == variants.count ? problem : "\(problem) (\(holders.joined(separator: ", ")))"
        }
    }

    /// Whether `a` is a worse pick than `b`: lower quality; at equal quality, more memory; then by name.
    static func ranksBelow(_ a: AnalyzedVariant, _ b: AnalyzedVariant) -> Bool {
        let (qualityA, qualityB) = (a.qualityScore, b.qualityScore)
        if qualityA != qualityB { return qualityA < qualityB }
        if a.memory.totalBytes != b.memory.totalBytes { return a.memory.totalBytes > b.memory.totalBytes }
        return a.name > b.name
    }

    // MARK: - Making it fit

    /// "only 20 of 32 layers of Q4_K_M fit in 8.0 GiB", for the variant with the largest share on the GPU.
    func offloadWarning(_ loadable: [AnalyzedVariant], budget: UInt64) -> String? {
        let plans = loadable.compactMap { variant in variant.offload.map { (variant, $0) } }
        guard let (variant, plan) = plans.max(by: { $0.1.gpuLayers * $1.1.totalLayers < $1.1.gpuLayers * $0.1.totalLayers }) else {
            return nil
        }
        return "only \(plan.gpuLayers) of \(plan.totalLayers) layers of \(variant.label) fit in \(Formatting.bytes(budget)); the rest would run on the CPU"
    }

    /// A smaller KV cache type (`KVCacheType.allCases` runs from largest to smallest) that makes `variant` fit.
    func kvCacheRecommendation(_ variant: AnalyzedVariant, budget: UInt64) -> String? {
        for type in KVCacheType.allCases.drop(while: { $0 != options.kvCacheType }).dropFirst() {
            var smaller = options
            smaller.kvCacheType = type
            let memory = MemoryEstimator.estimate(variant.facts, options: smaller, target: hardware.computeTarget)
            if memory.totalBytes <= budget {
                return "use --kv-type \(type.rawValue) to shrink the KV cache from \(Formatting.bytes(variant.memory.kvCacheBytes)) "
                    + "to \(Formatting.bytes(memory.kvCacheBytes)): \(variant.label) then needs \(Formatting.bytes(memory.totalBytes)) of \(Formatting.bytes(budget))"
            }
        }
        return nil
    }

    /// The largest context at which `variant` fits, when it is shorter than the one asked for but still useful.
    func contextRecommendation(_ variant: AnalyzedVariant, budget: UInt64) -> String? {
        // On a CPU no GPU reserve is held back, so the search runs for the hardware's own target.
        let largest = variant.offload.map(\.maxContext)
            ?? MemoryEstimator.largestContext(variant.facts, budget: budget, options: options, target: hardware.computeTarget)
        guard let context = largest, context >= Self.minimumUsefulContext, context < variant.memory.context else { return nil }
        return "reduce context to \(context) to fit \(variant.label) in \(Formatting.bytes(budget))"
    }

    // MARK: - Verdict from tags

    /// The verdict when no header could be read: whether the tags name an architecture (or base model)
    /// the worker supports, in the formats the tags name (all when they name none).
    func tagVerdict(_ input: CompatibilityInput, worker: WorkerSupport) -> CompatibilityResult {
        var result = CompatibilityResult(compatible: false, confidence: .low)
        result.warnings.append("no file header could be read: the verdict rests on the model's tags")
        let named = worker.formats.keys.filter { input.tags.contains($0) || input.libraryName == $0 }
        let formats = (named.isEmpty ? Array(worker.formats.keys) : named).sorted()
        let match = formats.lazy.compactMap { format in
            input.declaredArchitectures.lazy.compactMap { worker.architecture(matching: $0, format: format) }.first.map { (format, $0) }
        }.first
        if !worker.backends.contains(hardware.backend) {
            result.reasons.append("backend \(hardware.backend.rawValue) is not supported by the runner's \(worker.name) worker")
        }
        if let (format, architecture) = match {
            result.compatible = result.reasons.isEmpty
            result.warnings.append("the tags name \(worker.architectureTerm) \(architecture), which the runner loads from \(format) files")
        } else {
            let supported = Set(formats.flatMap { worker.formats[$0]!.architectures }).sorted().joined(separator: ", ")
            result.reasons.append("the model's tags name no \(worker.architectureTerm) the runner supports (supported: \(supported))")
        }
        return result
    }
}

extension CompatibilityInput {
    /// Base models the marketplace declares: CivitAI's base model, then the Hub's `base_model:` tags
    /// (`base_model:finetune:owner/name` and the like give `owner/name`).
    var declaredBaseModels: [String] {
        [baseModel].compactMap { $0 } + tags.compactMap { tag in
            tag.hasPrefix("base_model:") ? tag.split(separator: ":").last.map(String.init) : nil
        }
    }

    /// Names that may be an architecture or base model: the declared base models, the tags (the Hub
    /// tags a model with its config.json `model_type`), and the id itself.
    var declaredArchitectures: [String] {
        declaredBaseModels + tags + [modelID]
    }
}
