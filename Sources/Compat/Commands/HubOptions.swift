import ArgumentParser
import Foundation
import Marketplace

/// Options shared by commands that talk to the Hub.
public struct HubOptions: ParsableArguments {
    @Option(help: "Hub endpoint (default: $HF_ENDPOINT, else https://huggingface.co).")
    public var endpoint: String?

    @Option(help: "Hub token (default: $HF_TOKEN, else $HF_HOME/token).")
    public var token: String?

    @Flag(help: "Do not read or write the header cache.")
    public var noCache = false

    @Flag(help: "Use only the header cache; never touch the network (also HF_HUB_OFFLINE=1).")
    public var offline = false

    public init() {}

    public func validate() throws {
        if noCache && offline { throw ValidationError("--offline needs the cache; drop --no-cache") }
    }

    /// Clients configured from the options and the environment.
    public func makeSource(endpointOverride: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> HubModelSource {
        let endpoint = MarketplaceEnvironment.hubEndpoint(explicit: endpoint ?? endpointOverride, environment: environment)
        let token = MarketplaceEnvironment.hubToken(explicit: token, environment: environment)
        let offline = offline || ["1", "true", "yes"].contains((environment["HF_HUB_OFFLINE"] ?? "").lowercased())
        let http = HTTPClient()
        let cache = noCache ? nil : HeaderCache(directory: HeaderCache.defaultDirectory(environment: environment))
        return HubModelSource(
            client: HuggingFaceClient(endpoint: endpoint, token: token, http: http),
            reader: RemoteHeaderReader(client: http, endpoint: endpoint, token: token, cache: cache, offline: offline))
    }
}
