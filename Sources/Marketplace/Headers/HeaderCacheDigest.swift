/// 128-bit FNV-1a: a stable, dependency-free hash that names cache files and seals their metadata.
///
/// Not cryptographic. Entries also store their key and are checked against it on read,
/// so a collision costs a cache miss, never wrong bytes.
struct HeaderCacheDigest: Equatable {
    // The FNV-128 offset basis, 0x6C62272E07BB014262B821756295C58D.
    private var high: UInt64 = 0x6C62_272E_07BB_0142
    private var low: UInt64 = 0x62B8_2175_6295_C58D

    init(_ bytes: some Sequence<UInt8>) {
        update(bytes)
    }

    /// The digest of `fields`, each length-prefixed so that ("ab", "c") and ("a", "bc") differ.
    init(fields: [String]) {
        for field in fields {
            update(UInt64(field.utf8.count).littleEndianBytes)
            update(field.utf8)
        }
    }

    mutating func update(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            low ^= UInt64(byte)
            // Multiply by the FNV-128 prime 2^88 + 0x13B. FNV is defined modulo 2^128, so wrapping is intended.
            let lowProduct = low.multipliedFullWidth(by: 0x13B)
            high = high &* 0x13B &+ lowProduct.high &+ (low << 24)
            low = lowProduct.low
        }
    }

    /// The 16 digest bytes, most significant first.
    var bytes: [UInt8] {
        high.bigEndianBytes + low.bigEndianBytes
    }

    /// 32 lowercase hex digits, most significant first: a file name.
    var hex: String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return byte < 0x10 ? "0" + digits : digits
        }.joined()
    }
}

extension FixedWidthInteger {
    /// The integer's bytes, least significant first.
    var littleEndianBytes: [UInt8] {
        // Truncation keeps the byte just shifted to the bottom, which is the point.
        (0..<bitWidth / 8).map { UInt8(truncatingIfNeeded: self >> ($0 * 8)) }
    }

    /// The integer's bytes, most significant first.
    var bigEndianBytes: [UInt8] {
        littleEndianBytes.reversed()
    }
}
