import Foundation
@testable import Marketplace
import Testing
import TestSupport

/// TLS against a real handshake (`openssl s_server`): peers are always verified, a custom authority
/// can be trusted for a re-signing proxy, and failures name the URL, are not retried, and say what to do.
@Suite(TLSServer.required) struct HTTPTLSTests {
    static func client(trusting authorities: String?) -> HTTPClient {
        HTTPClient(configuration: .init(
            retry: HTTPRetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(20)),
            certificateAuthorities: authorities))
    }

    @Test func serverSignedByTheConfiguredAuthorityIsReached() async throws {
        let server = try TLSServer()
        try server.serve("hello.txt", Array("hello over TLS".utf8))

        let response = try await Self.client(trusting: server.certificatePath).send(HTTPRequest(url: server.url("/hello.txt")))
        #expect(response.status == 200)
        #expect(response.body == Array("hello over TLS".utf8))
    }

    @Test func selfSignedServerIsRefusedOnceWithAHint() async throws {
        let server = try TLSServer()
        try server.serve("hello.txt", Array("hello".utf8))
        let url = server.url("/hello.txt")

        let error = await Self.failure(Self.client(trusting: nil), url)
        guard case .transferFailed(url, 60, let reason, 1) = error else {
            Issue.record("expected an unverified certificate after 1 attempt, got \(error)")
            return
        }
        #expect(reason.contains("certificate"))
        #expect(error.description.contains("CURL_CA_BUNDLE"))
    }

    @Test func certificateForAnotherHostIsRefusedEvenWhenItsAuthorityIsTrusted() async throws {
        let server = try TLSServer(hostNames: ["other.example"])
        try server.serve("hello.txt", Array("hello".utf8))
        let url = server.url("/hello.txt")

        let error = await Self.failure(Self.client(trusting: server.certificatePath), url)
        guard case .transferFailed(url, 60, let reason, 1) = error else {
            Issue.record("expected a host name mismatch after 1 attempt, got \(error)")
            return
        }
        #expect(reason.contains("127.0.0.1"))
    }

    @Test func missingAuthorityFileIsNamedAsTheProblem() async throws {
        let server = try TLSServer()
        let url = server.url("/hello.txt")

        let error = await Self.failure(Self.client(trusting: "/nonexistent/ca.pem"), url)
        guard case .transferFailed(url, 77, _, 1) = error else {
            Issue.record("expected an unusable CA file after 1 attempt, got \(error)")
            return
        }
        #expect(error.description.contains("CURL_CA_BUNDLE"))
    }

    @Test(arguments: [
        ([:], nil),
        (["SSL_CERT_FILE": "/ssl.pem"], "/ssl.pem"),
        (["SSL_CERT_FILE": "/ssl.pem", "REQUESTS_CA_BUNDLE": "/requests.pem"], "/requests.pem"),
        (["SSL_CERT_FILE": "/ssl.pem", "REQUESTS_CA_BUNDLE": "/requests.pem", "CURL_CA_BUNDLE": "/curl.pem"], "/curl.pem"),
        (["CURL_CA_BUNDLE": "", "SSL_CERT_FILE": "/ssl.pem"], "/ssl.pem"),
    ] as [([String: String], String?)])
    func authoritiesComeFromCurlThenRequestsThenOpenSSLVariables(environment: [String: String], expected: String?) {
        #expect(MarketplaceEnvironment.certificateAuthorities(environment: environment) == expected)
    }

    private static func failure(_ client: HTTPClient, _ url: String) async -> HTTPError {
        do {
            let response = try await client.send(HTTPRequest(url: url))
            Issue.record("expected a TLS failure, got HTTP \(response.status)")
            return .cancelled(url: url)
        } catch {
            return error
        }
    }
}
