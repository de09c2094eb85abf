import ArgumentParser

/// A memory size from the command line: `24GiB`, `8GB`, `512MiB`, `1.5TiB`, or plain bytes.
/// Binary units (KiB, MiB, GiB, TiB) are powers of 1024; decimal units (KB, MB, GB, TB) powers of 1000.
public struct ByteSize: ExpressibleByArgument, Equatable, Sendable {
    public let bytes: UInt64

    public init(bytes: UInt64) { self.bytes = bytes }

    public init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces)
        let digits = text.prefix { $0.isNumber || $0 == "." }
        let unit = text.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        guard let value = Double(digits), value >= 0 else { return nil }
        let scale: Double
        switch unit {
        case "", "b": scale = 1
        case "kb", "k": scale = 1e3
        case "mb", "m": scale = 1e6
        case "gb", "g": scale = 1e9
        case "tb", "t": scale = 1e12
        case "kib": scale = 1024
        case "mib": scale = 1024 * 1024
        case "gib": scale = 1024 * 1024 * 1024
        case "tib": scale = 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        let bytes = (value * scale).rounded()
        guard bytes < Double(UInt64.max) else { return nil }
        self.bytes = UInt64(bytes)
    }

    public static var defaultCompletionKind: CompletionKind { .default }
}

import Foundation

extension KVCacheType: ExpressibleByArgument {}
extension Backend: ExpressibleByArgument {}
