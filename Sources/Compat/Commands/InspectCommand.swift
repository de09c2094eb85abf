import ArgumentParser
import Foundation
import FormatParsers
import Marketplace

/// `compat-cli inspect PATH...`: the header facts of local GGUF and safetensors files.
public struct InspectCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Read the headers of local GGUF and safetensors files.",
        discussion: "Directories are searched for .gguf and .safetensors files. Exit status 1 when any file fails.")

    @Argument(help: "Files or directories.")
    public var paths: [String]

    @Flag(help: "Print a JSON array with one object per file.")
    public var json = false

    public init() {}

    public func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one file or directory") }
    }

    public func run() async throws {
        let report = Self.inspect(paths: paths, json: json)
        print(report.output)
        if report.failed { throw ExitCode(CompatCommand.Exit.failure) }
    }

    /// One file's outcome.
    public struct FileResult: Sendable {
        public let path: String
        public let outcome: Result<ModelHeader, HeaderReadError>
    }

    /// Reads every file under `paths` and renders the report; `failed` when any file failed.
    public static func inspect(paths: [String], json: Bool) -> (output: String, failed: Bool) {
        let results = expand(paths).map { path in
            FileResult(path: path, outcome: Result { () throws(HeaderReadError) in try LocalHeaderReader.read(path: path) })
        }
        let failed = results.contains { if case .failure = $0.outcome { true } else { false } }
        return (json ? renderJSON(results) : renderTable(results), failed)
    }

    /// Files as given; directories replaced by the model files inside them, sorted.
    static func expand(_ paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return [path] }
            let enumerator = FileManager.default.enumerator(atPath: path)
            let names = (enumerator?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".gguf") || $0.hasSuffix(".safetensors") }
                .sorted()
            return names.map { (path as NSString).appendingPathComponent($0) }
        }
    }

    static func renderJSON(_ results: [FileResult]) -> String {
        var writer = JSONWriter()
        writer.beginArray()
        for result in results {
            switch result.outcome {
            case .success(let header):
                HeaderSummary.write(header, path: result.path, into: &writer)
            case .failure(.format(let error, _)):
                HeaderSummary.write(error, path: result.path, into: &writer)
            case .failure(let error):
                HeaderSummary.writeError(kind: error.kindName, offset: nil, message: error.description, path: result.path, into: &writer)
            }
        }
        writer.endArray()
        return writer.text
    }

    static func renderTable(_ results: [FileResult]) -> String {
        var rows: [[String]] = []
        var errors: [String] = []
        for result in results {
            switch result.outcome {
            case .success(let header):
                rows.append(row(result.path, header))
            case .failure(let error):
                errors.append("error: \(error)")
            }
        }
        var lines: [String] = []
        if !rows.isEmpty {
            lines.append(Formatting.table(
                header: ["FILE", "FORMAT", "ARCH", "TYPE", "PARAMS", "TENSORS", "HEADER", "DATA"],
                rows: rows, rightAligned: [4, 5, 6, 7]))
        }
        return (lines + errors).joined(separator: "\n")
    }

    private static func row(_ path: String, _ header: ModelHeader) -> [String] {
        let tensorCount: UInt64
        let architecture: String
        let type: String
        switch header {
        case .gguf(let gguf):
            tensorCount = gguf.tensorCount
            architecture = gguf.architecture ?? "-"
            type = "v\(gguf.version) " + (gguf.fileType?.label ?? dominantName(gguf.totals.presentTypes.map { ($0.nameString, gguf.totals.elementCounts[Int($0.id)]) }))
        case .safetensors(let safetensors):
            tensorCount = UInt64(safetensors.tensors.count)
            architecture = "-"
            type = dominantName(safetensors.totals.presentDTypes.map { ($0.nameString, safetensors.totals.elementCounts[$0.id]) })
        }
        return [path, formatName(header), architecture, type, Formatting.count(header.parameters), String(tensorCount),
                Formatting.bytes(header.headerBytes), Formatting.bytes(header.tensorDataBytes)]
    }

    private static func formatName(_ header: ModelHeader) -> String {
        if case .gguf = header { return "gguf" }
        return "safetensors"
    }

    private static func dominantName(_ counts: [(String, UInt64)]) -> String {
        counts.max { $0.1 < $1.1 }?.0 ?? "-"
    }
}

extension HeaderReadError {
    /// A stable machine name for JSON output.
    public var kindName: String {
        switch self {
        case .format(let error, _): error.kindName
        case .fileNotFound: "fileNotFound"
        case .unreadable: "unreadable"
        case .unknownFormat: HeaderSummary.unknownFormatKind
        case .network: "network"
        case .invalidResponse: "invalidResponse"
        case .notCached: "notCached"
        }
    }
}
