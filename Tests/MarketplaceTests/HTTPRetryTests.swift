import Marketplace
import Testing
import TestSupport

@Suite struct HTTPRetryTests {
    @Test func tooManyRequestsIsRetriedUntilTheServerRecovers() async throws {
        let server = try LoopbackServer()
        server.serve("/busy", .text("finally"))
        server.inject(.answerStatus(429, retryAfter: "0"), on: "/busy", times: 2)
        let client = HTTPClient.forTests(maxAttempts: 3)

        let response = try await client.send(HTTPRequest(url: server.url("/busy")))

        #expect(response.status == 200)
        #expect(response.body == Array("finally".utf8))
        #expect(server.requestCount(path: "/busy") == 3)
        #expect(client.stats.requests == 3)
    }

    @Test func persistentServiceUnavailableEndsInAnErrorNamingURLAndStatus() async throws {
        let server = try LoopbackServer()
        server.serve("/down", .text("never"))
        server.inject(.answerStatus(503), on: "/down")
        let client = HTTPClient.forTests(maxAttempts: 4)
        let url = server.url("/down")

        let error = await #expect(throws: HTTPError.self) {
            // The 4-byte range limits a 2xx body only: the error message is quoted whole.
            try await client.send(HTTPRequest(url: url, byteRange: 0...3))
        }

        #expect(error == .serverError(url: url, status: 503, bodyPrefix: "HTTP 503 injected by the test", attempts: 4))
        #expect(error?.description.contains(url) == true)
        #expect(error?.description.contains("503") == true)
        #expect(server.requestCount(path: "/down") == 4)
    }

    @Test func serverErrorOnTheCDNIsRetriedFromTheHub() async throws {
        let hub = try LoopbackHub()
        let cdnPath = hub.addLargeFile(repo: "org/model", path: "model.gguf", prefix: [42], totalSize: 1_000)
        hub.cdn.inject(.answerStatus(502), on: cdnPath, times: 1)
        let client = HTTPClient.forTests()

        let response = try await client.send(HTTPRequest(
            url: hub.resolveURL(repo: "org/model", path: "model.gguf"),
            byteRange: 0...0
        ))

        #expect(response.body == [42])
        #expect(hub.hub.totalRequests == 2)
        #expect(hub.cdn.totalRequests == 2)
    }

    @Test func bodyCutShortOnceIsRetried() async throws {
        let server = try LoopbackServer()
        server.serve("/flaky", LoopbackResponse(body: LoopbackBody(prefix: [9], totalSize: 50_000)))
        server.inject(.cutBodyShort(afterBytes: 1_000), on: "/flaky", times: 1)
        let client = HTTPClient.forTests()

        let response = try await client.send(HTTPRequest(url: server.url("/flaky")))

        #expect(response.body.count == 50_000)
        #expect(server.requestCount(path: "/flaky") == 2)
    }

    @Test func bodyAlwaysCutShortEndsInAnError() async throws {
        let server = try LoopbackServer()
        server.serve("/broken", LoopbackResponse(body: LoopbackBody(prefix: [], totalSize: 50_000)))
        server.inject(.cutBodyShort(afterBytes: 1_000), on: "/broken")
        let client = HTTPClient.forTests(maxAttempts: 3)
        let url = server.url("/broken")

        await #expect(throws: HTTPError.bodyShorterThanAnnounced(
            url: url, announcedBytes: 50_000, receivedBytes: 1_000, attempts: 3
        )) {
            try await client.send(HTTPRequest(url: url))
        }
        #expect(server.requestCount(path: "/broken") == 3)
    }

    @Test func refusedConnectionIsRetriedThenReported() async throws {
        let server = try LoopbackServer()
        let url = server.url("/gone")
        server.stop()
        let client = HTTPClient.forTests(maxAttempts: 2)

        let error = await #expect(throws: HTTPError.self) {
            try await client.send(HTTPRequest(url: url))
        }

        guard case .transferFailed(let failedURL, let curlCode, _, let attempts) = error else {
            Issue.record("expected a transfer failure, got \(String(describing: error))")
            return
        }
        #expect(failedURL == url)
        #expect(curlCode == 7)  // CURLE_COULDNT_CONNECT
        #expect(attempts == 2)
        #expect(client.stats.requests == 2)
    }

    @Test func stalledServerTimesOutAtTheLowSpeedLimit() async throws {
        let server = try LoopbackServer()
        server.serve("/stalled", .text("too late"))
        server.inject(.delayBeforeHeaders(.seconds(3)), on: "/stalled")
        let client = HTTPClient.forTests(maxAttempts: 1, lowSpeedTime: .seconds(1))
        let url = server.url("/stalled")

        let error = await #expect(throws: HTTPError.self) {
            try await client.send(HTTPRequest(url: url))
        }

        guard case .transferFailed(_, let curlCode, _, _) = error else {
            Issue.record("expected a transfer failure, got \(String(describing: error))")
            return
        }
        #expect(curlCode == 28)  // CURLE_OPERATION_TIMEDOUT
    }

    @Test func backoffDoublesWithJitterAndStopsAtMaxDelay() {
        let policy = HTTPRetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(1))

        #expect(policy.delay(beforeRetry: 1, retryAfter: nil, randomUnit: 1) == .milliseconds(100))
        #expect(policy.delay(beforeRetry: 1, retryAfter: nil, randomUnit: 0) == .milliseconds(50))
        #expect(policy.delay(beforeRetry: 3, retryAfter: nil, randomUnit: 1) == .milliseconds(400))
        #expect(policy.delay(beforeRetry: 10, retryAfter: nil, randomUnit: 1) == .seconds(1))
        #expect(policy.delay(beforeRetry: 1_000, retryAfter: nil, randomUnit: 1) == .seconds(1))
    }

    @Test func retryAfterWinsOverBackoffUpToMaxDelay() {
        let policy = HTTPRetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(30))

        #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(7), randomUnit: 0) == .seconds(7))
        #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(3_600), randomUnit: 0) == .seconds(30))
    }

    @Test func retryAfterAcceptsSecondsAndHTTPDates() {
        // 1994-11-06 08:49:37 UTC, the example date of RFC 9110.
        let now = 784_111_777

        #expect(HTTPRetryPolicy.retryAfterDelay(headerValue: "120", now: now) == .seconds(120))
        #expect(HTTPRetryPolicy.retryAfterDelay(headerValue: " 0 ", now: now) == .zero)
        #expect(HTTPRetryPolicy.retryAfterDelay(headerValue: "Sun, 06 Nov 1994 08:50:07 GMT", now: now) == .seconds(30))
        #expect(HTTPRetryPolicy.retryAfterDelay(headerValue: "Sun, 06 Nov 1994 08:00:00 GMT", now: now) == .zero)
        #expect(HTTPRetryPolicy.retryAfterDelay(headerValue: "soon", now: now) == nil)
    }
}
