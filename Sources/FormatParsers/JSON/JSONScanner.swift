/// What is wrong with a JSON text.
public enum JSONSyntaxError: Equatable, Sendable, CustomStringConvertible {
    case unexpectedEnd
    case unexpectedByte(UInt8)
    case invalidEscape
    case invalidUnicodeEscape
    case loneSurrogate
    case controlCharacterInString
    case invalidNumber
    case trailingCharacters
    /// A value of the wrong JSON type for the field (e.g. a string where a number is required).
    case typeMismatch(expected: JSONKind)
    case integerOutOfRange

    public var description: String {
        switch self {
        case .unexpectedEnd: "unexpected end of text"
        case .unexpectedByte(let byte): "unexpected character '\(Self.printable(byte))'"
        case .invalidEscape: "invalid escape sequence"
        case .invalidUnicodeEscape: "invalid \\u escape"
        case .loneSurrogate: "unpaired UTF-16 surrogate in \\u escape"
        case .controlCharacterInString: "control character in string"
        case .invalidNumber: "invalid number"
        case .trailingCharacters: "characters after the end of the value"
        case .typeMismatch(let expected): "expected \(expected)"
        case .integerOutOfRange: "integer out of range"
        }
    }

    private static func printable(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(Character(Unicode.Scalar(byte))) : "\\x" + String(byte, radix: 16)
    }
}

/// The JSON kinds a field can require.
public enum JSONKind: Equatable, Sendable, CustomStringConvertible {
    case object, array, string, unsignedInteger

    public var description: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .unsignedInteger: "an unsigned integer"
        }
    }
}

/// A JSON string found in place: its raw bytes between the quotes, and whether they hold escapes.
public struct JSONString: Equatable, Sendable {
    public let raw: ByteRange
    public let hasEscapes: Bool
}

/// A zero-copy JSON scanner: strings are referenced in place, numbers validated, nesting bounded.
/// Every failure throws `FormatError(.invalidJSON(...))` with the byte offset in the file
/// (`baseOffset` is where the JSON text starts in the file).
struct JSONScanner {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    let baseOffset: Int
    let maxDepth: Int

    init(_ bytes: UnsafeRawBufferPointer, baseOffset: Int = 0, maxDepth: Int) {
        self.bytes = bytes
        self.offset = 0
        self.baseOffset = baseOffset
        self.maxDepth = maxDepth
    }

