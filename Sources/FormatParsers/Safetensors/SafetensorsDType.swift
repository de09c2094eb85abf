/// A safetensors element type and its width in bits.
public struct SafetensorsDType: Hashable, Sendable {
    /// Index into `all`.
    public let id: Int
    public let name: StaticString
    public let bits: UInt64

    /// Every dtype the format defines, in the reference implementation's order.
    public static let all: [SafetensorsDType] = [
        SafetensorsDType(id: 0, name: "BOOL", bits: 8),
        SafetensorsDType(id: 1, name: "F4", bits: 4),
        SafetensorsDType(id: 2, name: "F6_E2M3", bits: 6),
        SafetensorsDType(id: 3, name: "F6_E3M2", bits: 6),
        SafetensorsDType(id: 4, name: "U8", bits: 8),
        SafetensorsDType(id: 5, name: "I8", bits: 8),
        SafetensorsDType(id: 6, name: "F8_E5M2", bits: 8),
        SafetensorsDType(id: 7, name: "F8_E4M3", bits: 8),
        SafetensorsDType(id: 8, name: "F8_E8M0", bits: 8),
        SafetensorsDType(id: 9, name: "F8_E4M3FNUZ", bits: 8),
        SafetensorsDType(id: 10, name: "F8_E5M2FNUZ", bits: 8),
        SafetensorsDType(id: 11, name: "I16", bits: 16),
        SafetensorsDType(id: 12, name: "U16", bits: 16),
        SafetensorsDType(id: 13, name: "F16", bits: 16),
        SafetensorsDType(id: 14, name: "BF16", bits: 16),
        SafetensorsDType(id: 15, name: "I32", bits: 32),
        SafetensorsDType(id: 16, name: "U32", bits: 32),
        SafetensorsDType(id: 17, name: "F32", bits: 32),
        SafetensorsDType(id: 18, name: "F64", bits: 64),
        SafetensorsDType(id: 19, name: "I64", bits: 64),
        SafetensorsDType(id: 20, name: "U64", bits: 64),
        SafetensorsDType(id: 21, name: "C64", bits: 64),
    ]

    private init(id: Int, name: StaticString, bits: UInt64) {
        self.id = id
        self.name = name
        self.bits = bits
    }

    /// The dtype spelled by these bytes, or nil.
    init?(spelling: UnsafeRawBufferPointer) {
        for dtype in Self.all where dtype.name.utf8CodeUnitCount == spelling.count {
            if UnsafeRawBufferPointer(start: dtype.name.utf8Start, count: spelling.count).elementsEqual(spelling) {
                self = dtype
                return
            }
        }
        return nil
    }

    public init?(name: String) {
        var name = name
        guard let found = name.withUTF8({ SafetensorsDType(spelling: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = found
    }

    public var nameString: String {
        String(decoding: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), as: UTF8.self)
    }

    public static func == (lhs: SafetensorsDType, rhs: SafetensorsDType) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}
