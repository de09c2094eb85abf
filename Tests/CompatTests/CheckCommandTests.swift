import FormatParsers
import Foundation
import Marketplace
import Testing
import TestSupport

@testable import Compat

/// A quantized variant of a small Llama: the same shapes, another weight type.
private func quantized(_ type: GGMLType, fileType: UInt32) -> GGUFWriter {
    SyntheticModels.llamaGGUF(vocabulary: 2000, merges: 1000, layers: 4, embedding: 1024, feedForward: 4096, heads: 16, kvHeads: 4,
                              weightType: type, fileType: fileType, contextLength: 32768)
}

private func published(_ path: String, _ writer: GGUFWriter) -> LoopbackHub.PublishedFile {
    LoopbackHub.PublishedFile(path: path, prefix: writer.headerBytes(), totalSize: writer.fileSize)
}

/// A split GGUF: the same model's tensors in two files with split keys.
private func splitParts(_ path: (Int) -> String) -> [LoopbackHub.PublishedFile] {
    quantized(.q4_0, fileType: 2).split(into: 2).enumerated().map { index, part in published(path(index + 1), part) }
}

/// A fresh environment: no token, an empty Hugging Face cache, a private header cache.
private func environment(_ directory: TemporaryDirectory, token: String? = nil) -> [String: String] {
    var environment = ["HF_HUB_CACHE": directory.url.path + "/hf", "COMPAT_CACHE": directory.url.path + "/cache", "HF_HOME": directory.url.path + "/home"]
    environment["HF_TOKEN"] = token
    return environment
}

private func run(_ arguments: [String], _ environment: [String: String]) async throws -> CheckReport {
    let command = try #require(try CompatCommand.parseAsRoot(["check"] + arguments) as? CheckCommand)
    return try await CheckCommand.check(command, environment: environment)
}

