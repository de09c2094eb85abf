/// Builds URL query strings and path segments, percent-encoding everything but RFC 3986's unreserved
/// characters, so that `+`, `&`, `/` and spaces in user input reach the server as typed.
enum URLQuery {
    /// `base` followed by `?` and the encoded items, or `base` alone when there are none.
    static func url(_ base: String, _ items: [(name: String, value: String)]) -> String {
        items.isEmpty ? base : "\(base)?\(string(items))"
    }

    /// `name=value` pairs joined with `&`, names and values encoded; an empty list gives "".
    static func string(_ items: [(name: String, value: String)]) -> String {
        items.map { "\(encode($0.name))=\(encode($0.value))" }.joined(separator: "&")
    }

    /// `text` with every byte outside `A-Z a-z 0-9 - . _ ~` written as `%XX`.
    static func encode(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            if isUnreserved(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
