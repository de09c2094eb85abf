import FormatParsers
import Testing
import TestSupport

/// Inputs found by the fuzz targets in Tests/Fuzz, kept byte for byte, and the resource bounds the
/// fuzzers enforce (-malloc_limit_mb, -rss_limit_mb, -timeout) checked on small hostile files.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    /// Found by the GGUF target (incremental path following `.needsBytes`): the 8-byte prefix set
    /// big-endian, and the next call read the magic big-endian and reported a bad magic.
    @Test("a big-endian file fed in pieces keeps its magic")
    func bigEndianPreambleInPieces() throws {
        let file: [UInt8] = [
            0x47, 0x47, 0x55, 0x46, 0x00, 0x00, 0x00, 0x03,  // "GGUF", version 3 big-endian
            0, 0, 0, 0, 0, 0, 0, 0,  // 0 tensors
            0, 0, 0, 0, 0, 0, 0, 1,  // 1 metadata entry
            0, 0, 0, 0, 0, 0, 0, 1, 0x61,  // key "a"
            0, 0, 0, 0, 7,  // uint8 7
        ]
        var parser = GGUFParser(fileSize: UInt64(file.count))
        var length = 0
        while true {
            let step = try file[0..<length].withUnsafeBytes { try parser.parse($0) }
            switch step {
            case .needsBytes(let needed):
                try #require(needed > UInt64(length) && needed <= UInt64(file.count))
                length = Int(needed)
            case .complete(let index):
                #expect(index.isBigEndian && index.version == 3 && index.metadata.count == 1)
                let header = GGUFHeader(bytes: file, index: index)
                #expect(header.unsigned(forKey: "a") == 7)
                return
            }
        }
    }

    /// Found by the GGUF target's walk: the one tensor is empty (a dimension of 0) and the file ends
    /// before the data offset (96 of 82 bytes). Only tensor bytes must lie in the file, as in
    /// llama.cpp; this records that choice.
    @Test("a file whose tensors are all empty may end before its data offset")
    func emptyTensorsBeforeDataOffset() throws {
        var file: [UInt8] = [
            0x47, 0x47, 0x55, 0x46, 0x02, 0x00, 0x00, 0x00,  // "GGUF", version 2
            1, 0, 0, 0, 0, 0, 0, 0,  // 1 tensor
            0, 0, 0, 0, 0, 0, 0, 0,  // 0 metadata entries
            1, 0, 0, 0, 0, 0, 0, 0, 0x00,  // name "\0"
            3, 0, 0, 0,  // 3 dimensions
            0x00, 0x00, 0x00, 0x74, 0, 0, 0, 0,  // 0x7400_0000
            0, 0, 0, 0, 0, 0, 0, 0,  // 0
            0, 0, 0, 0, 0, 0, 0, 0,  // 0
            0, 0, 0, 0,  // F32
            0, 0, 0, 0, 0, 0, 0, 0,  // offset 0
        ]
        file += [UInt8](repeating: 0, count: 7) + [0x00, 0x30]
        let header = try GGUFHeader(parsing: file)
        #expect(file.count == 82 && header.dataOffset == 96)
        #expect(header.totals.parameters == 0 && header.totals.dataExtent == 0)
    }
}

/// Bytes of `value` in the chosen byte order.
private func encoded<T: FixedWidthInteger>(_ value: T, bigEndian: Bool = false) -> [UInt8] {
    withUnsafeBytes(of: bigEndian ? value.bigEndian : value.littleEndian) { Array($0) }
}

/// A GGUF v3 little-endian preamble.
private func preamble(tensors: UInt64, entries: UInt64) -> [UInt8] {
    Array("GGUF".utf8) + encoded(UInt32(3)) + encoded(tensors) + encoded(entries)
}

private func string(_ text: String) -> [UInt8] { encoded(UInt64(text.utf8.count)) + Array(text.utf8) }

/// `bytes` padded with `fill` to 100 bytes.
private func hundredBytes(_ bytes: [UInt8], fill: UInt8 = 0) -> [UInt8] {
    precondition(bytes.count <= 100)
    return bytes + [UInt8](repeating: fill, count: 100 - bytes.count)
}

@Suite("Resource bounds on 100-byte files")
struct SmallFileResourceTests {
    private static let limits = FormatLimits.default