@Suite("compat-cli check end to end")
struct CheckCommandTests {
    @Test("a GGUF repo with several quantizations and a split file")
    func ggufRepo() async throws {
        let hub = try LoopbackHub()
        defer { hub.stop() }
        let directory = try TemporaryDirectory()
        hub.addModel(repo: "org/llama-gguf", files: [
            published("model-F16.gguf", quantized(.f16, fileType: 1)),
            published("model-Q8_0.gguf", quantized(.q8_0, fileType: 7)),
            published("model-IQ4_XS.gguf", quantized(GGMLType(name: "IQ4_XS")!, fileType: 30)),
        ] + splitParts { "split/model-Q4_0-0000\($0)-of-00002.gguf" }, tags: ["gguf"], libraryName: "gguf")

        let report = try await run(["org/llama-gguf", "--endpoint", hub.endpoint, "--ram", "8GiB"], environment(directory))
        #expect(report.commit == LoopbackHub.defaultCommit)
        #expect(report.architecture == "llama")
        // Best quality first.
        #expect(report.variants.map { $0.quantization ?? "" } == ["F16", "Q8_0", "IQ4_XS", "Q4_0"])
        let split = try #require(report.variants.first { $0.quantization == "Q4_0" })
        #expect(split.files.count == 2)
        #expect(split.parameters == quantized(.q4_0, fileType: 2).totalParameters())
        #expect(report.variants.first { $0.quantization == "IQ4_XS" }?.loadable == false)
        #expect(report.compatibility.compatible)
        #expect(report.recommendedVariant == report.variants.first { $0.quantization == "F16" }?.name)
        #expect(report.headerRequests >= 5)

        // A second check of the same revision reads every header from the cache.
        let filesBefore = hub.cdn.totalRequests
        let again = try await run(["org/llama-gguf", "--endpoint", hub.endpoint, "--ram", "8GiB"], environment(directory))
        #expect(hub.cdn.totalRequests == filesBefore)
        #expect(again.headerRequests == 0)
        #expect(again.variants == report.variants)

        // Offline uses only the cache.
        let offline = try await run(["org/llama-gguf", "--endpoint", hub.endpoint, "--offline"], environment(directory))
        #expect(offline.variants.count == 4)

        // Damaged cache entries are detected and the headers fetched again.
        let entries = FileManager.default.enumerator(atPath: directory.url.path + "/cache")?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".header") } ?? []
        #expect(!entries.isEmpty)
        for entry in entries {
            let path = directory.url.path + "/cache/" + entry
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[bytes.count - 1] ^= 0xFF
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        let recovered = try await run(["org/llama-gguf", "--endpoint", hub.endpoint, "--ram", "8GiB"], environment(directory))
        #expect(recovered.headerRequests > 0)
        #expect(recovered.variants == report.variants)
    }

    /// `--file` picks whole variants: a split model is read whole when one of its parts matches.
    static let fileSelections: [(pattern: String, quantizations: [String])] = [
        ("*Q4_0*", ["Q4_0"]), ("model-Q8_0.gguf", ["Q8_0"]), ("split/*00002-of-00002.gguf", ["Q4_0"]),
        ("*-F16.gguf", ["F16"]), ("model-Q[48]_0*", ["Q8_0", "Q4_0"]),
    ]

    @Test("--file reads only the variants it selects, from the Hub and from a folder", arguments: fileSelections)
    func fileSelection(pattern: String, quantizations: [String]) async throws {
        let hub = try LoopbackHub()
        defer { hub.stop() }
        let directory = try TemporaryDirectory()
        let files = [published("model-F16.gguf", quantized(.f16, fileType: 1)), published("model-Q8_0.gguf", quantized(.q8_0, fileType: 7))]
            + splitParts { "split/model-Q4_0-0000\($0)-of-00002.gguf" }
        hub.addModel(repo: "org/llama-gguf", files: files, tags: ["gguf"], libraryName: "gguf")
        for file in files {
            // The header, then a hole to the file's full size.
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: try directory.write("local/" + file.path, file.prefix)))
            try handle.truncate(atOffset: file.totalSize)
            try handle.close()
        }

        let remote = try await run(["org/llama-gguf", "--endpoint", hub.endpoint, "--file", pattern], environment(directory))
        let local = try await run([directory.url.path + "/local", "--file", pattern], environment(directory))
        for report in [remote, local] {
            #expect(report.variants.map { $0.quantization ?? "" } == quantizations)
        }
        let selectedFiles = Set(remote.variants.flatMap(\.files).map(\.path))
        let fetched = Set(hub.hub.recordedRequests.map(\.path).filter { $0.hasSuffix(".gguf") }.map { String($0.split(separator: "/", maxSplits: 4)[4]) })
        #expect(fetched == selectedFiles)
    }

    @Test("--file that selects nothing is an error naming the pattern")
    func fileSelectsNothing() async throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write("local/model-Q8_0.gguf", quantized(.q8_0, fileType: 7).fileBytes())
        await #expect {
            _ = try await run([directory.url.path + "/local", "--file", "*Q2_K*"], environment(directory))
        } throws: { error in
            "\(error)" == "\(directory.url.path)/local: no GGUF or safetensors file matches --file '*Q2_K*'"
        }
    }

    @Test("a sharded safetensors repo")
    func safetensorsRepo() async throws {
        let hub = try LoopbackHub()
        defer { hub.stop() }
        let directory = try TemporaryDirectory()
        var files: [LoopbackHub.PublishedFile] = []
        var weightMap: [String] = []
        var parameters: UInt64 = 0
        for shard in 1...2 {
            let writer = SyntheticModels.llamaSafetensors(layers: 2, embedding: 1024, feedForward: 4096, kvWidth: 256)
            var renamed = writer
            renamed.tensors = writer.tensors.map { tensor in
                var tensor = tensor
                tensor.name = tensor.name.replacingOccurrences(of: "model.layers.", with: "model.layers.\(shard)")
                return tensor
            }
            let path = "model-0000\(shard)-of-00002.safetensors"
            files.append(LoopbackHub.PublishedFile(path: path, prefix: renamed.headerBytes(), totalSize: UInt64(renamed.headerBytes().count) + renamed.dataBytes))
            weightMap += renamed.tensors.map { "\"\($0.name)\":\"\(path)\"" }
            parameters += renamed.tensors.reduce(0) { $0 + $1.shape.reduce(1, *) }
        }
        let index = Array(#"{"metadata":{"total_size":1},"weight_map":{\#(weightMap.joined(separator: ","))}}"#.utf8)
        let config = Array(#"{"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":1024,"num_hidden_layers":4,"num_attention_heads":16,"num_key_value_heads":4,"max_position_embeddings":8192,"vocab_size":32000,"torch_dtype":"bfloat16"}"#.utf8)
        files.append(LoopbackHub.PublishedFile(path: "model.safetensors.index.json", prefix: index, totalSize: UInt64(index.count)))
        files.append(LoopbackHub.PublishedFile(path: "config.json", prefix: config, totalSize: UInt64(config.count)))
        hub.addModel(repo: "org/llama-st", files: files, pipelineTag: "text-generation", libraryName: "transformers")

        let report = try await run(["org/llama-st", "--endpoint", hub.endpoint, "--vram", "24GiB", "--backend", "cuda"], environment(directory))
        let variant = try #require(report.variants.first)
        #expect(report.variants.count == 1)
        #expect(variant.files.count == 2)
        #expect(variant.parameters == parameters)
        #expect(report.architecture == "llama")
        #expect(report.contextLength == 8192)
        #expect(report.compatibility.compatible)
    }

    @Test("a gated repo without a token is not readable and says how to get access; with the token it is")
    func gatedRepo() async throws {
        let hub = try LoopbackHub()
        defer { hub.stop() }
        let directory = try TemporaryDirectory()
        hub.addModel(repo: "org/gated", files: [published("model-Q8_0.gguf", quantized(.q8_0, fileType: 7))],
                     tags: ["gguf"], gated: true, acceptedToken: "hf_good")

        let denied = try await run(["org/gated", "--endpoint", hub.endpoint, "--no-cache"], environment(directory))
        #expect(denied.variants.isEmpty)
        #expect(denied.failures.count == 1)
        #expect(denied.compatibility.recommendations.contains { $0.contains("HF_TOKEN") })
        #expect(denied.compatibility.confidence < .high)

        let allowed = try await run(["org/gated", "--endpoint", hub.endpoint, "--no-cache"], environment(directory, token: "hf_good"))
        #expect(allowed.variants.count == 1)
        #expect(allowed.compatibility.confidence == .high)
        #expect(hub.cdn.recordedRequests.allSatisfy { $0.header("Authorization") == nil })
    }

    @Test("a missing repo is an error, exit status 2")
    func missingRepo() async throws {
        let hub = try LoopbackHub()
        defer { hub.stop() }
        let directory = try TemporaryDirectory()
        await #expect(throws: CheckCommand.CheckError.self) {
            try await run(["org/missing", "--endpoint", hub.endpoint], environment(directory))
        }
        #expect(await CompatCommand.run(arguments: ["check", "org/missing", "--endpoint", hub.endpoint, "--no-cache"]) == CompatCommand.Exit.usage)
    }

    @Test("a local file is checked from disk; not fitting exits 1, fitting exits 0")
    func localFile() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("model.gguf", quantized(.q8_0, fileType: 7).fileBytes())
        let report = try await run([path, "--ram", "16GiB"], environment(directory))
        #expect(report.source == "local")
        #expect(report.variants.first?.quantization == "Q8_0")
        #expect(await CompatCommand.run(arguments: ["check", path, "--ram", "16GiB", "--json"]) == CompatCommand.Exit.success)
        #expect(await CompatCommand.run(arguments: ["check", path, "--ram", "1MiB"]) == CompatCommand.Exit.failure)
    }

    @Test("usage errors exit 2", arguments: [["check"], ["check", "x", "--vram", "lots"], ["check", "x", "--kv-type", "q3"], ["check", "not a model!"]])
    func usage(arguments: [String]) async {
        #expect(await CompatCommand.run(arguments: arguments) == CompatCommand.Exit.usage)
    }

    @Test("sizes parse in binary and decimal units", arguments: [("24GiB", 24 << 30), ("8GB", 8_000_000_000), ("512MiB", 512 << 20), ("1024", 1024), ("1.5GiB", 3 << 29)])
    func sizes(text: String, bytes: UInt64) {
        #expect(ByteSize(argument: text)?.bytes == bytes)
    }

    @Test("COMPAT_CACHE_SIZE bounds the header cache; unset or empty means 1 GiB", arguments: [
        ([:], HeaderCache.defaultMaxBytes), (["COMPAT_CACHE_SIZE": ""], HeaderCache.defaultMaxBytes),
        (["COMPAT_CACHE_SIZE": "200MiB"], 200 << 20), (["COMPAT_CACHE_SIZE": "0"], 0),
    ] as [([String: String], UInt64)])
    func cacheSize(environment: [String: String], bytes: UInt64) throws {
        #expect(try HubOptions.cacheMaxBytes(environment: environment) == bytes)
    }

    @Test("the Hub client trusts the certificate authorities the environment names")
    func certificateAuthoritiesFromEnvironment() throws {
        let options = try HubOptions.parse([])
        let source = options.makeSource(environment: ["SSL_CERT_FILE": "/etc/proxy-ca.pem"])
        #expect(source.client.http.configuration.certificateAuthorities == "/etc/proxy-ca.pem")
        #expect(options.makeSource(environment: [:]).client.http.configuration.certificateAuthorities == nil)
    }

    @Test("a malformed COMPAT_CACHE_SIZE is a usage error naming the variable and the value")
    func malformedCacheSize() {
        #expect {
            try HubOptions.cacheMaxBytes(environment: ["COMPAT_CACHE_SIZE": "lots"])
        } throws: { error in
            "\(error)".contains("COMPAT_CACHE_SIZE") && "\(error)".contains("'lots'")
        }
    }

    @Test("model references parse", arguments: [
        ("org/name", ModelReference.hub(repo: "org/name", revision: nil, endpoint: nil)),
        ("org/name@v1.0", .hub(repo: "org/name", revision: "v1.0", endpoint: nil)),
        ("https://huggingface.co/org/name", .hub(repo: "org/name", revision: nil, endpoint: "https://huggingface.co")),
        ("https://huggingface.co/org/name/tree/dev", .hub(repo: "org/name", revision: "dev", endpoint: "https://huggingface.co")),
        ("http://127.0.0.1:8080/org/name/blob/abc/model.gguf", .hub(repo: "org/name", revision: "abc", endpoint: "http://127.0.0.1:8080")),
    ])
    func references(text: String, expected: ModelReference) throws {
        #expect(try ModelReference.parse(text, fileExists: { _ in false }) == expected)
    }

    @Test("a model in the Hugging Face cache is read from disk")
    func huggingFaceCache() async throws {
        let directory = try TemporaryDirectory()
        let commit = "abcdef0123456789abcdef0123456789abcdef01"
        _ = try directory.write("hf/models--org--cached/refs/main", Array(commit.utf8))
        _ = try directory.write("hf/models--org--cached/snapshots/\(commit)/model-Q8_0.gguf", quantized(.q8_0, fileType: 7).fileBytes())
        let report = try await run(["org/cached"], environment(directory))
        #expect(report.source == "Hugging Face cache")
        #expect(report.commit == commit)
        #expect(report.variants.count == 1)
    }

    @Test("a header cache on a full disk only misses: every check still answers from the network", SmallFilesystem.required)
    func cacheOnFullDisk() async throws {
        let hub = try LoopbackHub()
        defer { hub.stop() }
        let directory = try TemporaryDirectory()
        hub.addModel(repo: "org/m", files: [published("m-Q8_0.gguf", quantized(.q8_0, fileType: 7))], tags: ["gguf"])
        let filesystem = try SmallFilesystem(bytes: 256 << 10)
        try filesystem.fill(leaving: 0)
        var full = environment(directory)
        full["COMPAT_CACHE"] = filesystem.url.appendingPathComponent("cache").path

        let expected = try await run(["org/m", "--endpoint", hub.endpoint], environment(directory))
        for _ in 0..<2 {
            let report = try await run(["org/m", "--endpoint", hub.endpoint], full)
            #expect(report.variants == expected.variants)
            #expect(report.headerRequests > 0)
        }
        // Nothing half-written was left behind: the filler is the only file.
        let files = try FileManager.default.subpathsOfDirectory(atPath: filesystem.url.path).filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: filesystem.url.path + "/" + path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        #expect(files == [".filler"])
    }

    @Test("offline with nothing cached is a clear error naming the repo")
    func offlineMiss() async throws {
        let directory = try TemporaryDirectory()
        do {
            _ = try await run(["org/never-seen", "--offline"], environment(directory))
            Issue.record("no error")
        } catch let error as CheckCommand.CheckError {
            #expect(error.description.contains("org/never-seen") && error.description.contains("--offline"))
        }
    }
}

