// Fuzz target: the safetensors header parser, with and without the file size.
//
// Each input is tried twice: as a whole file, and as the JSON text behind a correct 8-byte length
// (so mutations reach the JSON rules instead of dying at the length check).
// Invariants, beyond "never traps, never reads out of bounds":
// - with the file size the parser only adds checks: it fails the same way when the unsized parse
//   fails, reports the unsized parse's `.needsBytes` as a truncation, and otherwise completes with
//   the same tensors or rejects the size;
// - an accepted header's tensors are sorted, tile the data section from 0, have byte sizes of
//   shape × bits / 8, distinct names, and sum to the totals; it is accepted again with the file size
//   it implies, and rejected with one byte more.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    check(file: input)
    var wrapped: [UInt8] = []
    wrapped.reserveCapacity(8 + size)
    withUnsafeBytes(of: UInt64(size).littleEndian) { wrapped.append(contentsOf: $0) }
    wrapped.append(contentsOf: input)
    wrapped.withUnsafeBytes { check(file: $0) }
    return 0
}

private func check(file: UnsafeRawBufferPointer) {
    _ = ModelFileFormat(sniffing: file)
    let fileSize = UInt64(file.count)
    let unsized = outcome { () throws(FormatError) in try SafetensorsHeader.parse(prefix: file) }
    let sized = outcome { () throws(FormatError) in try SafetensorsHeader.parse(prefix: file, fileSize: fileSize) }
    switch unsized {
    case .failure(let error):
        require(sized.error == error, "unsized failed with \(error); sized: \(sized)")
    case .success(.needsBytes(let needed)):
        require(needed > fileSize, "needsBytes(\(needed)) within a \(fileSize)-byte prefix")
        require(sized.error?.kind == .truncated(needed: needed), "unsized needsBytes(\(needed)); sized: \(sized)")
    case .success(.complete(let header)):
        walk(header)
        switch sized {
        case .success(.complete(let sizedHeader)):
            require(sizedHeader.bytes == header.bytes && sizedHeader.totals == header.totals, "sized header differs")
        case .success(.needsBytes): fatalError("sized parse asked for more after the unsized parse completed")
        case .failure(let error):
            switch error.kind {
            case .sizeMismatch, .limitExceeded(.parameters): break
            default: fatalError("unsized parse completed; sized parse failed with \(error)")
            }
        }
        checkImpliedFileSize(of: header, prefix: file)
    }
}

/// The header accepts the file size it implies (unless that size is too small for its parameters)
/// and rejects any other.
private func checkImpliedFileSize(of header: SafetensorsHeader, prefix: UnsafeRawBufferPointer) {
    let implied = header.headerBytes + header.totals.tensorDataBytes  // both far below 2^63
    let exact = outcome { () throws(FormatError) in try SafetensorsHeader.parse(prefix: prefix, fileSize: implied) }
    if case .failure(let error) = exact {
        require(error.kind == .limitExceeded(.parameters), "rejected its implied file size \(implied): \(error)")
    }
    let larger = outcome { () throws(FormatError) in try SafetensorsHeader.parse(prefix: prefix, fileSize: implied + 1) }
    require(larger.error?.kind == .sizeMismatch(expected: implied, actual: implied + 1), "accepted a file one byte too long")
}

private func walk(_ header: SafetensorsHeader) {
    var expectedStart: UInt64 = 0
    var parameters: UInt64 = 0
    var names = Set<[UInt8]>()
    for tensor in header.tensors {
        require(tensor.dataStart == expectedStart && tensor.dataStart <= tensor.dataEnd, "tensors do not tile the data section")
        expectedStart = tensor.dataEnd
        let shape = header.shape(of: tensor)
        require(shape.count == tensor.dimensionCount && shape.count <= FormatLimits.default.maxSafetensorsDimensions, "bad shape")
        let elements = shape.reduce(UInt64(1), *)  // the parser proved the product fits
        require(elements == tensor.elementCount && elements * tensor.dtype.bits == tensor.byteSize * 8, "size is not shape × bits")
        require(names.insert(Array(header.name(of: tensor).utf8)).inserted, "duplicate tensor name accepted")
        parameters += elements
    }
    require(expectedStart == header.totals.tensorDataBytes && parameters == header.totals.parameters, "tensor sums differ from the totals")
    _ = header.metadata
    var json = JSONWriter()
    HeaderSummary.write(.safetensors(header), path: "fuzz.safetensors", into: &json)
}
