@testable import Compat
import FormatParsers
import Marketplace
import Testing
import TestSupport

private let gibibyte: UInt64 = 1 << 30
private let sdxlFinetuneTag = "base_model:finetune:stabilityai/stable-diffusion-xl-base-1.0"

/// Facts of a synthetic GGUF file, read back through the parser.
func ggufFacts(_ writer: GGUFWriter) throws -> ModelFacts {
    ModelFacts(gguf: [try GGUFHeader(parsing: writer.headerBytes(), fileSize: writer.fileSize)])
}

/// A small Llama GGUF whose weights are all `weightType`.
func smallLlamaFacts(weightType: String, fileType: UInt32 = 1) throws -> ModelFacts {
    try ggufFacts(SyntheticModels.llamaGGUF(
        vocabulary: 256, merges: 16, layers: 2, embedding: 256, feedForward: 512, heads: 4, kvHeads: 2,
        weightType: GGMLType(name: weightType)!, fileType: fileType, contextLength: 4096))
}

/// A variant of one file holding `facts`.
func variant(_ name: String, _ facts: ModelFacts) -> VariantInput {
    VariantInput(name: name, files: [VariantFileReport(path: name, sizeBytes: facts.tensorBytes + 1_000_000, headerBytes: 1_000_000)], facts: facts)
}

/// Facts stated directly: a 7B-like model of `architecture` in `format` with the given tensor types.
func statedFacts(format: String, architecture: String?, tensorTypes: [String] = ["F16"]) -> ModelFacts {
    var facts = ModelFacts(format: format, parameters: 7_000_000_000, tensorBytes: 14_000_000_000)
    facts.architecture = architecture
    facts.tensorTypes = tensorTypes
    facts.blockCount = 32
    facts.embeddingLength = 4096
    facts.contextLength = 32768
    facts.attention = AttentionFacts(headCount: 32, kvHeadCountPerLayer: Array(repeating: 8, count: 32))
    return facts
}

/// A Gemma-3-27B-sized Llama (62 layers, 5376 wide, 21504 feed-forward, 16 KV heads): ~27B
/// parameters, so at 8192 tokens F16, Q8_0 and Q6_K overflow 24 GiB and Q4_K_M fits.
func twentySevenBillionVariants() throws -> [VariantInput] {
    let quantizations: [(label: String, type: String, fileType: UInt32)] = [
        ("F16", "F16", 1), ("Q8_0", "Q8_0", 7), ("Q6_K", "Q6_K", 18), ("Q4_K_M", "Q4_K", 15),
    ]
    return try quantizations.map { quantization in
        let facts = try ggufFacts(SyntheticModels.llamaGGUF(
            vocabulary: 32000, merges: 1000, layers: 62, embedding: 5376, feedForward: 21504, heads: 32, kvHeads: 16,
            weightType: GGMLType(name: quantization.type)!, fileType: quantization.fileType))
        return variant("model-\(quantization.label).gguf", facts)
    }
}

@Suite("Compatibility verdict")
struct CompatibilityCheckerTests {
    static let gpu24 = Hardware(backend: .cuda, vramBytes: 24 * gibibyte, ramBytes: 64 * gibibyte)

    @Test("a file with a tensor type the runner cannot load is not loadable", arguments: ["IQ4_XS", "IQ2_XXS", "TQ2_0", "MXFP4"])
    func unloadableTensorType(type: String) throws {
        let input = CompatibilityInput(modelID: "org/model", category: .llm, variants: [variant("model.gguf", try smallLlamaFacts(weightType: type))])
        let result = checkModelCompatibility(input, hardware: Hardware())
        let problem = "tensor type \(type) is not supported by the runner"
        #expect(result.variants[0].loadable == false)
        #expect(result.variants[0].loadProblems == [problem])
        #expect(!result.compatible)
        #expect(result.reasons == [problem])
        #expect(result.confidence == .high)
        #expect(result.recommendedVariant == nil)
    }

