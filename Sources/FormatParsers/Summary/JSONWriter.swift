/// A minimal JSON text builder: deterministic, escaping per RFC 8259, integers only.
public struct JSONWriter {
    public private(set) var text = ""
    private var needsComma = [false]

    public init() {}

    private mutating func separator() {
        if needsComma[needsComma.count - 1] { text += "," }
        needsComma[needsComma.count - 1] = true
    }

    public mutating func beginObject() { separator(); text += "{"; needsComma.append(false) }
    public mutating func endObject() { needsComma.removeLast(); text += "}" }
    public mutating func beginArray() { separator(); text += "["; needsComma.append(false) }
    public mutating func endArray() { needsComma.removeLast(); text += "]" }

    /// Writes `"name":` before the next value.
    public mutating func key(_ name: String) {
        separator()
        appendQuoted(name)
        text += ":"
        needsComma[needsComma.count - 1] = false
    }

    public mutating func string(_ value: String) { separator(); appendQuoted(value) }
    public mutating func integer(_ value: UInt64) { separator(); text += String(value) }
    public mutating func integer(_ value: Int) { separator(); text += String(value) }
    public mutating func bool(_ value: Bool) { separator(); text += value ? "true" : "false" }
    public mutating func null() { separator(); text += "null" }

    public mutating func field(_ name: String, _ value: String?) {
        key(name)
        if let value { string(value) } else { null() }
    }

    public mutating func field(_ name: String, _ value: UInt64?) {
        key(name)
        if let value { integer(value) } else { null() }
    }

    private mutating func appendQuoted(_ value: String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
