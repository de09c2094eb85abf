import ArgumentParser
import Foundation

/// The moment a manifest describes, to the second: written into every file and the reference for
/// CivitAI's period filters. Giving it (`--timestamp`) makes a run reproducible.
public struct ManifestTimestamp: Equatable, Sendable, ExpressibleByArgument {
    public let date: Date

    /// `date`, truncated to whole seconds.
    public init(_ date: Date) {
        self.date = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    /// An ISO 8601 date and time with a zone, with or without fractional seconds
    /// (`2025-06-01T12:00:00Z`, `2025-06-01T14:00:00.5+02:00`).
    public init?(argument: String) {
        let formatter = ISO8601DateFormatter()
        guard let date = formatter.date(from: argument) ?? {
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter.date(from: argument)
        }() else { return nil }
        self.init(date)
    }

    /// `2025-06-01T12:00:00Z`.
    public var text: String { Self.format(date) }

    /// `date` in UTC, to the second, as manifests write times.
    static func format(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