@Suite("Filtering lists of models by their headers")
struct FilterCompatibleModelsTests {
    @Test("only models whose headers show a loadable variant that fits are kept, in order")
    func filtersByHeaders() async throws {
        let hub = try LoopbackHub()
        defer { hub.stop() }
        let directory = try TemporaryDirectory()
        hub.addModel(repo: "org/fits", files: [published("m-Q8_0.gguf", quantized(.q8_0, fileType: 7))], tags: ["gguf"])
        hub.addModel(repo: "org/iq", files: [published("m-IQ4_XS.gguf", quantized(GGMLType(name: "IQ4_XS")!, fileType: 30))], tags: ["gguf"])
        hub.addModel(repo: "org/also-fits", files: [published("m-Q4_0.gguf", quantized(.q4_0, fileType: 2))], tags: ["gguf"])
        let models = ["org/fits", "org/iq", "org/also-fits", "org/missing"].map { id in
            Model(id: id, name: id, provider: .huggingFace, category: .llm)
        }
        let options = try HubOptions.parse([])
        let source = options.makeSource(endpointOverride: hub.endpoint, environment: environment(directory))
        let kept = await filterCompatibleModels(models, hardware: Hardware(ramBytes: 8 << 30), source: source)
        #expect(kept.map(\.model.id) == ["org/fits", "org/also-fits"])
        #expect(kept.allSatisfy { $0.result.confidence == .high })
    }
}

@Suite("Grouping repository files into variants")
struct RepoVariantsTests {
    @Test("a complete set of numbered shards needs no index; anything else does", arguments: [
        (["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "config.json"], true),
        (["model-00001-of-00002.safetensors"], false),
        (["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "consolidated.safetensors"], false),
        (["model.safetensors"], false),
        (["a-00001-of-00002.safetensors", "b-00002-of-00002.safetensors"], false),
    ])
    func shardSets(paths: [String], complete: Bool) {
        let files = paths.map { RepoFile(path: $0) }
        #expect((RepoVariants.completeShardSet(files) != nil) == complete)
    }

    @Test("GGUF files are variants each, split parts together, projectors left out")
    func ggufPlans() {
        let files = ["a-Q4_K_M.gguf", "a-Q8_0-00001-of-00002.gguf", "a-Q8_0-00002-of-00002.gguf", "mmproj-a-f16.gguf", "README.md"]
        let plans = RepoVariants.plan(files.map { RepoFile(path: $0) })
        #expect(plans.map(\.name) == ["a-Q4_K_M.gguf", "a-Q8_0.gguf"])
        #expect(plans.last?.files.count == 2)
    }
}
