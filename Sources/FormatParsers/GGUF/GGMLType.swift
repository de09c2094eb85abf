/// A ggml tensor type: how many elements a block holds and how many bytes it takes.
///
/// Ids and sizes follow ggml.h and ggml-common.h. Note Q8_1 is 36 bytes per 32
/// elements (two fp16 values and 32 int8), not the 40 that gguf-py states.
public struct GGMLType: Hashable, Sendable {
    public let id: UInt32
    public let name: StaticString
    public let blockSize: UInt64
    public let typeSize: UInt64

    /// Ids 0...41 with removed ids (4, 5, 31...33, 36...38) left as nil.
    public static let table: [GGMLType?] = [
        GGMLType(id: 0, name: "F32", blockSize: 1, typeSize: 4),
        GGMLType(id: 1, name: "F16", blockSize: 1, typeSize: 2),
        GGMLType(id: 2, name: "Q4_0", blockSize: 32, typeSize: 18),
        GGMLType(id: 3, name: "Q4_1", blockSize: 32, typeSize: 20),
        nil,  // 4: Q4_2, removed
        nil,  // 5: Q4_3, removed
        GGMLType(id: 6, name: "Q5_0", blockSize: 32, typeSize: 22),
        GGMLType(id: 7, name: "Q5_1", blockSize: 32, typeSize: 24),
        GGMLType(id: 8, name: "Q8_0", blockSize: 32, typeSize: 34),
        GGMLType(id: 9, name: "Q8_1", blockSize: 32, typeSize: 36),
        GGMLType(id: 10, name: "Q2_K", blockSize: 256, typeSize: 84),
        GGMLType(id: 11, name: "Q3_K", blockSize: 256, typeSize: 110),
        GGMLType(id: 12, name: "Q4_K", blockSize: 256, typeSize: 144),
        GGMLType(id: 13, name: "Q5_K", blockSize: 256, typeSize: 176),
        GGMLType(id: 14, name: "Q6_K", blockSize: 256, typeSize: 210),
        GGMLType(id: 15, name: "Q8_K", blockSize: 256, typeSize: 292),
        GGMLType(id: 16, name: "IQ2_XXS", blockSize: 256, typeSize: 66),
        GGMLType(id: 17, name: "IQ2_XS", blockSize: 256, typeSize: 74),
        GGMLType(id: 18, name: "IQ3_XXS", blockSize: 256, typeSize: 98),
        GGMLType(id: 19, name: "IQ1_S", blockSize: 256, typeSize: 50),
        GGMLType(id: 20, name: "IQ4_NL", blockSize: 32, typeSize: 18),
        GGMLType(id: 21, name: "IQ3_S", blockSize: 256, typeSize: 110),
        GGMLType(id: 22, name: "IQ2_S", blockSize: 256, typeSize: 82),
        GGMLType(id: 23, name: "IQ4_XS", blockSize: 256, typeSize: 136),
        GGMLType(id: 24, name: "I8", blockSize: 1, typeSize: 1),
        GGMLType(id: 25, name: "I16", blockSize: 1, typeSize: 2),
        GGMLType(id: 26, name: "I32", blockSize: 1, typeSize: 4),
        GGMLType(id: 27, name: "I64", blockSize: 1, typeSize: 8),
        GGMLType(id: 28, name: "F64", blockSize: 1, typeSize: 8),
        GGMLType(id: 29, name: "IQ1_M", blockSize: 256, typeSize: 56),
        GGMLType(id: 30, name: "BF16", blockSize: 1, typeSize: 2),
        nil, nil, nil,  // 31...33: Q4_0_4_4, Q4_0_4_8, Q4_0_8_8, removed from files
        GGMLType(id: 34, name: "TQ1_0", blockSize: 256, typeSize: 54),
        GGMLType(id: 35, name: "TQ2_0", blockSize: 256, typeSize: 66),
        nil, nil, nil,  // 36...38: IQ4_NL_4_4, IQ4_NL_4_8, IQ4_NL_8_8, removed
        GGMLType(id: 39, name: "MXFP4", blockSize: 32, typeSize: 17),
        GGMLType(id: 40, name: "NVFP4", blockSize: 64, typeSize: 36),
        GGMLType(id: 41, name: "Q1_0", blockSize: 128, typeSize: 18),
    ]

    /// Number of type ids, including removed ones (the size of per-type tables).
    public static var idCount: Int { table.count }

    /// The type with this id, or nil when ggml has no such type.
    public init?(id: UInt32) {
        guard id < UInt32(Self.table.count), let known = Self.table[Int(id)] else { return nil }
        self = known
    }

    /// The type named `name` (as in ggml: "Q4_K", "BF16"), or nil.
    public init?(name: String) {
        for case let type? in Self.table where type.nameString == name {
            self = type
            return
        }
        return nil
    }

    private init(id: UInt32, name: StaticString, blockSize: UInt64, typeSize: UInt64) {
        self.id = id
        self.name = name
        self.blockSize = blockSize
        self.typeSize = typeSize
    }

    public var nameString: String {
        String(decoding: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), as: UTF8.self)
    }

    public static func == (lhs: GGMLType, rhs: GGMLType) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// Bytes taken by `elements` elements, or nil when `elements` is not a whole number of blocks
    /// or the size overflows.
    public func byteSize(elements: UInt64) -> UInt64? {
        guard elements % blockSize == 0 else { return nil }
        let (bytes, overflow) = (elements / blockSize).multipliedReportingOverflow(by: typeSize)
        return overflow ? nil : bytes
    }

    /// Bits per element of this type (e.g. 4.5 for Q4_K).
    public var bitsPerElement: Double { Double(typeSize * 8) / Double(blockSize) }

    public static let f32 = GGMLType(id: 0)!
    public static let f16 = GGMLType(id: 1)!
    public static let q4_0 = GGMLType(id: 2)!
    public static let q8_0 = GGMLType(id: 8)!
    public static let bf16 = GGMLType(id: 30)!
}
