/// Aggregates over the tensor infos of a GGUF file, indexed by ggml type id.
public struct GGUFTensorTotals: Equatable, Sendable {
    /// Tensors per ggml type id.
    public var tensorCounts: [UInt64] = Array(repeating: 0, count: GGMLType.idCount)
    /// Elements (parameters) per ggml type id.
    public var elementCounts: [UInt64] = Array(repeating: 0, count: GGMLType.idCount)
    /// Tensor data bytes per ggml type id.
    public var byteCounts: [UInt64] = Array(repeating: 0, count: GGMLType.idCount)
    public var parameters: UInt64 = 0
    public var tensorDataBytes: UInt64 = 0
    /// The furthest end (offset + size) of any tensor's data, relative to the data section.
    public var dataExtent: UInt64 = 0

    /// The types present, in ggml id order.
    public var presentTypes: [GGMLType] {
        var types: [GGMLType] = []
        for id in 0..<tensorCounts.count where tensorCounts[id] > 0 {
            if let type = GGMLType(id: UInt32(id)) { types.append(type) }
        }
        return types
    }
}

/// Everything the parser learned about a GGUF header, as offsets into the file's first bytes.
public struct GGUFIndex: Sendable {
    public let version: UInt32
    public let isBigEndian: Bool
    public let tensorCount: UInt64
    public let metadata: [GGUFMetadataEntry]
    public let alignment: UInt64
    /// Offset of the first tensor info.
    public let tensorInfoStart: Int
    /// Offset just past the tensor infos (`metadata_end`).
    public let tensorInfoEnd: Int
    /// Start of tensor data: `tensorInfoEnd` rounded up to `alignment`.
    public let dataOffset: UInt64
    public let totals: GGUFTensorTotals
}

/// An incremental GGUF header parser (versions 1 to 3, either byte order).
///
/// Feed it a prefix of the file; it answers `.complete` or `.needsBytes(n)` with the
/// smallest length it can prove necessary. Call again with a longer prefix of the same
/// file: it resumes where it stopped (at the last complete entry, or the last complete
/// element of a large array), so total work stays linear in the header size.
public struct GGUFParser {
    public let limits: FormatLimits
    /// The whole file's size when known; a need beyond it is a truncation error.
    public let fileSize: UInt64?

    private enum Phase { case preamble, metadata, tensorInfos, complete }

    private var phase = Phase.preamble
    /// Offset of the first byte not yet consumed by a committed step.
    private var position = 0
    private var version: UInt32 = 0
    private var isBigEndian = false
    private var metadataCount: UInt64 = 0
    private var tensorCount: UInt64 = 0
    private var entries: [GGUFMetadataEntry] = []
    /// A top-level array whose elements are partly walked: resume at `nextElement`.
    private var pendingArray: PendingArray?
    private var alignment: UInt64 = 32
    private var tensorInfoStart = 0
    private var tensorsParsed: UInt64 = 0
    private var totals = GGUFTensorTotals()

    /// After a `.needsBytes` answer: a guess at the whole header's size, at least the answer.
    /// It extrapolates what was seen (the average element of a partly read array, the average
    /// tensor info) so a ranged reader can fetch the rest in few requests. Not a bound.
    public private(set) var estimatedHeaderBytes: UInt64 = 0

    /// Guesses for parts not yet seen: a typical metadata entry and tensor info.
    private static let typicalEntryBytes: UInt64 = 64
    private static let typicalTensorInfoBytes: UInt64 = 96

    private struct PendingArray {
        var entryStart: Int
        var key: ByteRange
        var valueStart: Int
        var elementType: GGUFValueType
        var count: UInt64
        var elementsStart: Int
        var nextElement: UInt64
    }

    public init(fileSize: UInt64? = nil, limits: FormatLimits = .default) {
        self.fileSize = fileSize
        self.limits = limits
    }

    /// Bytes of a length or count field: 4 in version 1, 8 after.
    private var lengthFieldSize: Int { version == 1 ? 4 : 8 }
    /// The smallest possible metadata entry: a one-byte key, a type tag, a one-byte value.
    private var minimumEntrySize: UInt64 { UInt64(lengthFieldSize + 1 + 4 + 1) }
    /// The smallest possible tensor info: a one-byte name, n_dims, no dims, type, offset.
    private var minimumTensorInfoSize: UInt64 { UInt64(lengthFieldSize + 1 + 4 + 4 + 8) }

