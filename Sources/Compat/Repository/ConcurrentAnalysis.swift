import Marketplace

extension HubModelSource {
    /// Analyzes many repositories, at most `concurrency` at a time (each one's files are read
    /// concurrently too, within the HTTP client's bound). Results are in the order of `repos`.
    public func analyze(repos: [String], concurrency: Int = 8) async -> [Result<ModelAnalysis, AnalysisError>] {
        await repos.concurrentMap(width: concurrency) { repo in
            // One return, as in RemoteHeaderReader.read(_:): Swift 6.3.1 miscompiles a value returned
            // from both branches of a typed `do throws` in a task-group child at -O.
            let result: Result<ModelAnalysis, AnalysisError>
            do throws(AnalysisError) {
                result = .success(try await analyze(repo: repo, revision: nil))
            } catch {
                result = .failure(error)
            }
            return result
        }
    }
}

/// The Hub models among `models` that run on `hardware`, judged from their headers, read
/// concurrently (`filterCompatibleModels` of the marketplace SDK, over the network). A model whose
/// repository cannot be listed is judged on its tags alone.
public func filterCompatibleModels(
    _ models: [Model], hardware: Hardware, source: HubModelSource, runtime: RuntimeSupport = .default,
    options: MemoryOptions = MemoryOptions(), concurrency: Int = 8
) async -> [(model: Model, result: CompatibilityResult)] {
    let analyses = await source.analyze(repos: models.map(\.id), concurrency: concurrency)
    let hasToken = source.client.token != nil
    let inputs = zip(models, analyses).map { model, analysis in
        switch analysis {
        case .success(let analysis):
            var input = analysis.compatibilityInput(hasToken: hasToken)
            input.category = model.category
            return input
        case .failure:
            return CompatibilityInput(
                modelID: model.id, category: model.category, tags: model.tags, isGated: model.isGated, hasToken: hasToken)
        }
    }
    return zip(models, inputs).compactMap { model, input in
        let result = checkModelCompatibility(input, hardware: hardware, runtime: runtime, options: options)
        return result.compatible ? (model, result) : nil
    }
}

extension Array where Element: Sendable {
    /// `transform` of every element, at most `width` running at once; results in the elements' order.
    func concurrentMap<Result: Sendable>(
        width: Int, _ transform: @escaping @Sendable (Element) async -> Result
    ) async -> [Result] {
        await withTaskGroup(of: (Int, Result).self) { group in
            var results = [Result?](repeating: nil, count: count)
            var next = 0
            func startNext() {
                guard next < count else { return }
                let (index, element) = (next, self[next])
                group.addTask { (index, await transform(element)) }
                next += 1
            }
            for _ in 0..<Swift.max(width, 1) { startNext() }
            for await (index, result) in group {
                results[index] = result
                startNext()
            }
            return results.map { $0! }  // every index was filled by its task
        }
    }
}
