/// A read position over untrusted bytes.
///
/// `get` functions return `nil` when the bytes are not there; `read` functions
/// are `get` plus advance. Every load is unaligned and bounds-checked exactly once.
/// The cursor never owns memory: it is valid only inside the closure that lent the buffer.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    /// Offset of the next unread byte, from the start of `bytes`.
    private(set) var offset: Int
    let isBigEndian: Bool

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0, isBigEndian: Bool = false) {
        self.bytes = bytes
        self.offset = offset
        self.isBigEndian = isBigEndian
    }

    var remaining: Int { bytes.count - offset }

    func has(_ count: Int) -> Bool { count >= 0 && count <= remaining }

    func getInteger<T: FixedWidthInteger>(at position: Int, as type: T.Type = T.self) -> T? {
        // position >= 0 and position <= bytes.count, so the subtraction cannot overflow.
        guard position >= 0, position <= bytes.count, MemoryLayout<T>.size <= bytes.count - position else { return nil }
        let raw = bytes.loadUnaligned(fromByteOffset: position, as: T.self)
        return isBigEndian ? T(bigEndian: raw) : T(littleEndian: raw)
    }

    mutating func readInteger<T: FixedWidthInteger>(as type: T.Type = T.self) -> T? {
        guard let value = getInteger(at: offset, as: T.self) else { return nil }
        offset &+= MemoryLayout<T>.size  // checked by getInteger: offset + size <= bytes.count
        return value
    }

    /// Skips `count` bytes; false (and no move) when they are not there.
    mutating func skip(_ count: Int) -> Bool {
        guard has(count) else { return false }
        offset &+= count  // has(count) proved offset + count <= bytes.count
        return true
    }

    mutating func moveTo(_ position: Int) {
        precondition(position >= 0 && position <= bytes.count)
        offset = position
    }

    /// The byte range `[offset, offset + count)` as a buffer slice, or nil.
    func getBytes(at position: Int, count: Int) -> UnsafeRawBufferPointer? {
        guard position >= 0, count >= 0, position <= bytes.count, count <= bytes.count - position else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }
}