    /// Each file declares the most one limit allows (or more), in 100 bytes.
    static let ggufFiles: [(String, [UInt8])] = [
        ("the most entries and tensors", preamble(tensors: limits.maxTensorCount, entries: limits.maxMetadataCount)),
        ("a key of the longest length", preamble(tensors: 0, entries: 1) + encoded(limits.maxStringLength)),
        ("a string value of the longest length", preamble(tensors: 0, entries: 1) + string("k") + encoded(UInt32(8)) + encoded(limits.maxStringLength)),
        ("the longest array of uint64", preamble(tensors: 0, entries: 1) + string("k") + encoded(UInt32(9)) + encoded(UInt32(10)) + encoded(limits.maxArrayLength)),
        ("the longest array of empty strings", preamble(tensors: 0, entries: 1) + string("k") + encoded(UInt32(9)) + encoded(UInt32(8)) + encoded(limits.maxArrayLength)),
        ("the longest array of longest arrays",
         preamble(tensors: 0, entries: 1) + string("k") + encoded(UInt32(9)) + encoded(UInt32(9)) + encoded(limits.maxArrayLength)
            + encoded(UInt32(10)) + encoded(limits.maxArrayLength)),
        ("arrays nested to the end", preamble(tensors: 0, entries: 1) + string("k") + encoded(UInt32(9)) + Array(repeating: encoded(UInt32(9)) + encoded(UInt64(1)), count: 5).flatMap { $0 }),
        ("a 2^60-element tensor", preamble(tensors: 1, entries: 0) + string("t") + encoded(UInt32(4)) + Array(repeating: encoded(UInt64(1) << 15), count: 4).flatMap { $0 } + encoded(UInt32(0)) + encoded(UInt64(0))),
        ("a tensor at offset 2^63", preamble(tensors: 1, entries: 0) + string("t") + encoded(UInt32(1)) + encoded(UInt64(1)) + encoded(UInt32(0)) + encoded(UInt64(1) << 63)),
    ]

    static let safetensorsFiles: [(String, [UInt8])] = [
        ("the longest header", encoded(limits.maxSafetensorsHeaderBytes) + Array("{".utf8)),
        ("a header over the limit", encoded(limits.maxSafetensorsHeaderBytes + 1) + Array("{".utf8)),
        ("JSON nested past the depth limit", encoded(UInt64(92)) + Array(repeating: UInt8(ascii: "["), count: 92)),
        ("a shape whose product overflows", encoded(UInt64(92)) + Array(#"{"t":{"dtype":"F64","shape":[18446744073709551615,2],"data_offsets":[0,0]}}"#.utf8)),
    ]

    @Test("hostile GGUF files are rejected at once", arguments: ggufFiles)
    func hostileGGUF(name: String, bytes: [UInt8]) {
        for fill: UInt8 in [0x00, 0xFF] {
            let file = hundredBytes(bytes, fill: fill)
            #expect(throws: FormatError.self, "\(name)") { try GGUFHeader(parsing: file) }
        }
    }

    @Test("hostile safetensors files are rejected at once", arguments: safetensorsFiles)
    func hostileSafetensors(name: String, bytes: [UInt8]) {
        let file = hundredBytes(bytes, fill: UInt8(ascii: " "))
        for fileSize in [nil, UInt64(file.count)] {
            #expect(throws: FormatError.self, "\(name)") { try SafetensorsHeader(parsing: file, fileSize: fileSize) }
        }
    }

    /// 100-byte files of random bytes behind each kind of valid preamble, parsed in one piece and
    /// byte by byte, never trap. Time and memory bounds are the fuzzers' to enforce (-timeout,
    /// -malloc_limit_mb), not a clock's in a unit test.
    @Test("random 100-byte files are rejected without trapping")
    func randomFiles() {
        var random = SeededGenerator(seed: 0x5EED)
        let preambles: [[UInt8]] = [
            Array("GGUF".utf8) + encoded(UInt32(1)) + encoded(UInt32(2)) + encoded(UInt32(3)),
            Array("GGUF".utf8) + encoded(UInt32(3), bigEndian: true) + encoded(UInt64(2), bigEndian: true) + encoded(UInt64(3), bigEndian: true),
            preamble(tensors: 2, entries: 3),
        ]
        for _ in 0..<1000 {
            for start in preambles {
                let file = start + (start.count..<100).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                _ = try? GGUFHeader(parsing: file)
                var parser = GGUFParser(fileSize: 100)
                for length in 0...file.count {
                    guard case .needsBytes? = try? file[0..<length].withUnsafeBytes({ try parser.parse($0) }) else { break }
                }
            }
        }
    }
}
