import ArgumentParser
import Foundation
import Marketplace

/// The sort orders the CLI accepts, by the names people use.
public enum ListingSort: String, CaseIterable, ExpressibleByArgument, Sendable {
    case downloads, likes, trending, recent, created

    var hubSort: HuggingFaceModelSort {
        switch self {
        case .downloads: .downloads
        case .likes: .likes
        case .trending: .trending
        case .recent: .recentlyModified
        case .created: .created
        }
    }
}

/// Options shared by `list` and `search`.
public struct ListingOptions: ParsableArguments {
    @Option(help: "Order: downloads, likes, trending, recent or created.")
    public var sort: ListingSort = .downloads

    @Option(help: "How many models (pages are followed).")
    public var limit: Int = 20

    @Option(help: "Only models by this author or organization.")
    public var author: String?

    @Option(name: .customLong("filter"), help: "Only models with this tag (repeatable).")
    public var tags: [String] = []

    @Option(name: .customLong("pipeline-tag"), help: "Only models for this task, e.g. text-generation.")
    public var pipelineTag: String?

    @Option(help: "Only models of this library, e.g. gguf.")
    public var library: String?

    @Option(help: "Hub endpoint (default: $HF_ENDPOINT, else https://huggingface.co).")
    public var endpoint: String?

    @Option(help: "Hub token (default: $HF_TOKEN, else $HF_HOME/token).")
    public var token: String?

    @Flag(help: "Print a JSON array of normalized models.")
    public var json = false

    public init() {}

    public func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
    }

    func query(search: String?) -> HuggingFaceModelQuery {
        // safetensors and gguf totals let the table show true sizes where the Hub knows them.
        HuggingFaceModelQuery(
            search: search, author: author, tags: tags, pipelineTag: pipelineTag, library: library, sort: sort.hubSort,
            limit: limit, detail: .expanded([.downloads, .likes, .pipelineTag, .libraryName, .safetensors, .gguf, .gated]))
    }

    /// Lists the models and renders them.
    func run(search: String?) async throws {
        let client = HuggingFaceClient(
            endpoint: MarketplaceEnvironment.hubEndpoint(explicit: endpoint),
            token: MarketplaceEnvironment.hubToken(explicit: token))
        let models: [Model]
        do {
            models = try await client.listModels(query(search: search)).map(Model.init(huggingFace:))
        } catch {
            printError("error: \(error)")
            throw ExitCode(CompatCommand.Exit.usage)
        }
        print(json ? Self.renderJSON(models) : Self.renderTable(models))
    }

    static func renderTable(_ models: [Model]) -> String {
        let rows = models.map { model in
            [
                model.id, model.downloads.map(String.init) ?? "-", model.likes.map(String.init) ?? "-",
                model.size.parameters.map { Formatting.count(UInt64($0)) } ?? "-",
                model.size.bytes.map { Formatting.bytes(UInt64($0)) } ?? "-",
            ]
        }
        return Formatting.table(header: ["MODEL", "DOWNLOADS", "LIKES", "PARAMS", "SIZE"], rows: rows, rightAligned: [1, 2, 3, 4])
    }

    static func renderJSON(_ models: [Model]) -> String {
        let encoder = JSONEncoder.deterministic()
        encoder.dateEncodingStrategy = .iso8601
        // Models are plain values; encoding cannot fail.
        return String(decoding: try! encoder.encode(models), as: UTF8.self)
    }
}

/// `compat-cli list`: Hub models in an order, with their sizes when the Hub knows them.
public struct ListCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List models on the Hugging Face Hub (listHuggingFaceModels).",
        discussion: "PARAMS and SIZE come from the Hub's own header reading (safetensors/gguf totals), never from names.")

    @OptionGroup public var options: ListingOptions

    public init() {}

    public func run() async throws { try await options.run(search: nil) }
}

/// `compat-cli search QUERY`: Hub models whose id contains QUERY.
public struct SearchCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Search models on the Hugging Face Hub (searchHuggingFaceModels).")

    @Argument(help: "Text the model id must contain.")
    public var query: String

    @OptionGroup public var options: ListingOptions

    public init() {}

    public func run() async throws { try await options.run(search: query) }
}
