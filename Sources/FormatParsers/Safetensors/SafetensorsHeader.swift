/// One tensor of a safetensors header.
public struct SafetensorsTensor: Sendable {
    /// The name as it appears in the JSON (escapes unresolved when `name.hasEscapes`).
    public let name: JSONString
    public let dtype: SafetensorsDType
    /// Where this tensor's dimensions are in `SafetensorsHeader.dimensionStorage`.
    let shapeStart: Int
    public let dimensionCount: Int
    /// Data offsets relative to the start of the data section (after `8 + N`).
    public let dataStart: UInt64
    public let dataEnd: UInt64
    public let elementCount: UInt64

    public var byteSize: UInt64 { dataEnd - dataStart }
}

/// Aggregates of a safetensors header, indexed by `SafetensorsDType.id`.
public struct SafetensorsTotals: Equatable, Sendable {
    public var tensorCounts: [UInt64] = Array(repeating: 0, count: SafetensorsDType.all.count)
    public var elementCounts: [UInt64] = Array(repeating: 0, count: SafetensorsDType.all.count)
    public var byteCounts: [UInt64] = Array(repeating: 0, count: SafetensorsDType.all.count)
    public var parameters: UInt64 = 0
    public var tensorDataBytes: UInt64 = 0

    /// The dtypes present, in `SafetensorsDType.all` order.
    public var presentDTypes: [SafetensorsDType] { SafetensorsDType.all.filter { tensorCounts[$0.id] > 0 } }
}

/// A parsed and validated safetensors header: `8 + N` bytes of the file plus an index into them.
public struct SafetensorsHeader: Sendable {
    /// The first `8 + N` bytes of the file.
    public let bytes: [UInt8]
    /// N, the JSON header length.
    public let jsonLength: UInt64
    /// Tensors sorted by data offset.
    public let tensors: [SafetensorsTensor]
    /// `__metadata__` as (key, value) string positions, in file order; nil when absent or null.
    public let metadataEntries: [(key: JSONString, value: JSONString)]?
    public let totals: SafetensorsTotals
    let dimensionStorage: [UInt64]

    /// Bytes a reader needs from the start of the file: 8 + N.
    public var headerBytes: UInt64 { 8 + jsonLength }

    /// How many bytes from the start hold the header, given at least the first 8 bytes:
    /// `.needsBytes(8)` for a shorter prefix, else `.complete(8 + N)`.
    public static func headerLength(prefix: UnsafeRawBufferPointer, limits: FormatLimits = .default) throws(FormatError) -> ParseStep<UInt64> {
        guard prefix.count >= 8 else { return .needsBytes(8) }
        let length = UInt64(littleEndian: prefix.loadUnaligned(as: UInt64.self))
        guard length <= limits.maxSafetensorsHeaderBytes else { throw FormatError(.limitExceeded(.headerBytes), at: 0) }
        return .complete(8 + length)
    }

    /// Parses the header from a prefix of the file. Answers `.needsBytes` when the prefix is
    /// shorter than `8 + N`; throws when the header is invalid or, given `fileSize`, does not
    /// account for exactly the file's bytes.
    public static func parse(prefix: UnsafeRawBufferPointer, fileSize: UInt64? = nil, limits: FormatLimits = .default) throws(FormatError) -> ParseStep<SafetensorsHeader> {
        guard case .complete(let headerBytes) = try headerLength(prefix: prefix, limits: limits) else {
            if let fileSize, fileSize < 8 { throw FormatError(.truncated(needed: 8), at: fileSize) }
            return .needsBytes(8)
        }
        if let fileSize, headerBytes > fileSize { throw FormatError(.truncated(needed: headerBytes), at: fileSize) }
        guard UInt64(prefix.count) >= headerBytes else { return .needsBytes(headerBytes) }
        let json = UnsafeRawBufferPointer(rebasing: prefix[8..<Int(headerBytes)])
        var builder = Builder(json: json, limits: limits)
        try builder.parse()
        try builder.validateOffsets()
        if let fileSize {
            let expected = headerBytes.addingSaturating(builder.totals.tensorDataBytes)
            guard expected == fileSize else { throw FormatError(.sizeMismatch(expected: expected, actual: fileSize), at: headerBytes) }
            guard builder.totals.parameters <= fileSize.multipliedSaturating(by: limits.maxParametersPerFileByte) else {
                throw FormatError(.limitExceeded(.parameters), at: headerBytes)
            }
        }
        return .complete(SafetensorsHeader(
            bytes: Array(UnsafeRawBufferPointer(rebasing: prefix[0..<Int(headerBytes)])),
            jsonLength: headerBytes - 8, tensors: builder.tensors, metadataEntries: builder.metadata,
            totals: builder.totals, dimensionStorage: builder.dimensions))
    }

