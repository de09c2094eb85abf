import Marketplace
import Testing
import TestSupport

extension HTTPClient {
    /// A client whose retries wait milliseconds, not seconds, so failure paths stay fast.
    static func forTests(maxAttempts: Int = 3, lowSpeedTime: Duration = .seconds(20)) -> HTTPClient {
        HTTPClient(configuration: Configuration(
            lowSpeedTime: lowSpeedTime,
            retry: HTTPRetryPolicy(maxAttempts: maxAttempts, baseDelay: .milliseconds(1), maxDelay: .milliseconds(20))
        ))
    }
}

@Suite struct HTTPClientTests {
    @Test func getReturnsStatusHeadersAndBody() async throws {
        let server = try LoopbackServer()
        server.serve("/hello", .text("hello, world", headers: [("X-Custom", "yes")]))
        let client = HTTPClient.forTests()

        let response = try await client.send(HTTPRequest(url: server.url("/hello")))

        #expect(response.status == 200)
        #expect(response.body == Array("hello, world".utf8))
        #expect(response.headers["x-custom"] == "yes")
        #expect(response.url == server.url("/hello"))
        #expect(response.redirects.isEmpty)
        #expect(server.recordedRequests.first?.header("User-Agent") == "compat/0.1")
    }

    @Test func headReturnsHeadersWithoutBody() async throws {
        let server = try LoopbackServer()
        server.serve("/big", LoopbackResponse(body: LoopbackBody(prefix: [1, 2, 3], totalSize: 1_000_000)))
        let client = HTTPClient.forTests()

        let response = try await client.send(HTTPRequest(url: server.url("/big"), method: .head))

        #expect(response.status == 200)
        #expect(response.headers["Content-Length"] == "1000000")
        #expect(response.body.isEmpty)
        #expect(server.recordedRequests.first?.method == "HEAD")
    }

    @Test func byteRangeIsAnsweredWith206AndOnlyThoseBytes() async throws {
        let server = try LoopbackServer()
        let prefix = Array(UInt8(0)..<UInt8(100))
        server.serve("/file", LoopbackResponse(body: LoopbackBody(prefix: prefix, totalSize: 40_000_000_000)))
        let client = HTTPClient.forTests()

        let response = try await client.send(HTTPRequest(url: server.url("/file"), byteRange: 10...19))

        #expect(response.status == 206)
        #expect(response.body == Array(prefix[10...19]))
        #expect(response.contentRange == HTTPContentRange(range: 10...19, totalSize: 40_000_000_000))
        #expect(server.recordedRequests.first?.header("Range") == "bytes=10-19")
    }

    @Test func rangePastTheEndIsReturnedAs416() async throws {
        let server = try LoopbackServer()
        server.serve("/small", .text("tiny"))
        let client = HTTPClient.forTests()

        let response = try await client.send(HTTPRequest(url: server.url("/small"), byteRange: 100...199))

        #expect(response.status == 416)
        #expect(response.contentRange == HTTPContentRange(range: nil, totalSize: 4))
    }

    @Test func serverIgnoringRangeIsCutOffAtMaxBodyBytes() async throws {
        let server = try LoopbackServer()
        let declaredSize: UInt64 = 40_000_000_000
        server.serve("/huge", LoopbackResponse(body: LoopbackBody(prefix: [7, 7, 7], totalSize: declaredSize)))
        server.inject(.ignoreRange, on: "/huge")
        let client = HTTPClient.forTests()

        let response = try await client.send(
            HTTPRequest(url: server.url("/huge"), byteRange: 0...99, maxBodyBytes: 100_000)
        )

        #expect(response.status == 200)
        #expect(response.bodyWasTruncated)
        #expect(response.body.count == 100_000)
        #expect(response.body.prefix(3) == [7, 7, 7])
        #expect(client.stats.bytesReceived < 10_000_000)
        server.stop()  // returns only once the server noticed the client hung up
        #expect(UInt64(server.bytesSent) < declaredSize / 100)
    }

