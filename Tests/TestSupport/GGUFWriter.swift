import FormatParsers

/// A metadata value to write into a synthetic GGUF file.
public enum GGUFTestValue: Equatable, Sendable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case float32(Float), bool(Bool), string(String), uint64(UInt64), int64(Int64), float64(Double)
    indirect case array(GGUFValueType, [GGUFTestValue])

    var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .float32: .float32
        case .bool: .bool
        case .string: .string
        case .uint64: .uint64
        case .int64: .int64
        case .float64: .float64
        case .array: .array
        }
    }
}

/// Writes GGUF files (versions 1 to 3, either byte order) for tests: real layout, synthetic content.
public struct GGUFWriter {
    public struct Tensor: Sendable {
        public var name: String
        public var shape: [UInt64]
        public var type: GGMLType

        public init(_ name: String, _ shape: [UInt64], _ type: GGMLType) {
            self.name = name
            self.shape = shape
            self.type = type
        }

        public var byteSize: UInt64 {
            type.byteSize(elements: shape.reduce(1, *))!
        }
    }

    public var version: UInt32 = 3
    public var bigEndian = false
    public var alignment: UInt64 = 32
    public var metadata: [(String, GGUFTestValue)] = []
    public var tensors: [Tensor] = []

    public init(version: UInt32 = 3, bigEndian: Bool = false) {
        self.version = version
        self.bigEndian = bigEndian
    }

    public mutating func add(_ key: String, _ value: GGUFTestValue) {
        metadata.append((key, value))
    }

    public mutating func add(tensor name: String, shape: [UInt64], type: GGMLType) {
        tensors.append(Tensor(name, shape, type))
    }

    /// Header bytes up to the end of the tensor infos (no padding, no data).
    public func headerBytes() -> [UInt8] {
        var out: [UInt8] = Array("GGUF".utf8)
        integer(UInt32(version), &out)
        length(UInt64(tensors.count), &out)
        length(UInt64(metadata.count), &out)
        for (key, value) in metadata {
            string(key, &out)
            integer(value.type.rawValue, &out)
            write(value, &out)
        }
        var offset: UInt64 = 0
        for tensor in tensors {
            string(tensor.name, &out)
            integer(UInt32(tensor.shape.count), &out)
            for dimension in tensor.shape {
                if version == 1 { integer(UInt32(dimension), &out) } else { integer(dimension, &out) }
            }
            integer(tensor.type.id, &out)
            integer(offset, &out)
            offset += (tensor.byteSize + alignment - 1) / alignment * alignment
        }
        return out
    }

    /// Offset of the data section.
    public var dataOffset: UInt64 {
        let end = UInt64(headerBytes().count)
        return (end + alignment - 1) / alignment * alignment
    }

    /// Size of the whole file: the data section holds every tensor, each padded to the alignment.
    public var fileSize: UInt64 {
        guard let last = tensors.last else { return UInt64(headerBytes().count) }
        let padded = tensors.dropLast().reduce(UInt64(0)) { $0 + ($1.byteSize + alignment - 1) / alignment * alignment }
        return dataOffset + padded + last.byteSize
    }

    /// The complete file with zero-filled tensor data. Keep tensors small when using this.
    public func fileBytes() -> [UInt8] {
        var out = headerBytes()
        out += [UInt8](repeating: 0, count: Int(fileSize) - out.count)
        return out
    }

    /// This file cut into `count` parts as llama.cpp's gguf-split does: every part carries the split
    /// keys, the first also all other metadata; the tensors are shared out in order.
    public func split(into count: Int) -> [GGUFWriter] {
        let perPart = (tensors.count + count - 1) / count
        return (0..<count).map { index in
            var part = GGUFWriter(version: version, bigEndian: bigEndian)
            part.alignment = alignment
            part.metadata = index == 0 ? metadata : []
            part.add("split.no", .uint16(UInt16(index)))
            part.add("split.count", .uint16(UInt16(count)))
            part.add("split.tensors.count", .int32(Int32(tensors.count)))
            part.tensors = Array(tensors.dropFirst(index * perPart).prefix(perPart))
            return part
        }
    }

