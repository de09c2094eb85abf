/// How large a model is, by its true parameter count.
public enum SizeClass: String, CaseIterable, Codable, Sendable {
    case small, medium, large

    /// The class of a model with `parameters` true parameters (for mixture-of-experts models, all
    /// experts count: they all have to be in memory).
    public init(parameters: UInt64, thresholds: SizeClassThresholds = .default) {
        if parameters < thresholds.mediumFrom {
            self = .small
        } else if parameters < thresholds.largeFrom {
            self = .medium
        } else {
            self = .large
        }
    }
}

/// Where the size classes begin, in parameters.
public struct SizeClassThresholds: Equatable, Codable, Sendable {
    /// The smallest medium model.
    public var mediumFrom: UInt64
    /// The smallest large model.
    public var largeFrom: UInt64

    public init(mediumFrom: UInt64, largeFrom: UInt64) {
        self.mediumFrom = mediumFrom
        self.largeFrom = largeFrom
    }

    /// Small below 7B parameters, medium below 20B, large from 20B.
    public static let `default` = SizeClassThresholds(mediumFrom: 7_000_000_000, largeFrom: 20_000_000_000)
}
