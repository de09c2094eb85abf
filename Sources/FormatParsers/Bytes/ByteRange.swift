/// A run of bytes inside a header buffer, kept as offsets so values can outlive the buffer borrow.
public struct ByteRange: Hashable, Sendable {
    public var start: Int
    public var count: Int
    public init(start: Int, count: Int) {
        self.start = start
        self.count = count
    }
    public var end: Int { start + count }
}

extension UnsafeRawBufferPointer {
    /// The bytes of `range`; the range was validated by the parser that produced it.
    func slice(_ range: ByteRange) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[range.start..<range.end])
    }

    /// True when the bytes of `range` equal `text`'s UTF-8.
    func equals(_ range: ByteRange, _ text: StaticString) -> Bool {
        guard range.count == text.utf8CodeUnitCount else { return false }
        let other = UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        return slice(range).elementsEqual(other)
    }

    func string(_ range: ByteRange) -> String {
        String(decoding: slice(range), as: UTF8.self)
    }
}

/// Validates UTF-8 with a fast path for ASCII runs.
func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var index = 0
    let count = bytes.count
    while index < count {
        // ASCII fast path, eight bytes at a time.
        while index + 8 <= count, bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            index &+= 8  // index + 8 <= count
        }
        guard index < count else { return true }
        let lead = bytes[index]
        if lead < 0x80 { index &+= 1; continue }
        let length: Int
        var minimum: UInt32
        var scalar: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(lead & 0x07)
        default: return false
        }
        guard count - index >= length else { return false }
        for k in 1..<length {
            let continuation = bytes[index + k]
            guard continuation & 0xC0 == 0x80 else { return false }
            scalar = (scalar << 6) | UInt32(continuation & 0x3F)
        }
        guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return false }
        index &+= length  // count - index >= length
    }
    return true
}

/// Three-way lexicographic comparison of two byte runs.
func compareBytes(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Int {
    let common = min(lhs.count, rhs.count)
    var start = 0
    // Eight bytes at a time, read as big-endian numbers so that numeric order is byte order.
    while start + 8 <= common {
        let left = UInt64(bigEndian: lhs.loadUnaligned(fromByteOffset: start, as: UInt64.self))
        let right = UInt64(bigEndian: rhs.loadUnaligned(fromByteOffset: start, as: UInt64.self))
        if left != right { return left < right ? -1 : 1 }
        start &+= 8  // start + 8 <= common
    }
    for index in start..<common where lhs[index] != rhs[index] {
        return lhs[index] < rhs[index] ? -1 : 1
    }
    return lhs.count == rhs.count ? 0 : (lhs.count < rhs.count ? -1 : 1)
}
