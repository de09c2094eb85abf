/// Why a header was rejected, and where.
///
/// `offset` is the byte offset from the start of the file where the problem was found;
/// `subject` names the key, tensor or field involved when there is one.
public struct FormatError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// The first bytes are not a GGUF magic.
        case badMagic
        case unsupportedVersion(UInt32)
        /// The file ends before the header does; `needed` bytes from the start were required.
        case truncated(needed: UInt64)
        case unknownValueType(UInt32)
        case unknownTensorType(UInt32)
        case invalidUTF8
        case emptyKey
        case tooManyDimensions(UInt32)
        /// A product or sum of sizes does not fit in 64 bits.
        case arithmeticOverflow
        case limitExceeded(FormatLimits.Limit)
        case invalidAlignment(UInt64)
        case invalidValue
        /// A tensor's dimension is not a multiple of its type's block size.
        case misalignedBlocks
        /// Tensor data lies outside the data section or overlaps another tensor.
        case invalidTensorOffset
        case duplicateName
        case invalidJSON(JSONSyntaxError)
        case unknownDType
        case missingField
        /// The declared file size does not match the header.
        case sizeMismatch(expected: UInt64, actual: UInt64)
    }

    public var kind: Kind
    public var offset: UInt64
    public var subject: String

    public init(_ kind: Kind, at offset: UInt64, subject: String = "") {
        self.kind = kind
        self.offset = offset
        self.subject = subject
    }

    init(_ kind: Kind, at offset: Int, subject: String = "") {
        self.init(kind, at: UInt64(offset), subject: subject)
    }

    /// A stable machine name for the kind, used in JSON output.
    public var kindName: String {
        switch kind {
        case .badMagic: "badMagic"
        case .unsupportedVersion: "unsupportedVersion"
        case .truncated: "truncated"
        case .unknownValueType: "unknownValueType"
        case .unknownTensorType: "unknownTensorType"
        case .invalidUTF8: "invalidUTF8"
        case .emptyKey: "emptyKey"
        case .tooManyDimensions: "tooManyDimensions"
        case .arithmeticOverflow: "arithmeticOverflow"
        case .limitExceeded: "limitExceeded"
        case .invalidAlignment: "invalidAlignment"
        case .invalidValue: "invalidValue"
        case .misalignedBlocks: "misalignedBlocks"
        case .invalidTensorOffset: "invalidTensorOffset"
        case .duplicateName: "duplicateName"
        case .invalidJSON: "invalidJSON"
        case .unknownDType: "unknownDType"
        case .missingField: "missingField"
        case .sizeMismatch: "sizeMismatch"
        }
    }

    public var description: String {
        let what: String
        switch kind {
        case .badMagic: what = "not a GGUF file (bad magic)"
        case .unsupportedVersion(let version): what = "unsupported version \(version)"
        case .truncated(let needed): what = "file ends early: the header needs at least \(needed) bytes"
        case .unknownValueType(let type): what = "unknown metadata value type \(type)"
        case .unknownTensorType(let type): what = "unknown tensor type \(type)"
        case .invalidUTF8: what = "invalid UTF-8"
        case .emptyKey: what = "empty metadata key"
        case .tooManyDimensions(let count): what = "\(count) dimensions is more than allowed"
        case .arithmeticOverflow: what = "size does not fit in 64 bits"
        case .limitExceeded(let limit): what = "exceeds the \(limit.name) limit"
        case .invalidAlignment(let value): what = "invalid alignment \(value)"
        case .invalidValue: what = "invalid value"
        case .misalignedBlocks: what = "dimension is not a multiple of the type's block size"
        case .invalidTensorOffset: what = "tensor data offset is invalid"
        case .duplicateName: what = "duplicate name"
        case .invalidJSON(let error): what = "invalid JSON: \(error.description)"
        case .unknownDType: what = "unknown dtype"
        case .missingField: what = "missing field"
        case .sizeMismatch(let expected, let actual): what = "size mismatch: header implies \(expected) bytes, file has \(actual)"
        }
        return subject.isEmpty ? "\(what) at byte \(offset)" : "\(what) at byte \(offset) (\(subject))"
    }
}
