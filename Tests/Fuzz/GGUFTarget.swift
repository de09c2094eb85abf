// Fuzz target: the GGUF parser, one-shot and incremental, and the header accessors.
//
// Invariants, beyond "never traps, never reads out of bounds":
// - parsing with and without the file size agree (the size only adds checks at the end);
// - two incremental paths (following `.needsBytes` exactly; and HeaderAssembler reading ahead
//   geometrically, as LocalHeaderReader does) end as the one-shot parse does: the same index when
//   it completes, a failure when it fails (the same error unless the incremental path proved a
//   truncation first);
// - every `.needsBytes` answer moves forward, stays within the file, and never exceeds the
//   one-shot's `tensorInfoEnd`;
// - every metadata value, array element and tensor info of a parsed header decodes, and the
//   tensor infos add up to the parser's totals.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let file = fuzzInput(data, size)
    let fileSize = UInt64(size)
    let oneShot = parseWhole(file, fileSize: fileSize)
    checkUnsized(file, against: oneShot)
    let end = (try? oneShot.get())?.tensorInfoEnd
    checkSameEnding(parseFollowingNeeds(file, oneShotEnd: end), as: oneShot, path: "following needsBytes")
    checkSameEnding(assemble(file, oneShotEnd: end), as: oneShot, path: "HeaderAssembler")
    if case .success(let index) = oneShot {
        walk(GGUFHeader(bytes: exactCopy(file, count: index.tensorInfoEnd), index: index), fileSize: fileSize)
    }
    return 0
}

/// Parses the whole file in one call, its size known. A whole file is never "need more".
private func parseWhole(_ file: UnsafeRawBufferPointer, fileSize: UInt64) -> Result<GGUFIndex, FormatError> {
    var parser = GGUFParser(fileSize: fileSize)
    return outcome { () throws(FormatError) -> GGUFIndex in
        switch try parser.parse(file) {
        case .complete(let index): return index
        case .needsBytes(let needed): fatalError("a whole file of \(fileSize) bytes answered needsBytes(\(needed))")
        }
    }
}

/// Without a file size the parser skips the end-of-header size checks and answers `.needsBytes`
/// where the sized parser reports a truncation.
private func checkUnsized(_ file: UnsafeRawBufferPointer, against sized: Result<GGUFIndex, FormatError>) {
    var parser = GGUFParser(fileSize: nil)
    switch outcome({ () throws(FormatError) in try parser.parse(file) }) {
    case .success(.complete(let index)):
        switch sized {
        case .success(let sizedIndex): requireSame(index, sizedIndex, path: "unsized")
        case .failure(let error):
            switch error.kind {
            case .sizeMismatch, .limitExceeded(.parameters): break
            default: fatalError("unsized parse completed; sized parse failed with \(error)")
            }
        }
    case .success(.needsBytes(let needed)):
        require(needed > UInt64(file.count), "unsized needsBytes(\(needed)) within a \(file.count)-byte prefix")
        require(sized.error?.kind == .truncated(needed: needed), "unsized needsBytes(\(needed)); sized: \(sized)")
    case .failure(let error):
        if error.kind == .limitExceeded(.headerBytes) {
            require(sized.error?.isTruncation == true, "unsized header limit; sized: \(sized)")
        } else {
            require(sized.error == error, "unsized failed with \(error); sized: \(sized)")
        }
    }
}

/// Feeds exactly the prefix each `.needsBytes` answer asks for, as views of the input.
private func parseFollowingNeeds(_ file: UnsafeRawBufferPointer, oneShotEnd: Int?) -> Result<GGUFIndex, FormatError> {
    var parser = GGUFParser(fileSize: UInt64(file.count))
    var length = 0
    while true {
        let prefix = UnsafeRawBufferPointer(rebasing: file[0..<length])
        switch outcome({ () throws(FormatError) in try parser.parse(prefix) }) {
        case .failure(let error): return .failure(error)
        case .success(.complete(let index)): return .success(index)
        case .success(.needsBytes(let needed)):
            requireForward(needed, from: length, fileSize: file.count, oneShotEnd: oneShotEnd)
            require(parser.estimatedHeaderBytes >= needed && parser.estimatedHeaderBytes <= UInt64(file.count),
                    "estimate \(parser.estimatedHeaderBytes) outside [\(needed), \(file.count)]")
            length = Int(needed)
        }
    }
}

/// Drives HeaderAssembler as LocalHeaderReader does: read at least twice as much each time.
/// Each prefix is its own exact-size array, so AddressSanitizer catches a read past its end.
private func assemble(_ file: UnsafeRawBufferPointer, oneShotEnd: Int?) -> Result<GGUFIndex, FormatError> {
    var assembler = HeaderAssembler(format: .gguf, fileSize: UInt64(file.count))
    var length = min(file.count, 16)
    while true {
        switch outcome({ () throws(FormatError) in try assembler.step(exactCopy(file, count: length)) }) {
        case .failure(let error): return .failure(error)
        case .success(.complete(.gguf(let header))):
            require(header.bytes.count == header.index.tensorInfoEnd, "assembled header keeps \(header.bytes.count) bytes")
            return .success(header.index)
        case .success(.complete(.safetensors)): fatalError("a GGUF assembler produced a safetensors header")
        case .success(.needsBytes(let needed)):
            requireForward(needed, from: length, fileSize: file.count, oneShotEnd: oneShotEnd)
            length = Int(max(needed, min(UInt64(file.count), UInt64(length) * 2)))
        }
    }
}

