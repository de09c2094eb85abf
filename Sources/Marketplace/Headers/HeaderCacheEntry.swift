/// Why a cache file was rejected. The cache treats each as a miss and removes the file.
/// Offsets count bytes from the start of the file.
enum HeaderCacheEntryError: Error, Equatable, CustomStringConvertible {
    /// The file does not start with the expected magic bytes.
    case badMagic
    /// Written by another version of compat.
    case unsupportedVersion(UInt16)
    /// The file ends inside `field`, which starts at `offset`.
    case truncated(field: String, offset: Int)
    /// The metadata digest stored at `offset` does not match the metadata before it.
    case metadataDigestMismatch(offset: Int)
    /// The file is for another key whose hash collides with this one.
    case keyMismatch(field: String)
    /// The stored uncompressed length is more than any header can be.
    case implausibleLength(UInt64)
    /// The stored uncompressed length disagrees with the zstd frame's.
    case lengthMismatch(stored: UInt64, frame: UInt64)
    /// libzstd rejected the frame (bad checksum, corrupt block, trailing bytes, …).
    case invalidFrame(reason: String)

    var description: String {
        switch self {
        case .badMagic: "not a compat cache file (bad magic)"
        case .unsupportedVersion(let version): "cache format version \(version) is not supported"
        case .truncated(let field, let offset): "truncated in the \(field) at byte \(offset)"
        case .metadataDigestMismatch(let offset): "metadata digest at byte \(offset) does not match"
        case .keyMismatch(let field): "entry is for another \(field)"
        case .implausibleLength(let length): "stored header length \(length) is implausible"
        case .lengthMismatch(let stored, let frame): "stored length \(stored) but the zstd frame holds \(frame)"
        case .invalidFrame(let reason): "bad zstd frame: \(reason)"
        }
    }
}

/// The metadata at the start of every cache file: magic, format version, then
/// little-endian integers and length-prefixed UTF-8 strings, sealed by a `HeaderCacheDigest`.
///
/// Writing it is building `bytes` and calling `sealed()`; reading it is the same calls in the same order.
struct HeaderCacheRecord {
    static let formatVersion: UInt16 = 1
    /// Metadata longer than this is refused on write, so a reader needs only this many bytes of a file.
    static let maximumLength = 1 << 16

    private(set) var bytes: [UInt8]

    init(magic: [UInt8]) {
        bytes = magic + Self.formatVersion.littleEndianBytes
    }

    mutating func append(_ value: UInt64) {
        bytes += value.littleEndianBytes
    }

    mutating func append(_ text: String) {
        let utf8 = Array(text.utf8)
        // A count over 2^32 would wrap, but it also exceeds maximumLength, so sealed() refuses the record.
        bytes += UInt32(truncatingIfNeeded: utf8.count).littleEndianBytes + utf8
    }

    /// The metadata followed by its digest, or nil when it is longer than `maximumLength`.
    func sealed() -> [UInt8]? {
        let record = bytes + HeaderCacheDigest(bytes).bytes
        return record.count <= Self.maximumLength ? record : nil
    }
}

/// Reads what a `HeaderCacheRecord` wrote, field by field, checking bounds, magic, version and digest.
struct HeaderCacheRecordReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    /// Starts reading `bytes` after checking its magic and format version.
    init(_ bytes: [UInt8], magic: [UInt8]) throws(HeaderCacheEntryError) {
        self.bytes = bytes
        guard bytes.starts(with: magic) else { throw .badMagic }
        offset = magic.count
        let version = UInt16(try take(2, field: "format version").littleEndianValue)
        guard version == HeaderCacheRecord.formatVersion else { throw .unsupportedVersion(version) }
    }

    mutating func readUInt64(field: String) throws(HeaderCacheEntryError) -> UInt64 {
        try take(8, field: field).littleEndianValue
    }

    mutating func readString(field: String) throws(HeaderCacheEntryError) -> String {
        let length = try take(4, field: "\(field) length").littleEndianValue
        // Damaged bytes may decode with replacement characters; the digest check that follows rejects them.
        return String(decoding: try take(Int(length), field: field), as: UTF8.self)
    }

    /// One string per name in `names`, in order.
    mutating func readStrings(fields names: [String]) throws(HeaderCacheEntryError) -> [String] {
        var strings: [String] = []
        for name in names { strings.append(try readString(field: name)) }
        return strings
    }

    /// Checks the digest that follows the fields read so far; afterwards `offset` is where the metadata ends.
    mutating func verifySeal() throws(HeaderCacheEntryError) {
        let metadataEnd = offset
        let stored = try take(16, field: "metadata digest")
        guard stored.elementsEqual(HeaderCacheDigest(bytes[..<metadataEnd]).bytes) else {
            throw .metadataDigestMismatch(offset: metadataEnd)
        }
    }

    private mutating func take(_ count: Int, field: String) throws(HeaderCacheEntryError) -> ArraySlice<UInt8> {
        guard count <= bytes.count - offset else { throw .truncated(field: field, offset: offset) }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }
}

