// swift-tools-version: 6.1
// The benchmark suite, kept out of the root package so its `swift test` never builds ordo-one/benchmark.
//   swift package benchmark            (in this folder) runs Benchmarks/CompatBenchmarks
//   ./compare.sh                       times compat against gguf-py, hf-mem, safetensors and huggingface_hub
import PackageDescription

let package = Package(
    name: "compat-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "compat", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The inputs every benchmark shares: headers to parse, and the repositories the loopback Hub serves.
        .target(
            name: "BenchmarkInputs",
            dependencies: [
                .product(name: "FormatParsers", package: "compat"),
                .product(name: "CompatTestSupport", package: "compat"),
            ]),
        // compat's side of compare.sh: times parsing and fetching, prints JSON.
        .executableTarget(
            name: "compat-bench",
            dependencies: [
                "BenchmarkInputs",
                .product(name: "Compat", package: "compat"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // The loopback Hub for compare.sh's Python peers and compat-bench, with a control port.
        .executableTarget(name: "bench-hub", dependencies: ["BenchmarkInputs"]),
        .executableTarget(
            name: "CompatBenchmarks",
            dependencies: [
                "BenchmarkInputs",
                .product(name: "Compat", package: "compat"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CompatBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)
