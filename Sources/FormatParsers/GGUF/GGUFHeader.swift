/// A tensor shape of at most four dimensions, stored inline (no allocation).
public struct GGUFShape: Equatable, Sendable {
    public private(set) var count = 0
    private var storage: (UInt64, UInt64, UInt64, UInt64) = (1, 1, 1, 1)

    public init() {}

    public init(_ dimensions: [UInt64]) {
        precondition(dimensions.count <= GGUFTensorInfo.maxDimensions)
        for dimension in dimensions { append(dimension) }
    }

    mutating func append(_ dimension: UInt64) {
        switch count {
        case 0: storage.0 = dimension
        case 1: storage.1 = dimension
        case 2: storage.2 = dimension
        default: storage.3 = dimension
        }
        count += 1
    }

    public subscript(index: Int) -> UInt64 {
        precondition(index >= 0 && index < count)
        switch index {
        case 0: return storage.0
        case 1: return storage.1
        case 2: return storage.2
        default: return storage.3
        }
    }

    public var dimensions: [UInt64] { (0..<count).map { self[$0] } }

    /// The product of the dimensions, or nil on overflow.
    public var elementCount: UInt64? {
        var product: UInt64 = 1
        for index in 0..<count {
            let (next, overflow) = product.multipliedReportingOverflow(by: self[index])
            guard !overflow else { return nil }
            product = next
        }
        return product
    }

    public static func == (lhs: GGUFShape, rhs: GGUFShape) -> Bool { lhs.dimensions == rhs.dimensions }
}

/// One tensor info of a GGUF file.
public struct GGUFTensorInfo: Sendable {
    /// GGML_MAX_DIMS.
    public static let maxDimensions: UInt32 = 4

    public let name: ByteRange
    public let shape: GGUFShape
    public let type: GGMLType
    /// Offset of the tensor's data from the start of the data section.
    public let offset: UInt64
    public let elementCount: UInt64
    public let byteSize: UInt64
}

/// A parsed GGUF header: the first bytes of the file plus the parser's index into them.
/// Values are decoded on demand, in place; large arrays are never materialised.
public struct GGUFHeader: Sendable {
    /// The file's first bytes (at least up to the end of the tensor infos).
    public let bytes: [UInt8]
    public let index: GGUFIndex

    public init(bytes: [UInt8], index: GGUFIndex) {
        precondition(bytes.count >= index.tensorInfoEnd)
        self.bytes = bytes
        self.index = index
    }

