import Compat
import Foundation
import FormatParsers
import Testing
import TestSupport

/// A temporary directory removed when the test ends.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("compat-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        return file.path
    }
}

private func smallModel() -> GGUFWriter {
    var writer = GGUFWriter()
    writer.add("general.architecture", .string("llama"))
    writer.add("general.file_type", .uint32(7))
    writer.add("llama.context_length", .uint32(4096))
    writer.add("llama.block_count", .uint32(1))
    writer.add("tokenizer.ggml.tokens", .array(.string, [.string("a"), .string("b"), .string("c")]))
    writer.add(tensor: "token_embd.weight", shape: [64, 3], type: .q8_0)
    writer.add(tensor: "output_norm.weight", shape: [64], type: .f32)
    return writer
}

@Suite("compat-cli inspect")
struct InspectCommandTests {
    @Test("arguments parse into paths and the json flag")
    func parsesArguments() throws {
        let command = try #require(try CompatCommand.parseAsRoot(["inspect", "--json", "a.gguf", "dir"]) as? InspectCommand)
        #expect(command.paths == ["a.gguf", "dir"])
        #expect(command.json)
    }

    @Test("usage errors exit 2", arguments: [["inspect"], ["inspect", "--bogus", "x"], ["no-such-command"]])
    func usageErrorsExitTwo(arguments: [String]) async {
        #expect(await CompatCommand.run(arguments: arguments) == CompatCommand.Exit.usage)
    }

    @Test("JSON output has the documented keys for both formats")
    func jsonKeys() throws {
        let directory = try TemporaryDirectory()
        let gguf = try directory.write("m.gguf", smallModel().fileBytes())
        var safetensors = SafetensorsWriter()
        safetensors.add("w", dtype: "BF16", shape: [4, 4])
        safetensors.metadata = ["format": "pt"]
        let st = try directory.write("m.safetensors", safetensors.fileBytes())

        let (output, failed) = InspectCommand.inspect(paths: [gguf, st], json: true)
        #expect(!failed)
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        #expect(objects.count == 2)
        let common = ["path", "format", "parameters", "tensorCount", "headerBytes", "tensorDataBytes", "parameterCountsByType", "tensorCountsByType"]
        let ggufKeys = common + ["version", "metadataCount", "architecture", "alignment", "dataOffset", "fileType", "vocabularySize", "contextLength", "blockCount"]
        #expect(Set(ggufKeys).isSubset(of: objects[0].keys))
        #expect(Set(common + ["metadata"]).isSubset(of: objects[1].keys))
        #expect(objects[0]["fileType"] as? String == "MOSTLY_Q8_0")
        #expect(objects[0]["parameters"] as? Int == 64 * 3 + 64)
        #expect(objects[0]["vocabularySize"] as? Int == 3)
        #expect((objects[0]["parameterCountsByType"] as? [String: Int]) == ["F32": 64, "Q8_0": 192])
        #expect(objects[1]["headerBytes"] as? Int == safetensors.headerBytes().count)
        #expect((objects[1]["metadata"] as? [String: String]) == ["format": "pt"])
    }

    @Test("a failing file gives an error object and exit 1 after the others print")
    func failingFile() async throws {
        let directory = try TemporaryDirectory()
        let good = try directory.write("good.gguf", smallModel().fileBytes())
        let bad = try directory.write("bad.gguf", Array("GGUF".utf8) + [3, 0, 0, 0, 9])
        let (output, failed) = InspectCommand.inspect(paths: [good, bad], json: true)
        #expect(failed)
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        #expect(objects.count == 2)
        let error = try #require(objects[1]["error"] as? [String: Any])
        #expect(error["kind"] as? String == "truncated")
        #expect(error["offset"] as? Int == 9)
        #expect((error["message"] as? String)?.isEmpty == false)
        #expect(await CompatCommand.run(arguments: ["inspect", bad]) == CompatCommand.Exit.failure)
    }

    @Test("a directory is searched for model files")
    func directories() throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write("a/one.gguf", smallModel().fileBytes())
        _ = try directory.write("b/two.gguf", smallModel().fileBytes())
        _ = try directory.write("notes.txt", Array("hello".utf8))
        let (output, failed) = InspectCommand.inspect(paths: [directory.url.path], json: false)
        #expect(!failed)
        #expect(output.contains("one.gguf") && output.contains("two.gguf") && !output.contains("notes.txt"))
    }

    @Test("a large file is read only as far as its header")
    func sparseLargeFile() throws {
        let directory = try TemporaryDirectory()
        var writer = smallModel()
        writer.add(tensor: "huge.weight", shape: [4096, 4096 * 64], type: .f16)
        let path = try directory.write("big.gguf", writer.headerBytes())
        // Extend to the declared size as a sparse file: nothing is written or read past the header.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: writer.fileSize)
        try handle.close()
        let header = try LocalHeaderReaderProbe.read(path)
        #expect(header.parameters == writer.totalParameters())
    }
}

import Marketplace

enum LocalHeaderReaderProbe {
    static func read(_ path: String) throws -> ModelHeader { try LocalHeaderReader.read(path: path) }
}
