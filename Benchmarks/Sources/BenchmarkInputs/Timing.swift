/// Repeats `body` after one warm-up call: at least `minimumRuns` times and until `budget` has passed
/// (at most `maximumRuns`). Returns each run's time.
public func timeRuns(
    minimumRuns: Int = 5, maximumRuns: Int = 10_000, budget: Duration = .seconds(1), _ body: () async throws -> Void
) async rethrows -> [Duration] {
    try await body()
    let clock = ContinuousClock()
    let start = clock.now
    var times: [Duration] = []
    while times.count < minimumRuns || (times.count < maximumRuns && clock.now - start < budget) {
        let runStart = clock.now
        try await body()
        times.append(clock.now - runStart)
    }
    return times
}

extension Duration {
    public var milliseconds: Double {
        Double(components.seconds) * 1e3 + Double(components.attoseconds) / 1e15
    }
}

extension Array where Element: Comparable {
    /// The middle element (the upper one of an even count); the array must not be empty.
    public var median: Element { sorted()[count / 2] }
}

/// The physical floor of parsing: copying the same bytes into a buffer that is already there.
public final class MemoryCopy {
    public let source: [UInt8]
    private var destination: [UInt8]

    public init(of source: [UInt8]) {
        self.source = source
        destination = [UInt8](repeating: 0, count: source.count)
    }

    public func run() {
        destination.withUnsafeMutableBytes { target in source.withUnsafeBytes { target.copyMemory(from: $0) } }
    }
}
