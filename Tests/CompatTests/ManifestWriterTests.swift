import Foundation
import Marketplace
import Testing

@testable import Compat

@Suite("manifest writing and progress")
struct ManifestWriterTests {
    @Test("a cancelled write throws interrupted and leaves no file, temporary or not")
    func cancelledWrite() async throws {
        let directory = try TemporaryDirectory()
        let out = directory.url.appendingPathComponent("out").path
        let writer = ManifestWriter(directory: out)
        let files = [ManifestWriter.File(name: "a.json", contents: Data("{}\n".utf8))]
        let write = Task {
            while !Task.isCancelled { await Task.yield() }
            return Result { () throws(ManifestError) in try writer.publish(files, removingStale: { _ in true }) }
        }
        write.cancel()
        guard case .failure(.interrupted) = await write.value else {
            Issue.record("not interrupted")
            return
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == [])
    }

    @Test("an output path under a file fails naming the directory")
    func unusableDirectory() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("file", [1])
        do {
            try ManifestWriter(directory: file + "/out").publish([], removingStale: { _ in false })
            Issue.record("no error")
        } catch {
            #expect(error.description.hasPrefix("cannot create the output directory \(file)/out: "))
        }
    }

    @Test("the progress bar fills with the models done and shows bytes, requests and rate")
    func progressLines() {
        let snapshot = ManifestProgress.Snapshot(
            phase: "reading Hugging Face headers", done: 250, total: 500,
            transfers: HTTPTransferStats(requests: 812, bytesReceived: 3 << 20), seconds: 20)
        #expect(ManifestProgress.bar(snapshot)
            == "reading Hugging Face headers [############------------] 250/500 · 3.0 MiB · 812 requests · 12.5 models/s")
        #expect(ManifestProgress.line(snapshot) == "reading Hugging Face headers: 250/500 · 3.0 MiB · 812 requests · 12.5 models/s")
        let listing = ManifestProgress.Snapshot(phase: "listing Hugging Face models", done: 0, total: nil, transfers: HTTPTransferStats(), seconds: 1)
        #expect(ManifestProgress.bar(listing) == "listing Hugging Face models 0 B · 0 requests")
    }
}
