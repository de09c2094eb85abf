import Foundation
import Marketplace
import Testing
import TestSupport

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

    @Test("on a full disk the write fails naming the file, and the earlier manifests stay whole", SmallFilesystem.required)
    func fullDisk() throws {
        let filesystem = try SmallFilesystem(bytes: 512 << 10)
        let out = filesystem.url.appendingPathComponent("out").path
        let writer = ManifestWriter(directory: out)
        let earlier = [
            ManifestWriter.File(name: "a.json", contents: Data("{\"run\":1}\n".utf8)),
            ManifestWriter.File(name: "b.json", contents: Data("{\"run\":1}\n".utf8)),
        ]
        try writer.publish(earlier, removingStale: { _ in true })
        try filesystem.fill(leaving: 16 << 10)

        let larger = Data("{\"run\":2,\"padding\":\"\(String(repeating: "x", count: 64 << 10))\"}\n".utf8)
        let next = [ManifestWriter.File(name: "a.json", contents: Data("{\"run\":2}\n".utf8)), .init(name: "b.json", contents: larger)]
        #expect(throws: ManifestError.self) { try writer.publish(next, removingStale: { _ in true }) }
        do {
            try writer.publish(next, removingStale: { _ in true })
        } catch {
            #expect(error.description == "cannot write \(out)/b.json: No space left on device")
        }
        // a.json was complete, but nothing is renamed into place until every file is.
        for file in earlier {
            #expect(FileManager.default.contents(atPath: out + "/" + file.name) == file.contents)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["a.json", "b.json"])
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
