import FormatParsers
import Foundation
import Marketplace
import Testing
import TestSupport

/// A loopback Hub serving one large file whose first bytes are `header`.
private func hub(serving header: [UInt8], path: String, totalSize: UInt64) throws -> (LoopbackHub, cdnPath: String) {
    let hub = try LoopbackHub()
    let cdnPath = hub.addLargeFile(repo: "org/model", path: path, prefix: header, totalSize: totalSize)
    return (hub, cdnPath)
}

private func reader(_ hub: LoopbackHub, token: String? = nil, cache: HeaderCache? = nil) -> RemoteHeaderReader {
    let client = HTTPClient(configuration: .init(retry: HTTPRetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))))
    return RemoteHeaderReader(client: client, endpoint: hub.endpoint, token: token, cache: cache)
}

/// The targets: at most `maxRequests` requests and 1.1 × header + 256 KiB bytes.
private func expectWithinTargets(_ remote: RemoteHeader, headerBytes: Int, maxRequests: Int) {
    #expect(remote.requests <= maxRequests, "\(remote.requests) requests for a \(headerBytes)-byte header")
    let budget = UInt64(Double(headerBytes) * 1.1) + 256 * 1024
    #expect(remote.bytesTransferred <= budget, "\(remote.bytesTransferred) bytes for a \(headerBytes)-byte header")
}

@Suite("Remote header reader")
struct RemoteHeaderReaderTests {
    /// Headers of about 16 KB, 2 MB and 20 MB.
    @Test("GGUF headers take at most 3 requests and 1.1 x header + 256 KiB", arguments: [
        (500, 200, 2, 16_000), (50_000, 50_000, 32, 2_000_000), (300_000, 600_000, 32, 18_000_000),
    ])
    func ggufTargets(vocabulary: Int, merges: Int, layers: Int, minimumBytes: Int) async throws {
        let writer = SyntheticModels.llamaGGUF(vocabulary: vocabulary, merges: merges, layers: layers, seed: UInt64(vocabulary))
        let header = writer.headerBytes()
        #expect(header.count >= minimumBytes && header.count < minimumBytes * 3 / 2, "header is \(header.count) bytes")
        let (hub, cdnPath) = try hub(serving: header, path: "model-Q8_0.gguf", totalSize: 1 << 40)
        defer { hub.stop() }

        let remote = try await reader(hub).read(RemoteFile(repo: "org/model", path: "model-Q8_0.gguf"))
        guard case .gguf(let gguf) = remote.header else {
            Issue.record("not GGUF")
            return
        }
        #expect(gguf.index.tensorInfoEnd == header.count)
        #expect(gguf.tensorCount == UInt64(writer.tensors.count))
        #expect(remote.fileSize == 1 << 40)
        #expect(remote.commit == LoopbackHub.defaultCommit)
        #expect(remote.etag?.count == 64)
        expectWithinTargets(remote, headerBytes: header.count, maxRequests: 3)
        #expect(hub.cdn.requestCount(path: cdnPath) == remote.requests)
    }

    @Test("safetensors headers take 1 request when they fit the first chunk, else exactly 2", arguments: [(11, 1), (3300, 2)])
    func safetensorsTargets(layers: Int, expectedRequests: Int) async throws {
        let writer = SyntheticModels.llamaSafetensors(layers: layers)
        let header = writer.headerBytes()
        let (hub, _) = try hub(serving: header, path: "model.safetensors", totalSize: UInt64(header.count) + writer.dataBytes)
        defer { hub.stop() }

        let remote = try await reader(hub).read(RemoteFile(repo: "org/model", path: "model.safetensors"))
        #expect(remote.requests == expectedRequests)
        expectWithinTargets(remote, headerBytes: header.count, maxRequests: expectedRequests)
        #expect(remote.header.parameters == writer.tensors.reduce(0) { $0 + $1.shape.reduce(1, *) })
    }

    @Test("a server that ignores Range is cut off once the header arrived")
    func ignoredRange() async throws {
        let writer = SyntheticModels.llamaGGUF(vocabulary: 500, merges: 400, layers: 2)
        let header = writer.headerBytes()
        let (hub, cdnPath) = try hub(serving: header, path: "m.gguf", totalSize: 40_000_000_000)
        defer { hub.stop() }
        hub.cdn.inject(.ignoreRange, on: cdnPath)

        let remote = try await reader(hub).read(RemoteFile(repo: "org/model", path: "m.gguf"))
        #expect(remote.header.parameters == writer.totalParameters())
        #expect(remote.bytesTransferred < 1 << 20)
        #expect(hub.cdn.bytesSent < 64 << 20, "the server kept streaming \(hub.cdn.bytesSent) bytes")
    }

