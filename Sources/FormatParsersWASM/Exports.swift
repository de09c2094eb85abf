import FormatParsers

// C-ABI entry points of the WebAssembly build, for JavaScript hosts (see node/index.mjs).
//
// The host copies a file's first bytes and its path's UTF-8 into buffers from `fp_allocate`,
// calls `fp_inspect` or `fp_needed_bytes`, and reads the UTF-8 JSON answer from
// `fp_result_pointer()` (`fp_result_length()` bytes). An answer stays valid until the next call.
// `fileSize` is the whole file's size in bytes, or -1 when unknown.

/// The last JSON answer, owned by the module.
nonisolated(unsafe) private var result = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)

/// Safetensors is recognized from its ninth byte (`{` after the length); GGUF from its first four.
private let bytesToSniffFormat: UInt64 = 9

/// Fresh memory for the host to fill, or null when the module cannot grow.
@_expose(wasm, "fp_allocate") @_cdecl("fp_allocate")
public func allocate(byteCount: Int) -> UnsafeMutableRawPointer? {
    UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 8)
}

@_expose(wasm, "fp_free") @_cdecl("fp_free")
public func deallocate(_ pointer: UnsafeMutableRawPointer?) {
    pointer?.deallocate()
}

@_expose(wasm, "fp_result_pointer") @_cdecl("fp_result_pointer")
public func resultPointer() -> UnsafeMutablePointer<UInt8>? { result.baseAddress }

@_expose(wasm, "fp_result_length") @_cdecl("fp_result_length")
public func resultLength() -> Int { result.count }

/// Parses the header in `bytes` (a file's first `count` bytes) and sets the answer to the object
/// `compat-cli inspect --json` prints for that file: the summary, or `{"path", "error"}`.
/// Bytes that end before the header does give a `truncated` error, as a short file does.
@_expose(wasm, "fp_inspect") @_cdecl("fp_inspect")
public func inspect(bytes: UnsafeRawPointer?, count: Int, fileSize: Int64, path: UnsafeRawPointer?, pathCount: Int) {
    let path = string(path, pathCount)
    var json = JSONWriter()
    do {
        switch try parse(UnsafeRawBufferPointer(start: bytes, count: count), fileSize: knownSize(fileSize), path: path) {
        case .complete(let header)?:
            HeaderSummary.write(header, path: path, into: &json)
        case .needsBytes(let needed)?:
            HeaderSummary.write(FormatError(.truncated(needed: needed), at: UInt64(count)), path: path, into: &json)
        case nil:
            writeUnknownFormat(path: path, into: &json)
        }
    } catch {
        HeaderSummary.write(error, path: path, into: &json)
    }
    setResult(json.text)
}

/// How many bytes from the start of the file the header needs, given its first `count` bytes:
/// -1 when the header is complete within them; -2 when they are invalid, with the error object
/// (as `fp_inspect` writes it) as the answer.
@_expose(wasm, "fp_needed_bytes") @_cdecl("fp_needed_bytes")
public func neededBytes(bytes: UnsafeRawPointer?, count: Int, fileSize: Int64, path: UnsafeRawPointer?, pathCount: Int) -> Int64 {
    let path = string(path, pathCount)
    let fileSize = knownSize(fileSize)
    var json = JSONWriter()
    do {
        switch try parse(UnsafeRawBufferPointer(start: bytes, count: count), fileSize: fileSize, path: path) {
        case .complete?:
            return -1
        case .needsBytes(let needed)?:
            return Int64(clamping: needed)
        case nil:
            // Too few bytes to tell yet: ask for enough to sniff the format, when the file has them.
            let available = fileSize ?? .max
            if UInt64(count) < bytesToSniffFormat, UInt64(count) < available {
                return Int64(min(bytesToSniffFormat, available))
            }
            writeUnknownFormat(path: path, into: &json)
        }
    } catch {
        HeaderSummary.write(error, path: path, into: &json)
    }
    setResult(json.text)
    return -2
}

/// One step of the incremental parser over the host's bytes, or nil when the format is unknown.
/// The format comes from the path's extension, else from the bytes, as `compat-cli inspect` decides.
private func parse(_ bytes: UnsafeRawBufferPointer, fileSize: UInt64?, path: String) throws(FormatError) -> ParseStep<ModelHeader>? {
    guard let format = ModelFileFormat(fileName: path, sniffing: bytes) else { return nil }
    var assembler = HeaderAssembler(format: format, fileSize: fileSize)
    return try assembler.step(Array(bytes))
}

/// The object `compat-cli inspect --json` prints for a file of unknown format.
private func writeUnknownFormat(path: String, into json: inout JSONWriter) {
    HeaderSummary.writeError(kind: HeaderSummary.unknownFormatKind, offset: nil, message: HeaderSummary.unknownFormatMessage(path: path), path: path, into: &json)
}

/// The host's file size: -1 stands for unknown.
private func knownSize(_ fileSize: Int64) -> UInt64? {
    fileSize < 0 ? nil : UInt64(fileSize)
}

private func string(_ bytes: UnsafeRawPointer?, _ count: Int) -> String {
    String(decoding: UnsafeRawBufferPointer(start: bytes, count: count), as: UTF8.self)
}

private func setResult(_ text: String) {
    result.deallocate()
    result = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: text.utf8.count)
    _ = result.initialize(from: text.utf8)
}