    @Test("a file of loadable tensor types is loadable, and fits when no budget is known", arguments: ["Q4_K", "Q8_0", "F16", "BF16", "Q2_K"])
    func loadableTensorType(type: String) throws {
        let input = CompatibilityInput(modelID: "org/model", category: .llm, variants: [variant("model.gguf", try smallLlamaFacts(weightType: type))])
        let result = checkModelCompatibility(input, hardware: Hardware())
        #expect(result.variants[0].loadable)
        #expect(result.variants[0].fits == nil)
        #expect(result.compatible)
        #expect(result.recommendedVariant == "model.gguf")
    }

    @Test("an architecture the runner does not implement is named in the load problem")
    func unsupportedArchitecture() {
        let input = CompatibilityInput(modelID: "state-spaces/mamba", category: .llm,
                                       variants: [variant("mamba.gguf", statedFacts(format: "gguf", architecture: "mamba"))])
        let result = checkModelCompatibility(input, hardware: Hardware())
        #expect(!result.compatible)
        #expect(result.reasons.count == 1)
        #expect(result.reasons[0].hasPrefix("architecture mamba is not supported by the runner for gguf files (supported: llama,"))
    }

    @Test("architectures match per format and through the alias table", arguments: [
        ("gguf", "llama", true), ("gguf", "deepseek2", true), ("gguf", "phi2", true), ("gguf", "phi", false),
        ("safetensors", "phi", true), ("safetensors", "phi3", false), ("safetensors", "deepseek_v3", true),
        ("safetensors", "Mixtral", true), ("gguf", "mixtral", false), ("safetensors", "gemma3", false),
    ])
    func architectureMatching(format: String, architecture: String, loadable: Bool) {
        let input = CompatibilityInput(modelID: "org/model", category: .llm,
                                       variants: [variant("model", statedFacts(format: format, architecture: architecture))])
        #expect(checkModelCompatibility(input, hardware: Hardware()).variants[0].loadable == loadable)
    }

    @Test("safetensors with FP8 or packed integer weights are not loadable", arguments: [["BF16", "F8_E4M3"], ["F16", "I32"]])
    func unloadableSafetensorsDtypes(types: [String]) {
        let input = CompatibilityInput(modelID: "org/model", category: .llm,
                                       variants: [variant("safetensors", statedFacts(format: "safetensors", architecture: "llama", tensorTypes: types))])
        let result = checkModelCompatibility(input, hardware: Hardware())
        #expect(result.variants[0].loadProblems == ["tensor type \(types[1]) is not supported by the runner"])
    }

    @Test("a backend the runner lacks makes every variant unloadable")
    func unsupportedBackend() {
        let runtime = RuntimeSupport(name: "cpu only", workers: [
            WorkerSupport(name: "llm", categories: [.llm], backends: [.cpu],
                          formats: ["gguf": FormatSupport(architectures: ["llama"])]),
        ])
        let input = CompatibilityInput(modelID: "org/model", category: .llm, variants: [variant("m.gguf", statedFacts(format: "gguf", architecture: "llama"))])
        let result = checkModelCompatibility(input, hardware: Hardware(backend: .metal), runtime: runtime)
        #expect(!result.compatible)
        #expect(result.reasons == ["backend metal is not supported by the runner's llm worker"])
    }

    @Test("a context above the runner's recommended maximum gives a warning", arguments: [
        (UInt64(65536), true), (32768, false), (4096, false),
    ])
    func longContextWarning(context: UInt64, warns: Bool) throws {
        let input = CompatibilityInput(modelID: "org/model", category: .llm, variants: [variant("model.gguf", try smallLlamaFacts(weightType: "Q8_0"))])
        let result = checkModelCompatibility(input, hardware: Hardware(), options: MemoryOptions(context: context))
        let warning = "the requested context of \(context) tokens is above the runner's recommended maximum of 32768"
        #expect(result.warnings.contains(warning) == warns)
        #expect(result.compatible)
    }

