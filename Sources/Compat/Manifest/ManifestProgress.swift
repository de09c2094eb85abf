import Foundation
import Marketplace

/// A run's progress on standard error: a bar redrawn in place on a terminal, a plain line every few
/// seconds otherwise, nothing when quiet. Shows the phase, models done of total, bytes read,
/// requests made and the rate.
final class ManifestProgress: @unchecked Sendable {
    enum Style: Sendable {
        case bar, lines, silent

        /// A bar when standard error is a terminal, else lines; silent when `quiet`.
        static func forStandardError(quiet: Bool) -> Style {
            quiet ? .silent : isatty(STDERR_FILENO) == 1 ? .bar : .lines
        }

        var redrawInterval: Duration {
            self == .bar ? .milliseconds(250) : .seconds(5)
        }
    }

    /// What a progress line shows.
    struct Snapshot: Sendable {
        var phase: String
        var done: Int
        var total: Int?
        var transfers: HTTPTransferStats
        var seconds: Double
    }

    private let style: Style
    private let transfers: @Sendable () -> HTTPTransferStats
    private let lock = NSLock()
    // Guarded by `lock`.
    private var phase = ""
    private var done = 0
    private var total: Int?
    private var phaseStart = ContinuousClock.now
    private var ticker: Task<Void, Never>?

    /// `transfers` reports the HTTP traffic so far.
    init(style: Style, transfers: @escaping @Sendable () -> HTTPTransferStats) {
        self.style = style
        self.transfers = transfers
    }

    /// Starts a phase: `total` models to go through, or nil when not known yet.
    func begin(_ phase: String, total: Int?) {
        guard style != .silent else { return }
        // The bar of the phase before stays on its own line, complete.
        if style == .bar, lock.withLock({ !self.phase.isEmpty }) {
            redraw()
            Self.write("\n")
        }
        lock.withLock {
            self.phase = phase
            done = 0
            self.total = total
            phaseStart = .now
            if ticker == nil { ticker = Task { [weak self] in await self?.redrawUntilCancelled() } }
        }
        redraw()
    }

    /// One more model done.
    func advance() {
        lock.withLock { done += 1 }
    }

    /// `done` models done.
    func advance(to done: Int) {
        lock.withLock { self.done = done }
    }

    /// Stops redrawing, ends the bar's line, and prints `summary` if any.
    func finish(summary: String?) {
        guard style != .silent else { return }
        let ticker = lock.withLock { () -> Task<Void, Never>? in
            defer { self.ticker = nil }
            return self.ticker
        }
        ticker?.cancel()
        if style == .bar {
            redraw()
            Self.write("\n")
        }
        if let summary { Self.write(summary + "\n") }
    }

    private func redrawUntilCancelled() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: style.redrawInterval)
            if !Task.isCancelled { redraw() }
        }
    }

    private func redraw() {
        let transfers = transfers()
        let snapshot = lock.withLock {
            Snapshot(phase: phase, done: done, total: total, transfers: transfers, seconds: Self.seconds(ContinuousClock.now - phaseStart))
        }
        switch style {
        case .bar: Self.write("\r\u{1B}[2K" + Self.bar(snapshot))
        case .lines: Self.write(Self.line(snapshot) + "\n")
        case .silent: break
        }
    }

    // MARK: Rendering

    static let barWidth = 24

    /// `reading Hugging Face headers [######------------------] 120/500 · 3.2 MiB · 812 requests · 12.3 models/s`
    static func bar(_ snapshot: Snapshot) -> String {
        var parts = [snapshot.phase]
        if let total = snapshot.total, total > 0 {
            let filled = min(barWidth, barWidth * snapshot.done / total)
            parts.append("[" + String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled) + "]")
        }
        return parts.joined(separator: " ") + " " + details(snapshot).joined(separator: " · ")
    }

    /// `reading Hugging Face headers: 120/500 · 3.2 MiB · 812 requests · 12.3 models/s`
    static func line(_ snapshot: Snapshot) -> String {
        snapshot.phase + ": " + details(snapshot).joined(separator: " · ")
    }

    private static func details(_ snapshot: Snapshot) -> [String] {
        var details: [String] = []
        if let total = snapshot.total { details.append("\(snapshot.done)/\(total)") }
        details.append(Formatting.bytes(UInt64(max(snapshot.transfers.bytesReceived, 0))))
        details.append(counted(snapshot.transfers.requests, "request"))
        if snapshot.total != nil, snapshot.seconds > 0 {
            details.append(Formatting.oneDecimal(Double(snapshot.done) / snapshot.seconds) + " models/s")
        }
        return details
    }

    /// `1 request`, `2 requests`.
    static func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
