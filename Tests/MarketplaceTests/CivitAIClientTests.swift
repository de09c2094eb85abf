import Foundation
import Testing
import TestSupport
@testable import Marketplace

/// The CivitAI client against a loopback server standing in for civitai.com.
@Suite("CivitAI client")
struct CivitAIClientTests {
    let server: LoopbackServer

    init() throws {
        server = try LoopbackServer()
    }

    func client(apiKey: String? = "civitai_test", nsfwFilter: CivitAINSFWFilter = .safeOnly) -> CivitAIClient {
        CivitAIClient(endpoint: server.baseURL, apiKey: apiKey, nsfwFilter: nsfwFilter, http: HTTPClient())
    }

    /// A model whose one version has images rated `imageLevels`, and whose `nsfwLevel` is their union.
    static func modelJSON(id: Int, type: String = "LORA", imageLevels: [Int]) -> String {
        let images = imageLevels.enumerated().map { #"{"url":"https://image.test/\#(id)-\#($0.offset).jpeg","nsfwLevel":\#($0.element)}"# }
        return """
            {"id":\(id),"name":"model \(id)","type":"\(type)","nsfw":false,"nsfwLevel":\(imageLevels.reduce(0, |)),
             "allowCommercialUse":["Image"],"stats":{"downloadCount":10,"thumbsUpCount":3},"creator":{"username":"maker"},
             "tags":["style"],"modelVersions":[{"id":\(id * 10),"name":"v1","baseModel":"SDXL 1.0",
             "files":[{"id":1,"name":"m\(id).safetensors","sizeKB":1024.5,"type":"Model","primary":true,
                       "metadata":{"fp":"fp16","size":"pruned","format":"SafeTensor"}}],
             "images":[\(images.joined(separator: ","))]}]}
            """
    }

    static func json(_ text: String) -> LoopbackResponse {
        .text(text, headers: [("Content-Type", "application/json")])
    }

    @Test("list sends the filters, sort, period and cursor as CivitAI's query parameters, and nsfw=false when safe only")
    func listQueryString() async throws {
        server.serve("/api/v1/models", Self.json(#"{"items":[],"metadata":{"nextCursor":"2|100"}}"#))
        let query = CivitAIModelQuery(
            query: "anime style", tag: "style", username: "maker", types: [.checkpoint, .lora], baseModels: ["SDXL 1.0", "Pony"],
            sort: .highestRated, period: .week, limit: 20, cursor: "1|50")
        let page = try await client().listModels(query)
        #expect(page.metadata.nextCursor == "2|100")
        #expect(server.recordedRequests.map(\.target) == [
            "/api/v1/models?limit=20&cursor=1%7C50&query=anime%20style&tag=style&username=maker&types=Checkpoint&types=LORA"
                + "&baseModels=SDXL%201.0&baseModels=Pony&sort=Highest%20Rated&period=Week&nsfw=false",
        ])
    }

    @Test("every sort and period is sent under CivitAI's name", arguments: zip(CivitAIModelSort.allCases, ["Highest%20Rated", "Most%20Downloaded", "Newest"]))
    func sortNames(sort: CivitAIModelSort, sentAs: String) async throws {
        server.serve("/api/v1/models", Self.json(#"{"items":[],"metadata":{}}"#))
        _ = try await client(nsfwFilter: .everything).listModels(CivitAIModelQuery(sort: sort, period: .allTime, page: 2))
        #expect(server.recordedRequests.first?.target == "/api/v1/models?page=2&sort=\(sentAs)&period=AllTime")
    }

    @Test("search is a listing with the search text")
    func searchSetsQuery() async throws {
        server.serve("/api/v1/models", Self.json(#"{"items":[],"metadata":{}}"#))
        _ = try await client().searchModels("dragon", query: CivitAIModelQuery(types: [.textualInversion]))
        #expect(server.recordedRequests.first?.target == "/api/v1/models?query=dragon&types=TextualInversion&nsfw=false")
    }

    @Test("the API key is sent as a bearer token when set, and nothing when not", arguments: [Optional("civitai_test"), nil])
    func authorization(apiKey: String?) async throws {
        server.serve("/api/v1/models/1", Self.json(Self.modelJSON(id: 1, imageLevels: [1])))
        _ = try await client(apiKey: apiKey).rawModel(id: 1)
        #expect(server.recordedRequests.first?.header("Authorization") == apiKey.map { "Bearer \($0)" })
    }

    @Test("the API key comes from CIVITAI_API_KEY, trimmed, and blank counts as absent", arguments: [
        (["CIVITAI_API_KEY": " key123\n"], Optional("key123")), (["CIVITAI_API_KEY": "  "], nil), ([:], nil),
    ])
    func apiKeyFromEnvironment(environment: [String: String], expected: String?) {
        #expect(CivitAIClient.apiKey(environment: environment) == expected)
    }

    @Test("a listing drops models without allowed content and trims the images of the rest")
    func listIsFiltered() async throws {
        let items = [Self.modelJSON(id: 1, imageLevels: [4, 1]), Self.modelJSON(id: 2, imageLevels: [4, 8])]
        server.serve("/api/v1/models", Self.json(#"{"items":[\#(items.joined(separator: ","))],"metadata":{"totalItems":2}}"#))
        let safe = try await client().listModels()
        #expect(safe.items.map(\.id) == [1])
        #expect(safe.items[0].modelVersions[0].images.map(\.url) == ["https://image.test/1-1.jpeg"])
        let everything = try await client(nsfwFilter: .everything).listModels()
        #expect(everything.items.map(\.id) == [1, 2])
        #expect(server.recordedRequests.map(\.target) == ["/api/v1/models?nsfw=false", "/api/v1/models"])
    }

    @Test("model is normalized with the first allowed image as preview")
    func modelIsNormalized() async throws {
        server.serve("/api/v1/models/7", Self.json(Self.modelJSON(id: 7, type: "Checkpoint", imageLevels: [8, 2, 1])))
        let model = try await client().model(id: 7)
        #expect(model.id == "7")
        #expect(model.category == .checkpoint)
        #expect(model.author == "maker")
        #expect(model.imageURL?.absoluteString == "https://image.test/7-2.jpeg")
        #expect(model.size == ModelSize(bytes: 1_049_088, parameters: nil, source: .marketplaceAPI))
        #expect(model.siblings == [ModelFile(name: "m7.safetensors", size: 1_049_088)])
    }

    @Test("a model asked for by id is returned even when listings would leave it out; its images are filtered")
    func explicitModelIsReturned() async throws {
        server.serve("/api/v1/models/9", Self.json(Self.modelJSON(id: 9, imageLevels: [8, 16])))
        let model = try await client().rawModel(id: 9)
        #expect(model.id == 9)
        #expect(model.modelVersions[0].images.isEmpty)
    }

    @Test("modelVersion fetches /api/v1/model-versions/{id} and filters its images")
    func modelVersion() async throws {
        server.serve("/api/v1/model-versions/42", Self.json("""
            {"id":42,"modelId":4,"name":"v2","baseModel":"Flux.1 D","trainedWords":["tok"],
             "model":{"name":"m","type":"LORA","nsfw":false,"poi":false},
             "files":[{"name":"a.safetensors","sizeKB":10.0,"primary":true}],
             "images":[{"url":"https://image.test/a.jpeg","nsfw":"None"},{"url":"https://image.test/b.jpeg","nsfw":"Mature"}]}
            """))
        let version = try await client().modelVersion(id: 42)
        #expect(version.model?.type == .lora)
        #expect(version.trainedWords == ["tok"])
        #expect(version.images.map(\.url) == ["https://image.test/a.jpeg"])
    }

    @Test("recorded CivitAI responses are served and decoded end to end", Fixtures.required)
    func recordedResponsesEndToEnd() async throws {
        server.serve("/api/v1/models/1102", LoopbackResponse(body: LoopbackBody(try Fixtures.bytes("civitai-api/civitai-wiki/v1-models_1102.json"))))
        server.serve("/api/v1/models", LoopbackResponse(body: LoopbackBody(
            try Fixtures.bytes("civitai-api/civitai-wiki/v1-models_limit3_types-TextualInversion.json"))))
        let model = try await client().model(id: 1102)
        #expect(model.name == "SynthwavePunk")
        #expect(model.imageURL != nil)
        let query = CivitAIModelQuery(types: [.textualInversion], limit: 3)
        let safe = try await client().listModels(query)
        #expect(safe.items.map(\.id) == [3036], "4514 and 8109 are marked nsfw")
        #expect(safe.metadata.nextPage == "https://civitai.com/api/v1/models?limit=3&types=TextualInversion&page=2")
        #expect(try await client(nsfwFilter: .everything).listModels(query).items.count == 3)
    }

    @Test("a 404 is a typed not-found naming the URL")
    func missingModel() async throws {
        server.serve("/api/v1/models/404404", .text(#"{"error":"No model with id 404404"}"#, status: 404))
        await #expect(throws: MarketplaceAPIError.notFound(url: server.url("/api/v1/models/404404"))) {
            try await client().model(id: 404404)
        }
    }

    @Test("a rejected API key is the HTTP layer's access-denied error")
    func rejectedKey() async throws {
        server.serve("/api/v1/model-versions/1", .text(#"{"error":"Unauthorized"}"#, status: 401))
        await #expect(throws: MarketplaceAPIError.http(.accessDenied(
            url: server.url("/api/v1/model-versions/1"), status: 401, credentialsWereSent: true))) {
            try await client().modelVersion(id: 1)
        }
    }
}
