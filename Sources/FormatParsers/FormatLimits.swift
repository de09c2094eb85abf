/// Resource bounds applied to untrusted headers, so a small crafted file cannot make
/// a parser allocate gigabytes or spin for seconds. Every limit is checked before
/// the work or memory it guards.
public struct FormatLimits: Equatable, Sendable {
    public enum Limit: Equatable, Sendable {
        case headerBytes, stringLength, arrayLength, nestingDepth, tensorCount, metadataCount, dimensions, parameters

        public var name: String {
            switch self {
            case .headerBytes: "header size"
            case .stringLength: "string length"
            case .arrayLength: "array length"
            case .nestingDepth: "nesting depth"
            case .tensorCount: "tensor count"
            case .metadataCount: "metadata count"
            case .dimensions: "dimension count"
            case .parameters: "parameter count"
            }
        }
    }

    /// Largest GGUF header (data offset) accepted: 512 MiB. Real headers are under 50 MB.
    public var maxGGUFHeaderBytes: UInt64 = 512 << 20
    /// Largest safetensors JSON header accepted, as the reference implementation: 100,000,000 bytes.
    public var maxSafetensorsHeaderBytes: UInt64 = 100_000_000
    /// Longest single string: 64 MiB (chat templates are tens of kB).
    public var maxStringLength: UInt64 = 64 << 20
    /// Most elements in one GGUF array: 2^26 (vocabularies have under 10^6).
    public var maxArrayLength: UInt64 = 1 << 26
    /// Deepest nesting of GGUF arrays or JSON containers.
    public var maxNestingDepth: Int = 64
    /// Most tensors in one file.
    public var maxTensorCount: UInt64 = 1 << 20
    /// Most metadata entries in one GGUF file.
    public var maxMetadataCount: UInt64 = 1 << 16
    /// Most dimensions of a safetensors tensor (GGUF allows 4, as GGML).
    public var maxSafetensorsDimensions: Int = 16
    /// A file cannot claim more parameters than this many times its size in bytes (1 bit per weight).
    public var maxParametersPerFileByte: UInt64 = 8

    public init() {}

    public static let `default` = FormatLimits()
}
