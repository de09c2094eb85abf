import Foundation
@testable import Marketplace
import Testing

/// Damage done to a stored entry file.
enum EntryDamage: String, CaseIterable, CustomTestStringConvertible {
    case flippedFrameByte, flippedFileSizeByte, flippedKeyByte, truncatedFrame, truncatedMetadata, trailingBytes, garbage, empty

    var testDescription: String { rawValue }

    func apply(to bytes: [UInt8]) -> [UInt8] {
        var damaged = bytes
        switch self {
        case .flippedFrameByte: damaged[bytes.count - 100] ^= 0x40
        case .flippedFileSizeByte: damaged[8 + 2 + 8] ^= 0x01  // magic, version, header length, then file size
        case .flippedKeyByte: damaged[50] ^= 0x01
        case .truncatedFrame: damaged.removeLast(10)
        case .truncatedMetadata: damaged.removeLast(bytes.count - 30)
        case .trailingBytes: damaged += [0, 0, 0, 0]
        case .garbage: damaged = Array("this is not a cache entry at all".utf8)
        case .empty: damaged = []
        }
        return damaged
    }
}

@Suite struct HeaderCacheCorruptionTests {
    private let header = CachedHeader(bytes: sampleHeaderBytes(count: 50_000), fileSize: 123_456_789)

    @Test(arguments: EntryDamage.allCases)
    func damagedEntryIsAMissAndIsRemovedAndCanBeStoredAgain(damage: EntryDamage) throws {
        let scratch = try HeaderCacheScratch()
        scratch.cache.store(header, for: .sample())
        let entry = try #require(scratch.entryPaths.first)
        let stored = try [UInt8](Data(contentsOf: URL(fileURLWithPath: entry)))
        try Data(damage.apply(to: stored)).write(to: URL(fileURLWithPath: entry))

        #expect(scratch.cache.header(for: .sample()) == nil)
        #expect(!FileManager.default.fileExists(atPath: entry))

        #expect(scratch.cache.store(header, for: .sample()))
        #expect(scratch.cache.header(for: .sample()) == header)
    }

    @Test func flippedFrameByteFailsTheZstdChecksum() throws {
        var bytes = try #require(HeaderCacheEntry.encode(header, for: .sample()))
        bytes[bytes.count - 100] ^= 0x40

        #expect(decodingError(bytes).map { if case .invalidFrame = $0 { true } else { false } } == true)
    }

    @Test func damagedMetadataIsCaughtByItsDigest() throws {
        let bytes = try #require(HeaderCacheEntry.encode(header, for: .sample()))
        let metadataEnd = 8 + 2 + 8 + 8 + HeaderCacheKey.sample().fields.reduce(0) { $0 + 4 + $1.utf8.count }

        #expect(decodingError(EntryDamage.flippedFileSizeByte.apply(to: bytes)) == .metadataDigestMismatch(offset: metadataEnd))
    }

    @Test func wrongMagicVersionAndKeyAreNamed() throws {
        let bytes = try #require(HeaderCacheEntry.encode(header, for: .sample()))
        var newerVersion = bytes
        newerVersion[8] = 2

        #expect(decodingError(EntryDamage.garbage.apply(to: bytes)) == .badMagic)
        #expect(decodingError(newerVersion) == .unsupportedVersion(2))
        #expect(decodingError(bytes, expecting: .sample(etag: "etag-2")) == .keyMismatch(field: "etag"))
        #expect(decodingError(Array(bytes.prefix(20))) == .truncated(field: "file size", offset: 18))
    }

    @Test func frameWithoutChecksumIsRejected() throws {
        let bytes = try #require(HeaderCacheEntry.encode(header, for: .sample()))
        let frameStart = try HeaderCacheEntry.decodeMetadata(bytes).byteCount
        var withoutChecksum = Array(bytes.dropLast(4))
        withoutChecksum[frameStart + 4] &= ~0x04  // the frame header descriptor's Content_Checksum_flag

        #expect(decodingError(withoutChecksum) == .invalidFrame(reason: "the frame has no checksum"))
    }

    @Test func storedLengthMustMatchTheFrame() throws {
        var record = HeaderCacheRecord(magic: HeaderCacheEntry.magic)
        record.append(UInt64(header.bytes.count + 1))
        record.append(header.fileSize)
        for field in HeaderCacheKey.sample().fields { record.append(field) }
        let bytes = try #require(record.sealed()) + #require(HeaderCacheCompression.compress(header.bytes))

        let stored = UInt64(header.bytes.count + 1)
        #expect(decodingError(bytes) == .lengthMismatch(stored: stored, frame: UInt64(header.bytes.count)))
    }

    private func decodingError(_ bytes: [UInt8], expecting key: HeaderCacheKey = .sample()) -> HeaderCacheEntryError? {
        do {
            _ = try HeaderCacheEntry.decode(bytes, expecting: key)
            return nil
        } catch {
            return error
        }
    }
}
