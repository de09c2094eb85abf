import FormatParsers
import Testing
import TestSupport

/// Raw little-endian encoding helpers for hand-crafted hostile files.
private func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
private func ggufPreamble(tensors: UInt64, kvs: UInt64) -> [UInt8] { Array("GGUF".utf8) + le(UInt32(3)) + le(tensors) + le(kvs) }
private func key(_ text: String) -> [UInt8] { le(UInt64(text.utf8.count)) + Array(text.utf8) }

private func kind(_ body: () throws -> Void) -> FormatError.Kind? {
    do { try body() } catch let error as FormatError { return error.kind } catch { return nil }
    return nil
}

@Suite("Hostile GGUF input")
struct GGUFAdversarialTests {
    @Test("a metadata count of 2^63 is rejected at once")
    func hugeMetadataCount() {
        let bytes = ggufPreamble(tensors: 0, kvs: 1 << 63)
        #expect(kind { _ = try GGUFHeader(parsing: bytes) } == .limitExceeded(.metadataCount))
    }

    @Test("a tensor count of 2^63 is rejected at once")
    func hugeTensorCount() {
        let bytes = ggufPreamble(tensors: 1 << 63, kvs: 0)
        #expect(kind { _ = try GGUFHeader(parsing: bytes) } == .limitExceeded(.tensorCount))
    }

    @Test("an array count of 2^63 is rejected without walking")
    func hugeArrayCount() {
        let bytes = ggufPreamble(tensors: 0, kvs: 1) + key("a") + le(UInt32(9)) + le(UInt32(8)) + le(UInt64(1) << 63)
        #expect(kind { _ = try GGUFHeader(parsing: bytes) } == .limitExceeded(.arrayLength))
    }

    @Test("an array within limits but past the end of the file is truncation, found in one step")
    func arrayPastEnd() {
        let bytes = ggufPreamble(tensors: 0, kvs: 1) + key("a") + le(UInt32(9)) + le(UInt32(8)) + le(UInt64(1) << 25)
        #expect(kind { _ = try GGUFHeader(parsing: bytes) } == .truncated(needed: UInt64(bytes.count) + 8 << 25))
    }

    @Test("a string length past the end is truncation; above the limit is a limit error")
    func stringPastEnd() {
        let short = ggufPreamble(tensors: 0, kvs: 1) + key("a") + le(UInt32(8)) + le(UInt64(1000)) + Array("xy".utf8)
        #expect(kind { _ = try GGUFHeader(parsing: short) } == .truncated(needed: UInt64(short.count - 2 + 1000)))
        let huge = ggufPreamble(tensors: 0, kvs: 1) + key("a") + le(UInt32(8)) + le(UInt64.max)
        #expect(kind { _ = try GGUFHeader(parsing: huge) } == .limitExceeded(.stringLength))
    }

    @Test("dims whose product overflows are an overflow error naming the tensor")
    func overflowingDims() throws {
        let bytes = ggufPreamble(tensors: 1, kvs: 0) + key("evil") + le(UInt32(4))
            + le(UInt64(1) << 32) + le(UInt64(1) << 32) + le(UInt64(4)) + le(UInt64(1)) + le(UInt32(0)) + le(UInt64(0))
        let error = #expect(throws: FormatError.self) { try GGUFHeader(parsing: bytes, fileSize: .max) }
        #expect(error?.kind == .arithmeticOverflow)
        #expect(error?.subject == "evil")
    }

    @Test("more than four dims is rejected")
    func tooManyDims() {
        let bytes = ggufPreamble(tensors: 1, kvs: 0) + key("t") + le(UInt32(5)) + [UInt8](repeating: 0, count: 52)
        #expect(kind { _ = try GGUFHeader(parsing: bytes) } == .tooManyDimensions(5))
    }

