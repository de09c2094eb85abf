import ArgumentParser
import Foundation
import Marketplace

/// `compat-cli check MODEL`: what a model is, what it needs, and whether it runs here.
public struct CheckCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check whether a model runs on the given hardware, from its file headers.",
        discussion: """
            MODEL is org/name, org/name@revision, a Hub URL, a local file or folder, or a model in the \
            Hugging Face cache ($HF_HUB_CACHE, default ~/.cache/huggingface/hub), which is read from disk \
            when present.

            Exit status: 0 compatible, 1 not compatible, 2 usage, network or parse error.
            """)

    @Argument(help: "The model: org/name[@revision], a Hub URL, or a local file or folder.")
    public var model: String

    @Option(help: "Context length to size the KV cache for (default: the model's, capped at 8192).")
    public var context: UInt64?

    @Option(name: .customLong("kv-type"), help: "KV cache type: f16, q8_0 or q4_0.")
    public var kvType: KVCacheType = .f16

    @Option(help: "Backend: cpu, cuda, metal or rocm.")
    public var backend: Backend = .cpu

    @Option(help: "GPU memory, e.g. 24GiB, 8GB, 512MiB.")
    public var vram: ByteSize?

    @Option(help: "System memory, e.g. 64GiB.")
    public var ram: ByteSize?

    @Option(help: "Only consider model files whose name or path matches this glob, e.g. '*Q4_K_M*'.")
    public var file: String?

    @Option(help: "A runtime support matrix (JSON) replacing the default runner's.")
    public var runtime: String?

    @OptionGroup public var hub: HubOptions

    @Flag(help: "Print one JSON object.")
    public var json = false

    public init() {}

    public func validate() throws {
        if let context, context == 0 || context > 1 << 24 { throw ValidationError("--context must be between 1 and 16777216") }
    }

    public func run() async throws {
        let report: CheckReport
        do {
            report = try await Self.check(self)
        } catch {
            printError("error: \(error)")
            throw ExitCode(CompatCommand.Exit.usage)
        }
        print(json ? report.json() : report.text(style: .forStandardOutput()))
        if !report.compatibility.compatible { throw ExitCode(CompatCommand.Exit.failure) }
    }

    /// Errors that stop a check before a verdict.
    public enum CheckError: Error, CustomStringConvertible {
        case reference(ModelReference.ParseError)
        case analysis(AnalysisError)
        case runtime(String)
        case nothingToCheck(String)
        /// `--file` selected none of the model's variants.
        case noFileMatches(pattern: String, model: String)

        public var description: String {
            switch self {
            case .reference(let error): error.description
            case .analysis(let error): error.description
            case .runtime(let message): message
            case .nothingToCheck(let model): "\(model): no GGUF or safetensors files found"
            case .noFileMatches(let pattern, let model): "\(model): no GGUF or safetensors file matches --file '\(pattern)'"
            }
        }
    }

    /// Runs the whole check: resolve, read headers, build facts, judge.
    static func check(_ command: CheckCommand, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> CheckReport {
        let reference: ModelReference
        do { reference = try ModelReference.parse(command.model) } catch { throw CheckError.reference(error) }
        let include = GlobFilter(pattern: command.file)
        var analysis: ModelAnalysis
        var tokenAvailable = true
        switch reference {
        case .local(let path):
            analysis = LocalModelSource.analyze(path: path, include: include.matches)
        case .hub(let repo, let revision, let endpoint):
            if let snapshot = ModelReference.huggingFaceCacheSnapshot(
                repo: repo, revision: revision, environment: environment, home: NSHomeDirectory()) {
                analysis = LocalModelSource.analyze(path: snapshot, source: "Hugging Face cache", include: include.matches)
                analysis.repo = repo
                analysis.revision = revision
                analysis.commit = (snapshot as NSString).lastPathComponent
            } else {
                let source = command.hub.makeSource(endpointOverride: endpoint, environment: environment)
                tokenAvailable = source.client.token != nil
                do {
                    analysis = try await source.analyze(repo: repo, revision: revision, include: { include.matches($0) })
                } catch {
                    throw CheckError.analysis(error)
                }
            }
        }
        if analysis.variants.isEmpty, analysis.failures.isEmpty {
            if let pattern = command.file { throw CheckError.noFileMatches(pattern: pattern, model: command.model) }
            if analysis.info == nil { throw CheckError.nothingToCheck(command.model) }
        }
        let runtime: RuntimeSupport
        if let path = command.runtime {
            do { runtime = try RuntimeSupport.load(from: path) } catch { throw CheckError.runtime("\(error)") }
        } else {
            runtime = .default
        }
        let hardware = Hardware(backend: command.backend, vramBytes: command.vram?.bytes, ramBytes: command.ram?.bytes)
        let options = MemoryOptions(context: command.context, kvCacheType: command.kvType)
        let result = checkModelCompatibility(
            analysis.compatibilityInput(hasToken: tokenAvailable), hardware: hardware, runtime: runtime, options: options)
        return CheckReport(analysis: analysis, result: result)
    }
}

/// `--file GLOB`: matches a path or its last component (fnmatch rules).
struct GlobFilter: Sendable {
    let pattern: String?

    func matches(_ path: String) -> Bool {
        guard let pattern else { return true }
        let name = (path as NSString).lastPathComponent
        return fnmatch(pattern, path, 0) == 0 || fnmatch(pattern, name, 0) == 0
    }
}
