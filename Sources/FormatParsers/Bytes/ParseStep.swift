/// The answer of an incremental parser given a prefix of a file.
public enum ParseStep<Result> {
    /// The header is complete inside the prefix.
    case complete(Result)
    /// The prefix is too short: at least this many bytes from the start of the file are needed.
    case needsBytes(UInt64)
}

extension ParseStep: Sendable where Result: Sendable {}