    @Test("a 27B model fits 24 GiB only at Q4_K_M, which is recommended")
    func fitsOnlyAtQ4KM() throws {
        let input = CompatibilityInput(modelID: "org/27b", category: .llm, variants: try twentySevenBillionVariants())
        let result = checkModelCompatibility(input, hardware: Self.gpu24)
        let fits = Dictionary(uniqueKeysWithValues: result.variants.map { ($0.label, $0.fits) })
        #expect(fits == ["F16": false, "Q8_0": false, "Q6_K": false, "Q4_K_M": true])
        #expect(result.compatible)
        #expect(result.confidence == .high)
        #expect(result.recommendedVariant == "model-Q4_K_M.gguf")
        let q6 = try #require(result.variants.first { $0.label == "Q6_K" })
        #expect(result.recommendations.first == "Q4_K_M fits in 24.0 GiB; Q6_K needs \(Formatting.bytes(q6.memory.totalBytes))")
        // The variants that overflow the GPU say how much of them would fit.
        for variant in result.variants where variant.fits == false {
            let offload = try #require(variant.offload)
            #expect(offload.totalLayers == 62)
            #expect(offload.gpuLayers < 62)
        }
        #expect(result.variants.first { $0.label == "Q4_K_M" }?.offload == nil)
    }

    @Test("without a memory budget the highest-quality loadable variant is recommended")
    func noBudgetRecommendsBestQuality() throws {
        let input = CompatibilityInput(modelID: "org/27b", category: .llm, variants: try twentySevenBillionVariants())
        let result = checkModelCompatibility(input, hardware: Hardware(backend: .cuda))
        #expect(result.recommendedVariant == "model-F16.gguf")
        #expect(result.variants.allSatisfy { $0.fits == nil && $0.offload == nil })
    }

    @Test("when nothing fits a GPU, the verdict says how many layers fit and how to shrink the need")
    func nothingFitsSmallGPU() throws {
        let input = CompatibilityInput(modelID: "org/27b", category: .llm, variants: try twentySevenBillionVariants())
        let result = checkModelCompatibility(input, hardware: Hardware(backend: .cuda, vramBytes: 12 * gibibyte))
        let q4 = try #require(result.variants.first { $0.label == "Q4_K_M" })
        let plan = try #require(q4.offload)
        #expect(!result.compatible)
        #expect(result.reasons == ["no loadable variant fits in 12.0 GiB: the smallest, Q4_K_M, needs \(Formatting.bytes(q4.memory.totalBytes))"])
        #expect(result.warnings.contains("only \(plan.gpuLayers) of 62 layers of Q4_K_M fit in 12.0 GiB; the rest would run on the CPU"))
    }

    @Test("on a CPU the context recommended is sized without the GPU's reserve")
    func cpuContextRecommendation() throws {
        let variants = try twentySevenBillionVariants()
        let q6 = try #require(variants.first { $0.name == "model-Q6_K.gguf" })
        let input = CompatibilityInput(modelID: "org/27b", category: .llm, variants: variants)
        // Just under Q6_K's need at 8192 tokens in system memory.
        let budget = MemoryEstimator.estimate(q6.facts, target: .cpu).totalBytes - 1
        let result = checkModelCompatibility(input, hardware: Hardware(backend: .cpu, ramBytes: budget))
        let context = try #require(MemoryEstimator.largestContext(q6.facts, budget: budget, options: MemoryOptions(), target: .cpu))
        let contextWithReserve = try #require(MemoryEstimator.largestContext(q6.facts, budget: budget, options: MemoryOptions(), target: .gpu))
        #expect(context > contextWithReserve)
        #expect(result.recommendations.contains("reduce context to \(context) to fit Q6_K in \(Formatting.bytes(budget))"))
    }

    @Test("a smaller KV cache type or a shorter context is recommended when it makes the next better variant fit")
    func shrinkingRecommendations() throws {
        let variants = try twentySevenBillionVariants()
        let q6 = try #require(variants.first { $0.name == "model-Q6_K.gguf" })
        let input = CompatibilityInput(modelID: "org/27b", category: .llm, variants: variants)
        // A budget just above Q6_K's weights, buffers and a q8_0 cache at 8192 tokens.
        var q8Cache = MemoryOptions()
        q8Cache.kvCacheType = .q8_0
        let budget = MemoryEstimator.estimate(q6.facts, options: q8Cache).totalBytes + 1
        let result = checkModelCompatibility(input, hardware: Hardware(backend: .cuda, vramBytes: budget))
        #expect(result.recommendedVariant == "model-Q4_K_M.gguf")
        #expect(result.recommendations.contains { $0.hasPrefix("use --kv-type q8_0 to shrink the KV cache from ") && $0.contains(": Q6_K then needs") })
        #expect(result.recommendations.contains { $0.hasPrefix("reduce context to ") && $0.hasSuffix(" to fit Q6_K in \(Formatting.bytes(budget))") })
    }

