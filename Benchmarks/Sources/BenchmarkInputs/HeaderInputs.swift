import FormatParsers
import TestSupport

/// A header to parse: the first bytes of a model file, and the size of the whole file.
public struct HeaderInput: Sendable {
    /// A short identifier, also the stem of the files `compat-bench write-inputs` writes.
    public let name: String
    public let summary: String
    public let format: ModelFileFormat
    /// For GGUF the bytes up to the end of the tensor infos; for safetensors `8 + N`.
    public let headerBytes: [UInt8]
    public let fileSize: UInt64

    public init(name: String, summary: String, format: ModelFileFormat, headerBytes: [UInt8], fileSize: UInt64) {
        self.name = name
        self.summary = summary
        self.format = format
        self.headerBytes = headerBytes
        self.fileSize = fileSize
    }

    /// Parses the header as compat does, checked against the whole file's size.
    public func parse() throws(FormatError) -> ModelHeader {
        switch format {
        case .gguf: .gguf(try GGUFHeader(parsing: headerBytes, fileSize: fileSize))
        case .safetensors: .safetensors(try SafetensorsHeader(parsing: headerBytes, fileSize: fileSize))
        }
    }
}

/// The headers the parse benchmarks read: one real file and three synthetic ones of known size.
public enum HeaderInputs {
    /// The fixture path of the real GPT-2 vocabulary GGUF, relative to the fixtures folder.
    static let gpt2VocabularyFixture = "gguf/ggml-vocab-gpt-2.gguf"

    /// Whether the shared fixtures folder is there (else the real-file benchmarks are skipped).
    public static var fixturesAvailable: Bool { Fixtures.root != nil }

    /// The real GPT-2 vocabulary GGUF from the shared fixtures (`$COMPAT_FIXTURES` or `../shared/fixtures`);
    /// nil when they are absent.
    public static func gpt2Vocabulary() throws -> HeaderInput? {
        guard Fixtures.root != nil else { return nil }
        let bytes = try Fixtures.bytes(gpt2VocabularyFixture)
        return HeaderInput(
            name: "gguf-gpt2-vocab", summary: "GGUF, real: ggml-vocab-gpt-2.gguf (50,257 tokens, 50,000 merges)",
            format: .gguf, headerBytes: bytes, fileSize: UInt64(bytes.count))
    }

    /// A Llama-3-8B-sized GGUF header: 128,256 tokens, 280,147 merges, 291 Q8_0 tensor infos.
    public static func llama3GGUF() -> HeaderInput {
        let writer = HubRepositories.llama3(.q8_0, fileType: 7)
        return HeaderInput(
            name: "gguf-llama3", summary: "GGUF, synthetic Llama-3-8B header (128,256 tokens, 280,147 merges)",
            format: .gguf, headerBytes: writer.headerBytes(), fileSize: writer.fileSize)
    }

    /// A safetensors header of about 10 kB: ten Llama blocks of BF16 tensors.
    public static func smallSafetensors() -> HeaderInput {
        safetensors(SyntheticModels.llamaSafetensors(layers: 10), name: "safetensors-10kB", summary: "safetensors, 10 kB header (90 tensors)")
    }

    /// A safetensors header of about 10 MB: tens of thousands of small tensors, as in a large mixture of experts.
    public static func largeSafetensors() -> HeaderInput {
        safetensors(
            SyntheticModels.llamaSafetensors(layers: 11_000, embedding: 8, feedForward: 16, kvWidth: 8),
            name: "safetensors-10MB", summary: "safetensors, 10 MB header (99,000 tensors)")
    }

    /// Every input, the fixture first when present.
    public static func all() throws -> [HeaderInput] {
        try [gpt2Vocabulary()].compactMap { $0 } + [llama3GGUF(), smallSafetensors(), largeSafetensors()]
    }

    private static func safetensors(_ writer: SafetensorsWriter, name: String, summary: String) -> HeaderInput {
        let header = writer.headerBytes()
        return HeaderInput(
            name: name, summary: summary, format: .safetensors, headerBytes: header,
            fileSize: UInt64(header.count) + writer.dataBytes)
    }
}
