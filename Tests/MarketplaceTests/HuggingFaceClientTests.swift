import Foundation
import Testing
import TestSupport
@testable import Marketplace

/// The Hub client against a loopback server standing in for the Hub.
@Suite("Hugging Face client")
struct HuggingFaceClientTests {
    let server: LoopbackServer
    let client: HuggingFaceClient

    init() throws {
        server = try LoopbackServer()
        client = HuggingFaceClient(endpoint: server.baseURL, token: "hf_test", http: HTTPClient())
    }

    /// A small `/api/models` entry for `id`.
    static func modelJSON(_ id: String, extra: String = "") -> String {
        #"{"_id":"x","id":"\#(id)","modelId":"\#(id)","downloads":1,"likes":2,"tags":["gguf"]\#(extra)}"#
    }

    static func json(_ text: String, headers: [(name: String, value: String)] = []) -> LoopbackResponse {
        .text(text, headers: [("Content-Type", "application/json")] + headers)
    }

    // MARK: Listing

    @Test("list sends the filters, the sort and the expand fields as the Hub's query parameters")
    func listQueryString() async throws {
        server.serve("/api/models", Self.json("[\(Self.modelJSON("meta-llama/Llama-GGUF"))]"))
        let query = HuggingFaceModelQuery(
            search: "llama 3+", author: "meta-llama", tags: ["gguf", "license:mit"], pipelineTag: "text-generation",
            library: "transformers", sort: .trending, limit: 5, detail: .expanded([.gguf, .safetensors]))
        let models = try await client.listModels(query)
        #expect(models.map(\.id) == ["meta-llama/Llama-GGUF"])
        #expect(server.recordedRequests.map(\.target) == [
            "/api/models?search=llama%203%2B&author=meta-llama&filter=gguf&filter=license%3Amit"
                + "&pipeline_tag=text-generation&library=transformers&sort=trendingScore&direction=-1&limit=5"
                + "&expand=gguf&expand=safetensors",
        ])
        #expect(server.recordedRequests.first?.header("Authorization") == "Bearer hf_test")
    }

    @Test("search text reaches the Hub as typed: reserved characters and non-ASCII are percent-encoded", arguments: [
        ("a+b", "a%2Bb"), ("a&b=c", "a%26b%3Dc"), ("ü", "%C3%BC"), ("org/name", "org%2Fname"), ("x-y_z.1~", "x-y_z.1~"),
    ])
    func searchTextEncoding(text: String, encoded: String) async throws {
        server.serve("/api/models", Self.json("[]"))
        _ = try await client.searchModels(text, query: HuggingFaceModelQuery(limit: 1))
        #expect(server.recordedRequests.first?.target == "/api/models?search=\(encoded)&limit=1")
    }

    @Test("every sort is sent under the Hub's name", arguments: [
        (HuggingFaceModelSort.downloads, "downloads"), (.likes, "likes"), (.trending, "trendingScore"),
        (.recentlyModified, "lastModified"), (.created, "createdAt"),
    ])
    func sortNames(sort: HuggingFaceModelSort, hubName: String) async throws {
        server.serve("/api/models", Self.json("[]"))
        _ = try await client.listModels(HuggingFaceModelQuery(sort: sort, direction: .ascending, limit: 1, detail: .full))
        #expect(server.recordedRequests.first?.target == "/api/models?sort=\(hubName)&direction=1&limit=1&full=true")
    }

    @Test("search is a listing with the search text")
    func searchSetsSearch() async throws {
        server.serve("/api/models", Self.json("[]"))
        _ = try await client.searchModels("bert", query: HuggingFaceModelQuery(author: "google", limit: 3))
        #expect(server.recordedRequests.first?.target == "/api/models?search=bert&author=google&limit=3")
    }

    @Test("listing follows the Link header to the next page until the limit is reached")
    func listFollowsNextLink() async throws {
        let secondPage = "/api/models?limit=3&cursor=eyJpZCI6M30"
        server.serve("/api/models", Self.json(
            "[\(["a/1", "a/2", "a/3"].map { Self.modelJSON($0) }.joined(separator: ","))]",
            headers: [("Link", "<\(server.url(secondPage))>; rel=\"next\"")]))
        server.serve(secondPage, Self.json(
            "[\(["a/4", "a/5", "a/6"].map { Self.modelJSON($0) }.joined(separator: ","))]",
            headers: [("Link", "<\(server.url("/api/models?limit=3&cursor=never"))>; rel=\"next\"")]))
        let models = try await client.listModels(HuggingFaceModelQuery(limit: 5))
        #expect(models.map(\.id) == ["a/1", "a/2", "a/3", "a/4", "a/5"])
        #expect(server.recordedRequests.map(\.target) == ["/api/models?limit=5", secondPage])
        #expect(server.recordedRequests.allSatisfy { $0.header("Authorization") == "Bearer hf_test" })
    }

    @Test("listing stops at the last page, which has no Link header")
    func listStopsAtLastPage() async throws {
        server.serve("/api/models", Self.json("[\(Self.modelJSON("a/1"))]"))
        let models = try await client.listModels(HuggingFaceModelQuery(limit: 50))
        #expect(models.map(\.id) == ["a/1"])
        #expect(server.totalRequests == 1)
    }

    @Test("a next-page link to another site is refused, since the token would follow it")
    func foreignNextLinkIsRefused() async throws {
        server.serve("/api/models", Self.json(
            "[\(Self.modelJSON("a/1"))]", headers: [("Link", "<https://elsewhere.test/api/models?cursor=x>; rel=\"next\"")]))
        await #expect(throws: MarketplaceAPIError.foreignNextPageLink(
            url: server.url("/api/models?limit=20"), link: "https://elsewhere.test/api/models?cursor=x")) {
            try await client.listModels()
        }
    }

    @Test("a Link header value yields its rel=next target", arguments: [
        (#"<https://hf.co/api/models?cursor=a>; rel="next""#, "https://hf.co/api/models?cursor=a"),
        (#"<https://hf.co/p?c=1>; rel="prev", <https://hf.co/p?c=3>; rel="next""#, "https://hf.co/p?c=3"),
        (#"</api/models?cursor=b>;rel=next"#, "/api/models?cursor=b"),
        (#"<https://hf.co/p?c=1>; rel="prev""#, nil),
    ])
    func linkHeaderParsing(header: String, next: String?) {
        #expect(HTTPResponse.nextLink(in: header) == next)
    }

    // MARK: One model

    @Test("model fetches /api/models/{id} with file sizes and normalizes it")
    func modelIsNormalized() async throws {
        server.serve("/api/models/org/tiny-GGUF", Self.json(Self.modelJSON("org/tiny-GGUF", extra: """
            ,"author":"org","sha":"abc","gated":"auto","pipeline_tag":"text-generation","library_name":"gguf",
            "gguf":{"total":1000000,"architecture":"llama","context_length":4096},
            "siblings":[{"rfilename":"README.md","size":10},{"rfilename":"tiny.Q4_K_M.gguf","size":700000}],
            "cardData":{"license":"mit"},"widgetData":[{"text":"hi"}]
            """)))
        let model = try await client.model(id: "org/tiny-GGUF")
        #expect(server.recordedRequests.first?.target == "/api/models/org/tiny-GGUF?blobs=true")
        #expect(model.id == "org/tiny-GGUF")
        #expect(model.category == .llm)
        #expect(model.isGated)
        #expect(model.license == "mit")
        #expect(model.size == ModelSize(bytes: 700_000, parameters: 1_000_000, source: .marketplaceAPI))
        #expect(model.siblings.map(\.name) == ["README.md", "tiny.Q4_K_M.gguf"])
    }

    @Test("rawModel keeps the fields the typed form does not model, and asks for the revision")
    func rawModelKeepsEverything() async throws {
        server.serve("/api/models/org/m/revision/v1.0", Self.json(Self.modelJSON("org/m", extra: #","widgetData":[{"text":"hi"}],"gguf":{"total":5}"#)))
        let info = try await client.rawModel(id: "org/m", revision: "v1.0")
        #expect(info.gguf?.total == 5)
        #expect(info.json["widgetData"]?[0]?["text"]?.stringValue == "hi")
    }

    @Test("a recorded Hub response is served and decoded end to end", Fixtures.required)
    func recordedResponseEndToEnd() async throws {
        let body = try Fixtures.bytes(
            "hf-api/huggingface_hub-cassettes/api_models__sentence-transformers_all-MiniLM-L6-v2__200.json")
        server.serve("/api/models/sentence-transformers/all-MiniLM-L6-v2", LoopbackResponse(body: LoopbackBody(body)))
        let model = try await client.model(id: "sentence-transformers/all-MiniLM-L6-v2")
        #expect(model.size.parameters == 22_713_728)
    }

    @Test("a renamed repository is followed through the Hub's 307 to the new id")
    func renameIsFollowed() async throws {
        server.serve("/api/models/bert-base-uncased", .redirect(
            to: "/api/models/google-bert/bert-base-uncased?blobs=true", status: 307))
        server.serve("/api/models/google-bert/bert-base-uncased", Self.json(Self.modelJSON("google-bert/bert-base-uncased")))
        let model = try await client.model(id: "bert-base-uncased")
        #expect(model.id == "google-bert/bert-base-uncased")
        #expect(server.recordedRequests.map(\.target) == [
            "/api/models/bert-base-uncased?blobs=true", "/api/models/google-bert/bert-base-uncased?blobs=true",
        ])
        #expect(server.recordedRequests.allSatisfy { $0.header("Authorization") == "Bearer hf_test" })
    }

    /// A recorded 307 answer: the body file and the path it answered (from the cassettes' `index.json`).
    struct RecordedRedirect: Sendable, Decodable, CustomTestStringConvertible {
        let file: String
        let request: String
        let status: Int

        /// The request path, e.g. `/api/models/bert-base-uncased`, without the query.
        var path: String {
            request.split(separator: " ").last.flatMap { URL(string: String($0))?.path } ?? ""
        }

        var testDescription: String { request }

        static let all: [RecordedRedirect] = {
            guard let index = try? Fixtures.bytes("hf-api/huggingface_hub-cassettes/index.json"),
                  let entries = try? JSONDecoder().decode([RecordedRedirect].self, from: Data(index))
            else { return [] }
            return entries.filter { $0.status == 307 }
        }()
    }

    @Test("the cassettes hold four recorded renames", Fixtures.required)
    func recordedRedirectsArePresent() {
        #expect(RecordedRedirect.all.count == 4)
    }

    @Test("each recorded 307 body is a plain-text redirect that the rename logic follows, never decoded as JSON",
          Fixtures.required, arguments: RecordedRedirect.all)
    func recordedRenameIsFollowed(redirect: RecordedRedirect) async throws {
        let body = try Fixtures.bytes("hf-api/huggingface_hub-cassettes/\(redirect.file)")
        let text = String(decoding: body, as: UTF8.self)
        let target = try #require(text.components(separatedBy: "Redirecting to ").last)
        let newPath = try #require(target.split(separator: "?").first.map(String.init))
        let oldID = String(redirect.path.dropFirst("/api/models/".count))
        let newID = String(newPath.dropFirst("/api/models/".count))
        server.serve(redirect.path, LoopbackResponse(
            status: 307, headers: [("Location", "\(newPath)?blobs=true"), ("Content-Type", "text/plain")],
            body: LoopbackBody(body)))
        server.serve(newPath, Self.json(Self.modelJSON(newID)))
        #expect(try await client.rawModel(id: oldID).id == newID)
        #expect(server.recordedRequests.map(\.path) == [redirect.path, newPath])
    }

    // MARK: Failures

    @Test("a 404 from the model API is a typed repository-not-found naming the repository")
    func missingRepository() async throws {
        await #expect(throws: MarketplaceAPIError.repositoryNotFound(
            repository: "org/nope", url: server.url("/api/models/org/nope?blobs=true"), status: 404)) {
            try await client.model(id: "org/nope")
        }
    }

    @Test("the Hub's 401 with X-Error-Code RepoNotFound (no token, or no access) is also not-found")
    func missingRepositoryWithoutToken() async throws {
        server.serve("/api/models/org/secret", .text(
            #"{"error":"Repository not found"}"#, status: 401, headers: [("X-Error-Code", "RepoNotFound")]))
        await #expect(throws: MarketplaceAPIError.repositoryNotFound(
            repository: "org/secret", url: server.url("/api/models/org/secret?blobs=true"), status: 401)) {
            try await client.rawModel(id: "org/secret")
        }
    }

    @Test("a gated repository's 403 is the HTTP layer's access-denied error")
    func gatedRepository() async throws {
        server.serve("/meta-llama/Llama-3.1-8B/resolve/main/README.md", .text(
            "Access to model meta-llama/Llama-3.1-8B is restricted.", status: 403, headers: [("X-Error-Code", "GatedRepo")]))
        await #expect(throws: MarketplaceAPIError.http(.accessDenied(
            url: server.url("/meta-llama/Llama-3.1-8B/resolve/main/README.md"), status: 403, credentialsWereSent: true))) {
            try await client.readme(id: "meta-llama/Llama-3.1-8B")
        }
    }

    @Test("an unknown revision is a typed revision-not-found")
    func missingRevision() async throws {
        server.serve("/api/models/org/m/tree/v9", .text(
            #"{"error":"Invalid rev id: v9"}"#, status: 404, headers: [("X-Error-Code", "RevisionNotFound")]))
        await #expect(throws: MarketplaceAPIError.revisionNotFound(
            repository: "org/m", revision: "v9", url: server.url("/api/models/org/m/tree/v9?recursive=true"))) {
            try await client.tree(id: "org/m", revision: "v9")
        }
    }

    @Test("an id that is not owner/name is refused before any request", arguments: [
        "", "a/b/c", "../etc", "org/..", "org/na me", "org/name?x=1", "/name", "org/",
    ])
    func invalidRepositoryID(id: String) async throws {
        await #expect(throws: MarketplaceAPIError.invalidRepositoryID(id)) {
            try await client.model(id: id)
        }
        #expect(server.totalRequests == 0)
    }

    @Test("a body that is not the JSON expected names the URL")
    func malformedBody() async throws {
        server.serve("/api/models/org/m", .text("<html>maintenance</html>"))
        let error = await #expect(throws: MarketplaceAPIError.self) { try await client.rawModel(id: "org/m") }
        guard case .malformedResponse(let url, _, _) = try #require(error) else {
            Issue.record("expected malformedResponse, got \(String(describing: error))")
            return
        }
        #expect(url == server.url("/api/models/org/m?blobs=true"))
    }

    // MARK: README and tree

    @Test("readme returns the model card text")
    func readmePresent() async throws {
        server.serve("/org/m/resolve/main/README.md", .text("---\nlicense: mit\n---\n# M\n"))
        #expect(try await client.readme(id: "org/m") == "---\nlicense: mit\n---\n# M\n")
    }

    @Test("readme is nil when the repository has none", arguments: [[], [(name: "X-Error-Code", value: "EntryNotFound")]])
    func readmeAbsent(headers: [(name: String, value: String)]) async throws {
        server.serve("/org/m/resolve/main/README.md", .text("Entry not found", status: 404, headers: headers))
        #expect(try await client.readme(id: "org/m") == nil)
    }

    @Test("readme of a missing repository throws instead of answering nil")
    func readmeOfMissingRepository() async throws {
        server.serve("/org/gone/resolve/main/README.md", .text(
            "Repository not found", status: 404, headers: [("X-Error-Code", "RepoNotFound")]))
        await #expect(throws: MarketplaceAPIError.repositoryNotFound(
            repository: "org/gone", url: server.url("/org/gone/resolve/main/README.md"), status: 404)) {
            try await client.readme(id: "org/gone")
        }
    }

    @Test("tree lists every page, with LFS and Xet details, at an encoded revision")
    func treePagination() async throws {
        let firstPage = "/api/models/google-bert/bert-base-uncased/tree/refs%2Fpr%2F1"
        let secondPage = "\(firstPage)?recursive=true&cursor=Mg"
        server.serve(firstPage, Self.json("""
            [{"type":"directory","oid":"6b9d6c7a2a2f9d0c4b0b0d8a1b1e5a2f3c4d5e6f","size":0,"path":"coreml"},
             {"type":"file","oid":"dc08351d4dc0732d9c8af04070ced089b201ce2f","size":570,"path":"config.json"}]
            """, headers: [("Link", "<\(secondPage)>; rel=\"next\"")]))
        server.serve(secondPage, Self.json("""
            [{"type":"file","oid":"a7a17d6d844b5de815ccab5f42cad6d24496db3850a2a43d8258221018ce87d2","size":440473133,
              "path":"model.safetensors","xetHash":"e8b1f0a7c2",
              "lfs":{"oid":"68d45e234eb4a928074dfd868cead0219ab85354cc53d20e772753c6bb9169d3","size":440473133,"pointerSize":135}}]
            """))
        let entries = try await client.tree(id: "google-bert/bert-base-uncased", revision: "refs/pr/1")
        #expect(entries.map(\.path) == ["coreml", "config.json", "model.safetensors"])
        #expect(entries.map(\.type) == [.directory, .file, .file])
        #expect(entries[2].lfs?.size == 440_473_133)
        #expect(entries[2].lfs?.pointerSize == 135)
        #expect(entries[2].xetHash == "e8b1f0a7c2")
        #expect(server.recordedRequests.map(\.target) == ["\(firstPage)?recursive=true", secondPage])
    }
}
