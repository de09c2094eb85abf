import Foundation

/// Decoding for the shapes the marketplace APIs vary between responses.
extension KeyedDecodingContainer {
    /// An ISO 8601 timestamp, with or without fractional seconds ("2025-03-06T13:37:44.000Z").
    func decodeISO8601DateIfPresent(forKey key: Key) throws -> Date? {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        do {
            return try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "not an ISO 8601 date: \(text)")
        }
    }

    /// A list that some responses send as a single string (`"Sell"`) and others as an array (`["Sell", "Rent"]`).
    func decodeStringOrStringsIfPresent(forKey key: Key) throws -> [String]? {
        if let single = try? decodeIfPresent(String.self, forKey: key) {
            return [single]
        }
        return try decodeIfPresent([String].self, forKey: key)
    }
}
