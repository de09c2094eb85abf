@testable import Compat
import Foundation
import Marketplace
import Testing

@Suite("Compatibility runtime support matrix")
struct CompatibilityRuntimeSupportTests {
    static let resourcePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Compat/Resources/default-runtime.json").path

    @Test("the embedded default equals Resources/default-runtime.json")
    func embeddedDefaultMatchesResource() throws {
        let file = try String(contentsOfFile: Self.resourcePath, encoding: .utf8)
        #expect(file == RuntimeSupport.defaultJSON + "\n")
        #expect(try RuntimeSupport.load(from: Self.resourcePath) == .default)
    }

    @Test("the default runner has an LLM worker and an image worker with the marketplace's matrix")
    func defaultMatrix() throws {
        let llm = try #require(RuntimeSupport.default.worker(for: .llm))
        #expect(llm.backends == [.cpu, .cuda, .metal, .rocm])
        #expect(llm.maxRecommendedContext == 32768)
        #expect(llm.formats["gguf"]?.architectures == ["llama", "mistral", "phi2", "phi3", "qwen2", "gemma", "gemma2", "gemma3", "deepseek"])
        #expect(llm.formats["safetensors"]?.architectures == ["llama", "mistral", "mixtral", "phi", "qwen2", "gemma", "gemma2", "deepseek"])
        #expect(llm.formats["gguf"]?.tensorTypes?.contains { $0.hasPrefix("IQ") || $0.hasPrefix("TQ") || $0 == "MXFP4" } == false)
        let image = try #require(RuntimeSupport.default.worker(for: .checkpoint))
        #expect(RuntimeSupport.default.worker(for: .lora) == image)
        #expect(RuntimeSupport.default.worker(for: .image) == image)
        #expect(RuntimeSupport.default.worker(for: .other) == nil)
        #expect(image.architecture(matching: "pony", format: "safetensors") == "SDXL 1.0")
        #expect(image.architecture(matching: "black-forest-labs/FLUX.1-schnell", format: "safetensors") == "Flux.1 S")
        #expect(image.architecture(matching: "SDXL 1.0", format: "gguf") == nil)
    }

    @Test("a runtime file replaces the default matrix")
    func overrideFromFile() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("runtime.json", Array("""
            {"name": "llama.cpp", "workers": [{"name": "llm", "categories": ["llm"], "pipelineTags": [], "libraries": [],
              "backends": ["cpu"], "formats": {"gguf": {"architectures": ["llama", "mamba"]}}, "aliases": {"mamba2": "mamba"}}]}
            """.utf8))
        let runtime = try RuntimeSupport.load(from: path)
        let facts = statedFacts(format: "gguf", architecture: "mamba2", tensorTypes: ["IQ4_XS"])
        let input = CompatibilityInput(modelID: "org/mamba", category: .llm, variants: [variant("mamba.gguf", facts)])
        #expect(checkModelCompatibility(input, hardware: Hardware(), runtime: runtime).compatible)
        #expect(!checkModelCompatibility(input, hardware: Hardware()).compatible)
    }

    @Test("an invalid runtime file is reported with its path and JSON field", arguments: [
        (#"{"name": "x", "workers": [{"name": "llm", "categories": ["llm"], "pipelineTags": [], "libraries": [], "backends": ["tpu"], "formats": {}, "aliases": {}}]}"#,
         "workers[0].backends[0]"),
        (#"{"name": "x", "workers": [{"name": "llm", "categories": ["llm"], "pipelineTags": [], "libraries": [], "backends": [], "formats": {"gguf": {"architectures": "llama"}}, "aliases": {}}]}"#,
         "workers[0].formats.gguf.architectures"),
        (#"{"name": "x", "workers": [{"name": "llm", "categories": ["llm"], "pipelineTags": [], "libraries": [], "backends": []}]}"#,
         "workers[0].formats"),
        (#"{"name": "x", "workers": [{"name": "llm", "categories": ["llm"], "pipelineTags": [], "libraries": [], "backends": [], "formats": {}, "aliases": {"mamba2": "mamba"}}]}"#,
         "workers[0].aliases.mamba2"),
    ])
    func invalidFile(json: String, field: String) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("runtime.json", Array(json.utf8))
        let error = try #require(throws: RuntimeSupportError.self) { try RuntimeSupport.load(from: path) }
        #expect(error.path == path)
        #expect(error.field == field)
        #expect(error.description.hasPrefix("\(path): \(field): "))
    }

    @Test("a runtime file that cannot be read or parsed names the file")
    func unreadableFile() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.url.appendingPathComponent("absent.json").path
        let notJSON = try directory.write("broken.json", Array("{ not json".utf8))
        for path in [missing, notJSON] {
            let error = try #require(throws: RuntimeSupportError.self) { try RuntimeSupport.load(from: path) }
            #expect(error.path == path)
            #expect(error.field == nil)
        }
    }
}
