/// `model.safetensors.index.json`: which shard holds each tensor, and the declared total size.
public struct SafetensorsIndex: Equatable, Sendable {
    /// Distinct shard file names, sorted.
    public let shardFiles: [String]
    /// `metadata.total_size`, when present.
    public let totalSize: UInt64?
    /// Entries in `weight_map`.
    public let tensorCount: Int

    /// Parses the index JSON. Unknown fields are skipped (but validated as JSON).
    public init(parsing bytes: UnsafeRawBufferPointer, limits: FormatLimits = .default) throws(FormatError) {
        guard isValidUTF8(bytes) else { throw FormatError(.invalidUTF8, at: 0, subject: "index") }
        var scanner = JSONScanner(bytes, maxDepth: limits.maxNestingDepth)
        var files: [[UInt8]] = []
        var totalSize: UInt64?
        var tensorCount = 0
        var sawWeightMap = false
        if try !scanner.beginObject() {
            repeat {
                let key = try scanner.readKey()
                if bytes.equals(key.raw, "weight_map") {
                    sawWeightMap = true
                    if try !scanner.beginObject() {
                        repeat {
                            _ = try scanner.readKey()
                            files.append(bytes.decodedJSONBytes(try scanner.readString()))
                            tensorCount += 1
                        } while try scanner.continueContainer(closing: UInt8(ascii: "}"))
                    }
                } else if bytes.equals(key.raw, "metadata") {
                    if try scanner.skipNull() { continue }
                    if try !scanner.beginObject() {
                        repeat {
                            let field = try scanner.readKey()
                            if bytes.equals(field.raw, "total_size"), try scanner.peek() != UInt8(ascii: "n") {
                                totalSize = try scanner.readUnsignedInteger()
                            } else {
                                try scanner.skipValue(depth: 2)
                            }
                        } while try scanner.continueContainer(closing: UInt8(ascii: "}"))
                    }
                } else {
                    try scanner.skipValue(depth: 1)
                }
            } while try scanner.continueContainer(closing: UInt8(ascii: "}"))
        }
        try scanner.expectEnd()
        guard sawWeightMap else { throw FormatError(.missingField, at: 0, subject: "weight_map") }
        files.sort { $0.lexicographicallyPrecedes($1) }
        var distinct: [String] = []
        var previous: [UInt8]?
        for file in files where file != previous {
            distinct.append(String(decoding: file, as: UTF8.self))
            previous = file
        }
        self.shardFiles = distinct
        self.totalSize = totalSize
        self.tensorCount = tensorCount
    }

    public init(parsing bytes: [UInt8], limits: FormatLimits = .default) throws(FormatError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(FormatError) in try SafetensorsIndex(parsing: buffer, limits: limits) }
        }
        self = try result.get()
    }
}
