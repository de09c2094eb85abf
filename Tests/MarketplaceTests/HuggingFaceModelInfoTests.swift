import Foundation
import Testing
import TestSupport
@testable import Marketplace

/// Decodes `json` the way the clients decode a response body.
func decodeResponse<Value: Decodable>(_ type: Value.Type, json: String, url: String = "https://example.test/api") throws(MarketplaceAPIError) -> Value {
    try HTTPResponse(status: 200, headers: [:], body: Array(json.utf8), url: url).decodeJSON(type)
}

/// Decodes the recorded response at `fixturePath` the way the clients decode a response body.
func decodeFixture<Value: Decodable>(_ type: Value.Type, _ fixturePath: String) throws -> Value {
    try HTTPResponse(status: 200, headers: [:], body: Fixtures.bytes(fixturePath), url: fixturePath).decodeJSON(type)
}

@Suite("Hugging Face model info decoding")
struct HuggingFaceModelInfoTests {
    static let cassettes = "hf-api/huggingface_hub-cassettes"
    static let recordedResponses = Fixtures.paths(under: "hf-api", endingWith: ".json").filter { !$0.hasSuffix("/index.json") }

    @Test("every recorded /api/models response decodes", Fixtures.required,
          arguments: recordedResponses)
    func recordedResponseDecodes(path: String) throws {
        let info = try decodeFixture(HuggingFaceModelInfo.self, path)
        #expect(!info.id.isEmpty)
        #expect(info.json["id"]?.stringValue == info.id)
    }

    @Test("the recorded folder holds the responses the tests rely on", Fixtures.required)
    func recordedResponsesArePresent() {
        #expect(Self.recordedResponses.count == 46)
    }

    @Test("safetensors parameter counts are read exactly", Fixtures.required)
    func safetensorsParameters() throws {
        let info = try decodeFixture(
            HuggingFaceModelInfo.self, "\(Self.cassettes)/api_models__sentence-transformers_all-MiniLM-L6-v2__200.json")
        #expect(info.safetensors?.total == 22_713_728)
        #expect(info.safetensors?.parameters == ["F32": 22_713_216, "I64": 512])
        #expect(info.pipelineTag == "sentence-similarity")
        #expect(info.libraryName == "sentence-transformers")
        #expect(info.config?.architectures == ["BertModel"])
        #expect(info.config?.modelType == "bert")
        #expect(info.transformersInfo?.autoModel == "AutoModel")
        #expect(info.license == "apache-2.0")
        #expect(info.gated == .open)
        #expect(info.sha == "c9745ed1d9f207416be6d2e6f8de32d1f16199bf")
        #expect(info.lastModified == Date(timeIntervalSince1970: 1_741_268_264))
        #expect(info.siblings?.contains { $0.path == "model.safetensors" } == true)
        #expect(info.spaces?.count == 100)
    }

    @Test("a manually gated repository is recognised", Fixtures.required)
    func manualGate() throws {
        let info = try decodeFixture(
            HuggingFaceModelInfo.self, "\(Self.cassettes)/api_models__meta-llama_Llama-3.1-8B-Instruct__200.json")
        #expect(info.gated == .manual)
        #expect(info.gated?.isGated == true)
        #expect(info.safetensors?.total == 8_030_261_248)
        #expect(info.license == "llama3.1")
    }

    @Test("siblings carry sizes and LFS details when the response has them", Fixtures.required)
    func siblingSizes() throws {
        let info = try decodeFixture(
            HuggingFaceModelInfo.self, "hf-api/invokeai/api_models__InvokeAI-test_textual_inversion_tests__blobs.json")
        let sibling = try #require(info.siblings?.first)
        #expect(sibling.path == "learned_embeds-steps-1000.safetensors")
        #expect(sibling.size == 3184)
        #expect(sibling.blobID == "7759028f0b22f52eba74e0f50c8cd5d61ffb9c68")
        #expect(sibling.lfs?.sha256 == "f368050465cd473785298808c37abd17b98e5f532c144cc1be1f5e897092e67f")
        #expect(sibling.lfs?.pointerSize == 129)
    }

    @Test("an ?expand= response with only the asked-for field keeps it in the raw JSON", Fixtures.required)
    func expandResponseKeepsRawFields() throws {
        let info = try decodeFixture(
            HuggingFaceModelInfo.self,
            "\(Self.cassettes)/api_models__meta-llama_Llama-3.1-8B-Instruct_expand_inferenceProviderMapping__200.json")
        #expect(info.id == "meta-llama/Llama-3.1-8B-Instruct")
        #expect(info.siblings == nil)
        #expect(info.json["inferenceProviderMapping"]?["sambanova"]?["status"]?.stringValue == "live")
    }

