// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "compat",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "FormatParsers", targets: ["FormatParsers"]),
        .library(name: "Marketplace", targets: ["Marketplace"]),
        .library(name: "Compat", targets: ["Compat"]),
        .executable(name: "compat-cli", targets: ["compat-cli"]),
        // The loopback Hub and synthetic writers, for the Benchmarks package.
        .library(name: "CompatTestSupport", targets: ["TestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Bytes -> header: GGUF and safetensors parsers. No Foundation, Embedded-Swift clean.
        .target(name: "FormatParsers"),
        // libcurl and libzstd, with typed shims for curl's variadic calls.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // URL -> bytes: HTTP, ranged header reads, header cache, Hub and CivitAI clients.
        .target(name: "Marketplace", dependencies: ["FormatParsers", "CCurl", "CZstd"]),
        // Header -> facts -> verdict -> report, and the CLI commands.
        .target(
            name: "Compat",
            dependencies: [
                "FormatParsers", "Marketplace",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The default runner's matrix is compiled in (RuntimeSupport.defaultJSON); this copy is
            // the documented starting point for --runtime files, kept equal by a test.
            exclude: ["Resources/default-runtime.json"]),
        .executableTarget(name: "compat-cli", dependencies: ["Compat"]),

        .target(name: "TestSupport", dependencies: ["FormatParsers"], path: "Tests/TestSupport"),
        .testTarget(name: "FormatParsersTests", dependencies: ["FormatParsers", "TestSupport"]),
        .testTarget(name: "MarketplaceTests", dependencies: ["Marketplace", "TestSupport"]),
        .testTarget(name: "CompatTests", dependencies: ["Compat", "TestSupport"], resources: [.copy("Resources")]),
    ]
)