extension HeaderCacheEntryError {
    /// Throws `keyMismatch` naming the first field whose stored value is not the expected one.
    static func checkKey(names: [String], stored: [String], expected: [String]) throws(HeaderCacheEntryError) {
        for (name, (storedValue, expectedValue)) in zip(names, zip(stored, expected)) where storedValue != expectedValue {
            throw .keyMismatch(field: name)
        }
    }
}

extension ArraySlice<UInt8> {
    /// The bytes as a little-endian unsigned integer (at most 8 of them).
    var littleEndianValue: UInt64 {
        reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// One header in the cache: sealed metadata (key, lengths) followed by a zstd frame of the header bytes.
///
/// Layout: `CMPTHDRS`, format version (UInt16), uncompressed length (UInt64), total file size (UInt64),
/// endpoint, repo, commit, path, ETag (each a UInt32 length and UTF-8), a 16-byte digest of all that,
/// then the frame to the end of the file.
enum HeaderCacheEntry {
    static let magic = Array("CMPTHDRS".utf8)
    /// Larger than any header `FormatLimits` accepts; guards the allocation before decompressing.
    static let maximumHeaderLength: UInt64 = 1 << 30

    /// What the metadata says, readable from the first `HeaderCacheRecord.maximumLength` bytes of a file.
    struct Metadata {
        var key: HeaderCacheKey
        var headerLength: UInt64
        var fileSize: UInt64
        /// The metadata's own length, digest included: where the zstd frame starts.
        var byteCount: Int
    }

    /// The file contents for `header` under `key`, or nil when compression fails or the key is too long.
    static func encode(_ header: CachedHeader, for key: HeaderCacheKey) -> [UInt8]? {
        var record = HeaderCacheRecord(magic: magic)
        record.append(UInt64(header.bytes.count))
        record.append(header.fileSize)
        for field in key.fields { record.append(field) }
        guard let metadata = record.sealed(), let frame = HeaderCacheCompression.compress(header.bytes) else { return nil }
        return metadata + frame
    }

    /// The metadata of a file's contents, or of its first bytes.
    static func decodeMetadata(_ bytes: [UInt8]) throws(HeaderCacheEntryError) -> Metadata {
        var reader = try HeaderCacheRecordReader(bytes, magic: magic)
        let headerLength = try reader.readUInt64(field: "header length")
        let fileSize = try reader.readUInt64(field: "file size")
        let fields = try reader.readStrings(fields: HeaderCacheKey.fieldNames)
        try reader.verifySeal()
        guard headerLength <= maximumHeaderLength else { throw .implausibleLength(headerLength) }
        return Metadata(key: HeaderCacheKey(fields: fields), headerLength: headerLength, fileSize: fileSize, byteCount: reader.offset)
    }

    /// The header stored in a file's contents, which must be for `key`.
    static func decode(_ bytes: [UInt8], expecting key: HeaderCacheKey) throws(HeaderCacheEntryError) -> CachedHeader {
        let metadata = try decodeMetadata(bytes)
        try HeaderCacheEntryError.checkKey(names: HeaderCacheKey.fieldNames, stored: metadata.key.fields, expected: key.fields)
        let header = try HeaderCacheCompression.decompress(bytes[metadata.byteCount...], expectedLength: metadata.headerLength)
        return CachedHeader(bytes: header, fileSize: metadata.fileSize)
    }
}

/// A refs file: which commit a revision of a repository pointed to when last seen online.
///
/// Layout: `CMPTREFS`, format version (UInt16), endpoint, repo, revision, commit
/// (each a UInt32 length and UTF-8), then a 16-byte digest of all that.
enum HeaderCacheRef {
    static let magic = Array("CMPTREFS".utf8)
    private static let fieldNames = ["endpoint", "repo", "revision", "commit"]

    /// The file contents, or nil when the fields are too long.
    static func encode(commit: String, endpoint: String, repo: String, revision: String) -> [UInt8]? {
        var record = HeaderCacheRecord(magic: magic)
        for field in [endpoint, repo, revision, commit] { record.append(field) }
        return record.sealed()
    }

    /// The commit in a refs file, which must be for this endpoint, repo and revision.
    static func decodeCommit(_ bytes: [UInt8], endpoint: String, repo: String, revision: String) throws(HeaderCacheEntryError) -> String {
        var reader = try HeaderCacheRecordReader(bytes, magic: magic)
        let fields = try reader.readStrings(fields: fieldNames)
        try reader.verifySeal()
        try HeaderCacheEntryError.checkKey(names: fieldNames, stored: fields, expected: [endpoint, repo, revision])
        return fields[3]  // the commit, after the three fields checked above
    }
}