    func error(_ reason: JSONSyntaxError, at position: Int? = nil, subject: String = "") -> FormatError {
        FormatError(.invalidJSON(reason), at: baseOffset + (position ?? offset), subject: subject)
    }

    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x0A, 0x0D, 0x09: offset &+= 1  // offset < count
            default: return
            }
        }
    }

    /// The next non-whitespace byte, without consuming it.
    mutating func peek() throws(FormatError) -> UInt8 {
        skipWhitespace()
        guard offset < bytes.count else { throw error(.unexpectedEnd) }
        return bytes[offset]
    }

    mutating func expect(_ byte: UInt8) throws(FormatError) {
        let found = try peek()
        guard found == byte else { throw error(.unexpectedByte(found)) }
        offset &+= 1  // peek proved offset < count
    }

    /// Requires that only whitespace remains.
    mutating func expectEnd() throws(FormatError) {
        skipWhitespace()
        guard offset == bytes.count else { throw error(.trailingCharacters) }
    }

    // MARK: Containers

    /// Consumes `{` and reports whether the object is empty (then `}` is consumed too).
    mutating func beginObject(expected: JSONKind = .object) throws(FormatError) -> Bool {
        guard try peek() == UInt8(ascii: "{") else { throw error(.typeMismatch(expected: expected)) }
        offset &+= 1
        if try peek() == UInt8(ascii: "}") { offset &+= 1; return true }
        return false
    }

    /// Reads `"key":`.
    mutating func readKey() throws(FormatError) -> JSONString {
        let key = try readString()
        try expect(UInt8(ascii: ":"))
        return key
    }

    /// After a member or element: consumes `,` (true: another follows) or the closing byte (false).
    mutating func continueContainer(closing: UInt8) throws(FormatError) -> Bool {
        let byte = try peek()
        offset &+= 1
        if byte == UInt8(ascii: ",") { return true }
        if byte == closing { return false }
        offset &-= 1  // undo, so the error points at the byte
        throw error(.unexpectedByte(byte))
    }

    /// Consumes `[` and reports whether the array is empty (then `]` is consumed too).
    mutating func beginArray(expected: JSONKind = .array) throws(FormatError) -> Bool {
        guard try peek() == UInt8(ascii: "[") else { throw error(.typeMismatch(expected: expected)) }
        offset &+= 1
        if try peek() == UInt8(ascii: "]") { offset &+= 1; return true }
        return false
    }

    // MARK: Scalars

    /// Reads a string, validating escapes, and returns its position.
    mutating func readString() throws(FormatError) -> JSONString {
        guard try peek() == UInt8(ascii: "\"") else { throw error(.typeMismatch(expected: .string)) }
        offset &+= 1
        let start = offset
        var hasEscapes = false
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let string = JSONString(raw: ByteRange(start: start, count: offset - start), hasEscapes: hasEscapes)
                offset &+= 1
                return string
            }
            if byte < 0x20 { throw error(.controlCharacterInString) }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                try skipEscape()
            } else {
                offset &+= 1  // offset < count
            }
        }
        throw error(.unexpectedEnd)
    }

    private mutating func skipEscape() throws(FormatError) {
        let escapeStart = offset
        guard offset + 1 < bytes.count else { throw error(.unexpectedEnd) }
        switch bytes[offset + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            offset &+= 2
        case UInt8(ascii: "u"):
            let unit = try hexUnit(at: offset + 2)
            offset &+= 6
            if (0xD800...0xDBFF).contains(unit) {
                guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                    throw error(.loneSurrogate, at: escapeStart)
                }
                let low = try hexUnit(at: offset + 2)
                guard (0xDC00...0xDFFF).contains(low) else { throw error(.loneSurrogate, at: escapeStart) }
                offset &+= 6
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw error(.loneSurrogate, at: escapeStart)
            }
        default:
            throw error(.invalidEscape, at: escapeStart)
        }
    }

    private func hexUnit(at position: Int) throws(FormatError) -> UInt16 {
        guard position + 4 <= bytes.count else { throw error(.unexpectedEnd) }
        var value: UInt16 = 0
        for index in position..<(position + 4) {
            guard let digit = Self.hexDigit(bytes[index]) else { throw error(.invalidUnicodeEscape, at: position - 2) }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Reads a non-negative integer (no sign, fraction or exponent).
    mutating func readUnsignedInteger() throws(FormatError) -> UInt64 {
        let first = try peek()
        let start = offset
        guard first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
            if first == UInt8(ascii: "-") { try skipNumber(); throw error(.integerOutOfRange, at: start) }
            throw error(.typeMismatch(expected: .unsignedInteger))
        }
        var value: UInt64 = 0
        while offset < bytes.count, bytes[offset] >= UInt8(ascii: "0"), bytes[offset] <= UInt8(ascii: "9") {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[offset] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw error(.integerOutOfRange, at: start) }
            value = sum
            offset &+= 1
        }
        if first == UInt8(ascii: "0"), offset - start > 1 { throw error(.invalidNumber, at: start) }
        // Plain comparisons, not an array literal: this runs for every shape dimension and offset.
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") || bytes[offset] | 0x20 == UInt8(ascii: "e") {
            throw error(.typeMismatch(expected: .unsignedInteger), at: start)
        }
        return value
    }

    /// Validates and skips a number per RFC 8259.
    mutating func skipNumber() throws(FormatError) {
        let start = offset
        func digits(_ scanner: inout JSONScanner) -> Int {
            let from = scanner.offset
            while scanner.offset < scanner.bytes.count, scanner.bytes[scanner.offset] >= UInt8(ascii: "0"),
                  scanner.bytes[scanner.offset] <= UInt8(ascii: "9") {
                scanner.offset &+= 1
            }
            return scanner.offset - from
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") { offset &+= 1 }
        guard offset < bytes.count else { throw error(.invalidNumber, at: start) }
        if bytes[offset] == UInt8(ascii: "0") {
            offset &+= 1
        } else if digits(&self) == 0 {
            throw error(.invalidNumber, at: start)
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            offset &+= 1
            guard digits(&self) > 0 else { throw error(.invalidNumber, at: start) }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            offset &+= 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset &+= 1 }
            guard digits(&self) > 0 else { throw error(.invalidNumber, at: start) }
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(FormatError) {
        let count = literal.utf8CodeUnitCount
        guard offset + count <= bytes.count else { throw error(.unexpectedEnd) }
        let expected = UnsafeRawBufferPointer(start: literal.utf8Start, count: count)
        guard UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]).elementsEqual(expected) else {
            throw error(.unexpectedByte(bytes[offset]))
        }
        offset &+= count
    }

    /// True (and consumed) when the next value is `null`.
    mutating func skipNull() throws(FormatError) -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try expectLiteral("null")
        return true
    }

    /// Validates and skips any JSON value, with nesting bounded by `maxDepth`.
    mutating func skipValue(depth: Int = 0) throws(FormatError) {
        guard depth < maxDepth else { throw FormatError(.limitExceeded(.nestingDepth), at: baseOffset + offset) }
        switch try peek() {
        case UInt8(ascii: "{"):
            if try beginObject() { return }
            repeat {
                _ = try readKey()
                try skipValue(depth: depth + 1)
            } while try continueContainer(closing: UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            if try beginArray() { return }
            repeat {
                try skipValue(depth: depth + 1)
            } while try continueContainer(closing: UInt8(ascii: "]"))
        case UInt8(ascii: "\""): _ = try readString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        case let byte: throw error(.unexpectedByte(byte))
        }
    }
}

extension UnsafeRawBufferPointer {
    /// The UTF-8 bytes a JSON string stands for, with escapes resolved. The string was validated by the scanner.
    func decodedJSONBytes(_ string: JSONString) -> [UInt8] {
        let raw = slice(string.raw)
        guard string.hasEscapes else { return Array(raw) }
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var index = 0
        func unit(at position: Int) -> UInt32 {
            var value: UInt32 = 0
            for k in position..<(position + 4) {
                let byte = raw[k]
                let digit: UInt8 = byte <= UInt8(ascii: "9") ? byte - 48 : (byte | 0x20) - UInt8(ascii: "a") + 10
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\") else { output.append(byte); index += 1; continue }
            let escape = raw[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = unit(at: index)
                index += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    let low = unit(at: index + 2)
                    index += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                output.append(contentsOf: Unicode.UTF8.encode(Unicode.Scalar(scalar)!)!)
            default: output.append(escape)  // " \ /
            }
        }
        return output
    }

    func decodedJSONString(_ string: JSONString) -> String {
        string.hasEscapes ? String(decoding: decodedJSONBytes(string), as: UTF8.self) : self.string(string.raw)
    }
}
