import Marketplace
import Testing
import TestSupport

@Suite struct HTTPRedirectTests {
    @Test func redirectToTheCDNDropsAuthorization() async throws {
        let hub = try LoopbackHub()
        let prefix = Array("GGUF".utf8)
        hub.addLargeFile(repo: "org/model", path: "model.gguf", prefix: prefix, totalSize: 40_000_000_000)
        let client = HTTPClient.forTests()

        let response = try await client.send(HTTPRequest(
            url: hub.resolveURL(repo: "org/model", path: "model.gguf"),
            byteRange: 0...3,
            bearerToken: "hf_secret"
        ))

        #expect(response.status == 206)
        #expect(response.body == prefix)
        #expect(response.url.hasPrefix(hub.cdn.baseURL))
        #expect(!response.credentialsWereSent)
        #expect(hub.hub.recordedRequests.map { $0.header("Authorization") } == ["Bearer hf_secret"])
        #expect(hub.cdn.totalRequests == 1)
        #expect(hub.cdn.recordedRequests.allSatisfy { $0.header("Authorization") == nil })
        #expect(hub.cdn.recordedRequests.first?.header("Range") == "bytes=0-3")
    }

    @Test func authorizationHeaderGivenByTheCallerAlsoStaysOnItsOrigin() async throws {
        let hub = try LoopbackHub()
        hub.addLargeFile(repo: "org/model", path: "model.gguf", prefix: [1], totalSize: 10)
        let client = HTTPClient.forTests()

        _ = try await client.send(HTTPRequest(
            url: hub.resolveURL(repo: "org/model", path: "model.gguf"),
            headers: ["Authorization": "Bearer hf_manual"]
        ))

        #expect(hub.hub.recordedRequests.first?.header("Authorization") == "Bearer hf_manual")
        #expect(hub.cdn.recordedRequests.first?.header("Authorization") == nil)
    }

    @Test func redirectWithinTheSameOriginKeepsAuthorization() async throws {
        let server = try LoopbackServer()
        server.serve("/old-name/resolve/main/config.json", .redirect(to: "/new-name/resolve/main/config.json", status: 307))
        server.serve("/new-name/resolve/main/config.json", .text("{}"))
        let client = HTTPClient.forTests()

        let response = try await client.send(HTTPRequest(
            url: server.url("/old-name/resolve/main/config.json"),
            bearerToken: "hf_secret"
        ))

        #expect(response.status == 200)
        #expect(response.credentialsWereSent)
        #expect(response.redirectChain == [server.url("/old-name/resolve/main/config.json")])
        #expect(server.recordedRequests.map { $0.header("Authorization") } == ["Bearer hf_secret", "Bearer hf_secret"])
    }

    @Test func redirectHeadersOfTheHubAreKeptInTheResponse() async throws {
        let hub = try LoopbackHub()
        hub.addLargeFile(repo: "org/model", path: "model.gguf", prefix: [], totalSize: 123_456_789, commit: "c0ffee")
        let client = HTTPClient.forTests()

        let response = try await client.send(HTTPRequest(
            url: hub.resolveURL(repo: "org/model", path: "model.gguf"),
            method: .head
        ))

        let redirect = try #require(response.redirects.first)
        #expect(redirect.status == 302)
        #expect(redirect.headers["X-Repo-Commit"] == "c0ffee")
        #expect(redirect.headers["X-Linked-Size"] == "123456789")
        #expect(response.headers["Content-Length"] == "123456789")
    }

    @Test func redirectIsReturnedWhenNotFollowing() async throws {
        let hub = try LoopbackHub()
        hub.addLargeFile(repo: "org/model", path: "model.gguf", prefix: [], totalSize: 99)
        let client = HTTPClient.forTests()

        let response = try await client.send(HTTPRequest(
            url: hub.resolveURL(repo: "org/model", path: "model.gguf"),
            method: .head,
            followRedirects: false
        ))

        #expect(response.status == 302)
        #expect(response.headers["X-Linked-Size"] == "99")
        #expect(hub.cdn.totalRequests == 0)
    }

    @Test func tenRedirectsInARowAreFollowed() async throws {
        let server = try LoopbackServer()
        server.route("/hop") { request in
            // /hop?n=k redirects to /hop?n=k+1 until k reaches 10.
            let hop = Int(request.target.split(separator: "=").last ?? "") ?? 0
            return hop < 10 ? .redirect(to: "/hop?n=\(hop + 1)") : .text("arrived after \(hop)")
        }
        let client = HTTPClient.forTests()

        let response = try await client.send(HTTPRequest(url: server.url("/hop?n=0")))

        #expect(response.body == Array("arrived after 10".utf8))
        #expect(response.redirectChain.count == 10)
        #expect(response.url == server.url("/hop?n=10"))
    }

    @Test func endlessRedirectsStopAfterTheLimit() async throws {
        let server = try LoopbackServer()
        server.serve("/loop", .redirect(to: "/loop"))
        let client = HTTPClient.forTests()
        let url = server.url("/loop")

        await #expect(throws: HTTPError.tooManyRedirects(url: url, limit: 10)) {
            try await client.send(HTTPRequest(url: url))
        }
        #expect(server.requestCount(path: "/loop") == 11)
    }

    @Test func redirectWithoutLocationIsAnError() async throws {
        let server = try LoopbackServer()
        server.serve("/nowhere", .text("moved", status: 302))
        let client = HTTPClient.forTests()
        let url = server.url("/nowhere")

        await #expect(throws: HTTPError.redirectWithoutLocation(url: url, status: 302)) {
            try await client.send(HTTPRequest(url: url))
        }
    }
}
