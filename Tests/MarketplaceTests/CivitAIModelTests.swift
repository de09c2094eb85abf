import Foundation
import Testing
import TestSupport
@testable import Marketplace

@Suite("CivitAI response decoding")
struct CivitAIModelTests {
    @Test("every recorded single-model response decodes", Fixtures.required, arguments: [
        "civitai-api/civitai-wiki/v1-models_1102.json",
        "civitai-api/invokeai/v1-models_215485.json",
        "civitai-api/si-ryao/v1-models_1580878.json",
    ])
    func recordedModelDecodes(path: String) throws {
        let model = try decodeFixture(CivitAIModel.self, path)
        #expect(!model.modelVersions.isEmpty)
        #expect(model.modelVersions.allSatisfy { !$0.files.isEmpty && !$0.images.isEmpty })
    }

    @Test("every recorded model-version response decodes", Fixtures.required, arguments: [
        "civitai-api/civitai-wiki/v1-model-versions_1318.json",
        "civitai-api/invokeai/v1-model-versions_242807.json",
    ])
    func recordedVersionDecodes(path: String) throws {
        let version = try decodeFixture(CivitAIModelVersion.self, path)
        #expect(version.modelID != nil)
        #expect(version.model != nil)
        #expect(version.primaryFile != nil)
    }

    @Test("every recorded list response has decodable page metadata", Fixtures.required,
          arguments: Fixtures.paths(under: "civitai-api/civitai-wiki", endingWith: ".json").filter { $0.contains("limit") })
    func recordedPageMetadataDecodes(path: String) throws {
        struct AnyPage: Decodable { let metadata: CivitAIPageMetadata }
        let page = try decodeFixture(AnyPage.self, path)
        #expect(page.metadata.nextPage != nil)
    }

    @Test("the recorded models list decodes with page-based metadata", Fixtures.required)
    func recordedModelsList() throws {
        let page = try decodeFixture(CivitAIModelPage.self, "civitai-api/civitai-wiki/v1-models_limit3_types-TextualInversion.json")
        #expect(page.items.count == 3)
        #expect(page.items.allSatisfy { $0.type == .textualInversion })
        #expect(page.metadata.totalItems == 1676)
        #expect(page.metadata.totalPages == 559)
        #expect(page.metadata.nextCursor == nil)
        let file = try #require(page.items.first?.modelVersions.first?.primaryFile)
        #expect(file.sizeKB == 17.017578125)
        #expect(file.sizeBytes == 17_426)
        #expect(file.metadata?.format == "PickleTensor")
        #expect(file.hashes?["SHA256"] == "F253ABB016C22DD426D6E482F4F8C3960766DE6E4C02F151478BFB98F6985383")
    }

    @Test("a numeric nextCursor is kept as text", Fixtures.required)
    func numericCursor() throws {
        struct ImagePage: Decodable { let items: [CivitAIImage]; let metadata: CivitAIPageMetadata }
        let page = try decodeFixture(ImagePage.self, "civitai-api/civitai-wiki/v1-images_limit1.json")
        #expect(page.metadata.nextCursor == "101")
        #expect(page.items.first?.nsfwLevel == .safe)
    }

    @Test("a string nextCursor decodes")
    func stringCursor() throws {
        let metadata = try decodeResponse(CivitAIPageMetadata.self, json: #"{"nextCursor":"1234|5678","nextPage":"https://civitai.com/api/v1/models?cursor=1234%7C5678"}"#)
        #expect(metadata.nextCursor == "1234|5678")
    }

    @Test("allowCommercialUse decodes from a string and from an array", Fixtures.required, arguments: [
        ("civitai-api/invokeai/v1-models_215485.json", ["RentCivit"]),
        ("civitai-api/civitai-wiki/v1-models_1102.json", ["Sell"]),
        ("civitai-api/si-ryao/v1-models_1580878.json", ["Sell", "Image", "RentCivit", "Rent"]),
    ])
    func commercialUse(path: String, expected: [String]) throws {
        #expect(try decodeFixture(CivitAIModel.self, path).allowCommercialUse == expected)
    }

    @Test("2025 responses carry numeric NSFW levels on models and images", Fixtures.required)
    func numericLevels() throws {
        let model = try decodeFixture(CivitAIModel.self, "civitai-api/si-ryao/v1-models_1580878.json")
        #expect(model.type == .lora)
        #expect(model.nsfw == false)
        #expect(model.nsfwLevel == [.safe, .soft, .mature])
        let levels = model.modelVersions[0].images.map(\.nsfwLevel)
        #expect(levels == [.safe, .safe, .mature, .mature])
        #expect(model.modelVersions[0].primaryFile?.sizeKB == 223_107.16015625)
        #expect(model.tags == ["assets"])
    }

    @Test("older responses rate images with the nsfw flag or name, and tag with objects", Fixtures.required)
    func legacyRatings() throws {
        let model = try decodeFixture(CivitAIModel.self, "civitai-api/civitai-wiki/v1-models_1102.json")
        #expect(model.type == .checkpoint)
        #expect(model.nsfwLevel == nil)
        #expect(model.tags == ["punk", "synthwave", "style"])
        let version = try decodeFixture(CivitAIModelVersion.self, "civitai-api/invokeai/v1-model-versions_242807.json")
        #expect(version.images.allSatisfy { $0.nsfwLevel == .safe })
        #expect(version.model?.type == .lora)
        #expect(version.baseModel == "SDXL Turbo")
    }

    @Test("image ratings decode from every shape the API has used", arguments: [
        (#""nsfwLevel":1"#, CivitAINSFWLevel.safe), (#""nsfwLevel":16"#, .xxx), (#""nsfwLevel":"Mature""#, .mature),
        (#""nsfw":"Soft""#, .soft), (#""nsfw":false"#, .safe), (#""nsfw":true"#, .x),
    ])
    func imageRating(field: String, expected: CivitAINSFWLevel) throws {
        let image = try decodeResponse(CivitAIImage.self, json: #"{"url":"https://image.test/1.jpeg",\#(field)}"#)
        #expect(image.nsfwLevel == expected)
    }

    @Test("an image without any rating decodes as unrated")
    func unratedImage() throws {
        #expect(try decodeResponse(CivitAIImage.self, json: #"{"url":"https://image.test/1.jpeg"}"#).nsfwLevel == nil)
    }

    @Test("an unknown rating name is reported at its field")
    func unknownRatingName() throws {
        let error = #expect(throws: MarketplaceAPIError.self) {
            try decodeResponse(CivitAIImage.self, json: #"{"url":"u","nsfwLevel":"Spicy"}"#)
        }
        guard case .malformedResponse(_, let field, let problem) = try #require(error) else {
            Issue.record("expected malformedResponse, got \(String(describing: error))")
            return
        }
        #expect(field == "nsfwLevel")
        #expect(problem.contains("Spicy"))
    }

    @Test("a minimal model with missing optional fields decodes")
    func minimalModel() throws {
        let model = try decodeResponse(CivitAIModel.self, json: #"{"id":7,"name":"m","type":"MotionModule"}"#)
        #expect(model.type == .motionModule)
        #expect(model.modelVersions.isEmpty)
        #expect(model.tags.isEmpty)
        #expect(model.allowCommercialUse == nil)
    }

    @Test("a model kind CivitAI adds later decodes as itself")
    func unknownModelType() throws {
        let model = try decodeResponse(CivitAIModel.self, json: #"{"id":7,"name":"m","type":"Hologram"}"#)
        #expect(model.type == CivitAIModelType(rawValue: "Hologram"))
    }
}