    @Test("an unknown ggml type names the tensor")
    func unknownTensorType() {
        let bytes = ggufPreamble(tensors: 1, kvs: 0) + key("blk.0.attn_q.weight") + le(UInt32(1)) + le(UInt64(32)) + le(UInt32(4)) + le(UInt64(0))
        let error = #expect(throws: FormatError.self) { try GGUFHeader(parsing: bytes, fileSize: 1 << 20) }
        #expect(error?.kind == .unknownTensorType(4))
        #expect(error?.subject == "blk.0.attn_q.weight")
    }

    @Test("an unknown value type is rejected with its offset")
    func unknownValueType() {
        let bytes = ggufPreamble(tensors: 0, kvs: 1) + key("k") + le(UInt32(13))
        let error = #expect(throws: FormatError.self) { try GGUFHeader(parsing: bytes) }
        #expect(error?.kind == .unknownValueType(13))
        #expect(error?.offset == 33)
    }

    @Test("a million nested arrays stop at the depth limit quickly")
    func deepNesting() {
        var bytes = ggufPreamble(tensors: 0, kvs: 1) + key("deep") + le(UInt32(9))
        for _ in 0..<1_000_000 { bytes += le(UInt32(9)) + le(UInt64(1)) }
        #expect(kind { _ = try GGUFHeader(parsing: bytes) } == .limitExceeded(.nestingDepth))
    }

    @Test("invalid UTF-8 in a key is rejected")
    func invalidUTF8Key() {
        let bytes = ggufPreamble(tensors: 0, kvs: 1) + le(UInt64(2)) + [0xC3, 0x28] + le(UInt32(0)) + [1]
        #expect(kind { _ = try GGUFHeader(parsing: bytes) } == .invalidUTF8)
    }

    @Test("an unknown version and a big-endian version are told apart")
    func versions() {
        #expect(kind { _ = try GGUFHeader(parsing: Array("GGUF".utf8) + le(UInt32(4)) + [UInt8](repeating: 0, count: 16)) } == .unsupportedVersion(4))
        #expect(kind { _ = try GGUFHeader(parsing: Array("FUGG".utf8) + le(UInt32(3))) } == .badMagic)
    }

    @Test("a file cannot claim more parameters than 8 per byte")
    func parameterBound() {
        var writer = GGUFWriter()
        writer.add(tensor: "big", shape: [1 << 20, 1 << 10], type: .q4_0)
        let header = writer.headerBytes()
        #expect(kind { _ = try GGUFHeader(parsing: header, fileSize: 1 << 20) } != nil)
    }

    @Test("tensor data past the end of a known file size is rejected")
    func dataPastEnd() {
        var writer = GGUFWriter()
        writer.add(tensor: "w", shape: [1024], type: .f32)
        let bytes = writer.fileBytes()
        #expect(kind { _ = try GGUFHeader(parsing: bytes, fileSize: UInt64(bytes.count - 1)) } == .sizeMismatch(expected: UInt64(bytes.count), actual: UInt64(bytes.count - 1)))
    }
}

@Suite("Hostile safetensors input")
struct SafetensorsAdversarialTests {
    @Test("a header length of 2^64-1 is rejected before any allocation")
    func hugeHeaderLength() {
        let bytes = le(UInt64.max) + Array("{}".utf8)
        #expect(kind { _ = try SafetensorsHeader(parsing: bytes) } == .limitExceeded(.headerBytes))
    }

    @Test("a million nested arrays in an unknown field stop at the depth limit")
    func deepJSON() {
        let json = "{\"t\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4],\"x\":" + String(repeating: "[", count: 1_000_000) + "}}"
        #expect(kind { _ = try SafetensorsHeader(parsing: SafetensorsWriter.header(json: json)) } == .limitExceeded(.nestingDepth))
    }

    @Test("shapes whose product overflows are rejected")
    func overflowingShape() {
        let json = "{\"t\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,2],\"data_offsets\":[0,0]}}"
        #expect(kind { _ = try SafetensorsHeader(parsing: SafetensorsWriter.header(json: json)) } == .arithmeticOverflow)
    }
}
