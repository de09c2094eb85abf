/// Where and why decoding JSON failed, for errors that name the field: shared by the API clients and
/// by `Compat`'s runtime matrix loader.
extension DecodingError {
    /// The field, in the form `modelVersions[0].files[1].sizeKB`; empty for the document itself.
    public var fieldPath: String {
        let path: [any CodingKey] = switch self {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            context.codingPath
        case .keyNotFound(let key, let context):
            context.codingPath + [key]
        @unknown default:
            []
        }
        return path.reduce(into: "") { text, key in
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
    }

    /// What went wrong, without the coding path (which `fieldPath` gives).
    public var problem: String {
        switch self {
        case .typeMismatch(let type, let context): "expected \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context): "missing \(type): \(context.debugDescription)"
        case .keyNotFound(let key, _): "missing field \(key.stringValue)"
        case .dataCorrupted(let context): context.debugDescription
        @unknown default: "\(self)"
        }
    }
}