    @Test func rangedRequestToServerIgnoringRangeStopsOnceTheRangeCanBeCutOut() async throws {
        let server = try LoopbackServer()
        server.serve("/huge", LoopbackResponse(body: LoopbackBody(prefix: [], totalSize: 40_000_000_000)))
        server.inject(.ignoreRange, on: "/huge")
        let client = HTTPClient.forTests()

        let response = try await client.send(HTTPRequest(url: server.url("/huge"), byteRange: 1_000...1_999))

        #expect(response.status == 200)
        #expect(response.bodyWasTruncated)
        #expect(response.body.count == 2_000)
    }

    @Test func bodyWithinMaxBodyBytesIsNotMarkedTruncated() async throws {
        let server = try LoopbackServer()
        server.serve("/exact", .text("12345"))
        let client = HTTPClient.forTests()

        let response = try await client.send(HTTPRequest(url: server.url("/exact"), maxBodyBytes: 5))

        #expect(response.body == Array("12345".utf8))
        #expect(!response.bodyWasTruncated)
    }

    @Test func wrongContentRangeIsAnError() async throws {
        let server = try LoopbackServer()
        server.serve("/file", LoopbackResponse(body: LoopbackBody(prefix: [], totalSize: 1_000)))
        server.inject(.wrongContentRange, on: "/file")
        let client = HTTPClient.forTests()
        let url = server.url("/file")

        await #expect(throws: HTTPError.mismatchedContentRange(url: url, requested: 0...9, contentRange: "bytes 1-10/1000")) {
            try await client.send(HTTPRequest(url: url, byteRange: 0...9))
        }
    }

    @Test func sequentialRequestsReuseOneConnection() async throws {
        let server = try LoopbackServer()
        server.serve("/ping", .text("pong"))
        let client = HTTPClient.forTests()

        for _ in 0..<5 {
            _ = try await client.send(HTTPRequest(url: server.url("/ping")))
        }

        #expect(server.totalRequests == 5)
        #expect(server.connectionsAccepted == 1)
    }

    @Test func concurrentRequestsAreBoundedByMaxConcurrentTransfers() async throws {
        let server = try LoopbackServer()
        server.serve("/slow", .text("done"))
        server.inject(.delayBeforeHeaders(.milliseconds(100)), on: "/slow")
        let client = HTTPClient.forTests()
        #expect(client.configuration.maxConcurrentTransfers == 8)

        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask { try await client.send(HTTPRequest(url: server.url("/slow"))).status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        #expect(statuses == Array(repeating: 200, count: 20))
        #expect(server.maxConcurrentRequests <= 8)
        #expect(server.maxConcurrentRequests >= 2)
    }

    @Test func statsCountRequestsAndBodyBytes() async throws {
        let server = try LoopbackServer()
        server.serve("/ten", LoopbackResponse(body: LoopbackBody(prefix: [], totalSize: 10)))
        let client = HTTPClient.forTests()

        _ = try await client.send(HTTPRequest(url: server.url("/ten")))
        _ = try await client.send(HTTPRequest(url: server.url("/ten"), method: .head))

        #expect(client.stats == HTTPTransferStats(requests: 2, bytesReceived: 10))
    }

    @Test func relativeOrNonHTTPURLIsRejectedBeforeAnyRequest() async throws {
        let client = HTTPClient.forTests()

        for url in ["/relative/path", "ftp://example.com/file", "file:///etc/passwd"] {
            await #expect(throws: HTTPError.invalidURL(url)) {
                try await client.send(HTTPRequest(url: url))
            }
        }
        #expect(client.stats.requests == 0)
    }

    @Test func cancellingTheTaskEndsAStalledTransfer() async throws {
        let server = try LoopbackServer()
        server.serve("/stall", .text("late"))
        server.inject(.delayBeforeHeaders(.seconds(1)), on: "/stall")
        let client = HTTPClient.forTests()
        let url = server.url("/stall")

        let transfer = Task { try await client.send(HTTPRequest(url: url)) }
        try await Task.sleep(for: .milliseconds(100))
        transfer.cancel()

        await #expect(throws: HTTPError.cancelled(url: url)) {
            try await transfer.value
        }
    }
}
