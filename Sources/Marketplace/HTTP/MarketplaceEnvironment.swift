import Foundation

/// Where the marketplaces are and which Hub token to use, resolved from explicit values,
/// environment variables and the token file the way `huggingface_hub` does.
///
/// Pure functions of their arguments; the defaults read the real process environment and files.
public enum MarketplaceEnvironment {
    public static let defaultHubEndpoint = "https://huggingface.co"
    public static let defaultCivitAIEndpoint = "https://civitai.com"

    /// The Hub base URL: `explicit`, else `HF_ENDPOINT`, else `https://huggingface.co`; without a trailing slash.
    public static func hubEndpoint(
        explicit: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        endpoint(explicit: explicit, variable: "HF_ENDPOINT", environment: environment, fallback: defaultHubEndpoint)
    }

    /// The CivitAI base URL: `explicit`, else `CIVITAI_ENDPOINT`, else `https://civitai.com`; without a trailing slash.
    public static func civitAIEndpoint(
        explicit: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        endpoint(explicit: explicit, variable: "CIVITAI_ENDPOINT", environment: environment, fallback: defaultCivitAIEndpoint)
    }

    /// The certificate authorities to trust instead of the system's: the first non-empty of
    /// `CURL_CA_BUNDLE`, `REQUESTS_CA_BUNDLE` and `SSL_CERT_FILE` (the variables curl, Python's
    /// requests (so `huggingface_hub`) and OpenSSL read), or nil for the system's.
    public static func certificateAuthorities(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        ["CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
    }

    /// The Hub token: the first non-empty of `explicit` (`--token`), `HF_TOKEN`,
    /// `HUGGING_FACE_HUB_TOKEN`, and the contents of the token file (see `hubTokenPath`).
    /// Each candidate is trimmed; an empty one counts as absent. Nil means "send no token".
    public static func hubToken(
        explicit: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        readFile: (String) -> String? = readTextFile
    ) -> String? {
        // Checked in order, and the file is read only when no earlier source has a token.
        return usable(explicit)
            ?? usable(environment["HF_TOKEN"])
            ?? usable(environment["HUGGING_FACE_HUB_TOKEN"])
            ?? usable(hubTokenPath(environment: environment).flatMap(readFile))
    }

    /// Where `huggingface-cli login` stores the token: `HF_TOKEN_PATH`, else `$HF_HOME/token`,
    /// else `$XDG_CACHE_HOME/huggingface/token`, else `~/.cache/huggingface/token`.
    /// Nil when none of these variables nor `HOME` is set.
    public static func hubTokenPath(environment: [String: String]) -> String? {
        func nonEmpty(_ name: String) -> String? {
            environment[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        if let tokenPath = nonEmpty("HF_TOKEN_PATH") {
            return expandingHome(tokenPath, environment: environment)
        }
        let hubHome = nonEmpty("HF_HOME")
            ?? nonEmpty("XDG_CACHE_HOME").map { "\($0)/huggingface" }
            ?? nonEmpty("HOME").map { "\($0)/.cache/huggingface" }
        return hubHome.map { "\(expandingHome($0, environment: environment))/token" }
    }

    /// Reads a UTF-8 file, or nil when it cannot be read.
    public static func readTextFile(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }

    private static func endpoint(
        explicit: String?,
        variable: String,
        environment: [String: String],
        fallback: String
    ) -> String {
        let chosen = [explicit, environment[variable]]
            .compactMap { $0?.trimmingHTTPWhitespace() }
            .first { !$0.isEmpty } ?? fallback
        return withoutTrailingSlash(chosen)
    }

    /// A credential trimmed, or nil when absent or blank.
    static func usable(_ candidate: String?) -> String? {
        candidate.map { $0.trimmingHTTPWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `endpoint` without one trailing `/`, the form every client and cache key uses.
    static func withoutTrailingSlash(_ endpoint: String) -> String {
        endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
    }

    /// `~` or `~/…` with `HOME` substituted, as Python's `os.path.expanduser` does.
    private static func expandingHome(_ path: String, environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = environment["HOME"] else { return path }
        return home + path.dropFirst()
    }
}
