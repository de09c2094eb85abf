/// The two model file formats compat reads.
public enum ModelFileFormat: String, Sendable {
    case gguf, safetensors

    /// The format implied by a file name, or nil.
    public init?(fileName: String) {
        if fileName.hasSuffix(".gguf") { self = .gguf } else if fileName.hasSuffix(".safetensors") { self = .safetensors } else { return nil }
    }

    /// The format implied by a file's first bytes ("GGUF" magic, or a safetensors length
    /// followed by `{`), or nil when the bytes say neither.
    public init?(sniffing prefix: UnsafeRawBufferPointer) {
        if prefix.count >= 4, prefix.loadUnaligned(as: UInt32.self) == UInt32(littleEndian: 0x4655_4747) {
            self = .gguf
        } else if prefix.count >= 9, prefix[8] == UInt8(ascii: "{") {
            self = .safetensors
        } else {
            return nil
        }
    }

    /// The format the file name's extension names, else the one its first bytes show: how
    /// `compat-cli inspect` and the WebAssembly module decide.
    public init?(fileName: String, sniffing prefix: UnsafeRawBufferPointer) {
        guard let format = ModelFileFormat(fileName: fileName) ?? ModelFileFormat(sniffing: prefix) else { return nil }
        self = format
    }
}

/// A parsed header of either format.
public enum ModelHeader: Sendable {
    case gguf(GGUFHeader)
    case safetensors(SafetensorsHeader)

    /// Bytes a reader needs from the start of the file: the GGUF data offset, or `8 + N`.
    public var headerBytes: UInt64 {
        switch self {
        case .gguf(let header): header.dataOffset
        case .safetensors(let header): header.headerBytes
        }
    }

    public var parameters: UInt64 {
        switch self {
        case .gguf(let header): header.totals.parameters
        case .safetensors(let header): header.totals.parameters
        }
    }

    public var tensorDataBytes: UInt64 {
        switch self {
        case .gguf(let header): header.totals.tensorDataBytes
        case .safetensors(let header): header.totals.tensorDataBytes
        }
    }
}

/// Drives the right incremental parser over a growing prefix of one file.
///
/// Give it the bytes read so far; it answers with the header or with how many bytes from the
/// start it needs. Work already done is not repeated.
public struct HeaderAssembler {
    public let format: ModelFileFormat
    public let fileSize: UInt64?
    private var gguf: GGUFParser
    private let limits: FormatLimits

    public init(format: ModelFileFormat, fileSize: UInt64?, limits: FormatLimits = .default) {
        self.format = format
        self.fileSize = fileSize
        self.limits = limits
        self.gguf = GGUFParser(fileSize: fileSize, limits: limits)
    }

    /// After a `.needsBytes` answer, a guess at the whole header's size (at least the answer).
    public private(set) var estimatedHeaderBytes: UInt64 = 0

    /// `prefix` holds the file's first bytes; each call's prefix extends the previous one.
    public mutating func step(_ prefix: [UInt8]) throws(FormatError) -> ParseStep<ModelHeader> {
        let format = self.format
        let fileSize = self.fileSize
        let limits = self.limits
        var parser = gguf
        let result = prefix.withUnsafeBytes { buffer in
            Result { () throws(FormatError) -> ParseStep<ModelHeader> in
                switch format {
                case .gguf:
                    switch try parser.parse(buffer) {
                    case .needsBytes(let count): return .needsBytes(count)
                    case .complete(let index):
                        // Keep only the header bytes, not any data read along with them.
                        return .complete(.gguf(GGUFHeader(bytes: Array(buffer[0..<index.tensorInfoEnd]), index: index)))
                    }
                case .safetensors:
                    switch try SafetensorsHeader.parse(prefix: buffer, fileSize: fileSize, limits: limits) {
                    case .needsBytes(let count): return .needsBytes(count)
                    case .complete(let header): return .complete(.safetensors(header))
                    }
                }
            }
        }
        gguf = parser
        let step = try result.get()
        if case .needsBytes(let needed) = step {
            estimatedHeaderBytes = format == .gguf ? max(needed, parser.estimatedHeaderBytes) : needed
        }
        return step
    }
}