    /// Parses a header from bytes holding at least `8 + N` bytes; a shorter buffer is `.truncated`.
    public init(parsing bytes: [UInt8], fileSize: UInt64? = nil, limits: FormatLimits = .default) throws(FormatError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(FormatError) in try Self.parse(prefix: buffer, fileSize: fileSize, limits: limits) }
        }
        switch try result.get() {
        case .complete(let header): self = header
        case .needsBytes(let needed): throw FormatError(.truncated(needed: needed), at: UInt64(bytes.count))
        }
    }

    private init(bytes: [UInt8], jsonLength: UInt64, tensors: [SafetensorsTensor], metadataEntries: [(key: JSONString, value: JSONString)]?, totals: SafetensorsTotals, dimensionStorage: [UInt64]) {
        self.bytes = bytes
        self.jsonLength = jsonLength
        self.tensors = tensors
        self.metadataEntries = metadataEntries
        self.totals = totals
        self.dimensionStorage = dimensionStorage
    }

    /// Resolves a JSON string of this header (positions are relative to the JSON text).
    public func string(_ value: JSONString) -> String {
        bytes.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[8...]).decodedJSONString(value) }
    }

    public func name(of tensor: SafetensorsTensor) -> String { string(tensor.name) }

    public func shape(of tensor: SafetensorsTensor) -> [UInt64] {
        Array(dimensionStorage[tensor.shapeStart..<(tensor.shapeStart + tensor.dimensionCount)])
    }

    /// `__metadata__` as a dictionary; nil when the header has none.
    public var metadata: [String: String]? {
        guard let metadataEntries else { return nil }
        var result: [String: String] = [:]
        for (key, value) in metadataEntries { result[string(key)] = string(value) }
        return result
    }
}

extension SafetensorsHeader {
    /// Builds the index while scanning the JSON once.
    struct Builder {
        let json: UnsafeRawBufferPointer
        let limits: FormatLimits
        var tensors: [SafetensorsTensor] = []
        var dimensions: [UInt64] = []
        var metadata: [(key: JSONString, value: JSONString)]?
        var totals = SafetensorsTotals()

        init(json: UnsafeRawBufferPointer, limits: FormatLimits) {
            self.json = json
            self.limits = limits
        }

        /// File offset of a position in the JSON text.
        private func fileOffset(_ position: Int) -> Int { 8 + position }

        private func nameString(_ name: JSONString) -> String { json.decodedJSONString(name) }

        mutating func parse() throws(FormatError) {
            guard isValidUTF8(json) else { throw FormatError(.invalidUTF8, at: 8, subject: "header") }
            var scanner = JSONScanner(json, baseOffset: 8, maxDepth: limits.maxNestingDepth)
            if try !scanner.beginObject() {
                repeat {
                    let keyOffset = scanner.offset
                    let key = try scanner.readKey()
                    if !key.hasEscapes, json.equals(key.raw, "__metadata__") {
                        guard metadata == nil else { throw FormatError(.duplicateName, at: fileOffset(keyOffset), subject: "__metadata__") }
                        metadata = try parseMetadata(&scanner)
                    } else {
                        guard UInt64(tensors.count) < limits.maxTensorCount else {
                            throw FormatError(.limitExceeded(.tensorCount), at: fileOffset(keyOffset))
                        }
                        try parseTensor(named: key, &scanner)
                    }
                } while try scanner.continueContainer(closing: UInt8(ascii: "}"))
            }
            try scanner.expectEnd()
            try rejectDuplicateNames()
        }

        private mutating func parseMetadata(_ scanner: inout JSONScanner) throws(FormatError) -> [(key: JSONString, value: JSONString)] {
            if try scanner.skipNull() { return [] }
            var entries: [(key: JSONString, value: JSONString)] = []
            if try scanner.beginObject() { return entries }
            repeat {
                let key = try scanner.readKey()
                let value = try scanner.readString()
                entries.append((key, value))
            } while try scanner.continueContainer(closing: UInt8(ascii: "}"))
            return entries
        }