    /// Parses as far as `prefix` allows. `prefix` must start at byte 0 of the file and be at least
    /// as long as any prefix given before.
    public mutating func parse(_ prefix: UnsafeRawBufferPointer) throws(FormatError) -> ParseStep<GGUFIndex> {
        guard position <= prefix.count else { return .needsBytes(UInt64(position)) }
        var cursor = ByteCursor(prefix, offset: position, isBigEndian: isBigEndian)
        if phase == .preamble {
            if let need = try parsePreamble(&cursor) { return try needs(need, prefix) }
            cursor = ByteCursor(prefix, offset: position, isBigEndian: isBigEndian)
        }
        if phase == .metadata {
            if let need = try parseMetadata(&cursor) { return try needs(need, prefix) }
        }
        if phase == .tensorInfos {
            if let need = try parseTensorInfos(&cursor) { return try needs(need, prefix) }
        }
        return .complete(try finish())
    }

    /// Turns a shortfall into an answer, or an error when the file or the limits cannot satisfy it.
    private mutating func needs(_ bytes: UInt64, _ prefix: UnsafeRawBufferPointer) throws(FormatError) -> ParseStep<GGUFIndex> {
        if let fileSize, bytes > fileSize {
            throw FormatError(.truncated(needed: bytes), at: fileSize)
        }
        if bytes > limits.maxGGUFHeaderBytes {
            throw FormatError(.limitExceeded(.headerBytes), at: UInt64(position))
        }
        estimatedHeaderBytes = max(bytes, estimateHeaderBytes(prefix))
        if let fileSize { estimatedHeaderBytes = min(estimatedHeaderBytes, fileSize) }
        return .needsBytes(bytes)
    }

    private func estimateHeaderBytes(_ prefix: UnsafeRawBufferPointer) -> UInt64 {
        var estimate = UInt64(position)
        switch phase {
        case .preamble, .complete:
            return estimate
        case .metadata:
            var entriesLeft = metadataCount - UInt64(entries.count)
            if let pending = pendingArray {
                let done = pending.nextElement
                let seen = UInt64(position - pending.elementsStart)
                // Rounded up; before the first element of a string array, assume a short string.
                let average = pending.elementType.fixedSize.map(UInt64.init)
                    ?? (done > 0 ? (seen + done - 1) / done : UInt64(lengthFieldSize) * 2)
                estimate = estimate.addingSaturating((pending.count - done).multipliedSaturating(by: average))
                entriesLeft -= 1
                if prefix.equals(pending.key, "tokenizer.ggml.tokens") {
                    estimate = estimate.addingSaturating(tokenizerCompanionBytes(prefix, tokens: pending.count, averageToken: average))
                }
            }
            return estimate.addingSaturating(entriesLeft.multipliedSaturating(by: Self.typicalEntryBytes))
                .addingSaturating(tensorCount.multipliedSaturating(by: Self.typicalTensorInfoBytes))
        case .tensorInfos:
            let seen = UInt64(position - tensorInfoStart)
            let average = tensorsParsed > 0 ? (seen + tensorsParsed - 1) / tensorsParsed : Self.typicalTensorInfoBytes
            return estimate.addingSaturating((tensorCount - tensorsParsed).multipliedSaturating(by: average))
        }
    }

    /// The arrays llama.cpp's converters write after the token list, sized from it: per-token types
    /// (int32), and for SentencePiece (`llama`) scores (float32), for BPE (`gpt2`) about one merge
    /// ("a b", two tokens and a space) per token. A guess that lets a ranged reader fetch a whole
    /// tokenizer in one request, not a bound.
    private func tokenizerCompanionBytes(_ prefix: UnsafeRawBufferPointer, tokens: UInt64, averageToken: UInt64) -> UInt64 {
        let types = tokens.multipliedSaturating(by: 4)
        let model = entries.first { prefix.equals($0.key, "tokenizer.ggml.model") }
        guard let model, model.type == .string else { return types }
        let valueStart = model.valueStart + lengthFieldSize
        let name = ByteRange(start: valueStart, count: max(0, model.end - valueStart))
        if prefix.equals(name, "llama") { return types.addingSaturating(tokens.multipliedSaturating(by: 4)) }
        if prefix.equals(name, "gpt2") {
            // Two tokens' text and a space under one length field; `averageToken` includes its field.
            let field = UInt64(lengthFieldSize)
            let merge = averageToken > field ? (averageToken - field) * 2 + 1 + field : averageToken
            return types.addingSaturating(tokens.multipliedSaturating(by: merge))
        }
        return types
    }