private func requireForward(_ needed: UInt64, from length: Int, fileSize: Int, oneShotEnd: Int?) {
    require(needed > UInt64(length), "needsBytes(\(needed)) after a \(length)-byte prefix")
    require(needed <= UInt64(fileSize), "needsBytes(\(needed)) past the \(fileSize)-byte file instead of an error")
    if let oneShotEnd {
        require(needed <= UInt64(oneShotEnd), "needsBytes(\(needed)) past the header's end \(oneShotEnd)")
    }
}

private func checkSameEnding(_ incremental: Result<GGUFIndex, FormatError>, as oneShot: Result<GGUFIndex, FormatError>, path: String) {
    switch (incremental, oneShot) {
    case (.success(let index), .success(let expected)):
        requireSame(index, expected, path: path)
    case (.failure(let error), .failure(let expected)):
        require(error.isTruncation || error == expected, "\(path) failed with \(error); one-shot with \(expected)")
    default:
        fatalError("\(path) ended with \(incremental); one-shot with \(oneShot)")
    }
}

private func requireSame(_ index: GGUFIndex, _ expected: GGUFIndex, path: String) {
    require(index.version == expected.version && index.isBigEndian == expected.isBigEndian
            && index.tensorCount == expected.tensorCount && index.alignment == expected.alignment
            && index.tensorInfoStart == expected.tensorInfoStart && index.tensorInfoEnd == expected.tensorInfoEnd
            && index.dataOffset == expected.dataOffset && index.totals == expected.totals,
            "\(path) index differs from the one-shot index")
    require(index.metadata.count == expected.metadata.count, "\(path) metadata count differs")
    for (entry, other) in zip(index.metadata, expected.metadata) {
        require(entry.key == other.key && entry.type == other.type && entry.valueStart == other.valueStart
                && entry.end == other.end && entry.array == other.array,
                "\(path) metadata entry at \(other.valueStart) differs")
    }
}

// MARK: Walking a parsed header

private func walk(_ header: GGUFHeader, fileSize: UInt64) {
    let index = header.index
    for entry in header.metadata {
        let key = header.key(of: entry)
        require(!key.isEmpty, "empty key accepted")
        guard let value = header.value(of: entry) else { fatalError("value of \(key) does not decode") }
        if case .array(let array) = value {
            require(array == entry.array, "array of \(key) differs from the parser's")
            walkElements(of: array, in: header)
        } else {
            require(entry.array == nil, "\(key) is recorded as an array")
        }
    }
    if let first = header.metadata.first {
        require(header.entry(forKey: header.key(of: first))?.valueStart == first.valueStart, "first key not found")
    }
    _ = (header.architecture, header.fileType?.label, header.vocabularySize, header.contextLength, header.blockCount, header.split)

    var count: UInt64 = 0
    var parameters: UInt64 = 0
    var dataBytes: UInt64 = 0
    for tensor in header.tensors {
        _ = header.name(of: tensor)
        require(tensor.shape.count <= Int(GGUFTensorInfo.maxDimensions), "more than four dimensions")
        require(tensor.shape.elementCount == tensor.elementCount, "element count is not the shape's product")
        require(tensor.type.byteSize(elements: tensor.elementCount) == tensor.byteSize, "byte size does not match the type")
        require(tensor.offset % index.alignment == 0, "unaligned tensor offset \(tensor.offset)")
        require(tensor.byteSize <= index.totals.dataExtent && tensor.offset <= index.totals.dataExtent - tensor.byteSize,
                "tensor data ends past the data extent")
        count += 1
        parameters += tensor.elementCount  // the parser proved the sums fit
        dataBytes += tensor.byteSize
    }
    require(count == header.tensorCount, "walked \(count) of \(header.tensorCount) tensor infos")
    require(parameters == index.totals.parameters && dataBytes == index.totals.tensorDataBytes, "tensor sums differ from the totals")
    require(parameters <= fileSize * FormatLimits.default.maxParametersPerFileByte, "more than 8 parameters per file byte")
    require(index.dataOffset % index.alignment == 0 && index.dataOffset >= UInt64(index.tensorInfoEnd), "bad data offset")
    // Only tensor bytes must lie in the file: like llama.cpp, a file whose tensors are all empty
    // may end before its data offset.
    if index.totals.dataExtent > 0 {
        require(index.dataOffset + index.totals.dataExtent <= fileSize, "tensor data past the end of the file")
    }
    var json = JSONWriter()
    HeaderSummary.write(.gguf(header), path: "fuzz.gguf", into: &json)
}

private func walkElements(of array: GGUFArray, in header: GGUFHeader) {
    var count: UInt64 = 0
    for element in header.elements(of: array) {
        count += 1
        if case .array(let inner) = element {
            require(inner.elementsStart <= inner.end && inner.end <= array.end, "nested array outside its parent")
            walkElements(of: inner, in: header)
        }
    }
    require(count == array.count, "walked \(count) of \(array.count) elements")
}