    @Test("a gated repository without a token is told to accept the terms and set HF_TOKEN", arguments: [false, true])
    func gatedRepository(hasToken: Bool) {
        let input = CompatibilityInput(modelID: "meta-llama/Llama-3.1-8B", category: .llm, tags: ["llama"], isGated: true, hasToken: hasToken,
                                       unreadableVariants: [VariantReadFailure(name: "model.safetensors", message: "HTTP 401")])
        let result = checkModelCompatibility(input, hardware: Hardware())
        #expect(result.warnings.contains("meta-llama/Llama-3.1-8B is gated: its files download only after its terms are accepted"))
        let asksForToken = result.recommendations.contains {
            $0 == "accept the model's terms on its Hub page (https://huggingface.co/meta-llama/Llama-3.1-8B) and set HF_TOKEN"
        }
        #expect(asksForToken == !hasToken)
    }

    @Test("a verdict from tags alone has low confidence and says what it guessed", arguments: [
        (["llama", "gguf"], true), (["mamba", "gguf"], false),
    ])
    func tagOnlyVerdict(tags: [String], compatible: Bool) {
        let input = CompatibilityInput(modelID: "org/model", tags: tags, pipelineTag: "text-generation")
        let result = checkModelCompatibility(input, hardware: Hardware())
        #expect(result.confidence == .low)
        #expect(result.compatible == compatible)
        #expect(result.variants.isEmpty)
        #expect(result.warnings.contains("the model's category is not given: judged by the runner's llm worker from pipeline tag text-generation"))
        #expect(result.warnings.contains("no file header could be read: the verdict rests on the model's tags"))
        if !compatible {
            #expect(result.reasons == ["the model's tags name no architecture the runner supports (supported: deepseek, gemma, gemma2, gemma3, llama, mistral, phi2, phi3, qwen2)"])
        }
    }

    @Test("with nothing known there is no verdict")
    func nothingKnown() {
        let result = checkModelCompatibility(CompatibilityInput(modelID: "org/mystery"), hardware: Hardware())
        #expect(result.confidence == Confidence.none)
        #expect(!result.compatible)
        #expect(result.reasons == ["nothing known about org/mystery tells what kind of model it is"])
    }

    @Test("variants that could not be read lower the confidence to medium")
    func partialReads() throws {
        let input = CompatibilityInput(modelID: "org/model", category: .llm, variants: [variant("a.gguf", try smallLlamaFacts(weightType: "Q8_0"))],
                                       unreadableVariants: [VariantReadFailure(name: "b.gguf", message: "connection reset")])
        let result = checkModelCompatibility(input, hardware: Hardware())
        #expect(result.compatible)
        #expect(result.confidence == .medium)
        #expect(result.warnings.contains("could not read b.gguf: connection reset"))
    }

    @Test("facts without a layer count make the verdict partial")
    func partialFacts() {
        var facts = statedFacts(format: "safetensors", architecture: "llama")
        facts.blockCount = nil
        let input = CompatibilityInput(modelID: "org/model", category: .llm, variants: [variant("safetensors", facts)])
        let result = checkModelCompatibility(input, hardware: Hardware())
        #expect(result.confidence == .medium)
        #expect(result.warnings == ["the headers of safetensors do not give its layer count: the verdict for it is partial"])
    }