    public func totalParameters() -> UInt64 {
        tensors.reduce(0) { $0 + $1.shape.reduce(1, *) }
    }

    // MARK: Encoding

    private func integer<T: FixedWidthInteger>(_ value: T, _ out: inout [UInt8]) {
        let ordered = bigEndian ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { out.append(contentsOf: $0) }
    }

    private func length(_ value: UInt64, _ out: inout [UInt8]) {
        if version == 1 { integer(UInt32(value), &out) } else { integer(value, &out) }
    }

    private func string(_ value: String, _ out: inout [UInt8]) {
        length(UInt64(value.utf8.count), &out)
        out.append(contentsOf: value.utf8)
    }

    private func write(_ value: GGUFTestValue, _ out: inout [UInt8]) {
        switch value {
        case .uint8(let v): integer(v, &out)
        case .int8(let v): integer(v, &out)
        case .uint16(let v): integer(v, &out)
        case .int16(let v): integer(v, &out)
        case .uint32(let v): integer(v, &out)
        case .int32(let v): integer(v, &out)
        case .float32(let v): integer(v.bitPattern, &out)
        case .bool(let v): out.append(v ? 1 : 0)
        case .string(let v): string(v, &out)
        case .uint64(let v): integer(v, &out)
        case .int64(let v): integer(v, &out)
        case .float64(let v): integer(v.bitPattern, &out)
        case .array(let elementType, let elements):
            integer(elementType.rawValue, &out)
            length(UInt64(elements.count), &out)
            for element in elements { write(element, &out) }
        }
    }
}

/// Writes safetensors files for tests.
public struct SafetensorsWriter {
    public struct Tensor: Sendable {
        public var name: String
        public var dtype: String
        public var shape: [UInt64]
        public var bits: UInt64

        public var byteSize: UInt64 { shape.reduce(1, *) * bits / 8 }
    }

    public var tensors: [Tensor] = []
    public var metadata: [String: String]?
    /// Pad the JSON with spaces to a multiple of 8, as current writers do.
    public var padToEight = true

    public init() {}

    public mutating func add(_ name: String, dtype: String, shape: [UInt64]) {
        let bits = SafetensorsDType(name: dtype)?.bits ?? 8
        tensors.append(Tensor(name: name, dtype: dtype, shape: shape, bits: bits))
    }

    /// The JSON header text, with offsets assigned in insertion order.
    public func json() -> String {
        var parts: [String] = []
        if let metadata {
            let entries = metadata.keys.sorted().map { "\"\($0)\":\"\(metadata[$0]!)\"" }
            parts.append("\"__metadata__\":{\(entries.joined(separator: ","))}")
        }
        var offset: UInt64 = 0
        for tensor in tensors {
            let end = offset + tensor.byteSize
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            parts.append("\"\(tensor.name)\":{\"dtype\":\"\(tensor.dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    /// `8 + N` header bytes.
    public func headerBytes() -> [UInt8] {
        Self.header(json: json(), padToEight: padToEight)
    }

    /// A header for arbitrary JSON text (for malformed-input tests).
    public static func header(json: String, padToEight: Bool = false) -> [UInt8] {
        var text = Array(json.utf8)
        if padToEight { while text.count % 8 != 0 { text.append(0x20) } }
        var out: [UInt8] = []
        withUnsafeBytes(of: UInt64(text.count).littleEndian) { out.append(contentsOf: $0) }
        return out + text
    }

    public var dataBytes: UInt64 { tensors.reduce(0) { $0 + $1.byteSize } }

    public func fileBytes() -> [UInt8] {
        headerBytes() + [UInt8](repeating: 0, count: Int(dataBytes))
    }
}
