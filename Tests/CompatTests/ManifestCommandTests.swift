import FormatParsers
import Foundation
import Marketplace
import Testing
import TestSupport

@testable import Compat

/// Two loopback marketplaces for `manifest`: a Hub listing five models over two pages — small,
/// medium (two quantizations) and large GGUF models, one whose header is unreadable, one the API no
/// longer finds — and a CivitAI listing four models over two pages.
final class ManifestMarketplaces {
    static let timestamp = "2025-06-01T12:00:00Z"
    /// Another run's time, so that a run that replaced a file would show.
    static let laterTimestamp = "2025-06-02T12:00:00Z"
    static let hubIDs = ["org/small-apache", "org/medium-mit", "org/broken", "org/gone", "org/large-other"]

    let hub: LoopbackHub
    let civitAI: LoopbackServer
    let scratch: TemporaryDirectory

    static func llama(layers: Int, embedding: UInt64 = 4096, feedForward: UInt64 = 14336, type: GGMLType = .q8_0, fileType: UInt32 = 7) -> GGUFWriter {
        SyntheticModels.llamaGGUF(vocabulary: 64, merges: 8, layers: layers, embedding: embedding, feedForward: feedForward,
                                  weightType: type, fileType: fileType, contextLength: 4096)
    }

    static var small: GGUFWriter { llama(layers: 2, embedding: 256, feedForward: 512) }
    /// About 8.7 billion parameters.
    static var mediumQ8: GGUFWriter { llama(layers: 40) }
    static var mediumQ4: GGUFWriter { llama(layers: 40, type: .q4_0, fileType: 2) }
    /// About 21.8 billion parameters.
    static var large: GGUFWriter { llama(layers: 100) }

    /// Sort × size × license, but the models file.
    static let hubFilterCount: Int = 2 * 4 * 4 - 1
    /// Content level × period × type × base model, but the models file.
    static let civitAIFilterCount: Int = 5 * 5 * 3 * 6 - 1
    /// Both providers' filters, their models files and the report.
    static let fileCount: Int = hubFilterCount + civitAIFilterCount + 3

