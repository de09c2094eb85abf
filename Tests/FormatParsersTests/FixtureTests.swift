import Foundation
import FormatParsers
import Testing
import TestSupport

/// The reference figures of `EXPECTED.json`, keyed by fixture path.
nonisolated(unsafe) private let expected: [String: [String: Any]] = {
    guard let data = try? Fixtures.bytes("EXPECTED.json"),
          let root = try? JSONSerialization.jsonObject(with: Data(data)) as? [String: Any]
    else { return [:] }
    var figures: [String: [String: Any]] = [:]
    for section in ["gguf", "gguf_invalid", "safetensors"] {
        for (path, value) in root[section] as? [String: [String: Any]] ?? [:] { figures[path] = value }
    }
    return figures
}()

private func validGGUFPaths() -> [String] {
    Fixtures.paths(under: "gguf", endingWith: ".gguf").filter { !$0.contains("/invalid/") }
}

private func int(_ value: Any?) -> UInt64? { (value as? NSNumber)?.uint64Value }

@Suite("Real fixtures", Fixtures.required)
struct FixtureTests {
    @Test("every valid GGUF fixture matches EXPECTED.json figure by figure", arguments: validGGUFPaths())
    func ggufMatchesExpected(path: String) throws {
        let figures = try #require(expected[path], "no EXPECTED.json entry for \(path)")
        let header = try GGUFHeader(parsing: try Fixtures.bytes(path))
        #expect(UInt64(header.version) == int(figures["version"]))
        #expect(header.tensorCount == int(figures["tensor_count"]))
        #expect(UInt64(header.metadata.count) == int(figures["kv_count"]))
        #expect(header.architecture == figures["architecture"] as? String)
        #expect(header.index.alignment == int(figures["alignment"]))
        #expect(header.vocabularySize == int(figures["vocab_size"]))
        #expect(header.dataOffset == int(figures["data_offset"]))
        #expect(header.totals.parameters == int(figures["parameters"]))
        if let metadataEnd = int(figures["metadata_end"]) { #expect(UInt64(header.index.tensorInfoEnd) == metadataEnd) }
        if figures.keys.contains("file_type") { #expect(header.fileType.map { UInt64($0.rawValue) } == int(figures["file_type"])) }
        if figures.keys.contains("context_length") { #expect(header.contextLength == int(figures["context_length"])) }
        if figures.keys.contains("block_count") { #expect(header.blockCount == int(figures["block_count"])) }
        if let bytes = int(figures["tensor_data_bytes"]) { #expect(header.totals.tensorDataBytes == bytes) }
        let types = figures["tensor_types"] as? [String: Any] ?? [:]
        var counted: [String: UInt64] = [:]
        for type in header.totals.presentTypes { counted[type.nameString] = header.totals.tensorCounts[Int(type.id)] }
        #expect(counted == types.mapValues { int($0) ?? 0 })
    }

    @Test("every invalid GGUF fixture fails with the right typed error", arguments: [
        ("gguf/invalid/example-prerelease-FUGG-magic.gguf", "badMagic"),
        ("gguf/invalid/ggml-vocab-bert-bge.utf8-mangled.gguf", "truncated"),
        ("gguf/invalid/ollama-test-truncated-6bytes.gguf", "truncated"),
        ("gguf/invalid/test_writer-nonstandard-type13.gguf", "unknownValueType"),
    ])
    func invalidGGUFFails(path: String, kind: String) throws {
        #expect(expected[path]?["must_fail"] as? Bool == true)
        let bytes = try Fixtures.bytes(path)
        let error = #expect(throws: FormatError.self) { try GGUFHeader(parsing: bytes) }
        #expect(error?.kindName == kind, "\(error.map { String(describing: $0) } ?? "no error")")
        // The offset of the type tag; its value would start at 208.
        if path.hasSuffix("type13.gguf") { #expect(error?.offset == 204) }
    }

    @Test("every safetensors fixture matches EXPECTED.json", arguments: Fixtures.paths(under: "safetensors", endingWith: "safetensors").filter { !$0.contains("header-only") })
    func safetensorsMatchesExpected(path: String) throws {
        let figures = try #require(expected[path])
        let bytes = try Fixtures.bytes(path)
        let header = try SafetensorsHeader(parsing: bytes, fileSize: UInt64(bytes.count))
        try checkSafetensors(header, figures)
    }

    @Test("the header-only MiniLM file parses without its data and has 22,713,728 parameters")
    func headerOnlySafetensors() throws {
        let path = "safetensors/header-only/all-MiniLM-L6-v2.model.safetensors.header-only"
        let bytes = try Fixtures.bytes(path)
        let header = try SafetensorsHeader(parsing: bytes)
        try checkSafetensors(header, try #require(expected[path]))
        #expect(header.totals.parameters == 22_713_728)
        // With the real file size the header accounts for every byte.
        _ = try SafetensorsHeader(parsing: bytes, fileSize: 90_868_376)
        // As a complete file it is short, which the size check reports.
        #expect(throws: FormatError.self) { try SafetensorsHeader(parsing: bytes, fileSize: UInt64(bytes.count)) }
    }

    private func checkSafetensors(_ header: SafetensorsHeader, _ figures: [String: Any]) throws {
        #expect(header.jsonLength == int(figures["header_length"]))
        #expect(header.headerBytes == int(figures["header_bytes"]))
        #expect(UInt64(header.tensors.count) == int(figures["tensor_count"]))
        #expect(header.totals.parameters == int(figures["parameters"]))
        #expect(header.totals.tensorDataBytes == int(figures["tensor_data_bytes"]))
        var byType: [String: UInt64] = [:]
        var countByType: [String: UInt64] = [:]
        for dtype in header.totals.presentDTypes {
            byType[dtype.nameString] = header.totals.elementCounts[dtype.id]
            countByType[dtype.nameString] = header.totals.tensorCounts[dtype.id]
        }
        #expect(byType == (figures["parameters_by_dtype"] as? [String: Any] ?? [:]).mapValues { int($0) ?? 0 })
        #expect(countByType == (figures["dtypes"] as? [String: Any] ?? [:]).mapValues { int($0) ?? 0 })
        #expect(header.metadata == figures["metadata"] as? [String: String])
    }

    @Test("every prefix of a real header either asks for more bytes or errors, never traps")
    func truncationSweep() throws {
        let bytes = try Fixtures.bytes("gguf/stories260K.gguf")
        let full = try GGUFHeader(parsing: bytes)
        let end = full.index.tensorInfoEnd
        for length in 0..<end {
            var parser = GGUFParser()
            let step = try bytes[0..<length].withUnsafeBytes { try parser.parse($0) }
            let needed = try #require(step.neededBytes)
            #expect(needed > UInt64(length) && needed <= UInt64(end))
            #expect(throws: FormatError.self) {
                var whole = GGUFParser(fileSize: UInt64(length))
                _ = try bytes[0..<length].withUnsafeBytes { try whole.parse($0) }
            }
        }
        // Sampled over a larger, tokenizer-heavy header.
        let gpt2 = try Fixtures.bytes("gguf/ggml-vocab-gpt-2.gguf")
        for length in stride(from: 0, to: gpt2.count, by: 4999) {
            var parser = GGUFParser()
            let needed = try #require(try gpt2[0..<length].withUnsafeBytes { try parser.parse($0) }.neededBytes)
            #expect(needed > UInt64(length) && needed <= UInt64(gpt2.count))
        }
    }

    @Test("tensor infos of a real model are walked with names, shapes and sizes")
    func realTensorInfos() throws {
        let header = try GGUFHeader(parsing: try Fixtures.bytes("gguf/llama-2-tiny-random.gguf"))
        let tensors = Array(header.tensors)
        #expect(tensors.count == 12)
        #expect(tensors.reduce(0) { $0 + $1.byteSize } == 1_026_144)
        #expect(tensors.contains { header.name(of: $0) == "token_embd.weight" })
        #expect(header.fileType?.label == "F16")
    }
}