        private mutating func parseTensor(named name: JSONString, _ scanner: inout JSONScanner) throws(FormatError) {
            let start = scanner.offset
            var dtype: SafetensorsDType?
            var shapeStart: Int?
            var dimensionCount = 0
            var offsets: (UInt64, UInt64)?
            guard try !scanner.beginObject() else { throw FormatError(.missingField, at: fileOffset(start), subject: nameString(name) + ": dtype") }
            repeat {
                let field = try scanner.readKey()
                if json.equals(field.raw, "dtype") {
                    let spelling = try scanner.readString()
                    guard let found = SafetensorsDType(spelling: json.slice(spelling.raw)) else {
                        throw FormatError(.unknownDType, at: fileOffset(spelling.raw.start), subject: nameString(name) + ": " + json.string(spelling.raw))
                    }
                    dtype = found
                } else if json.equals(field.raw, "shape") {
                    shapeStart = dimensions.count
                    dimensionCount = try parseShape(&scanner, name: name)
                } else if json.equals(field.raw, "data_offsets") {
                    offsets = try parseOffsets(&scanner, name: name)
                } else {
                    try scanner.skipValue(depth: 2)
                }
            } while try scanner.continueContainer(closing: UInt8(ascii: "}"))
            guard let dtype else { throw FormatError(.missingField, at: fileOffset(start), subject: nameString(name) + ": dtype") }
            guard let shapeStart else { throw FormatError(.missingField, at: fileOffset(start), subject: nameString(name) + ": shape") }
            guard let offsets else { throw FormatError(.missingField, at: fileOffset(start), subject: nameString(name) + ": data_offsets") }

            var elements: UInt64 = 1
            for dimension in dimensions[shapeStart..<(shapeStart + dimensionCount)] {
                let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw FormatError(.arithmeticOverflow, at: fileOffset(start), subject: nameString(name)) }
                elements = product
            }
            let (bits, overflow) = elements.multipliedReportingOverflow(by: dtype.bits)
            guard !overflow else { throw FormatError(.arithmeticOverflow, at: fileOffset(start), subject: nameString(name)) }
            guard bits % 8 == 0 else { throw FormatError(.misalignedBlocks, at: fileOffset(start), subject: nameString(name)) }
            guard offsets.0 <= offsets.1, offsets.1 - offsets.0 == bits / 8 else {
                throw FormatError(.invalidTensorOffset, at: fileOffset(start), subject: nameString(name))
            }
            let (parameters, parameterOverflow) = totals.parameters.addingReportingOverflow(elements)
            let (dataBytes, bytesOverflow) = totals.tensorDataBytes.addingReportingOverflow(bits / 8)
            guard !parameterOverflow, !bytesOverflow else { throw FormatError(.arithmeticOverflow, at: fileOffset(start), subject: nameString(name)) }
            totals.parameters = parameters
            totals.tensorDataBytes = dataBytes
            // Per-dtype sums are bounded by the overall sums just checked.
            totals.tensorCounts[dtype.id] &+= 1
            totals.elementCounts[dtype.id] &+= elements
            totals.byteCounts[dtype.id] &+= bits / 8
            tensors.append(SafetensorsTensor(
                name: name, dtype: dtype, shapeStart: shapeStart, dimensionCount: dimensionCount,
                dataStart: offsets.0, dataEnd: offsets.1, elementCount: elements))
        }

        private mutating func parseShape(_ scanner: inout JSONScanner, name: JSONString) throws(FormatError) -> Int {
            var count = 0
            if try scanner.beginArray() { return 0 }
            repeat {
                guard count < limits.maxSafetensorsDimensions else {
                    throw FormatError(.limitExceeded(.dimensions), at: fileOffset(scanner.offset), subject: nameString(name))
                }
                dimensions.append(try scanner.readUnsignedInteger())
                count += 1
            } while try scanner.continueContainer(closing: UInt8(ascii: "]"))
            return count
        }

        private func parseOffsets(_ scanner: inout JSONScanner, name: JSONString) throws(FormatError) -> (UInt64, UInt64) {
            let start = scanner.offset
            guard try !scanner.beginArray() else { throw FormatError(.invalidValue, at: fileOffset(start), subject: nameString(name) + ": data_offsets") }
            let begin = try scanner.readUnsignedInteger()
            guard try scanner.continueContainer(closing: UInt8(ascii: "]")) else {
                throw FormatError(.invalidValue, at: fileOffset(start), subject: nameString(name) + ": data_offsets")
            }
            let end = try scanner.readUnsignedInteger()
            guard try !scanner.continueContainer(closing: UInt8(ascii: "]")) else {
                throw FormatError(.invalidValue, at: fileOffset(start), subject: nameString(name) + ": data_offsets")
            }
            return (begin, end)
        }

        /// Sorts tensors by offset and requires them to tile `[0, total)` with no gap or overlap.
        mutating func validateOffsets() throws(FormatError) {
            tensors.sort { ($0.dataStart, $0.dataEnd) < ($1.dataStart, $1.dataEnd) }
            var expectedStart: UInt64 = 0
            for tensor in tensors {
                guard tensor.dataStart == expectedStart else {
                    throw FormatError(.invalidTensorOffset, at: fileOffset(tensor.name.raw.start - 1), subject: nameString(tensor.name))
                }
                expectedStart = tensor.dataEnd
            }
        }

        private func rejectDuplicateNames() throws(FormatError) {
            guard tensors.count > 1 else { return }
            var order = Array(tensors.indices)
            order.sort { compareNames(tensors[$0].name, tensors[$1].name) < 0 }
            for k in 1..<order.count where compareNames(tensors[order[k]].name, tensors[order[k - 1]].name) == 0 {
                let tensor = tensors[order[k]]
                throw FormatError(.duplicateName, at: fileOffset(tensor.name.raw.start - 1), subject: nameString(tensor.name))
            }
        }

        /// Orders names by their resolved bytes, comparing in place unless a name has escapes.
        private func compareNames(_ lhs: JSONString, _ rhs: JSONString) -> Int {
            if !lhs.hasEscapes, !rhs.hasEscapes {
                return compareBytes(json.slice(lhs.raw), json.slice(rhs.raw))
            }
            return json.decodedJSONBytes(lhs).withUnsafeBytes { left in
                json.decodedJSONBytes(rhs).withUnsafeBytes { right in compareBytes(left, right) }
            }
        }
    }
}