    init() throws {
        hub = try LoopbackHub()
        civitAI = try LoopbackServer()
        scratch = try TemporaryDirectory()

        func published(_ path: String, _ writer: GGUFWriter) -> LoopbackHub.PublishedFile {
            LoopbackHub.PublishedFile(path: path, prefix: writer.headerBytes(), totalSize: writer.fileSize)
        }
        hub.addModel(repo: "org/small-apache", files: [published("small-Q8_0.gguf", Self.small)], license: "apache-2.0")
        hub.addModel(repo: "org/medium-mit", files: [
            published("medium-Q8_0.gguf", Self.mediumQ8), published("medium-Q4_0.gguf", Self.mediumQ4),
        ], license: "mit")
        let unsupportedVersion = Array("GGUF".utf8) + [9, 0, 0, 0] + [UInt8](repeating: 0, count: 64)
        hub.addModel(repo: "org/broken", files: [LoopbackHub.PublishedFile(path: "broken.gguf", prefix: unsupportedVersion, totalSize: 1 << 20)])
        hub.addModel(repo: "org/large-other", files: [published("large-Q8_0.gguf", Self.large)], license: "llama3")

        func listed(_ id: String, downloads: Int, likes: Int, license: String?) -> String {
            let card = license.map { #","cardData":{"license":"\#($0)"}"# } ?? ""
            return #"{"id":"\#(id)","author":"org","downloads":\#(downloads),"likes":\#(likes),"tags":["gguf"],"#
                + #""pipeline_tag":"text-generation","library_name":"gguf"\#(card)}"#
        }
        let json = [("Content-Type", "application/json")]
        hub.hub.serve("/api/models", .text(
            "[" + listed("org/small-apache", downloads: 300, likes: 5, license: "apache-2.0") + ","
                + listed("org/medium-mit", downloads: 200, likes: 50, license: "mit") + "]",
            headers: json + [("Link", "<\(hub.hub.url("/api/models?cursor=page2"))>; rel=\"next\"")]))
        hub.hub.serve("/api/models?cursor=page2", .text(
            "[" + listed("org/broken", downloads: 100, likes: 500, license: nil) + ","
                + listed("org/gone", downloads: 80, likes: 0, license: "llama3") + ","
                + listed("org/large-other", downloads: 50, likes: 1, license: "llama3") + "]",
            headers: json))

        let firstPage = #"{"items":["# + [
            Self.civitAIModel(id: 11, type: "Checkpoint", baseModel: "SDXL 1.0", nsfwLevel: 1, publishedAt: "2025-05-30T12:00:00.123Z", files: [
                #"{"id":1,"name":"full.safetensors","sizeKB":4096,"type":"Model","primary":true,"metadata":{"fp":"fp32","size":"full","format":"SafeTensor"}}"#,
                #"{"id":2,"name":"pruned.safetensors","sizeKB":2048,"type":"Pruned Model","metadata":{"fp":"fp16","size":"pruned","format":"SafeTensor"}}"#,
                #"{"id":3,"name":"data.zip","sizeKB":1,"type":"Training Data"}"#,
            ]),
            Self.civitAIModel(id: 12, type: "LORA", baseModel: "Pony", nsfwLevel: 4, publishedAt: "2025-04-20T00:00:00Z"),
        ].joined(separator: ",") + #"],"metadata":{"nextCursor":"c2"}}"#
        let secondPage = #"{"items":["# + [
            Self.civitAIModel(id: 13, type: "LORA", baseModel: "SD 1.5", nsfwLevel: 3, publishedAt: nil),
            Self.civitAIModel(id: 14, type: "Checkpoint", baseModel: "Illustrious", nsfwLevel: 1, publishedAt: "2025-06-01T11:00:00Z"),
        ].joined(separator: ",") + #"],"metadata":{}}"#
        civitAI.route("/api/v1/models") { request in
            .text(request.target.contains("cursor=c2") ? secondPage : firstPage, headers: json)
        }
    }

    deinit {
        hub.stop()
        civitAI.stop()
    }

    /// A CivitAI model with one version; `files` default to one primary fp16 safetensors file of 1 MiB.
    static func civitAIModel(id: Int, type: String, baseModel: String, nsfwLevel: Int, publishedAt: String?, files: [String]? = nil) -> String {
        let files = files ?? [#"{"id":\#(id),"name":"m\#(id).safetensors","sizeKB":1024,"type":"Model","primary":true,"metadata":{"fp":"fp16","format":"SafeTensor"}}"#]
        let published = publishedAt.map { #","publishedAt":"\#($0)""# } ?? ""
        return #"{"id":\#(id),"name":"model \#(id)","description":"<p>\#(id)</p>","type":"\#(type)","nsfw":false,"nsfwLevel":\#(nsfwLevel),"#
            + #""stats":{"downloadCount":\#(1000 - id),"thumbsUpCount":\#(id)},"creator":{"username":"maker"},"tags":["style"],"#
            + #""modelVersions":[{"id":\#(id * 10),"name":"v1","baseModel":"\#(baseModel)"\#(published),"files":[\#(files.joined(separator: ","))],"images":[]}]}"#
    }

    /// A path in the scratch directory.
    func path(_ name: String) -> String {
        scratch.url.appendingPathComponent(name).path
    }

    /// No token, the endpoints of the loopback servers, and a header cache of its own under `cache`.
    func environment(cache: String = "cache") -> [String: String] {
        ["COMPAT_CACHE": path(cache), "HF_HOME": path("hf-home"), "HF_ENDPOINT": hub.endpoint, "CIVITAI_ENDPOINT": civitAI.baseURL]
    }

    /// Runs `manifest --out out --quiet --timestamp timestamp` plus `arguments`, returning the exit status.
    func run(out: String, timestamp: String = ManifestMarketplaces.timestamp, cache: String = "cache", _ arguments: [String] = [],
             environment extra: [String: String] = [:]) async throws -> Int32 {
        let command = try #require(
            try CompatCommand.parseAsRoot(["manifest", "--out", out, "--quiet", "--timestamp", timestamp] + arguments) as? ManifestCommand)
        return await command.execute(environment: environment(cache: cache).merging(extra) { $1 })
    }

    /// Every entry of `directory` by name: a file's bytes, or nil for anything else.
    static func contents(of directory: String) throws -> [String: Data?] {
        var contents: [String: Data?] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            contents[name] = FileManager.default.contents(atPath: directory + "/" + name)
        }
        return contents
    }

    static func decode<Document: Decodable>(_ type: Document.Type, _ name: String, in directory: String) throws -> Document {
        try JSONDecoder().decode(type, from: Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
    }

    /// The ids a filter manifest lists, in order.
    static func ids(_ filter: String, in directory: String) throws -> [String] {
        try decode(FilterManifest.self, filter.replacingOccurrences(of: "/", with: "-") + ".json", in: directory).models.map(\.id)
    }
}

