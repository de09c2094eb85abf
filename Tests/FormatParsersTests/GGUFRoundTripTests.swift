import FormatParsers
import Testing
import TestSupport

/// Every value type, one key each, plus nested arrays.
private let everyValueType: [(String, GGUFTestValue)] = [
    ("test.uint8", .uint8(200)), ("test.int8", .int8(-100)),
    ("test.uint16", .uint16(60000)), ("test.int16", .int16(-30000)),
    ("test.uint32", .uint32(4_000_000_000)), ("test.int32", .int32(-2_000_000_000)),
    ("test.float32", .float32(1.5)), ("test.bool", .bool(true)),
    ("test.string", .string("héllo ✓")), ("test.uint64", .uint64(1 << 40)),
    ("test.int64", .int64(-(1 << 40))), ("test.float64", .float64(-2.25)),
    ("test.array.strings", .array(.string, [.string("a"), .string(""), .string("ccc")])),
    ("test.array.int32", .array(.int32, [.int32(1), .int32(-2), .int32(3)])),
    ("test.array.nested", .array(.array, [.array(.uint8, [.uint8(1), .uint8(2)]), .array(.string, [.string("x")])])),
    ("test.array.empty", .array(.float32, [])),
]

@Suite("GGUF round trips")
struct GGUFRoundTripTests {
    static let layouts: [(UInt32, Bool)] = [(1, false), (2, false), (3, false), (1, true), (2, true), (3, true)]

    @Test("every value type reads back as written", arguments: layouts)
    func everyValueTypeReadsBack(version: UInt32, bigEndian: Bool) throws {
        var writer = GGUFWriter(version: version, bigEndian: bigEndian)
        for (key, value) in everyValueType { writer.add(key, value) }
        writer.add(tensor: "weight", shape: [64, 2], type: .f16)
        let header = try GGUFHeader(parsing: writer.fileBytes())

        #expect(header.version == version)
        #expect(header.index.isBigEndian == bigEndian)
        #expect(header.metadata.count == everyValueType.count)
        #expect(header.value(forKey: "test.uint8") == .unsigned(200))
        #expect(header.value(forKey: "test.int8") == .signed(-100))
        #expect(header.value(forKey: "test.uint16") == .unsigned(60000))
        #expect(header.value(forKey: "test.int16") == .signed(-30000))
        #expect(header.value(forKey: "test.uint32") == .unsigned(4_000_000_000))
        #expect(header.value(forKey: "test.int32") == .signed(-2_000_000_000))
        #expect(header.value(forKey: "test.float32") == .float(1.5))
        #expect(header.value(forKey: "test.bool") == .bool(true))
        #expect(header.value(forKey: "test.string") == .string("héllo ✓"))
        #expect(header.value(forKey: "test.uint64") == .unsigned(1 << 40))
        #expect(header.value(forKey: "test.int64") == .signed(-(1 << 40)))
        #expect(header.value(forKey: "test.float64") == .float(-2.25))
        #expect(header.value(forKey: "missing.key") == nil)

        let strings = try #require(header.array(forKey: "test.array.strings"))
        #expect(strings.count == 3)
        #expect(Array(header.elements(of: strings)) == [.string("a"), .string(""), .string("ccc")])
        let ints = try #require(header.array(forKey: "test.array.int32"))
        #expect(Array(header.elements(of: ints)) == [.signed(1), .signed(-2), .signed(3)])
        let nested = try #require(header.array(forKey: "test.array.nested"))
        let inner = Array(header.elements(of: nested))
        #expect(inner.count == 2)
        guard case .array(let first) = inner[0], case .array(let second) = inner[1] else {
            Issue.record("nested elements are not arrays")
            return
        }
        #expect(Array(header.elements(of: first)) == [.unsigned(1), .unsigned(2)])
        #expect(Array(header.elements(of: second)) == [.string("x")])
        #expect(header.array(forKey: "test.array.empty")?.count == 0)

        let tensors = Array(header.tensors)
        #expect(tensors.count == 1)
        #expect(header.name(of: tensors[0]) == "weight")
        #expect(tensors[0].shape.dimensions == [64, 2])
        #expect(header.dataOffset == writer.dataOffset)
    }

