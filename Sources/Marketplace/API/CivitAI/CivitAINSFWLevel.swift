/// CivitAI's content ratings, as the bit flags its API uses: None = 1, Soft = 2, Mature = 4, X = 8, XXX = 16.
///
/// An image has one level; a model's `nsfwLevel` is the union of its images' levels (7 = safe, soft and mature).
/// CivitAI's "None" is `.safe` here, because `.none` would read as `Optional.none`.
public struct CivitAINSFWLevel: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }

    /// No mature content ("None", PG).
    public static let safe = CivitAINSFWLevel(rawValue: 1)
    /// Suggestive ("Soft", PG-13).
    public static let soft = CivitAINSFWLevel(rawValue: 2)
    /// "Mature" (R).
    public static let mature = CivitAINSFWLevel(rawValue: 4)
    /// Explicit ("X").
    public static let x = CivitAINSFWLevel(rawValue: 8)
    /// Extreme ("XXX").
    public static let xxx = CivitAINSFWLevel(rawValue: 16)
    /// Every level.
    public static let all: CivitAINSFWLevel = [.safe, .soft, .mature, .x, .xxx]

    /// Decodes the three shapes responses use: the bitmask number (`"nsfwLevel": 7`), a level name
    /// (`"nsfwLevel": "Mature"`, `"nsfw": "None"`), or the legacy flag (`"nsfw": false`). The legacy
    /// `true` decodes as `.x`, the highest level the legacy names had, so that it is only shown when
    /// explicit content is allowed.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = flag ? .x : .safe
        } else if let bits = try? container.decode(Int.self) {
            self.init(rawValue: bits)
        } else {
            let name = try container.decode(String.self)
            guard let level = Self.levelsByName[name] else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "unknown NSFW level \"\(name)\"")
            }
            self = level
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    private static let levelsByName: [String: CivitAINSFWLevel] = [
        "None": .safe, "Soft": .soft, "Mature": .mature, "X": .x, "XXX": .xxx,
    ]
}