@Suite("compat-cli manifest end to end")
struct ManifestCommandTests {
    @Test("manifest writes both providers' models files, every filter manifest but the default one, and the report")
    func writesBothProviders() async throws {
        let marketplaces = try ManifestMarketplaces()
        let out = marketplaces.path("manifests")
        #expect(try await marketplaces.run(out: out) == CompatCommand.Exit.success)

        let names = Set(try FileManager.default.contentsOfDirectory(atPath: out))
        #expect(names.filter { $0.hasPrefix("hf-filter-") }.count == ManifestMarketplaces.hubFilterCount)
        #expect(names.filter { $0.hasPrefix("civitai-filter-") }.count == ManifestMarketplaces.civitAIFilterCount)
        #expect(!names.contains("hf-filter-downloads-all-all.json"))
        #expect(!names.contains("civitai-filter-all-all-all-all.json"))
        let report = try ManifestMarketplaces.decode(ManifestReport.self, ManifestReport.fileName, in: out)
        #expect(Set(report.files + [ManifestReport.fileName]) == names)
        #expect(report.timestamp == ManifestMarketplaces.timestamp)

        // Both listing pages, then each model's file listing and headers.
        #expect(marketplaces.hub.hub.recordedRequests.filter { $0.path == "/api/models" }.count == 2)
        let huggingFace = try ManifestMarketplaces.decode(ModelsManifest.self, "huggingface-models.json", in: out)
        #expect(huggingFace.provider == .huggingFace && huggingFace.sort == .downloads)
        #expect(huggingFace.models.map(\.id) == ManifestMarketplaces.hubIDs)
        let medium = huggingFace.models[1]
        #expect(medium.slug == "org--medium-mit" && medium.name == "medium-mit" && medium.author == "org")
        #expect(medium.factsSource == .headers && medium.license == "mit" && medium.category == .llm)
        #expect(medium.parameters == ManifestMarketplaces.mediumQ8.totalParameters())
        #expect(medium.architecture == "llama" && medium.format == "gguf")
        #expect(medium.quantizations == ["Q8_0", "Q4_0"])
        #expect(medium.smallestVariantBytes == ManifestMarketplaces.mediumQ4.fileSize)
        #expect(medium.recommendedVariantBytes == ManifestMarketplaces.mediumQ8.fileSize)
        #expect((medium.minimumMemoryBytes ?? 0) > ManifestMarketplaces.mediumQ4.fileSize - ManifestMarketplaces.mediumQ4.dataOffset)
        #expect(medium.compatible == true && medium.reasons.isEmpty)

        let civitAI = try ManifestMarketplaces.decode(ModelsManifest.self, "civitai-models.json", in: out)
        #expect(civitAI.models.map(\.id) == ["11", "12", "13", "14"])
        let checkpoint = civitAI.models[0]
        #expect(checkpoint.factsSource == .api && checkpoint.parameters == nil && checkpoint.minimumMemoryBytes == nil)
        #expect(checkpoint.architecture == "SDXL 1.0" && checkpoint.type == "Checkpoint" && checkpoint.format == "safetensors")
        #expect(checkpoint.quantizations == ["F32", "F16"])
        #expect(checkpoint.smallestVariantBytes == 2048 * 1024 && checkpoint.recommendedVariantBytes == 4096 * 1024)
        #expect(checkpoint.publishedAt == "2025-05-30T12:00:00Z" && checkpoint.nsfwLevel == 1)
        #expect(checkpoint.description == "<p>11</p>" && checkpoint.downloads == 989 && checkpoint.likes == 11)
        #expect(checkpoint.compatible == true)
        #expect(civitAI.models[3].compatible == false && !civitAI.models[3].reasons.isEmpty)
        let requests = marketplaces.civitAI.recordedRequests.map(\.target)
        #expect(requests.count == 2 && requests.allSatisfy { $0.contains("sort=Most%20Downloaded") })
        #expect(requests.last?.contains("cursor=c2") == true)
    }

