/// The per-file facts `compat-cli inspect --json` prints (and the WebAssembly build returns),
/// written by one function so every front end emits the same keys.
public enum HeaderSummary {
    /// Writes one file's summary object.
    public static func write(_ header: ModelHeader, path: String, into json: inout JSONWriter) {
        json.beginObject()
        json.field("path", path)
        switch header {
        case .gguf(let gguf):
            json.field("format", "gguf")
            writeCommon(header, tensorCount: gguf.tensorCount, into: &json)
            let totals = gguf.totals
            let types = totals.presentTypes
            writeCounts("parameterCountsByType", types.map { ($0.nameString, totals.elementCounts[Int($0.id)]) }, into: &json)
            writeCounts("tensorCountsByType", types.map { ($0.nameString, totals.tensorCounts[Int($0.id)]) }, into: &json)
            json.field("version", UInt64(gguf.version))
            json.field("metadataCount", UInt64(gguf.metadata.count))
            json.field("architecture", gguf.architecture)
            json.field("alignment", gguf.index.alignment)
            json.field("dataOffset", gguf.dataOffset)
            json.field("fileType", gguf.fileType.map { $0.name ?? "UNKNOWN_\($0.rawValue)" })
            json.field("vocabularySize", gguf.vocabularySize)
            json.field("contextLength", gguf.contextLength)
            json.field("blockCount", gguf.blockCount)
            json.key("bigEndian")
            json.bool(gguf.index.isBigEndian)
        case .safetensors(let safetensors):
            json.field("format", "safetensors")
            writeCommon(header, tensorCount: UInt64(safetensors.tensors.count), into: &json)
            let totals = safetensors.totals
            let dtypes = totals.presentDTypes
            writeCounts("parameterCountsByType", dtypes.map { ($0.nameString, totals.elementCounts[$0.id]) }, into: &json)
            writeCounts("tensorCountsByType", dtypes.map { ($0.nameString, totals.tensorCounts[$0.id]) }, into: &json)
            json.key("metadata")
            if let entries = safetensors.metadataEntries {
                json.beginObject()
                for (key, value) in entries {
                    json.field(safetensors.string(key), safetensors.string(value))
                }
                json.endObject()
            } else {
                json.null()
            }
        }
        json.endObject()
    }

    /// Writes the error object for a file whose header is invalid.
    public static func write(_ error: FormatError, path: String, into json: inout JSONWriter) {
        writeError(kind: error.kindName, offset: error.offset, message: error.description, path: path, into: &json)
    }

    /// The error kind and message for a file that is neither GGUF nor safetensors.
    public static let unknownFormatKind = "unknownFormat"
    public static func unknownFormatMessage(path: String) -> String { "\(path): not a GGUF or safetensors file" }

    /// Writes `{"path", "error": {"kind", "offset", "message"}}`; `offset` is null for failures
    /// that are not about a byte of the file (a missing file, an unknown format).
    public static func writeError(kind: String, offset: UInt64?, message: String, path: String, into json: inout JSONWriter) {
        json.beginObject()
        json.field("path", path)
        json.key("error")
        json.beginObject()
        json.field("kind", kind)
        json.field("offset", offset)
        json.field("message", message)
        json.endObject()
        json.endObject()
    }

    private static func writeCommon(_ header: ModelHeader, tensorCount: UInt64, into json: inout JSONWriter) {
        json.field("parameters", header.parameters)
        json.field("tensorCount", tensorCount)
        json.field("headerBytes", header.headerBytes)
        json.field("tensorDataBytes", header.tensorDataBytes)
    }

    private static func writeCounts(_ name: String, _ counts: [(String, UInt64)], into json: inout JSONWriter) {
        json.key(name)
        json.beginObject()
        for (type, count) in counts { json.field(type, count) }
        json.endObject()
    }
}