    @Test("gated decodes from false, \"auto\", \"manual\" and the legacy true",
          arguments: [("false", HuggingFaceGating.open), ("\"auto\"", .automatic), ("\"manual\"", .manual), ("true", .manual)])
    func gatedValues(json: String, expected: HuggingFaceGating) throws {
        let info = try decodeResponse(HuggingFaceModelInfo.self, json: #"{"id":"a/b","gated":\#(json)}"#)
        #expect(info.gated == expected)
    }

    @Test("the gguf object is typed when present")
    func ggufObject() throws {
        let info = try decodeResponse(HuggingFaceModelInfo.self, json: """
            {"id":"o/m-GGUF","gguf":{"total":8030261248,"architecture":"llama","context_length":131072,
             "chat_template":"{{ bos_token }}","bos_token":"<s>","eos_token":"</s>"}}
            """)
        #expect(info.gguf?.total == 8_030_261_248)
        #expect(info.gguf?.architecture == "llama")
        #expect(info.gguf?.contextLength == 131_072)
        #expect(info.gguf?.eosToken == "</s>")
    }

    @Test("list entries name the repository in modelId when id is absent")
    func modelIdFallback() throws {
        let info = try decodeResponse(HuggingFaceModelInfo.self, json: #"{"modelId":"gpt2","downloads":5}"#)
        #expect(info.id == "gpt2")
        #expect(info.downloads == 5)
    }

    @Test("the license falls back to a license: tag, and takes the first of a list")
    func licenseSources() throws {
        let tagged = try decodeResponse(HuggingFaceModelInfo.self, json: #"{"id":"a/b","tags":["x","license:mit"]}"#)
        #expect(tagged.license == "mit")
        let listed = try decodeResponse(HuggingFaceModelInfo.self, json: #"{"id":"a/b","cardData":{"license":["cc-by-4.0","mit"]}}"#)
        #expect(listed.license == "cc-by-4.0")
    }

    @Test("encoding writes the response back unchanged", Fixtures.required)
    func encodingRoundTrips() throws {
        let info = try decodeFixture(
            HuggingFaceModelInfo.self, "\(Self.cassettes)/api_models__HuggingFaceH4_zephyr-7b-beta__200.json")
        let reencoded = try JSONDecoder().decode(HuggingFaceModelInfo.self, from: JSONEncoder().encode(info))
        #expect(reencoded == info)
        #expect(reencoded.json["widgetData"] != nil)
    }

    @Test("a wrong field type is reported with the URL and the field path")
    func malformedFieldIsNamed() throws {
        let error = #expect(throws: MarketplaceAPIError.self) {
            try decodeResponse(
                HuggingFaceModelInfo.self,
                json: #"{"id":"a/b","siblings":[{"rfilename":"x"},{"rfilename":"y","size":"big"}]}"#,
                url: "https://hub.test/api/models/a/b")
        }
        guard case .malformedResponse(let url, let field, _) = try #require(error) else {
            Issue.record("expected malformedResponse, got \(String(describing: error))")
            return
        }
        #expect(url == "https://hub.test/api/models/a/b")
        #expect(field == "siblings[1].size")
    }

    @Test("raw JSON values read through subscripts and typed accessors, keeping big integers exact")
    func rawJSONAccessors() throws {
        let json = try decodeResponse(JSONValue.self, json: """
            {"total":9007199254740993,"ratio":0.5,"ok":true,"name":"x","list":[1,null],"nested":{"a":{"b":"c"}}}
            """)
        #expect(json["total"]?.int64Value == 9_007_199_254_740_993)
        #expect(json["ratio"]?.doubleValue == 0.5)
        #expect(json["ratio"]?.int64Value == nil)
        #expect(json["ok"]?.boolValue == true)
        #expect(json["name"]?.stringValue == "x")
        #expect(json["list"]?.arrayValue == [.integer(1), .null])
        #expect(json["list"]?[1] == .null)
        #expect(json["list"]?[2] == nil)
        #expect(json["nested"]?["a"]?["b"]?.stringValue == "c")
        #expect(json["nested"]?.objectValue?.keys.sorted() == ["a"])
        #expect(json["missing"] == nil)
        #expect(json["name"]?["x"] == nil)
    }
}
