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
        _ = try Self.cacheMaxBytes(environment: ProcessInfo.processInfo.environment)
    }

    /// A client trusting the certificate authorities `environment` names (see
    /// `MarketplaceEnvironment.certificateAuthorities`), else the system's.
    static func httpClient(environment: [String: String]) -> HTTPClient {
        HTTPClient(configuration: .init(certificateAuthorities: MarketplaceEnvironment.certificateAuthorities(environment: environment)))
    }

    /// The header cache's bound: `$COMPAT_CACHE_SIZE` (a size such as `200MiB` or `2GB`), else
    /// `HeaderCache.defaultMaxBytes`.
    static func cacheMaxBytes(environment: [String: String]) throws(ValidationError) -> UInt64 {
        guard let text = environment["COMPAT_CACHE_SIZE"], !text.isEmpty else { return HeaderCache.defaultMaxBytes }
        guard let size = ByteSize(argument: text) else {
            throw ValidationError("COMPAT_CACHE_SIZE must be a size such as 512MiB or 2GB, not '\(text)'")
        }
        return size.bytes
    }

    /// Clients configured from the options and the environment.
    public func makeSource(endpointOverride: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> HubModelSource {
        let endpoint = MarketplaceEnvironment.hubEndpoint(explicit: endpoint ?? endpointOverride, environment: environment)
        let token = MarketplaceEnvironment.hubToken(explicit: token, environment: environment)
        let offline = offline || ["1", "true", "yes"].contains((environment["HF_HUB_OFFLINE"] ?? "").lowercased())
        let http = Self.httpClient(environment: environment)
        // validate() rejected a malformed size before any command ran.
        let maxBytes = (try? Self.cacheMaxBytes(environment: environment)) ?? HeaderCache.defaultMaxBytes
        let cache = noCache ? nil : HeaderCache(directory: HeaderCache.defaultDirectory(environment: environment), maxBytes: maxBytes)
        return HubModelSource(
            client: HuggingFaceClient(endpoint: endpoint, token: token, http: http),
            reader: RemoteHeaderReader(client: http, endpoint: endpoint, token: token, cache: cache, offline: offline))
    }
}