    // MARK: Preamble

    private mutating func parsePreamble(_ cursor: inout ByteCursor) throws(FormatError) -> UInt64? {
        // Magic and version are read little-endian on every call: an earlier call that stopped
        // inside the preamble may already have set `isBigEndian`.
        let start = ByteCursor(cursor.bytes)
        guard let magic = start.getInteger(at: 0, as: UInt32.self) else { return 8 }
        // "GGUF" read as little-endian bytes.
        guard magic == UInt32(littleEndian: 0x4655_4747) else { throw FormatError(.badMagic, at: 0) }
        guard let rawVersion = start.getInteger(at: 4, as: UInt32.self) else { return 8 }
        // The magic is bytes, not a number, so byte order shows only in the version:
        // a big-endian file's small version reads as a multiple of 2^24 on a little-endian load.
        var detectedVersion = UInt32(littleEndian: rawVersion)
        if detectedVersion & 0xFFFF == 0, detectedVersion != 0 {
            isBigEndian = true
            detectedVersion = detectedVersion.byteSwapped
        }
        guard (1...3).contains(detectedVersion) else {
            throw FormatError(.unsupportedVersion(detectedVersion), at: 4)
        }
        version = detectedVersion
        cursor = ByteCursor(cursor.bytes, offset: 8, isBigEndian: isBigEndian)
        guard let tensors = readLength(&cursor), let kvs = readLength(&cursor) else {
            return UInt64(8 + 2 * lengthFieldSize)
        }
        guard tensors <= limits.maxTensorCount else { throw FormatError(.limitExceeded(.tensorCount), at: 8) }
        guard kvs <= limits.maxMetadataCount else {
            throw FormatError(.limitExceeded(.metadataCount), at: UInt64(8 + lengthFieldSize))
        }
        tensorCount = tensors
        metadataCount = kvs
        position = cursor.offset
        entries.reserveCapacity(Int(min(kvs, 64)))
        phase = .metadata
        return nil
    }

    private func readLength(_ cursor: inout ByteCursor) -> UInt64? {
        FormatParsers.readLength(&cursor, versionOne: version == 1)
    }

    /// The least number of bytes that everything after the current metadata entry can occupy.
    private func minimumAfterEntry(_ entryIndex: Int) -> UInt64 {
        let entriesLeft = metadataCount - UInt64(entryIndex) - 1
        return entriesLeft.multipliedSaturating(by: minimumEntrySize)
            .addingSaturating(tensorCount.multipliedSaturating(by: minimumTensorInfoSize))
    }

    // MARK: Metadata

