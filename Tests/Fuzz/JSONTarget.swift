// Fuzz target: the internal JSONScanner (compiled into this module, so no public entry is needed)
// and the JSONWriter it must agree with.
//
// Invariants, beyond "never traps, never reads out of bounds":
// - `skipValue` and a walk built from the scanner's other calls accept the same texts and fail
//   with the same error;
// - an integer token that `readUnsignedInteger` accepts is one `skipNumber` accepts, ending at
//   the same byte; a plain digit run that fits in 64 bits is accepted with its value;
// - a string's resolved bytes are the raw bytes when it has no escapes, never longer than the raw
//   bytes, and valid UTF-8 when the text is; JSONWriter's quoting of them scans back to them.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = fuzzInput(data, size)
    let maxDepth = FormatLimits.default.maxNestingDepth
    var skipper = JSONScanner(text, maxDepth: maxDepth)
    let skipped = outcome { () throws(FormatError) in
        try skipper.skipValue()
        try skipper.expectEnd()
    }
    var walker = JSONWalker(scanner: JSONScanner(text, maxDepth: maxDepth), textIsUTF8: isValidUTF8(text))
    let walked = outcome { () throws(FormatError) in
        try walker.walkValue(depth: 0)
        try walker.scanner.expectEnd()
    }
    require(walked.error == skipped.error, "skipValue: \(skipped); walk: \(walked)")
    return 0
}

/// Walks a JSON value with the scanner's container, string and number calls, checking each string
/// and number it meets.
private struct JSONWalker {
    var scanner: JSONScanner
    let textIsUTF8: Bool

    /// Mirrors `JSONScanner.skipValue`, so both must reach the same verdict.
    mutating func walkValue(depth: Int) throws(FormatError) {
        guard depth < scanner.maxDepth else {
            throw FormatError(.limitExceeded(.nestingDepth), at: scanner.baseOffset + scanner.offset)
        }
        switch try scanner.peek() {
        case UInt8(ascii: "{"):
            if try scanner.beginObject() { return }
            repeat {
                check(try scanner.readKey())
                try walkValue(depth: depth + 1)
            } while try scanner.continueContainer(closing: UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            if try scanner.beginArray() { return }
            repeat {
                try walkValue(depth: depth + 1)
            } while try scanner.continueContainer(closing: UInt8(ascii: "]"))
        case UInt8(ascii: "\""):
            check(try scanner.readString())
        case UInt8(ascii: "n"):
            let isNull = try scanner.skipNull()
            require(isNull, "skipNull refused an n")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try walkNumber()
        default:
            try scanner.skipValue(depth: depth)  // true, false and stray bytes
        }
    }

    /// `skipNumber` decides validity; `readUnsignedInteger` must agree where it accepts.
    private mutating func walkNumber() throws(FormatError) {
        let start = scanner.offset
        var integer = scanner
        let unsigned = outcome { () throws(FormatError) in try integer.readUnsignedInteger() }
        try scanner.skipNumber()
        let token = UnsafeRawBufferPointer(rebasing: scanner.bytes[start..<scanner.offset])
        if case .success(let value) = unsigned {
            require(integer.offset == scanner.offset, "readUnsignedInteger ended at \(integer.offset), skipNumber at \(scanner.offset)")
            require(Self.plainInteger(token) == value, "readUnsignedInteger read \(value)")
        } else if let value = Self.plainInteger(token), !Self.isDigit(at: scanner.offset, in: scanner.bytes) {
            // ("0" followed by a digit is a number skipNumber ends early and readUnsignedInteger rejects.)
            fatalError("readUnsignedInteger refused the integer \(value): \(unsigned)")
        }
    }

    private static func isDigit(at position: Int, in bytes: UnsafeRawBufferPointer) -> Bool {
        position < bytes.count && bytes[position] >= UInt8(ascii: "0") && bytes[position] <= UInt8(ascii: "9")
    }

    /// The value of a digit run without a leading zero that fits in 64 bits, else nil.
    private static func plainInteger(_ token: UnsafeRawBufferPointer) -> UInt64? {
        guard !token.isEmpty, token.count == 1 || token[0] != UInt8(ascii: "0") else { return nil }
        var value: UInt64 = 0
        for byte in token {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            value = sum
        }
        return value
    }

    private func check(_ string: JSONString) {
        let bytes = scanner.bytes
        let resolved = bytes.decodedJSONBytes(string)
        if string.hasEscapes {
            require(resolved.count <= string.raw.count, "escapes expanded \(string.raw.count) bytes to \(resolved.count)")
        } else {
            require(resolved.elementsEqual(bytes.slice(string.raw)), "a string without escapes changed")
        }
        guard textIsUTF8 else { return }
        require(resolved.withUnsafeBytes(isValidUTF8), "escapes resolved to invalid UTF-8")
        var writer = JSONWriter()
        writer.string(bytes.decodedJSONString(string))
        Array(writer.text.utf8).withUnsafeBytes { written in
            var rescanner = JSONScanner(written, maxDepth: 1)
            guard let again = try? rescanner.readString() else { fatalError("JSONWriter wrote an unreadable string") }
            require(written.decodedJSONBytes(again) == resolved, "JSONWriter's quoting does not scan back to the string")
        }
    }
}
