import Foundation
import Marketplace
import Testing
import TestSupport

@testable import Compat

@Suite("compat-cli search and list")
struct ListCommandTests {
    private static let page = #"[{"id":"org/a","downloads":10,"likes":2,"tags":["gguf"],"safetensors":{"parameters":{"BF16":8030261248},"total":8030261248}},{"id":"org/b","downloads":5,"likes":1,"tags":[]}]"#

    @Test("list arguments become the Hub query: sort, limit, filters")
    func listQuery() throws {
        let command = try #require(try CompatCommand.parseAsRoot(["list", "--sort", "recent", "--limit", "7", "--filter", "gguf", "--author", "org"]) as? ListCommand)
        let query = command.options.query(search: nil)
        #expect(query.sort == .recentlyModified)
        #expect(query.limit == 7)
        #expect(query.tags == ["gguf"])
        #expect(query.author == "org")
    }

    @Test("the table shows ids, downloads, likes and the size when the Hub knows it")
    func table() throws {
        let models = try JSONDecoder().decode([HuggingFaceModelInfo].self, from: Data(Self.page.utf8)).map(Model.init(huggingFace:))
        let table = ListingOptions.renderTable(models)
        #expect(table.contains("org/a") && table.contains("8.03B"))
        #expect(table.split(separator: "\n").last?.contains("-") == true)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ListingOptions.renderJSON(models).utf8)) as? [[String: Any]])
        #expect(json.map { $0["id"] as? String } == ["org/a", "org/b"])
    }

    @Test("search and list run against the Hub and exit 0; a failing Hub exits 2")
    func endToEnd() async throws {
        let hub = try LoopbackHub()
        defer { hub.stop() }
        hub.hub.serve("/api/models", .text(Self.page, headers: [("Content-Type", "application/json")]))
        #expect(await CompatCommand.run(arguments: ["search", "org", "--endpoint", hub.endpoint, "--json"]) == CompatCommand.Exit.success)
        #expect(await CompatCommand.run(arguments: ["list", "--sort", "likes", "--limit", "2", "--endpoint", hub.endpoint]) == CompatCommand.Exit.success)
        let request = try #require(hub.hub.recordedRequests.first { $0.path == "/api/models" })
        #expect(request.target.contains("search=org"))
        hub.hub.serve("/api/models", .text("nope", status: 404))
        #expect(await CompatCommand.run(arguments: ["list", "--endpoint", hub.endpoint]) == CompatCommand.Exit.usage)
    }
}
