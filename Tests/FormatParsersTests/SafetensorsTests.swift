import FormatParsers
import Testing
import TestSupport

private func parse(_ json: String, fileSize: UInt64? = nil) throws(FormatError) -> SafetensorsHeader {
    try SafetensorsHeader(parsing: SafetensorsWriter.header(json: json), fileSize: fileSize)
}

private func failure(_ json: String) -> FormatError? {
    do { _ = try parse(json) } catch { return error }
    return nil
}

@Suite("safetensors")
struct SafetensorsTests {
    @Test("every dtype round trips with its bit width", arguments: SafetensorsDType.all)
    func everyDType(dtype: SafetensorsDType) throws {
        var writer = SafetensorsWriter()
        writer.add("w", dtype: dtype.nameString, shape: [8, 3])
        writer.metadata = ["format": "pt"]
        let bytes = writer.fileBytes()
        let header = try SafetensorsHeader(parsing: bytes, fileSize: UInt64(bytes.count))
        #expect(header.tensors.count == 1)
        #expect(header.tensors[0].dtype == dtype)
        #expect(header.tensors[0].byteSize == 24 * dtype.bits / 8)
        #expect(header.shape(of: header.tensors[0]) == [8, 3])
        #expect(header.metadata == ["format": "pt"])
        #expect(header.totals.parameters == 24)
    }

    @Test("padded and unpadded headers both parse")
    func padding() throws {
        for pad in [false, true] {
            var writer = SafetensorsWriter()
            writer.padToEight = pad
            writer.add("a", dtype: "F16", shape: [3])
            let header = try SafetensorsHeader(parsing: writer.fileBytes())
            #expect(header.headerBytes % 8 == (pad ? 0 : header.headerBytes % 8))
        }
    }

    @Test("a header-only prefix parses when the file size is unknown and asks for 8 + N when short")
    func headerOnlyPrefix() throws {
        var writer = SafetensorsWriter()
        writer.add("a", dtype: "BF16", shape: [1024, 1024])
        let header = writer.headerBytes()
        _ = try SafetensorsHeader(parsing: header)
        let step = try header[0..<20].withUnsafeBytes { try SafetensorsHeader.parse(prefix: $0) }
        guard case .needsBytes(let needed) = step else {
            Issue.record("completed from 20 bytes")
            return
        }
        #expect(needed == UInt64(header.count))
        let tiny = try header[0..<3].withUnsafeBytes { try SafetensorsHeader.parse(prefix: $0) }
        guard case .needsBytes(8) = tiny else {
            Issue.record("expected a request for 8 bytes")
            return
        }
    }

    @Test("escaped names are resolved and keys in any order are accepted")
    func escapes() throws {
        let header = try parse(#"{"na\u00efve\n\"q\"":{"data_offsets":[0,2],"shape":[1],"dtype":"F16"},"__metadata__":{"k\/":"v\ud83d\ude00"}}"#)
        #expect(header.name(of: header.tensors[0]) == "naïve\n\"q\"")
        #expect(header.metadata == ["k/": "v😀"])
    }

    @Test("validation is as strict as the reference implementation", arguments: [
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, "invalidTensorOffset"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, "invalidTensorOffset"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}"#, "invalidTensorOffset"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, "duplicateName"),
        (#"{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,1]}}"#, "misalignedBlocks"),
        (#"{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}}"#, "unknownDType"),
        (#"{"a":{"dtype":"F32","shape":[1]}}"#, "missingField"),
        (#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, "invalidJSON"),
        (#"{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}"#, "invalidJSON"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} x"#, "invalidJSON"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}"#, "invalidValue"),
        (#"{"__metadata__":{"k":1}}"#, "invalidJSON"),
        (#"{"a\ud800":{}}"#, "invalidJSON"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#, "invalidJSON"),
        ("{\"a\u{01}\":1}", "invalidJSON"),
    ])
    func strictValidation(json: String, kind: String) {
        #expect(failure(json)?.kindName == kind, "\(json) -> \(String(describing: failure(json)))")
    }

    @Test("a known file size must equal 8 + N + the last data offset")
    func fileSizeCheck() throws {
        var writer = SafetensorsWriter()
        writer.add("a", dtype: "F32", shape: [4])
        let size = UInt64(writer.fileBytes().count)
        _ = try SafetensorsHeader(parsing: writer.headerBytes(), fileSize: size)
        let error = #expect(throws: FormatError.self) { try SafetensorsHeader(parsing: writer.headerBytes(), fileSize: size + 1) }
        #expect(error?.kind == .sizeMismatch(expected: size, actual: size + 1))
    }

    @Test("the index file lists distinct shards and the total size")
    func indexFile() throws {
        let json = #"{"metadata":{"total_size":16060522496},"weight_map":{"a":"model-00002-of-00002.safetensors","b":"model-00001-of-00002.safetensors","c":"model-00001-of-00002.safetensors"}}"#
        let index = try SafetensorsIndex(parsing: Array(json.utf8))
        #expect(index.shardFiles == ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"])
        #expect(index.totalSize == 16_060_522_496)
        #expect(index.tensorCount == 3)
        #expect(throws: FormatError.self) { try SafetensorsIndex(parsing: Array(#"{"metadata":{}}"#.utf8)) }
    }
}
