import Foundation
import Testing
import TestSupport
@testable import Marketplace

@Suite("Normalized Model")
struct ModelConversionTests {
    static let cassettes = "hf-api/huggingface_hub-cassettes"

    @Test("a Hub model keeps its identity, counters, license and the Hub's parameter count", Fixtures.required)
    func hubModel() throws {
        let info = try decodeFixture(
            HuggingFaceModelInfo.self, "\(Self.cassettes)/api_models__sentence-transformers_all-MiniLM-L6-v2__200.json")
        let model = Model(huggingFace: info)
        #expect(model.id == "sentence-transformers/all-MiniLM-L6-v2")
        #expect(model.name == "all-MiniLM-L6-v2")
        #expect(model.author == "sentence-transformers")
        #expect(model.slug == "sentence-transformers--all-MiniLM-L6-v2")
        #expect(model.provider == .huggingFace)
        #expect(model.category == .other)
        #expect(model.size == ModelSize(bytes: nil, parameters: 22_713_728, source: .marketplaceAPI))
        #expect(model.license == "apache-2.0")
        #expect(model.downloads == 90_148_743)
        #expect(model.likes == 3150)
        #expect(model.isGated == false)
        #expect(model.sha == "c9745ed1d9f207416be6d2e6f8de32d1f16199bf")
        #expect(model.siblings.contains(ModelFile(name: "model.safetensors", size: nil)))
        #expect(model.imageURL == nil)
    }

    @Test("Hub categories follow the task, tags and library", Fixtures.required, arguments: [
        ("api_models__meta-llama_Llama-3.1-8B-Instruct__200.json", ModelCategory.llm),
        ("api_models__google_flan-t5-large__200.json", .llm),
        ("api_models__CompVis_stable-diffusion-v1-4__200.json", .image),
        ("api_models__google_vit-base-patch16-224__200.json", .other),
    ])
    func hubCategory(file: String, expected: ModelCategory) throws {
        let info = try decodeFixture(HuggingFaceModelInfo.self, "\(Self.cassettes)/\(file)")
        #expect(Model(huggingFace: info).category == expected)
    }

    @Test("synthetic Hub entries are categorised by tags and library", arguments: [
        (#"{"id":"a/b","tags":["lora"],"pipeline_tag":"text-to-image"}"#, ModelCategory.lora),
        (#"{"id":"a/b","library_name":"peft","pipeline_tag":"text-generation"}"#, .lora),
        (#"{"id":"a/b","library_name":"diffusers"}"#, .image),
        (#"{"id":"a/b-GGUF","library_name":"gguf"}"#, .llm),
        (#"{"id":"a/b-GGUF","tags":["gguf"],"pipeline_tag":"text-to-image"}"#, .image),
        (#"{"id":"a/b"}"#, .other),
    ])
    func syntheticHubCategory(json: String, expected: ModelCategory) throws {
        #expect(Model(huggingFace: try decodeResponse(HuggingFaceModelInfo.self, json: json)).category == expected)
    }

    @Test("a gated Hub repository is marked gated", Fixtures.required)
    func gatedHubModel() throws {
        let info = try decodeFixture(
            HuggingFaceModelInfo.self, "\(Self.cassettes)/api_models__meta-llama_Meta-Llama-3-8B-Instruct__200.json")
        let model = Model(huggingFace: info)
        #expect(model.isGated)
        #expect(model.size.parameters == 8_030_261_248)
    }

    @Test("bytes come from the repository's only weight file, never from several", Fixtures.required)
    func hubBytes() throws {
        let single = try decodeFixture(
            HuggingFaceModelInfo.self, "hf-api/invokeai/api_models__InvokeAI-test_textual_inversion_tests__blobs.json")
        #expect(Model(huggingFace: single).size == ModelSize(bytes: 3184, parameters: nil, source: .marketplaceAPI))
        let several = try decodeFixture(HuggingFaceModelInfo.self, "hf-api/invokeai/api_models__stabilityai_sdxl-turbo__blobs.json")
        let model = Model(huggingFace: several)
        #expect(model.size == .unknown)
        #expect(model.category == .image)
        #expect(model.siblings.contains(ModelFile(name: "sd_xl_turbo_1.0_fp16.safetensors", size: 6_938_081_905)))
    }

    @Test("the size is never guessed from the name")
    func sizeNotFromName() throws {
        let info = try decodeResponse(HuggingFaceModelInfo.self, json: #"{"id":"org/Llama-70B-Q4_K_M-GGUF","pipeline_tag":"text-generation"}"#)
        #expect(Model(huggingFace: info).size == .unknown)
    }

    @Test("a CivitAI model is described by its latest version and its first safe image", Fixtures.required)
    func civitAIModel() throws {
        let civitAI = try decodeFixture(CivitAIModel.self, "civitai-api/si-ryao/v1-models_1580878.json")
        let model = Model(civitAI: civitAI)
        #expect(model.id == "1580878")
        #expect(model.slug == "1580878")
        #expect(model.name == "Semi-realistic illustrious")
        #expect(model.author == "alericiviai")
        #expect(model.provider == .civitAI)
        #expect(model.category == .lora)
        #expect(model.downloads == 506)
        #expect(model.likes == 88)
        #expect(model.size == ModelSize(bytes: 228_461_732, parameters: nil, source: .marketplaceAPI))
        #expect(model.siblings == [ModelFile(name: "Semi_realistic.safetensors", size: 228_461_732)])
        #expect(model.imageURL?.absoluteString
            == "https://image.civitai.com/xG1nkqKTMzGDvpLrqFT7WA/735615f8-69a3-49bb-b30f-45eb3a2c3964/width=832/85892214.jpeg")
        #expect(model.lastModified == civitAI.modelVersions[0].publishedAt)
        #expect(model.license == nil)
    }

    @Test("the preview image follows the NSFW filter", Fixtures.required)
    func civitAIPreviewFollowsFilter() throws {
        let civitAI = try decodeFixture(CivitAIModel.self, "civitai-api/si-ryao/v1-models_1580878.json")
        let matureAllowed = Model(civitAI: civitAI, nsfwFilter: CivitAINSFWFilter(allowedLevels: [.mature]))
        #expect(matureAllowed.imageURL?.lastPathComponent == "85892213.jpeg")
        let xxxOnly = Model(civitAI: civitAI, nsfwFilter: CivitAINSFWFilter(allowedLevels: [.xxx]))
        #expect(xxxOnly.imageURL == nil)
    }

    @Test("CivitAI kinds map to categories", arguments: [
        (CivitAIModelType.checkpoint, ModelCategory.checkpoint), (.lora, .lora), (.loCon, .lora), (.doRA, .lora),
        (.textualInversion, .image), (.vae, .image), (.controlnet, .image), (.poses, .other), ("Hologram", .other),
    ])
    func civitAICategory(type: CivitAIModelType, expected: ModelCategory) {
        #expect(ModelCategory(civitAI: type) == expected)
    }

    @Test("a Model survives a JSON round trip", Fixtures.required)
    func codableRoundTrip() throws {
        let civitAI = try decodeFixture(CivitAIModel.self, "civitai-api/civitai-wiki/v1-models_1102.json")
        let model = Model(civitAI: civitAI)
        #expect(model.category == .checkpoint)
        #expect(try JSONDecoder().decode(Model.self, from: JSONEncoder().encode(model)) == model)
    }
}
