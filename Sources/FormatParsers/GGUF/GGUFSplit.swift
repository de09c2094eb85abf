/// A split GGUF file name, `NAME-00001-of-00003.gguf` (llama.cpp's `gguf-split` naming).
public struct GGUFSplitName: Equatable, Sendable {
    /// The part before `-00001-of-00003.gguf`, including any directory.
    public let prefix: String
    /// One-based part number.
    public let number: Int
    public let count: Int

    /// Recognises a split file name; nil for any other name.
    public init?(_ path: String) {
        let suffix = ".gguf"
        guard path.hasSuffix(suffix) else { return nil }
        let stem = Array(path.utf8.dropLast(suffix.utf8.count))
        // "-" 5 digits "-of-" 5 digits = 15 bytes.
        guard stem.count > 15 else { return nil }
        let tail = stem[(stem.count - 15)...]
        guard tail[tail.startIndex] == UInt8(ascii: "-"),
              Array(tail[(tail.startIndex + 6)..<(tail.startIndex + 10)]) == Array("-of-".utf8),
              let number = Self.decimal(tail[(tail.startIndex + 1)..<(tail.startIndex + 6)]),
              let count = Self.decimal(tail[(tail.startIndex + 10)...]),
              number >= 1, number <= count
        else { return nil }
        self.prefix = String(decoding: stem[..<(stem.count - 15)], as: UTF8.self)
        self.number = number
        self.count = count
    }

    private static func decimal(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))  // at most 5 digits
        }
        return value
    }

    /// The name of part `number` (one-based) of the same split.
    public func partName(_ number: Int) -> String {
        prefix + "-" + Self.padded(number) + "-of-" + Self.padded(count) + ".gguf"
    }

    /// Every part's file name, in order.
    public var allPartNames: [String] { (1...count).map(partName) }

    private static func padded(_ value: Int) -> String {
        var digits = ""
        var rest = value
        for _ in 0..<5 {
            digits = String(Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8(rest % 10)))) + digits
            rest /= 10
        }
        return digits
    }
}

/// The `split.*` keys of a split GGUF part.
public struct GGUFSplitInfo: Equatable, Sendable {
    /// Zero-based part index (`split.no`).
    public let partIndex: UInt64
    /// Number of parts (`split.count`).
    public let partCount: UInt64
    /// Tensors over all parts (`split.tensors.count`).
    public let totalTensorCount: UInt64?

    public init(partIndex: UInt64, partCount: UInt64, totalTensorCount: UInt64?) {
        self.partIndex = partIndex
        self.partCount = partCount
        self.totalTensorCount = totalTensorCount
    }
}

extension GGUFHeader {
    /// The split keys, when this file is one part of a split model.
    public var split: GGUFSplitInfo? {
        guard let index = unsigned(forKey: "split.no"), let count = unsigned(forKey: "split.count"), count > 0 else { return nil }
        return GGUFSplitInfo(partIndex: index, partCount: count, totalTensorCount: unsigned(forKey: "split.tensors.count"))
    }
}