    @Test("every ggml type gives its element count and byte size", arguments: GGMLType.table.compactMap { $0 })
    func everyTensorType(type: GGMLType) throws {
        for version: UInt32 in [1, 3] {
            var writer = GGUFWriter(version: version)
            let shape: [UInt64] = [type.blockSize * 2, 3]
            writer.add(tensor: "t", shape: shape, type: type)
            writer.add(tensor: "bias", shape: [7], type: .f32)
            let header = try GGUFHeader(parsing: writer.fileBytes())
            let info = try #require(Array(header.tensors).first)
            #expect(info.type == type)
            #expect(info.elementCount == type.blockSize * 6)
            #expect(info.byteSize == type.typeSize * 6)
            #expect(header.totals.parameters == type.blockSize * 6 + 7)
            #expect(header.totals.tensorCounts[Int(type.id)] == (type == .f32 ? 2 : 1))
        }
    }

    @Test("Q8_1 is 36 bytes per 32 elements, as ggml-common.h")
    func q8_1Size() {
        #expect(GGMLType(name: "Q8_1")?.typeSize == 36)
        #expect(GGMLType(name: "Q8_1")?.blockSize == 32)
    }

    @Test("alignment from general.alignment sets the data offset")
    func customAlignment() throws {
        var writer = GGUFWriter()
        writer.alignment = 64
        writer.add("general.alignment", .uint32(64))
        writer.add(tensor: "a", shape: [10], type: .f32)
        writer.add(tensor: "b", shape: [10], type: .f32)
        let header = try GGUFHeader(parsing: writer.fileBytes())
        #expect(header.index.alignment == 64)
        #expect(header.dataOffset % 64 == 0)
        #expect(header.dataOffset == writer.dataOffset)
    }

    @Test("file type names follow llama.cpp", arguments: [
        (0, "ALL_F32", "F32"), (1, "MOSTLY_F16", "F16"), (15, "MOSTLY_Q4_K_M", "Q4_K_M"),
        (30, "MOSTLY_IQ4_XS", "IQ4_XS"), (32, "MOSTLY_BF16", "BF16"), (38, "MOSTLY_MXFP4_MOE", "MXFP4_MOE"),
        (40, "MOSTLY_Q1_0", "Q1_0"),
    ])
    func fileTypeNames(raw: UInt32, name: String, label: String) throws {
        var writer = GGUFWriter()
        writer.add("general.file_type", .uint32(raw))
        let header = try GGUFHeader(parsing: writer.headerBytes())
        #expect(header.fileType?.name == name)
        #expect(header.fileType?.label == label)
    }

    @Test("a file with no tensors may end right after its metadata")
    func noTensorsNoPadding() throws {
        var writer = GGUFWriter()
        writer.add("general.architecture", .string("llama"))
        let bytes = writer.headerBytes()
        #expect(bytes.count % 32 != 0)
        let header = try GGUFHeader(parsing: bytes)
        #expect(header.tensorCount == 0)
        #expect(header.dataOffset == UInt64((bytes.count + 31) / 32 * 32))
    }
}

@Suite("GGUF split files")
struct GGUFSplitTests {
    @Test("split names are recognised and siblings listed")
    func splitNames() throws {
        let name = try #require(GGUFSplitName("models/Llama-Q4_K_M-00002-of-00003.gguf"))
        #expect(name.prefix == "models/Llama-Q4_K_M")
        #expect(name.number == 2)
        #expect(name.count == 3)
        #expect(name.allPartNames == [
            "models/Llama-Q4_K_M-00001-of-00003.gguf",
            "models/Llama-Q4_K_M-00002-of-00003.gguf",
            "models/Llama-Q4_K_M-00003-of-00003.gguf",
        ])
    }

    @Test("other names are not splits", arguments: ["model.gguf", "a-0001-of-0003.gguf", "x-00004-of-00003.gguf", "x-00001-of-00003.bin", "x-0000a-of-00003.gguf"])
    func notSplits(name: String) {
        #expect(GGUFSplitName(name) == nil)
    }

    @Test("split keys are read")
    func splitKeys() throws {
        var writer = GGUFWriter()
        writer.add("split.no", .uint16(1))
        writer.add("split.count", .uint16(3))
        writer.add("split.tensors.count", .int32(291))
        let header = try GGUFHeader(parsing: writer.headerBytes())
        #expect(header.split == GGUFSplitInfo(partIndex: 1, partCount: 3, totalTensorCount: 291))
    }
}
