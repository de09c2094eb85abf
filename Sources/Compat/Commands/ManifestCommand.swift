import ArgumentParser
import Dispatch
import Foundation
import Marketplace

/// Which marketplaces `manifest` covers.
public enum ManifestProviderChoice: String, CaseIterable, ExpressibleByArgument, Sendable {
    case hf, civitai, all
}

/// `compat-cli manifest --out DIR`: the marketplace's static JSON manifests, built at build time,
/// with sizes and verdicts from the models' headers instead of guesses.
public struct ManifestCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "manifest",
        abstract: "Write the marketplace's static JSON manifests, with sizes read from headers.",
        discussion: """
            Writes huggingface-models.json and civitai-models.json (every model listed, with its facts), a \
            filter manifest per filter combination (hf-filter-SORT-SIZE-LICENSE.json, \
            civitai-filter-NSFW-PERIOD-TYPE-BASE.json) except the combination that equals the models file, and \
            manifest-report.json (models without facts, and why). Files are replaced atomically, only once all \
            are complete. The CivitAI endpoint is $CIVITAI_ENDPOINT, else https://civitai.com.

            Exit status: 0 when everything was written (models whose headers failed are in the report), \
            2 on usage, network or write errors, 130 when interrupted.
            """)

    @Option(help: "Directory to write the manifests into (created when missing).")
    public var out: String

    @Option(help: "Marketplaces: hf, civitai or all.")
    public var provider: ManifestProviderChoice = .all

    @Option(help: "Models per provider.")
    public var limit: Int = 500

    @Option(help: "Listing order: downloads, likes, trending, recent or created (CivitAI: Most Downloaded, Highest Rated, Most Downloaded this week, Newest).")
    public var sort: ListingSort = .downloads

    @Option(help: "Models analyzed at once.")
    public var concurrency: Int = 8

    @Option(help: "ISO 8601 time written into every file, and the reference for period filters (default: now).")
    public var timestamp: ManifestTimestamp?

    @Flag(help: "No progress on standard error.")
    public var quiet = false

    @OptionGroup public var hub: HubOptions

    public init() {}

    /// 128 + SIGINT, as shells report an interrupted command.
    public static let interruptedExitStatus: Int32 = 130

    public func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64") }
    }

    public func run() async throws {
        let status = await execute(environment: ProcessInfo.processInfo.environment, cancelledBySIGINT: true)
        if status != CompatCommand.Exit.success { throw ExitCode(status) }
    }

    /// Runs the command with `environment` and returns its exit status; errors go to standard error.
    /// With `cancelledBySIGINT`, SIGINT cancels the run instead of ending the process, so that no
    /// temporary file is left behind.
    func execute(environment: [String: String], cancelledBySIGINT: Bool = false) async -> Int32 {
        let generator: ManifestGenerator
        do {
            generator = try makeGenerator(environment: environment)
        } catch {
            printError("error: \(error)")
            return CompatCommand.Exit.usage
        }
        let progress = ManifestProgress(style: .forStandardError(quiet: quiet), transfers: { generator.transfers })
        let directory = out
        @Sendable func generate() async -> Int32 {
            do {
                let report = try await generator.run(progress: progress)
                progress.finish(summary: report.summary(directory: directory))
                return CompatCommand.Exit.success
            } catch {
                progress.finish(summary: nil)
                printError("error: \(error)")
                if case .interrupted = error { return Self.interruptedExitStatus }
                return CompatCommand.Exit.usage
            }
        }
        guard cancelledBySIGINT else { return await generate() }
        let work = Task { await generate() }
        let interruption = InterruptionHandler { work.cancel() }
        defer { interruption.stop() }
        return await work.value
    }

    /// The run the options and `environment` describe.
    func makeGenerator(environment: [String: String]) throws(ManifestError) -> ManifestGenerator {
        let timestamp = timestamp ?? ManifestTimestamp(Date())
        var generator = ManifestGenerator(outputDirectory: out, timestamp: timestamp)
        let source = hub.makeSource(environment: environment)
        guard !source.reader.offline else { throw .offline }
        if provider != .civitai {
            generator.huggingFace = HuggingFaceManifestBuilder(
                source: source, sort: sort, limit: limit, concurrency: concurrency, timestamp: timestamp)
        }
        if provider != .hf {
            let client = CivitAIClient(
                endpoint: MarketplaceEnvironment.civitAIEndpoint(environment: environment),
                apiKey: CivitAIClient.apiKey(environment: environment), nsfwFilter: .everything,
                http: HubOptions.httpClient(environment: environment))
            generator.civitAI = CivitAIManifestBuilder(client: client, sort: sort, limit: limit, timestamp: timestamp)
        }
        return generator
    }
}

/// Turns SIGINT into a call of `handler` until `stop()`, then restores the default action.
private final class InterruptionHandler {
    private let source: any DispatchSourceSignal

    init(_ handler: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler(handler: handler)
        source.resume()
    }

    func stop() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