    private mutating func parseMetadata(_ cursor: inout ByteCursor) throws(FormatError) -> UInt64? {
        while UInt64(entries.count) < metadataCount {
            let after = minimumAfterEntry(entries.count)
            if pendingArray != nil {
                if let need = try resumeArray(&cursor, after: after) { return need }
                continue
            }
            let entryStart = position
            cursor.moveTo(entryStart)
            guard let keyLength = readLength(&cursor) else {
                return UInt64(entryStart + lengthFieldSize + 5).addingSaturating(after)
            }
            guard keyLength > 0 else { throw FormatError(.emptyKey, at: entryStart) }
            guard keyLength <= limits.maxStringLength else {
                throw FormatError(.limitExceeded(.stringLength), at: entryStart)
            }
            let keyStart = cursor.offset
            // keyLength <= maxStringLength, far below Int.max.
            guard cursor.skip(Int(keyLength)) else {
                return UInt64(keyStart).addingSaturating(keyLength + 5).addingSaturating(after)
            }
            let key = ByteRange(start: keyStart, count: Int(keyLength))
            guard isValidUTF8(cursor.bytes.slice(key)) else {
                throw FormatError(.invalidUTF8, at: keyStart, subject: "metadata key")
            }
            let typeOffset = cursor.offset
            guard let rawType = cursor.readInteger(as: UInt32.self) else {
                return UInt64(typeOffset + 5).addingSaturating(after)
            }
            guard let type = GGUFValueType(rawValue: rawType) else {
                throw FormatError(.unknownValueType(rawType), at: typeOffset, subject: cursor.bytes.string(key))
            }
            let valueStart = cursor.offset
            if type == .array {
                guard let elementRaw = cursor.readInteger(as: UInt32.self), let count = readLength(&cursor) else {
                    return UInt64(valueStart + 4 + lengthFieldSize).addingSaturating(after)
                }
                guard let elementType = GGUFValueType(rawValue: elementRaw) else {
                    throw FormatError(.unknownValueType(elementRaw), at: valueStart, subject: cursor.bytes.string(key))
                }
                guard count <= limits.maxArrayLength else {
                    throw FormatError(.limitExceeded(.arrayLength), at: valueStart, subject: cursor.bytes.string(key))
                }
                pendingArray = PendingArray(
                    entryStart: entryStart, key: key, valueStart: valueStart, elementType: elementType,
                    count: count, elementsStart: cursor.offset, nextElement: 0)
                position = cursor.offset
                if let need = try resumeArray(&cursor, after: after) { return need }
                continue
            }
            switch try skipValue(type, &cursor, depth: 1, after: after, subject: key) {
            case .needs(let need): return need
            case .done: break
            }
            try commit(GGUFMetadataEntry(key: key, type: type, valueStart: valueStart, end: cursor.offset, array: nil), cursor)
        }
        tensorInfoStart = position
        phase = .tensorInfos
        return nil
    }

    /// Walks the remaining elements of the pending top-level array, committing progress per element.
    private mutating func resumeArray(_ cursor: inout ByteCursor, after: UInt64) throws(FormatError) -> UInt64? {
        guard var pending = pendingArray else { return nil }
        cursor.moveTo(position)
        if let size = pending.elementType.fixedSize {
            // Fixed-size elements: one bounds check for the whole array.
            let total = pending.count.multipliedSaturating(by: UInt64(size))
            let end = UInt64(pending.elementsStart).addingSaturating(total)
            guard end <= UInt64(cursor.bytes.count) else { return end.addingSaturating(after) }
            cursor.moveTo(Int(end))
        } else {
            if pending.elementType == .string {
                // Fast path for vocabularies: strings wholly present and within limits. The general
                // loop below takes over at the first one that is not, to report what it needs.
                while pending.nextElement < pending.count {
                    let elementStart = cursor.offset
                    // length <= maxStringLength, far below Int.max.
                    guard let length = readLength(&cursor), length <= limits.maxStringLength, cursor.skip(Int(length)) else {
                        cursor.moveTo(elementStart)
                        break
                    }
                    pending.nextElement += 1
                }
            }
            let minimumElement = pending.elementType == .string ? UInt64(lengthFieldSize) : UInt64(4 + lengthFieldSize)
            while pending.nextElement < pending.count {
                // Elements after this one take at least minimumElement bytes each.
                let laterElements = (pending.count - pending.nextElement - 1).multipliedSaturating(by: minimumElement)
                let elementStart = cursor.offset
                switch try skipValue(pending.elementType, &cursor, depth: 2, after: laterElements.addingSaturating(after), subject: pending.key) {
                case .needs(let need):
                    pendingArray = pending
                    position = elementStart
                    return need
                case .done:
                    pending.nextElement += 1
                }
            }
        }
        pendingArray = nil
        let array = GGUFArray(elementType: pending.elementType, count: pending.count, elementsStart: pending.elementsStart, end: cursor.offset)
        try commit(GGUFMetadataEntry(key: pending.key, type: .array, valueStart: pending.valueStart, end: cursor.offset, array: array), cursor)
        return nil
    }