    @Test("a model whose header cannot be read is in the report, null in the models file, and out of size-filtered lists")
    func unreadableModel() async throws {
        let marketplaces = try ManifestMarketplaces()
        let out = marketplaces.path("manifests")
        #expect(try await marketplaces.run(out: out) == CompatCommand.Exit.success)

        let report = try ManifestMarketplaces.decode(ManifestReport.self, ManifestReport.fileName, in: out)
        #expect(report.failures.map(\.id) == ["org/broken", "org/gone"])
        let broken = report.failures[0]
        #expect(broken.provider == .huggingFace && broken.files.map(\.path) == ["broken.gguf"])
        #expect(broken.files[0].error.contains("/org/broken/resolve/"))
        #expect(report.failures[1].error.contains("org/gone"))
        #expect(report.providers == [
            ManifestReport.ProviderSummary(provider: .huggingFace, models: 5, withoutFacts: 2),
            ManifestReport.ProviderSummary(provider: .civitAI, models: 4, withoutFacts: 0),
        ])
        let models = try ManifestMarketplaces.decode(ModelsManifest.self, "huggingface-models.json", in: out).models
        let unread = models.filter { $0.id == "org/broken" || $0.id == "org/gone" }
        #expect(unread.allSatisfy { $0.parameters == nil && $0.smallestVariantBytes == nil && $0.compatible == nil && $0.quantizations.isEmpty })

        // All sizes keep every model; each size class only the models whose parameters were read.
        #expect(try ManifestMarketplaces.ids("hf/filter/likes/all/all", in: out) == [
            "org/broken", "org/medium-mit", "org/small-apache", "org/large-other", "org/gone",
        ])
        #expect(try ManifestMarketplaces.ids("hf/filter/downloads/small/all", in: out) == ["org/small-apache"])
        #expect(try ManifestMarketplaces.ids("hf/filter/downloads/medium/all", in: out) == ["org/medium-mit"])
        #expect(try ManifestMarketplaces.ids("hf/filter/likes/large/all", in: out) == ["org/large-other"])
        #expect(try ManifestMarketplaces.ids("hf/filter/downloads/all/other", in: out) == ["org/broken", "org/gone", "org/large-other"])
        #expect(try ManifestMarketplaces.ids("hf/filter/likes/medium/mit", in: out) == ["org/medium-mit"])
        #expect(try ManifestMarketplaces.ids("hf/filter/likes/small/mit", in: out).isEmpty)
        let large = try ManifestMarketplaces.decode(FilterManifest.self, "hf-filter-likes-large-all.json", in: out)
        #expect(large.filter == "hf/filter/likes/large/all" && large.timestamp == ManifestMarketplaces.timestamp)
        #expect(large.models.first?.parameters == ManifestMarketplaces.large.totalParameters())
        #expect(large.models.first?.sizeBytes == ManifestMarketplaces.large.fileSize)
    }

    @Test("CivitAI filters choose by content level, publication period, type and base model, in listing order")
    func civitAIFilters() async throws {
        let marketplaces = try ManifestMarketplaces()
        let out = marketplaces.path("manifests")
        #expect(try await marketplaces.run(out: out, ["--provider", "civitai"]) == CompatCommand.Exit.success)
        #expect(!FileManager.default.fileExists(atPath: out + "/huggingface-models.json"))
        #expect(marketplaces.hub.hub.totalRequests == 0)

        let expected: [(String, [String])] = [
            ("civitai/filter/pg/all/all/all", ["11", "13", "14"]),
            ("civitai/filter/pg13/all/all/all", ["11", "13", "14"]),
            ("civitai/filter/r/all/all/all", ["11", "12", "13", "14"]),
            ("civitai/filter/all/year/all/all", ["11", "12", "14"]),
            ("civitai/filter/all/week/all/all", ["11", "14"]),
            ("civitai/filter/all/day/all/all", ["14"]),
            ("civitai/filter/all/all/checkpoints/all", ["11", "14"]),
            ("civitai/filter/all/all/loras/all", ["12", "13"]),
            ("civitai/filter/all/all/all/sdxl", ["11"]),
            ("civitai/filter/all/all/all/pony", ["12"]),
            ("civitai/filter/all/all/all/sd15", ["13"]),
            ("civitai/filter/all/all/all/flux", []),
            ("civitai/filter/pg/all/loras/all", ["13"]),
            ("civitai/filter/x/month/loras/pony", []),
        ]
        for (filter, ids) in expected {
            #expect(try ManifestMarketplaces.ids(filter, in: out) == ids, "\(filter)")
        }
    }

    @Test("two runs with the same timestamp write byte-identical files, whether headers come from the network or the cache")
    func deterministic() async throws {
        let marketplaces = try ManifestMarketplaces()
        let first = marketplaces.path("first")
        let second = marketplaces.path("second")
        #expect(try await marketplaces.run(out: first) == CompatCommand.Exit.success)
        #expect(try await marketplaces.run(out: second) == CompatCommand.Exit.success)
        let (a, b) = (try ManifestMarketplaces.contents(of: first), try ManifestMarketplaces.contents(of: second))
        #expect(a.count == ManifestMarketplaces.fileCount)
        #expect(a.keys.sorted() == b.keys.sorted())
        #expect(a.filter { b[$0.key] != $0.value }.keys.sorted() == [])
    }

    @Test("a second run with the header cache makes only listing requests: no header is read again but the unreadable one")
    func secondRunReadsCache() async throws {
        let marketplaces = try ManifestMarketplaces()
        let out = marketplaces.path("manifests")
        #expect(try await marketplaces.run(out: out, ["--provider", "hf"]) == CompatCommand.Exit.success)
        let (hubBefore, cdnBefore) = (marketplaces.hub.hub.totalRequests, marketplaces.hub.cdn.totalRequests)
        #expect(try await marketplaces.run(out: out, ["--provider", "hf"]) == CompatCommand.Exit.success)

        let hubRequests = marketplaces.hub.hub.recordedRequests.dropFirst(hubBefore).map(\.path)
        let listings = ["/api/models", "/api/models"] + ManifestMarketplaces.hubIDs.map { "/api/models/\($0)" }
        #expect(hubRequests.filter { $0.hasPrefix("/api/") }.sorted() == listings.sorted())
        // Failed reads are not cached: only the unreadable header is asked for again.
        #expect(hubRequests.filter { !$0.hasPrefix("/api/") } == ["/org/broken/resolve/\(LoopbackHub.defaultCommit)/broken.gguf"])
        #expect(marketplaces.hub.cdn.totalRequests - cdnBefore == 1)
    }

    @Test("an interrupted run replaces no file and leaves no temporary file, and exits 130")
    func interruptedRun() async throws {
        let marketplaces = try ManifestMarketplaces()
        let out = marketplaces.path("manifests")
        #expect(try await marketplaces.run(out: out) == CompatCommand.Exit.success)
        let before = try ManifestMarketplaces.contents(of: out)

        // The next run stalls on one model's file listing until it is cancelled.
        let stalled = "/api/models/org/medium-mit"
        marketplaces.hub.hub.inject(.delayBeforeHeaders(.seconds(60)), on: stalled)
        let environment = marketplaces.environment()
        let run = Task {
            let command = try #require(try CompatCommand.parseAsRoot([
                "manifest", "--out", out, "--quiet", "--timestamp", ManifestMarketplaces.laterTimestamp,
            ]) as? ManifestCommand)
            return await command.execute(environment: environment)
        }
        for _ in 0..<2000 where marketplaces.hub.hub.requestCount(path: stalled) < 2 {
            try await Task.sleep(for: .milliseconds(5))
        }
        run.cancel()
        #expect(try await run.value == ManifestCommand.interruptedExitStatus)
        #expect(try ManifestMarketplaces.contents(of: out) == before)
    }

    @Test("a file that cannot be renamed into place fails the run with exit 2, replacing nothing and leaving no temporary file")
    func renameFailure() async throws {
        let marketplaces = try ManifestMarketplaces()
        let out = marketplaces.path("manifests")
        #expect(try await marketplaces.run(out: out) == CompatCommand.Exit.success)
        // The first file a run renames into place is now a folder.
        let blocked = "hf-filter-downloads-all-apache.json"
        try FileManager.default.removeItem(atPath: out + "/" + blocked)
        try FileManager.default.createDirectory(atPath: out + "/" + blocked + "/inside", withIntermediateDirectories: true)
        let before = try ManifestMarketplaces.contents(of: out)

        #expect(try await marketplaces.run(out: out, timestamp: ManifestMarketplaces.laterTimestamp) == CompatCommand.Exit.usage)
        #expect(try ManifestMarketplaces.contents(of: out) == before)
    }

    @Test("filter manifests a run no longer writes are removed with the run's files in place")
    func staleFiltersRemoved() async throws {
        let marketplaces = try ManifestMarketplaces()
        let out = marketplaces.path("manifests")
        #expect(try await marketplaces.run(out: out, ["--provider", "hf", "--sort", "likes"]) == CompatCommand.Exit.success)
        #expect(FileManager.default.fileExists(atPath: out + "/hf-filter-downloads-all-all.json"))
        try Data("keep".utf8).write(to: URL(fileURLWithPath: out + "/notes.json"))

        #expect(try await marketplaces.run(out: out, ["--provider", "hf"]) == CompatCommand.Exit.success)
        #expect(!FileManager.default.fileExists(atPath: out + "/hf-filter-downloads-all-all.json"))
        #expect(FileManager.default.fileExists(atPath: out + "/hf-filter-likes-all-all.json"))
        #expect(FileManager.default.fileExists(atPath: out + "/notes.json"))
    }

    @Test("usage errors exit 2", arguments: [
        ["manifest"], ["manifest", "--out", "x", "--limit", "0"], ["manifest", "--out", "x", "--concurrency", "0"],
        ["manifest", "--out", "x", "--timestamp", "yesterday"], ["manifest", "--out", "x", "--provider", "bing"],
        ["manifest", "--out", "x", "--no-cache", "--offline"],
    ])
    func usageErrors(arguments: [String]) async {
        #expect(await CompatCommand.run(arguments: arguments) == CompatCommand.Exit.usage)
    }

    @Test("offline, a failing Hub listing or a failing CivitAI listing exit 2 and write nothing", arguments: [
        "offline", "hub", "civitai",
    ])
    func failuresWriteNothing(failing: String) async throws {
        let marketplaces = try ManifestMarketplaces()
        let out = marketplaces.path("manifests")
        switch failing {
        case "hub": marketplaces.hub.hub.serve("/api/models", .text("gone", status: 404))
        case "civitai": marketplaces.civitAI.route("/api/v1/models") { _ in .text("gone", status: 404) }
        default: break
        }
        let status = try await marketplaces.run(out: out, environment: failing == "offline" ? ["HF_HUB_OFFLINE": "1"] : [:])
        #expect(status == CompatCommand.Exit.usage)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).isEmpty)
    }

    @Test("--timestamp takes ISO 8601 with a zone and optional fractional seconds, and writes UTC to the second", arguments: [
        ("2025-06-01T12:00:00Z", Optional("2025-06-01T12:00:00Z")), ("2025-06-01T14:00:00.75+02:00", "2025-06-01T12:00:00Z"),
        ("2025-06-01", nil), ("now", nil),
    ])
    func timestamps(argument: String, written: String?) {
        #expect(ManifestTimestamp(argument: argument)?.text == written)
    }
}
