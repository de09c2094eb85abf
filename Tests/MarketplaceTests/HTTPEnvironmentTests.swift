import Marketplace
import Testing

@Suite struct HTTPEnvironmentTests {
    private let home = ["HOME": "/home/user"]

    private func tokenFiles(_ files: [String: String]) -> (String) -> String? {
        { files[$0] }
    }

    @Test func explicitTokenWinsOverEnvironmentAndFile() {
        let token = MarketplaceEnvironment.hubToken(
            explicit: "hf_flag",
            environment: home.merging(["HF_TOKEN": "hf_env"]) { $1 },
            readFile: tokenFiles(["/home/user/.cache/huggingface/token": "hf_file"])
        )
        #expect(token == "hf_flag")
    }

    @Test func environmentTokenWinsOverFile() {
        let token = MarketplaceEnvironment.hubToken(
            explicit: nil,
            environment: home.merging(["HF_TOKEN": "  hf_env\n"]) { $1 },
            readFile: tokenFiles(["/home/user/.cache/huggingface/token": "hf_file"])
        )
        #expect(token == "hf_env")
    }

    @Test func legacyEnvironmentVariableIsStillRead() {
        let token = MarketplaceEnvironment.hubToken(
            explicit: nil,
            environment: ["HUGGING_FACE_HUB_TOKEN": "hf_legacy"],
            readFile: tokenFiles([:])
        )
        #expect(token == "hf_legacy")
    }

    @Test func tokenFileIsReadAndTrimmedWhenNothingElseIsSet() {
        let token = MarketplaceEnvironment.hubToken(
            explicit: "",
            environment: home.merging(["HF_TOKEN": "   "]) { $1 },
            readFile: tokenFiles(["/home/user/.cache/huggingface/token": "hf_file\n"])
        )
        #expect(token == "hf_file")
    }

    @Test func tokenFileFollowsHFHomeAndHFTokenPath() {
        let files = tokenFiles(["/data/hf/token": "hf_home", "/home/user/secret": "hf_path"])

        #expect(MarketplaceEnvironment.hubToken(environment: ["HF_HOME": "/data/hf"], readFile: files) == "hf_home")
        #expect(MarketplaceEnvironment.hubToken(
            environment: home.merging(["HF_HOME": "/data/hf", "HF_TOKEN_PATH": "~/secret"]) { $1 },
            readFile: files
        ) == "hf_path")
        #expect(MarketplaceEnvironment.hubTokenPath(environment: ["XDG_CACHE_HOME": "/xdg"]) == "/xdg/huggingface/token")
    }

    @Test func noTokenAnywhereMeansNone() {
        #expect(MarketplaceEnvironment.hubToken(environment: home, readFile: tokenFiles([:])) == nil)
        #expect(MarketplaceEnvironment.hubToken(
            environment: home,
            readFile: tokenFiles(["/home/user/.cache/huggingface/token": "\n"])
        ) == nil)
        #expect(MarketplaceEnvironment.hubTokenPath(environment: [:]) == nil)
    }

    @Test func hubEndpointComesFromExplicitValueThenHFEndpointThenDefault() {
        let environment = ["HF_ENDPOINT": "https://hf-mirror.example/"]

        #expect(MarketplaceEnvironment.hubEndpoint(explicit: "http://127.0.0.1:8080", environment: environment)
            == "http://127.0.0.1:8080")
        #expect(MarketplaceEnvironment.hubEndpoint(environment: environment) == "https://hf-mirror.example")
        #expect(MarketplaceEnvironment.hubEndpoint(environment: [:]) == "https://huggingface.co")
        #expect(MarketplaceEnvironment.hubEndpoint(environment: ["HF_ENDPOINT": ""]) == "https://huggingface.co")
    }

    @Test func civitAIEndpointComesFromCivitAIEndpointThenDefault() {
        #expect(MarketplaceEnvironment.civitAIEndpoint(environment: ["CIVITAI_ENDPOINT": "http://localhost:9000"])
            == "http://localhost:9000")
        #expect(MarketplaceEnvironment.civitAIEndpoint(environment: [:]) == "https://civitai.com")
    }
}
