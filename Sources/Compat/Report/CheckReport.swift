import Foundation

/// The `check --json` object: the model, its variants, and the verdict.
public struct CheckReport: Codable, Sendable, Equatable {
    public struct Variant: Codable, Sendable, Equatable {
        public var name: String
        public var files: [VariantFileReport]
        public var sizeBytes: UInt64
        public var parameters: UInt64
        public var activeParameters: UInt64?
        public var bitsPerWeight: Double?
        public var quantization: String?
        public var quantizationInferred: Bool
        public var memory: MemoryEstimate
        public var fits: Bool?
        public var loadable: Bool
        public var loadProblems: [String]
        public var offload: OffloadPlan?
    }

    public struct Verdict: Codable, Sendable, Equatable {
        public var compatible: Bool
        public var confidence: Confidence
        public var reasons: [String]
        public var warnings: [String]
        public var recommendations: [String]
    }

    public struct Failure: Codable, Sendable, Equatable {
        public var path: String
        public var message: String
    }

    public var repo: String
    public var revision: String?
    public var commit: String?
    public var source: String
    public var format: String?
    public var architecture: String?
    public var parameters: UInt64?
    public var activeParameters: UInt64?
    public var contextLength: UInt64?
    public var variants: [Variant]
    public var recommendedVariant: String?
    public var compatibility: Verdict
    public var failures: [Failure]
    public var headerRequests: Int
    public var headerBytesTransferred: UInt64

    public init(analysis: ModelAnalysis, result: CompatibilityResult) {
        repo = analysis.repo
        revision = analysis.revision
        commit = analysis.commit
        source = analysis.source
        format = analysis.format
        // Model-level facts come from the largest variant, the one closest to the original weights.
        let reference = result.variants.max { $0.facts.parameters < $1.facts.parameters }?.facts
        architecture = reference?.architecture
        parameters = reference?.parameters
        activeParameters = reference?.activeParameters
        contextLength = reference?.contextLength
        // Best quality first, as people choose.
        let ordered = result.variants.sorted { ($0.qualityScore, $1.name) > ($1.qualityScore, $0.name) }
        variants = ordered.map { variant in
            Variant(
                name: variant.name, files: variant.files, sizeBytes: variant.sizeBytes, parameters: variant.facts.parameters,
                activeParameters: variant.facts.activeParameters, bitsPerWeight: variant.facts.bitsPerWeight.map(Self.rounded),
                quantization: variant.facts.quantization?.name, quantizationInferred: variant.facts.quantization?.source == .inferred,
                memory: variant.memory, fits: variant.fits, loadable: variant.loadable, loadProblems: variant.loadProblems,
                offload: variant.offload)
        }
        recommendedVariant = result.recommendedVariant
        compatibility = Verdict(
            compatible: result.compatible, confidence: result.confidence, reasons: result.reasons,
            warnings: result.warnings, recommendations: result.recommendations)
        failures = analysis.failures.map { Failure(path: $0.path, message: $0.message) }
        headerRequests = analysis.headerRequests
        headerBytesTransferred = analysis.headerBytesTransferred
    }

    /// Three decimals are plenty for bits per weight and keep the JSON stable.
    private static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    /// Deterministic JSON: sorted keys, pretty-printed.
    public func json() -> String {
        // Encoding plain value types cannot fail.
        String(decoding: try! JSONEncoder.deterministic().encode(self), as: UTF8.self)
    }
}

/// Terminal styling that respects `NO_COLOR` and non-terminal output.
public struct TextStyle: Sendable {
    public var colors: Bool

    public init(colors: Bool) { self.colors = colors }

    /// Colors only when standard output is a terminal and `NO_COLOR` is unset or empty.
    public static func forStandardOutput(environment: [String: String] = ProcessInfo.processInfo.environment) -> TextStyle {
        TextStyle(colors: isatty(STDOUT_FILENO) == 1 && (environment["NO_COLOR"] ?? "").isEmpty)
    }

    func green(_ text: String) -> String { paint(text, "32") }
    func red(_ text: String) -> String { paint(text, "31") }
    func yellow(_ text: String) -> String { paint(text, "33") }
    func bold(_ text: String) -> String { paint(text, "1") }

    private func paint(_ text: String, _ code: String) -> String {
        colors ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

extension CheckReport {
    /// The human report.
    public func text(style: TextStyle) -> String {
        var lines: [String] = []
        let commitText = commit.map { " (commit \($0.prefix(12)))" } ?? ""
        lines.append(style.bold(repo) + (revision.map { "@\($0)" } ?? "") + commitText)
        var summary: [String] = []
        if let architecture { summary.append("architecture \(architecture)") }
        if let format { summary.append(format) }
        if let parameters { summary.append("\(Formatting.count(parameters)) parameters") }
        if let activeParameters { summary.append("\(Formatting.count(activeParameters)) active") }
        if let contextLength { summary.append("context \(contextLength)") }
        if !summary.isEmpty { lines.append(summary.joined(separator: " · ")) }
        lines.append("source: \(source) · \(headerRequests) header requests, \(Formatting.bytes(headerBytesTransferred)) read")

        if !variants.isEmpty {
            let context = variants[0].memory.context
            let rows = variants.map { variant -> [String] in
                let fits: String
                switch (variant.loadable, variant.fits) {
                case (false, _): fits = style.red("not loadable")
                case (true, true?): fits = style.green("yes")
                case (true, false?):
                    fits = style.red("no") + (variant.offload.map { " (\($0.gpuLayers)/\($0.totalLayers) layers)" } ?? "")
                case (true, nil): fits = "-"
                }
                let label = (variant.quantization ?? variant.name) + (variant.quantizationInferred ? "*" : "")
                return [
                    label, String(variant.files.count), Formatting.bytes(variant.sizeBytes),
                    variant.bitsPerWeight.map { String(format: "%.2f", $0) } ?? "-",
                    Formatting.bytes(variant.memory.totalBytes), fits,
                    variant.name == recommendedVariant ? "←" : "",
                ]
            }
            lines.append("")
            lines.append(Formatting.table(
                header: ["VARIANT", "FILES", "SIZE", "BPW", "MEMORY@\(context)", "FITS", ""], rows: rows, rightAligned: [1, 2, 3, 4]))
            if variants.contains(where: \.quantizationInferred) { lines.append("* quantization inferred from the dominant tensor type") }
        }

        lines.append("")
        let verdict = compatibility.compatible ? style.green("compatible") : style.red("not compatible")
        lines.append("\(verdict) (confidence \(compatibility.confidence.rawValue))")
        for reason in compatibility.reasons { lines.append("  reason: \(reason)") }
        for warning in compatibility.warnings { lines.append("  " + style.yellow("warning: ") + warning) }
        for recommendation in compatibility.recommendations { lines.append("  recommendation: \(recommendation)") }
        for failure in failures { lines.append("  unreadable: \(failure.path): \(failure.message)") }
        if let recommendedVariant { lines.append("recommended variant: " + style.bold(recommendedVariant)) }
        return lines.joined(separator: "\n")
    }
}
