import Marketplace
import Testing
import TestSupport

@Suite struct HTTPResponseTests {
    @Test func gatedModelWithoutTokenTellsToAcceptTermsAndSetHFToken() async throws {
        let server = try LoopbackServer()
        server.serve("/org/gated/resolve/main/model.gguf", .text("Access to model org/gated is restricted.", status: 401))
        let client = HTTPClient.forTests()
        let url = server.url("/org/gated/resolve/main/model.gguf")

        let response = try await client.send(HTTPRequest(url: url))
        let error = #expect(throws: HTTPError.self) { try response.requireSuccess() }

        #expect(error == .accessDenied(url: url, status: 401, credentialsWereSent: false))
        #expect(error?.description.contains("no token was sent") == true)
        #expect(error?.description.contains("HF_TOKEN") == true)
        #expect(error?.description.contains("Accept the model's terms") == true)
    }

    @Test func rejectedTokenIsReportedAsRejected() async throws {
        let server = try LoopbackServer()
        server.serve("/org/gated/resolve/main/model.gguf", .text("Forbidden", status: 403))
        let client = HTTPClient.forTests()
        let url = server.url("/org/gated/resolve/main/model.gguf")

        let response = try await client.send(HTTPRequest(url: url, bearerToken: "hf_wrong"))
        let error = #expect(throws: HTTPError.self) { try response.requireSuccess() }

        #expect(error == .accessDenied(url: url, status: 403, credentialsWereSent: true))
        #expect(error?.description.contains("token was rejected") == true)
    }

    @Test func otherStatusesBecomeUnexpectedStatusWithTheBodyStart() throws {
        let longBody = Array(repeating: UInt8(ascii: "x"), count: 1_000)
        let response = HTTPResponse(status: 404, headers: [:], body: longBody, url: "https://example.com/a")

        #expect(throws: HTTPError.unexpectedStatus(
            url: "https://example.com/a", status: 404, bodyPrefix: String(repeating: "x", count: 200)
        )) {
            try response.requireSuccess()
        }
        #expect(try HTTPResponse(status: 206, headers: [:], body: [], url: "u").requireSuccess().status == 206)
    }

    @Test func headerLookupIgnoresCase() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain", "Set-Cookie": "a=1"]
        headers.add(name: "set-cookie", value: "b=2")

        #expect(headers["content-type"] == "text/plain")
        #expect(headers["CONTENT-TYPE"] == "text/plain")
        #expect(headers.values(for: "Set-Cookie") == ["a=1", "b=2"])
        #expect(headers["Missing"] == nil)
    }

    @Test func contentRangeForms() {
        #expect(HTTPContentRange(headerValue: "bytes 0-99/1000") == HTTPContentRange(range: 0...99, totalSize: 1_000))
        #expect(HTTPContentRange(headerValue: "bytes 5-9/*") == HTTPContentRange(range: 5...9, totalSize: nil))
        #expect(HTTPContentRange(headerValue: "bytes */1000") == HTTPContentRange(range: nil, totalSize: 1_000))
        #expect(HTTPContentRange(headerValue: "bytes 9-5/1000") == nil)
        #expect(HTTPContentRange(headerValue: "bytes */*") == nil)
        #expect(HTTPContentRange(headerValue: "items 0-1/2") == nil)
    }
}