    @Test("a 206 for other bytes than asked is an error")
    func wrongContentRange() async throws {
        let header = SyntheticModels.llamaSafetensors(layers: 2).headerBytes()
        let (hub, cdnPath) = try hub(serving: header, path: "m.safetensors", totalSize: 1 << 30)
        defer { hub.stop() }
        hub.cdn.inject(.wrongContentRange, on: cdnPath)
        await #expect(throws: HeaderReadError.self) {
            try await reader(hub).read(RemoteFile(repo: "org/model", path: "m.safetensors"))
        }
    }

    @Test("an invalid header names the URL and the byte offset")
    func invalidHeader() async throws {
        let (hub, _) = try hub(serving: Array("GGUF".utf8) + [9, 0, 0, 0] + [UInt8](repeating: 0, count: 64), path: "bad.gguf", totalSize: 1 << 20)
        defer { hub.stop() }
        do {
            _ = try await reader(hub).read(RemoteFile(repo: "org/model", path: "bad.gguf"))
            Issue.record("no error")
        } catch {
            guard case .format(let format, let source) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(format.kind == .unsupportedVersion(9))
            #expect(format.offset == 4)
            #expect(source.hasSuffix("/org/model/resolve/main/bad.gguf"))
        }
    }

    @Test("the token reaches the Hub but never the CDN")
    func tokenStaysOnHub() async throws {
        let header = SyntheticModels.llamaSafetensors(layers: 1).headerBytes()
        let (hub, _) = try hub(serving: header, path: "m.safetensors", totalSize: 1 << 30)
        defer { hub.stop() }
        _ = try? await reader(hub, token: "hf_secret").read(RemoteFile(repo: "org/model", path: "m.safetensors"))
        #expect(hub.hub.recordedRequests.allSatisfy { $0.header("Authorization") == "Bearer hf_secret" })
        #expect(hub.cdn.recordedRequests.allSatisfy { $0.header("Authorization") == nil })
        #expect(!hub.cdn.recordedRequests.isEmpty)
    }

    @Test("after a redirect on the Hub's own origin the token still goes along")
    func tokenFollowsSameOriginRedirect() async throws {
        // A file the Hub serves itself (not from LFS) by redirecting within its origin, gated; its
        // header (a 20,000-token vocabulary) takes follow-up requests to the redirect target.
        let model = SyntheticModels.llamaGGUF(vocabulary: 20_000, merges: 5_000, layers: 2, embedding: 256, feedForward: 512,
                                                weightType: .q8_0, fileType: 7, contextLength: 4096)
        let (headerBytes, fileSize) = (model.headerBytes(), model.fileSize)
        let hub = try LoopbackServer()
        hub.serve("/org/model/resolve/main/m.gguf", .redirect(to: hub.url("/api/resolve-cache/models/org/model/c0ffee/m.gguf")))
        hub.route("/api/resolve-cache/models/org/model/c0ffee/m.gguf") { request in
            request.header("Authorization") == "Bearer hf_secret"
                ? LoopbackResponse(body: LoopbackBody(prefix: headerBytes, totalSize: fileSize))
                : .text("gated", status: 401)
        }
        let client = HTTPClient(configuration: .init(retry: HTTPRetryPolicy(maxAttempts: 1)))
        let reader = RemoteHeaderReader(client: client, endpoint: hub.baseURL, token: "hf_secret")

        let remote = try await reader.read(RemoteFile(repo: "org/model", path: "m.gguf"))
        #expect(remote.fileSize == fileSize)
        #expect(remote.requests >= 2)
        #expect(hub.recordedRequests.allSatisfy { $0.header("Authorization") == "Bearer hf_secret" })
    }

    @Test("shards are read concurrently and returned in order")
    func concurrentShards() async throws {
        let hub = try LoopbackHub()
        defer { hub.stop() }
        hub.hub.addedLatency = .milliseconds(100)
        var files: [RemoteFile] = []
        for shard in 1...4 {
            let path = "model-0000\(shard)-of-00004.safetensors"
            let writer = SyntheticModels.llamaSafetensors(layers: shard)
            hub.addLargeFile(repo: "org/model", path: path, prefix: writer.headerBytes(), totalSize: UInt64(writer.headerBytes().count) + writer.dataBytes)
            files.append(RemoteFile(repo: "org/model", path: path))
        }
        let results = await reader(hub).read(files)
        for (index, result) in results.enumerated() {
            let remote = try result.get()
            #expect(remote.file == files[index])
            #expect(remote.header.parameters == SyntheticModels.llamaSafetensors(layers: index + 1).tensors.reduce(0) { $0 + $1.shape.reduce(1, *) })
        }
        // With 100 ms per answer, sequential reads would never overlap.
        #expect(hub.hub.maxConcurrentRequests > 1)
    }
}