    private mutating func commit(_ entry: GGUFMetadataEntry, _ cursor: ByteCursor) throws(FormatError) {
        if cursor.bytes.equals(entry.key, "general.alignment") {
            var valueCursor = ByteCursor(cursor.bytes, offset: entry.valueStart, isBigEndian: isBigEndian)
            let value = readValue(entry.type, &valueCursor, versionOne: version == 1)?.unsignedValue ?? 0
            guard value > 0, value & (value - 1) == 0, value <= 1 << 30 else {
                throw FormatError(.invalidAlignment(value), at: entry.valueStart, subject: "general.alignment")
            }
            alignment = value
        }
        entries.append(entry)
        position = entry.end
    }

    private enum Skip { case done, needs(UInt64) }

    /// Skips one value of `type`; reports the bytes needed (including `after`) when the prefix ends first.
    private func skipValue(
        _ type: GGUFValueType, _ cursor: inout ByteCursor, depth: Int, after: UInt64, subject: ByteRange
    ) throws(FormatError) -> Skip {
        let start = cursor.offset
        if let size = type.fixedSize {
            guard cursor.skip(size) else { return .needs(UInt64(start + size).addingSaturating(after)) }
            return .done
        }
        if type == .string {
            guard let length = readLength(&cursor) else {
                return .needs(UInt64(start + lengthFieldSize).addingSaturating(after))
            }
            guard length <= limits.maxStringLength else {
                throw FormatError(.limitExceeded(.stringLength), at: start, subject: cursor.bytes.string(subject))
            }
            // length <= maxStringLength, far below Int.max.
            guard cursor.skip(Int(length)) else {
                return .needs(UInt64(cursor.offset).addingSaturating(length).addingSaturating(after))
            }
            return .done
        }
        // A nested array.
        guard depth < limits.maxNestingDepth else {
            throw FormatError(.limitExceeded(.nestingDepth), at: start, subject: cursor.bytes.string(subject))
        }
        guard let elementRaw = cursor.readInteger(as: UInt32.self), let count = readLength(&cursor) else {
            return .needs(UInt64(start + 4 + lengthFieldSize).addingSaturating(after))
        }
        guard let elementType = GGUFValueType(rawValue: elementRaw) else {
            throw FormatError(.unknownValueType(elementRaw), at: start, subject: cursor.bytes.string(subject))
        }
        guard count <= limits.maxArrayLength else {
            throw FormatError(.limitExceeded(.arrayLength), at: start, subject: cursor.bytes.string(subject))
        }
        if let size = elementType.fixedSize {
            let end = UInt64(cursor.offset).addingSaturating(count.multipliedSaturating(by: UInt64(size)))
            guard end <= UInt64(cursor.bytes.count) else { return .needs(end.addingSaturating(after)) }
            cursor.moveTo(Int(end))
            return .done
        }
        let minimumElement = elementType == .string ? UInt64(lengthFieldSize) : UInt64(4 + lengthFieldSize)
        var index: UInt64 = 0
        while index < count {
            let later = (count - index - 1).multipliedSaturating(by: minimumElement).addingSaturating(after)
            switch try skipValue(elementType, &cursor, depth: depth + 1, after: later, subject: subject) {
            case .needs(let need): return .needs(need)
            case .done: index += 1
            }
        }
        return .done
    }

    // MARK: Tensor infos

