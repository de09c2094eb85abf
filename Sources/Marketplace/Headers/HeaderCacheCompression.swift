import CZstd

/// zstd frames for cache entries, through the libzstd C API.
///
/// Frames are written with a content size and a checksum, and a frame is only accepted whole:
/// it must span its input exactly, declare a checksum, declare the expected length, and
/// decompress to exactly that many bytes with a matching checksum.
enum HeaderCacheCompression {
    /// zstd's default level: fast, and headers (JSON, string tables) still shrink several times.
    static let level: Int32 = 3

    /// `bytes` as one zstd frame, or nil when libzstd fails (out of memory).
    static func compress(_ bytes: [UInt8]) -> [UInt8]? {
        guard let context = ZSTD_createCCtx() else { return nil }
        defer { ZSTD_freeCCtx(context) }
        guard ZSTD_isError(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)) == 0,
              ZSTD_isError(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)) == 0
        else { return nil }

        var frame = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
        let frameLength = frame.withUnsafeMutableBytes { output in
            bytes.withUnsafeBytes { input in
                ZSTD_compress2(context, output.baseAddress, output.count, input.baseAddress, input.count)
            }
        }
        guard ZSTD_isError(frameLength) == 0 else { return nil }
        frame.removeSubrange(frameLength...)
        return frame
    }

    /// The bytes in `frame`, which must decode to exactly `expectedLength` bytes.
    static func decompress(_ frame: ArraySlice<UInt8>, expectedLength: UInt64) throws(HeaderCacheEntryError) -> [UInt8] {
        try validateFrameHeader(frame, expectedLength: expectedLength)
        var bytes = [UInt8](repeating: 0, count: Int(expectedLength))
        let decodedLength = bytes.withUnsafeMutableBytes { output in
            frame.withUnsafeBytes { input in
                ZSTD_decompress(output.baseAddress, output.count, input.baseAddress, input.count)
            }
        }
        if ZSTD_isError(decodedLength) != 0 { throw .invalidFrame(reason: errorName(decodedLength)) }
        guard UInt64(decodedLength) == expectedLength else {
            throw .lengthMismatch(stored: expectedLength, frame: UInt64(decodedLength))
        }
        return bytes
    }

    /// Checks, before allocating anything, that `frame` is one whole checksummed frame of `expectedLength` bytes.
    private static func validateFrameHeader(_ frame: ArraySlice<UInt8>, expectedLength: UInt64) throws(HeaderCacheEntryError) {
        let (spannedLength, contentLength) = frame.withUnsafeBytes { input in
            (ZSTD_findFrameCompressedSize(input.baseAddress, input.count),
             ZSTD_getFrameContentSize(input.baseAddress, input.count))
        }
        if ZSTD_isError(spannedLength) != 0 { throw .invalidFrame(reason: errorName(spannedLength)) }
        guard spannedLength == frame.count else {
            throw .invalidFrame(reason: "the frame spans \(spannedLength) of the \(frame.count) bytes after the metadata")
        }
        // RFC 8878 §3.1.1.1.1: byte 4 is the frame header descriptor; bit 2 is Content_Checksum_flag.
        // A frame this short was already rejected by ZSTD_findFrameCompressedSize.
        guard frame[frame.startIndex + 4] & 0x04 != 0 else {
            throw .invalidFrame(reason: "the frame has no checksum")
        }
        // ZSTD_CONTENTSIZE_UNKNOWN and _ERROR are near 2^64, so they never equal a plausible stored length.
        guard contentLength == expectedLength else {
            throw .lengthMismatch(stored: expectedLength, frame: contentLength)
        }
    }

    private static func errorName(_ code: Int) -> String {
        String(cString: ZSTD_getErrorName(code))
    }
}