    /// Parses a header from bytes that hold the whole header; `fileSize` (default: the byte count)
    /// is the size of the whole file. A short buffer is a `.truncated` error.
    public init(parsing bytes: [UInt8], fileSize: UInt64? = nil, limits: FormatLimits = .default) throws(FormatError) {
        let size = fileSize ?? UInt64(bytes.count)
        var parser = GGUFParser(fileSize: size, limits: limits)
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(FormatError) in try parser.parse(buffer) }
        }
        switch try result.get() {
        case .complete(let index): self.init(bytes: bytes, index: index)
        case .needsBytes(let needed): throw FormatError(.truncated(needed: needed), at: UInt64(bytes.count))
        }
    }

    public var version: UInt32 { index.version }
    public var metadata: [GGUFMetadataEntry] { index.metadata }
    public var tensorCount: UInt64 { index.tensorCount }
    public var dataOffset: UInt64 { index.dataOffset }
    public var totals: GGUFTensorTotals { index.totals }

    private var versionOne: Bool { index.version == 1 }

    private func withCursor<R>(at offset: Int, _ body: (inout ByteCursor) -> R) -> R {
        bytes.withUnsafeBytes { buffer in
            var cursor = ByteCursor(buffer, offset: offset, isBigEndian: index.isBigEndian)
            return body(&cursor)
        }
    }

    // MARK: Metadata

    public func key(of entry: GGUFMetadataEntry) -> String {
        bytes.withUnsafeBytes { $0.string(entry.key) }
    }

    /// The entry for `key`, found by comparing key bytes (no value is walked).
    public func entry(forKey key: String) -> GGUFMetadataEntry? {
        var key = key
        return key.withUTF8 { wanted in
            bytes.withUnsafeBytes { buffer in
                index.metadata.first { entry in
                    entry.key.count == wanted.count && buffer.slice(entry.key).elementsEqual(UnsafeRawBufferPointer(wanted))
                }
            }
        }
    }

    public func value(of entry: GGUFMetadataEntry) -> GGUFValue? {
        withCursor(at: entry.valueStart) { readValue(entry.type, &$0, versionOne: versionOne) }
    }

    public func value(forKey key: String) -> GGUFValue? {
        entry(forKey: key).flatMap(value(of:))
    }

    public func string(forKey key: String) -> String? { value(forKey: key)?.stringValue }
    public func unsigned(forKey key: String) -> UInt64? { value(forKey: key)?.unsignedValue }
    public func double(forKey key: String) -> Double? { value(forKey: key)?.doubleValue }

    /// The array stored under `key`, if the value is an array.
    public func array(forKey key: String) -> GGUFArray? { entry(forKey: key)?.array }

    /// The elements of `array`, decoded lazily one at a time.
    public func elements(of array: GGUFArray) -> GGUFArrayElements {
        GGUFArrayElements(header: self, array: array)
    }

    // MARK: Well-known keys

    /// `general.architecture`, e.g. "llama".
    public var architecture: String? { string(forKey: "general.architecture") }

    /// `general.file_type`, when present.
    public var fileType: GGUFFileType? {
        unsigned(forKey: "general.file_type").flatMap { $0 <= UInt64(UInt32.max) ? GGUFFileType(rawValue: UInt32($0)) : nil }
    }

    /// `{architecture}.{suffix}`, e.g. `llama.context_length`.
    public func architectureValue(_ suffix: String) -> GGUFValue? {
        guard let architecture else { return nil }
        return value(forKey: architecture + "." + suffix)
    }

    /// Number of tokens in `tokenizer.ggml.tokens`.
    public var vocabularySize: UInt64? { array(forKey: "tokenizer.ggml.tokens")?.count }
    public var contextLength: UInt64? { architectureValue("context_length")?.unsignedValue }
    public var blockCount: UInt64? { architectureValue("block_count")?.unsignedValue }

    // MARK: Tensors

    /// The tensor infos, walked lazily from the header bytes.
    public var tensors: GGUFTensorInfos { GGUFTensorInfos(header: self) }

    public func name(of tensor: GGUFTensorInfo) -> String {
        bytes.withUnsafeBytes { $0.string(tensor.name) }
    }

    /// Whether the tensor's name contains `text`, compared in place (no string is made).
    public func name(of tensor: GGUFTensorInfo, contains text: StaticString) -> Bool {
        let needle = UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        return bytes.withUnsafeBytes { buffer in
            let name = buffer.slice(tensor.name)
            guard needle.count <= name.count else { return false }
            for start in 0...(name.count - needle.count)
            where UnsafeRawBufferPointer(rebasing: name[start..<(start + needle.count)]).elementsEqual(needle) {
                return true
            }
            return false
        }
    }

    fileprivate func tensorInfo(at offset: Int) -> (GGUFTensorInfo, next: Int) {
        withCursor(at: offset) { cursor in
            // The parser validated every tensor info, so these reads succeed.
            let name = readStringRange(&cursor, versionOne: versionOne)!
            let dimensionCount = Int(cursor.readInteger(as: UInt32.self)!)
            var shape = GGUFShape()
            for _ in 0..<dimensionCount {
                shape.append(versionOne ? UInt64(cursor.readInteger(as: UInt32.self)!) : cursor.readInteger(as: UInt64.self)!)
            }
            let type = GGMLType(id: cursor.readInteger(as: UInt32.self)!)!
            let dataOffset = cursor.readInteger(as: UInt64.self)!
            let elements = shape.elementCount!
            let info = GGUFTensorInfo(
                name: name, shape: shape, type: type, offset: dataOffset,
                elementCount: elements, byteSize: type.byteSize(elements: elements)!)
            return (info, cursor.offset)
        }
    }

    fileprivate func element(_ type: GGUFValueType, at offset: Int) -> (GGUFValue, next: Int) {
        withCursor(at: offset) { cursor in
            // The parser proved every element is present.
            let value = readValue(type, &cursor, versionOne: versionOne)!
            return (value, cursor.offset)
        }
    }
}

/// The tensor infos of a header, as a lazy sequence.
public struct GGUFTensorInfos: Sequence, Sendable {
    let header: GGUFHeader

    public var count: UInt64 { header.tensorCount }

    public struct Iterator: IteratorProtocol {
        let header: GGUFHeader
        var offset: Int
        var remaining: UInt64

        public mutating func next() -> GGUFTensorInfo? {
            guard remaining > 0 else { return nil }
            remaining -= 1
            let (info, next) = header.tensorInfo(at: offset)
            offset = next
            return info
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(header: header, offset: header.index.tensorInfoStart, remaining: header.tensorCount)
    }
}

/// The elements of a GGUF array, decoded one at a time.
public struct GGUFArrayElements: Sequence, Sendable {
    let header: GGUFHeader
    let array: GGUFArray

    public struct Iterator: IteratorProtocol {
        let header: GGUFHeader
        let type: GGUFValueType
        var offset: Int
        var remaining: UInt64

        public mutating func next() -> GGUFValue? {
            guard remaining > 0 else { return nil }
            remaining -= 1
            let (value, next) = header.element(type, at: offset)
            offset = next
            return value
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(header: header, type: array.elementType, offset: array.elementsStart, remaining: array.count)
    }
}