    private mutating func parseTensorInfos(_ cursor: inout ByteCursor) throws(FormatError) -> UInt64? {
        while tensorsParsed < tensorCount {
            let start = position
            cursor.moveTo(start)
            let after = (tensorCount - tensorsParsed - 1).multipliedSaturating(by: minimumTensorInfoSize)
            let shortfall = UInt64(start).addingSaturating(minimumTensorInfoSize).addingSaturating(after)
            guard let nameLength = readLength(&cursor) else { return shortfall }
            guard nameLength > 0 else { throw FormatError(.invalidValue, at: start, subject: "empty tensor name") }
            guard nameLength <= limits.maxStringLength else { throw FormatError(.limitExceeded(.stringLength), at: start) }
            let name = ByteRange(start: cursor.offset, count: Int(nameLength))
            // The rest of this info needs at least n_dims, type and offset: 16 bytes.
            guard cursor.skip(Int(nameLength)) else {
                return UInt64(name.end).addingSaturating(16).addingSaturating(after)
            }
            guard isValidUTF8(cursor.bytes.slice(name)) else {
                throw FormatError(.invalidUTF8, at: name.start, subject: "tensor name")
            }
            let dimsOffset = cursor.offset
            guard let dimensionCount = cursor.readInteger(as: UInt32.self) else {
                return UInt64(dimsOffset + 16).addingSaturating(after)
            }
            guard dimensionCount <= GGUFTensorInfo.maxDimensions else {
                throw FormatError(.tooManyDimensions(dimensionCount), at: dimsOffset, subject: cursor.bytes.string(name))
            }
            let dimensionSize = version == 1 ? 4 : 8
            let restSize = Int(dimensionCount) * dimensionSize + 12
            guard cursor.has(restSize) else {
                return UInt64(cursor.offset + restSize).addingSaturating(after)
            }
            let info = try readTensorInfo(&cursor, name: name, dimensionCount: Int(dimensionCount))
            try accumulate(info, at: start, name: name, bytes: cursor.bytes)
            tensorsParsed += 1
            position = cursor.offset
        }
        phase = .complete
        return nil
    }

    /// Reads the dims, type and offset of a tensor info whose bytes are known to be present.
    private func readTensorInfo(_ cursor: inout ByteCursor, name: ByteRange, dimensionCount: Int) throws(FormatError) -> GGUFTensorInfo {
        var shape = GGUFShape()
        for _ in 0..<dimensionCount {
            // Presence was checked by the caller.
            let dimension = version == 1 ? UInt64(cursor.readInteger(as: UInt32.self)!) : cursor.readInteger(as: UInt64.self)!
            shape.append(dimension)
        }
        let typeOffset = cursor.offset
        let rawType = cursor.readInteger(as: UInt32.self)!
        let offset = cursor.readInteger(as: UInt64.self)!
        guard let type = GGMLType(id: rawType) else {
            throw FormatError(.unknownTensorType(rawType), at: typeOffset, subject: cursor.bytes.string(name))
        }
        guard let elements = shape.elementCount else {
            throw FormatError(.arithmeticOverflow, at: typeOffset, subject: cursor.bytes.string(name))
        }
        guard shape.count == 0 || shape[0] % type.blockSize == 0, let byteSize = type.byteSize(elements: elements) else {
            throw FormatError(.misalignedBlocks, at: typeOffset, subject: cursor.bytes.string(name))
        }
        return GGUFTensorInfo(name: name, shape: shape, type: type, offset: offset, elementCount: elements, byteSize: byteSize)
    }

    private mutating func accumulate(_ info: GGUFTensorInfo, at start: Int, name: ByteRange, bytes: UnsafeRawBufferPointer) throws(FormatError) {
        guard info.offset % alignment == 0 else {
            throw FormatError(.invalidTensorOffset, at: start, subject: bytes.string(name))
        }
        let id = Int(info.type.id)
        let (end, endOverflow) = info.offset.addingReportingOverflow(info.byteSize)
        let (parameters, parameterOverflow) = totals.parameters.addingReportingOverflow(info.elementCount)
        let (dataBytes, bytesOverflow) = totals.tensorDataBytes.addingReportingOverflow(info.byteSize)
        guard !endOverflow, !parameterOverflow, !bytesOverflow else {
            throw FormatError(.arithmeticOverflow, at: start, subject: bytes.string(name))
        }
        // Per-type sums are bounded by the overall sums just checked.
        totals.tensorCounts[id] &+= 1
        totals.elementCounts[id] &+= info.elementCount
        totals.byteCounts[id] &+= info.byteSize
        totals.parameters = parameters
        totals.tensorDataBytes = dataBytes
        totals.dataExtent = max(totals.dataExtent, end)
    }

    // MARK: Completion

