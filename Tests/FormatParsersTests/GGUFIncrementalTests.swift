import FormatParsers
import Testing
import TestSupport

/// A GGUF header shaped like a real one: a tokenizer array, merges, then tensors.
func tokenizerHeavyWriter(tokens: Int = 2000, tensors: Int = 20) -> GGUFWriter {
    var writer = GGUFWriter()
    writer.add("general.architecture", .string("llama"))
    writer.add("tokenizer.ggml.tokens", .array(.string, (0..<tokens).map { .string("token\($0)") }))
    writer.add("tokenizer.ggml.scores", .array(.float32, (0..<tokens).map { .float32(Float($0)) }))
    writer.add("tokenizer.ggml.merges", .array(.string, (0..<tokens / 2).map { .string("a\($0) b\($0)") }))
    writer.add("llama.context_length", .uint32(4096))
    for index in 0..<tensors {
        writer.add(tensor: "blk.\(index).weight", shape: [32, 4], type: .q8_0)
    }
    return writer
}

@Suite("GGUF incremental parsing")
struct GGUFIncrementalTests {
    @Test("every prefix asks for more bytes, never more than the header holds")
    func everyPrefixAsksForAProvableMinimum() throws {
        let header = tokenizerHeavyWriter(tokens: 300, tensors: 5).headerBytes()
        for length in 0..<header.count {
            var parser = GGUFParser()
            let step = try header[0..<length].withUnsafeBytes { try parser.parse($0) }
            guard case .needsBytes(let needed) = step else {
                Issue.record("prefix of \(length) bytes completed")
                return
            }
            #expect(needed > UInt64(length))
            #expect(needed <= UInt64(header.count), "prefix \(length) asked for \(needed) of \(header.count)")
        }
    }

    @Test("a prefix as the whole file is a truncation error")
    func prefixAsWholeFileIsTruncated() throws {
        let header = tokenizerHeavyWriter(tokens: 50, tensors: 2).headerBytes()
        for length in stride(from: 0, to: header.count, by: 7) {
            #expect(throws: FormatError.self) { try GGUFHeader(parsing: Array(header[0..<length])) }
            do {
                _ = try GGUFHeader(parsing: Array(header[0..<length]))
            } catch {
                guard case .truncated = error.kind else {
                    Issue.record("prefix \(length): \(error)")
                    continue
                }
            }
        }
    }

    @Test("following the answers exactly reaches the same result as one pass")
    func resumingMatchesOnePass() throws {
        let writer = tokenizerHeavyWriter()
        let bytes = writer.headerBytes()
        let onePass = try GGUFHeader(parsing: bytes, fileSize: writer.fileSize)

        var parser = GGUFParser()
        var length = 0
        var rounds = 0
        while true {
            rounds += 1
            let step = try bytes[0..<length].withUnsafeBytes { try parser.parse($0) }
            switch step {
            case .needsBytes(let needed):
                #expect(Int(needed) > length)
                length = Int(needed)
            case .complete(let index):
                #expect(index.tensorInfoEnd == onePass.index.tensorInfoEnd)
                #expect(index.totals == onePass.totals)
                #expect(index.metadata.count == onePass.metadata.count)
                #expect(index.dataOffset == onePass.dataOffset)
                return
            }
            try #require(rounds < 100_000)
        }
    }

    @Test("an array of K strings asks for at least 8 K more bytes")
    func stringArrayLowerBound() throws {
        var writer = GGUFWriter()
        writer.add("tokenizer.ggml.tokens", .array(.string, (0..<1000).map { _ in .string("abcd") }))
        let bytes = writer.headerBytes()
        // Magic, version, counts (24), key length + key, type, element type, count.
        let arrayStart = 24 + 8 + "tokenizer.ggml.tokens".utf8.count + 4 + 4 + 8
        var parser = GGUFParser()
        let step = try bytes[0..<arrayStart].withUnsafeBytes { try parser.parse($0) }
        guard case .needsBytes(let needed) = step else {
            Issue.record("completed early")
            return
        }
        #expect(needed == UInt64(arrayStart + 8 * 1000))
    }

    @Test("a string of length L asks for L more bytes")
    func stringLowerBound() throws {
        var writer = GGUFWriter()
        writer.add("tokenizer.chat_template", .string(String(repeating: "x", count: 5000)))
        let bytes = writer.headerBytes()
        let valueStart = 24 + 8 + "tokenizer.chat_template".utf8.count + 4
        var parser = GGUFParser()
        let step = try bytes[0..<(valueStart + 8)].withUnsafeBytes { try parser.parse($0) }
        #expect(step.neededBytes == UInt64(valueStart + 8 + 5000))
    }
}

extension ParseStep {
    var neededBytes: UInt64? {
        if case .needsBytes(let count) = self { return count }
        return nil
    }
}
