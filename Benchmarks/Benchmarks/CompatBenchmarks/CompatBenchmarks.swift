import Benchmark
import BenchmarkInputs
import Compat
import FormatParsers
import Marketplace

/// Requests and bytes the loopback Hub answered during one remote iteration.
let hubRequests = BenchmarkMetric.custom("Hub requests", polarity: .prefersSmaller, useScalingFactor: false)
let hubBytes = BenchmarkMetric.custom("Hub bytes", polarity: .prefersSmaller, useScalingFactor: false)

/// Malloc counts are the stable metric, so they alone are gated; the other `metrics` are reported.
func gatedOnMallocs(_ metrics: [BenchmarkMetric], tolerancePercent: Double) -> [BenchmarkMetric: BenchmarkThresholds] {
    let mallocs = BenchmarkThresholds(relative: [.p50: tolerancePercent, .p90: tolerancePercent])
    return Dictionary(uniqueKeysWithValues: metrics.map { ($0, $0 == .mallocCountTotal ? mallocs : BenchmarkThresholds()) })
}

/// One Hub for every remote benchmark of the process: publishing its repositories takes seconds.
let sharedHub = Result { try BenchmarkHub() }

/// The six variants of the facts benchmarks: the GGUF repository's five quantizations (Q8_0 in two
/// parts) and the safetensors repository's four shards with their config.
struct VariantHeaders {
    var gguf: [[GGUFHeader]]
    var safetensors: [SafetensorsHeader]
    var config: ModelConfig

    init() throws {
        var parts: [String: [GGUFHeader]] = [:]
        for (path, writer) in HubRepositories.ggufVariants() {
            let name = GGUFSplitName(path)?.prefix ?? path
            parts[name, default: []].append(try GGUFHeader(parsing: writer.headerBytes(), fileSize: writer.fileSize))
        }
        gguf = parts.keys.sorted().map { parts[$0]! }
        safetensors = try HubRepositories.safetensorsShards().map { shard in
            let header = shard.writer.headerBytes()
            return try SafetensorsHeader(parsing: header, fileSize: UInt64(header.count) + shard.writer.dataBytes)
        }
        config = try ModelConfig(parsing: Array(HubRepositories.llama3Config.utf8))
    }

    func facts() -> [ModelFacts] {
        gguf.map { ModelFacts(gguf: $0) } + [ModelFacts(safetensors: safetensors, config: config)]
    }
}

let localMetrics: [BenchmarkMetric] = [.wallClock, .mallocCountTotal, .peakMemoryResident]
let remoteMetrics = localMetrics + [hubRequests, hubBytes]

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: localMetrics, maxDuration: .seconds(2), thresholds: gatedOnMallocs(localMetrics, tolerancePercent: 2))

    // MARK: Parsing, against a memory copy of the same bytes (the physical floor)

    let headers: [(label: String, skip: Bool, input: @Sendable () throws -> HeaderInput)] = [
        ("GGUF gpt-2 vocab (real)", !HeaderInputs.fixturesAvailable, { try HeaderInputs.gpt2Vocabulary()! }),
        ("GGUF Llama-3 header (synthetic)", false, HeaderInputs.llama3GGUF),
        ("safetensors 10 kB header", false, HeaderInputs.smallSafetensors),
        ("safetensors 10 MB header", false, HeaderInputs.largeSafetensors),
    ]
    for header in headers {
        Benchmark("Parse " + header.label, configuration: .init(skip: header.skip)) { benchmark, input in
            for _ in benchmark.scaledIterations { blackHole(try! input.parse()) }
        } setup: {
            try header.input()
        }
        Benchmark("Copy " + header.label, configuration: .init(skip: header.skip)) { benchmark, copy in
            for _ in benchmark.scaledIterations { copy.run() }
            blackHole(copy)
        } setup: {
            MemoryCopy(of: try header.input().headerBytes)
        }
    }

    // MARK: Facts, memory and verdict for a repository of six variants

    Benchmark("Facts: 6 variants") { benchmark, variants in
        for _ in benchmark.scaledIterations { blackHole(variants.facts()) }
    } setup: {
        try VariantHeaders()
    }
    Benchmark("Memory estimate: 6 variants") { benchmark, facts in
        for _ in benchmark.scaledIterations {
            for variant in facts { blackHole(MemoryEstimator.estimate(variant)) }
        }
    } setup: {
        try VariantHeaders().facts()
    }
    Benchmark("Verdict: 6 variants") { (benchmark, input: CompatibilityInput) in
        for _ in benchmark.scaledIterations {
            blackHole(checkModelCompatibility(input, hardware: Hardware(backend: .cuda, vramBytes: 24 << 30, ramBytes: 64 << 30)))
        }
    } setup: {
        let facts = try VariantHeaders().facts()
        let variants = facts.enumerated().map { index, facts in
            VariantInput(name: "variant-\(index)", files: [VariantFileReport(path: "variant-\(index)", sizeBytes: facts.tensorBytes, headerBytes: 0)], facts: facts)
        }
        return CompatibilityInput(modelID: "bench/llama-3", tags: ["text-generation"], pipelineTag: "text-generation", variants: variants)
    }

    // MARK: Remote: `check`'s analysis against the loopback Hub

    for repoCase in HubRepositories.repoCases {
        for latency in [0, 50] {
            Benchmark(
                "Analyze \(repoCase.summary), \(latency) ms latency",
                configuration: .init(
                    metrics: remoteMetrics, maxDuration: .seconds(3), maxIterations: 20,
                    thresholds: gatedOnMallocs(remoteMetrics, tolerancePercent: 10))
            ) { (benchmark, server: BenchmarkHub) in
                let before = server.traffic
                let http = HTTPClient()
                let source = HubModelSource(
                    client: HuggingFaceClient(endpoint: server.hub.endpoint, token: nil, http: http),
                    reader: RemoteHeaderReader(client: http, endpoint: server.hub.endpoint))
                let analysis = try! await source.analyze(repo: repoCase.repo, revision: nil)
                precondition(analysis.failures.isEmpty && !analysis.variants.isEmpty, "\(analysis.failures)")
                blackHole(checkModelCompatibility(analysis.compatibilityInput(hasToken: false), hardware: Hardware()))
                let used = server.traffic - before
                benchmark.measurement(hubRequests, used.requests)
                benchmark.measurement(hubBytes, used.bytes)
            } setup: {
                let server = try sharedHub.get()
                server.addedLatency = .milliseconds(latency)
                return server
            }
        }
    }
}