    private mutating func finish() throws(FormatError) -> GGUFIndex {
        let end = UInt64(position)
        guard end <= limits.maxGGUFHeaderBytes else { throw FormatError(.limitExceeded(.headerBytes), at: end) }
        // end < 2^62 and alignment <= 2^30, so the rounding cannot overflow.
        let dataOffset = (end + alignment - 1) / alignment * alignment
        if let fileSize {
            if tensorCount > 0 {
                let available = fileSize > dataOffset ? fileSize - dataOffset : 0
                guard totals.dataExtent <= available else {
                    throw FormatError(.sizeMismatch(expected: dataOffset.addingSaturating(totals.dataExtent), actual: fileSize), at: end)
                }
            }
            guard totals.parameters <= fileSize.multipliedSaturating(by: limits.maxParametersPerFileByte) else {
                throw FormatError(.limitExceeded(.parameters), at: end)
            }
        }
        return GGUFIndex(
            version: version, isBigEndian: isBigEndian, tensorCount: tensorCount, metadata: entries,
            alignment: alignment, tensorInfoStart: tensorInfoStart, tensorInfoEnd: position,
            dataOffset: dataOffset, totals: totals)
    }
}

/// Reads one value of `type` at the cursor, in a header the parser already validated.
/// Arrays are returned by position; their elements are skipped, not decoded.
func readValue(_ type: GGUFValueType, _ cursor: inout ByteCursor, versionOne: Bool) -> GGUFValue? {
    switch type {
    case .uint8: return cursor.readInteger(as: UInt8.self).map { .unsigned(UInt64($0)) }
    case .int8: return cursor.readInteger(as: Int8.self).map { .signed(Int64($0)) }
    case .uint16: return cursor.readInteger(as: UInt16.self).map { .unsigned(UInt64($0)) }
    case .int16: return cursor.readInteger(as: Int16.self).map { .signed(Int64($0)) }
    case .uint32: return cursor.readInteger(as: UInt32.self).map { .unsigned(UInt64($0)) }
    case .int32: return cursor.readInteger(as: Int32.self).map { .signed(Int64($0)) }
    case .uint64: return cursor.readInteger(as: UInt64.self).map { .unsigned($0) }
    case .int64: return cursor.readInteger(as: Int64.self).map { .signed($0) }
    case .float32: return cursor.readInteger(as: UInt32.self).map { .float(Double(Float(bitPattern: $0))) }
    case .float64: return cursor.readInteger(as: UInt64.self).map { .float(Double(bitPattern: $0)) }
    case .bool: return cursor.readInteger(as: UInt8.self).map { .bool($0 != 0) }
    case .string:
        guard let range = readStringRange(&cursor, versionOne: versionOne) else { return nil }
        return .string(cursor.bytes.string(range))
    case .array:
        guard let rawElement = cursor.readInteger(as: UInt32.self), let elementType = GGUFValueType(rawValue: rawElement),
              let count = readLength(&cursor, versionOne: versionOne)
        else { return nil }
        let elementsStart = cursor.offset
        guard skipElements(elementType, count: count, &cursor, versionOne: versionOne) else { return nil }
        return .array(GGUFArray(elementType: elementType, count: count, elementsStart: elementsStart, end: cursor.offset))
    }
}

func readLength(_ cursor: inout ByteCursor, versionOne: Bool) -> UInt64? {
    versionOne ? cursor.readInteger(as: UInt32.self).map(UInt64.init) : cursor.readInteger(as: UInt64.self)
}

/// Reads a length-prefixed string's position and moves past it.
func readStringRange(_ cursor: inout ByteCursor, versionOne: Bool) -> ByteRange? {
    guard let count = readLength(&cursor, versionOne: versionOne), count <= UInt64(cursor.remaining) else { return nil }
    let range = ByteRange(start: cursor.offset, count: Int(count))
    _ = cursor.skip(range.count)  // count <= remaining
    return range
}

/// Moves past `count` elements of `type` without decoding them.
func skipElements(_ type: GGUFValueType, count: UInt64, _ cursor: inout ByteCursor, versionOne: Bool) -> Bool {
    if let size = type.fixedSize {
        guard count <= UInt64(cursor.remaining / size) else { return false }
        return cursor.skip(Int(count) * size)  // count * size <= remaining
    }
    var index: UInt64 = 0
    while index < count {
        switch type {
        case .string:
            guard readStringRange(&cursor, versionOne: versionOne) != nil else { return false }
        default:
            guard readValue(type, &cursor, versionOne: versionOne) != nil else { return false }
        }
        index += 1
    }
    return true
}