    @Test("image models are judged by their base model", arguments: [
        ("SDXL 1.0", true), ("Pony", true), ("Flux.1 S", true), ("SD 1.5", true), ("SD 3.5", false), ("Illustrious", false),
    ])
    func imageBaseModels(baseModel: String, compatible: Bool) {
        var facts = ModelFacts(format: "safetensors", parameters: 2_600_000_000, tensorBytes: 5_200_000_000)
        facts.tensorTypes = ["F16"]
        let input = CompatibilityInput(modelID: "12345", category: .checkpoint, baseModel: baseModel, variants: [variant("model.safetensors", facts)])
        let result = checkModelCompatibility(input, hardware: Hardware(backend: .cuda, vramBytes: 24 * gibibyte))
        #expect(result.compatible == compatible)
        #expect(result.confidence == .high)
        if !compatible {
            #expect(result.reasons == ["base model \(baseModel) is not supported by the runner for safetensors files (supported: SD 1.5, SD 2.1, SDXL 1.0, SDXL Turbo, Flux.1 D, Flux.1 S)"])
        }
    }

    @Test("an image model whose headers could not be read is judged by its declared base model", arguments: [
        CompatibilityInput(modelID: "4201", category: .checkpoint, baseModel: "Pony"),
        CompatibilityInput(modelID: "stabilityai/sdxl-turbo", tags: ["diffusers", "text-to-image"], libraryName: "diffusers"),
        CompatibilityInput(modelID: "someone/lora", category: .lora, tags: ["base_model:adapter:black-forest-labs/FLUX.1-dev"]),
    ])
    func tagOnlyImage(input: CompatibilityInput) {
        let result = checkModelCompatibility(input, hardware: Hardware(backend: .metal, ramBytes: 32 * gibibyte))
        #expect(result.compatible)
        #expect(result.confidence == .low)
    }

    @Test("a diffusers pipeline's family decides the base model, else the Hub's base_model tag", arguments: [
        ("sdxl", [], true), ("sd3", [sdxlFinetuneTag], false), (nil, [sdxlFinetuneTag], true), (nil, [], false),
    ] as [(String?, [String], Bool)])
    func diffusersBaseModel(family: String?, tags: [String], compatible: Bool) {
        var facts = ModelFacts(format: "safetensors", parameters: 3_500_000_000, tensorBytes: 7_000_000_000)
        facts.architecture = family
        facts.tensorTypes = ["F16", "F32"]
        let input = CompatibilityInput(modelID: "someone/finetune", tags: tags, libraryName: "diffusers", variants: [variant("safetensors", facts)])
        let result = checkModelCompatibility(input, hardware: Hardware())
        #expect(result.compatible == compatible)
        // A family read from the headers settles the worker; otherwise the choice is a stated guess.
        let guessed = result.warnings.contains { $0.hasPrefix("the model's category is not given: judged by the runner's image worker from ") }
        #expect(guessed == (family == nil || family == "sd3"))
    }

    @Test("a category the runner has no worker for is not compatible")
    func noWorkerForCategory() {
        let runtime = RuntimeSupport(name: "text only", workers: [Self.llamaOnlyWorker])
        let input = CompatibilityInput(modelID: "123", category: .lora, baseModel: "SDXL 1.0")
        let result = checkModelCompatibility(input, hardware: Hardware(), runtime: runtime)
        #expect(!result.compatible)
        #expect(result.confidence == .low)
        #expect(result.reasons == ["the runner has no worker for lora models"])
    }

    @Test("filtering keeps the compatible models in order")
    func filtering() throws {
        let inputs = [
            CompatibilityInput(modelID: "a", category: .llm, variants: [variant("a.gguf", try smallLlamaFacts(weightType: "Q8_0"))]),
            CompatibilityInput(modelID: "b", category: .llm, variants: [variant("b.gguf", try smallLlamaFacts(weightType: "IQ4_XS"))]),
            CompatibilityInput(modelID: "c", category: .llm, tags: ["qwen2"]),
        ]
        let kept = filterCompatibleModels(inputs, hardware: Hardware(ramBytes: 16 * gibibyte))
        #expect(kept.map(\.input.modelID) == ["a", "c"])
        #expect(kept.map(\.result.confidence) == [.high, .low])
    }

    static let llamaOnlyWorker = WorkerSupport(
        name: "llm", categories: [.llm], backends: Backend.allCases, formats: ["gguf": FormatSupport(architectures: ["llama"])])
}
