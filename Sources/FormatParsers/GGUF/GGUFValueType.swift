/// The type tag of a GGUF metadata value.
public enum GGUFValueType: UInt32, Sendable {
    case uint8 = 0, int8, uint16, int16, uint32, int32, float32, bool, string, array, uint64, int64, float64

    /// Size in bytes of a fixed-size value; nil for strings and arrays.
    var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        case .string, .array: nil
        }
    }

    public var name: String {
        switch self {
        case .uint8: "uint8"
        case .int8: "int8"
        case .uint16: "uint16"
        case .int16: "int16"
        case .uint32: "uint32"
        case .int32: "int32"
        case .float32: "float32"
        case .bool: "bool"
        case .string: "string"
        case .array: "array"
        case .uint64: "uint64"
        case .int64: "int64"
        case .float64: "float64"
        }
    }
}

/// A decoded GGUF metadata value. Integers are widened; `GGUFMetadataEntry.type` keeps the stored type.
public enum GGUFValue: Equatable, Sendable {
    case unsigned(UInt64)
    case signed(Int64)
    case float(Double)
    case bool(Bool)
    case string(String)
    /// Arrays are not materialised: walk them with `GGUFHeader.elements(of:)`.
    case array(GGUFArray)

    /// The value as a non-negative integer, when it is one.
    public var unsignedValue: UInt64? {
        switch self {
        case .unsigned(let value): value
        case .signed(let value) where value >= 0: UInt64(value)
        default: nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .unsigned(let value): Double(value)
        case .signed(let value): Double(value)
        case .float(let value): value
        default: nil
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}

/// Where a GGUF array lives in the header: its element type, count and byte span.
public struct GGUFArray: Equatable, Sendable {
    public let elementType: GGUFValueType
    public let count: UInt64
    /// Offset of the first element.
    public let elementsStart: Int
    /// Offset just past the last element.
    public let end: Int
}

/// One metadata key-value pair, recorded by position so lookups never re-walk large arrays.
public struct GGUFMetadataEntry: Sendable {
    public let key: ByteRange
    public let type: GGUFValueType
    /// Offset of the value (for arrays: of the array's element-type tag).
    public let valueStart: Int
    /// Offset just past the value.
    public let end: Int
    /// Set for arrays.
    public let array: GGUFArray?
}
