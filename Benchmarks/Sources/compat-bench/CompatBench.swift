// compat's side of compare.sh: writes the shared parse inputs, and times compat parsing them and
// fetching from the loopback Hub (bench-hub). Every subcommand prints one JSON value.
import ArgumentParser
import BenchmarkInputs
import Compat
import Foundation
import FormatParsers
import Marketplace

@main
struct CompatBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compat-bench",
        abstract: "Time compat on the benchmark inputs and print JSON.",
        subcommands: [WriteInputs.self, Parse.self, Fetch.self, Analyze.self])
}

/// One parse input as files: the header alone, and a whole file (the header, then a sparse hole).
struct InputFile: Codable {
    var name: String
    var summary: String
    var format: String
    var headerPath: String
    var filePath: String
    var headerBytes: Int
    var fileSize: UInt64
    var parameters: UInt64
    var tensorCount: Int
}

struct WriteInputs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write-inputs", abstract: "Write the parse inputs and DIRECTORY/inputs.json; print the manifest.")

    @Argument var directory: String

    func run() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var manifest: [InputFile] = []
        for input in try HeaderInputs.all() {
            let header = try input.parse()
            let tensorCount = switch header {
            case .gguf(let gguf): Int(gguf.tensorCount)
            case .safetensors(let safetensors): safetensors.tensors.count
            }
            let stem = directory + "/" + input.name
            let file = InputFile(
                name: input.name, summary: input.summary, format: input.format.rawValue, headerPath: stem + ".header",
                filePath: stem + "." + input.format.rawValue, headerBytes: input.headerBytes.count, fileSize: input.fileSize,
                parameters: header.parameters, tensorCount: tensorCount)
            try Data(input.headerBytes).write(to: URL(fileURLWithPath: file.headerPath))
            try Data(input.headerBytes).write(to: URL(fileURLWithPath: file.filePath))
            let whole = try FileHandle(forWritingTo: URL(fileURLWithPath: file.filePath))
            try whole.truncate(atOffset: input.fileSize)
            try whole.close()
            manifest.append(file)
        }
        let json = try JSONEncoder().encode(manifest)
        try json.write(to: URL(fileURLWithPath: directory + "/inputs.json"))
        print(String(decoding: json, as: UTF8.self))
    }
}

struct Parse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Median times of parsing each input of a manifest, and of copying its bytes.")

    @Argument(help: "The inputs.json that write-inputs wrote.") var manifest: String
    @Option(help: "Seconds to spend on each measurement (at least 5 runs).") var seconds: Double = 1

    struct Result: Encodable {
        var name: String
        var parseMilliseconds: Double
        var copyMilliseconds: Double
        var runs: Int
    }

    func run() async throws {
        let files = try JSONDecoder().decode([InputFile].self, from: Data(contentsOf: URL(fileURLWithPath: manifest)))
        var results: [Result] = []
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file.headerPath)))
            let input = HeaderInput(
                name: file.name, summary: file.summary, format: ModelFileFormat(rawValue: file.format)!,
                headerBytes: bytes, fileSize: file.fileSize)
            let budget = Duration.milliseconds(Int64(seconds * 1000))
            let parse = try await timeRuns(budget: budget) { _ = try input.parse() }
            let memoryCopy = MemoryCopy(of: bytes)
            let copy = await timeRuns(budget: budget) { memoryCopy.run() }
            results.append(Result(name: file.name, parseMilliseconds: parse.median.milliseconds, copyMilliseconds: copy.median.milliseconds, runs: parse.count))
        }
        print(String(decoding: try JSONEncoder().encode(results), as: UTF8.self))
    }
}

/// Where bench-hub listens, and how many measured runs to make.
struct LoopbackHubOptions: ParsableArguments {
    @Option(help: "The loopback Hub's endpoint.") var endpoint: String
    @Option(help: "bench-hub's control URL, for traffic counts.") var control: String
    @Option(help: "Measured runs, after one warm-up run.") var runs = 5

    /// Median time and traffic of `runs` calls of `body`, each with fresh clients.
    func measure(_ body: () async throws -> Void) async throws -> RemoteResult {
        let controlClient = HTTPClient()
        func traffic() async throws -> HubTraffic {
            let response = try await controlClient.send(HTTPRequest(url: control + "/traffic"))
            return try JSONDecoder().decode(HubTraffic.self, from: Data(response.body))
        }
        let clock = ContinuousClock()
        var times: [Duration] = []
        var requests: [Int] = []
        var bytes: [Int] = []
        for run in 0...runs {
            let before = try await traffic()
            let start = clock.now
            try await body()
            let elapsed = clock.now - start
            let used = try await traffic() - before
            guard run > 0 else { continue }  // the warm-up
            times.append(elapsed)
            requests.append(used.requests)
            bytes.append(used.bytes)
        }
        return RemoteResult(milliseconds: times.median.milliseconds, requests: requests.median, bytes: bytes.median, runs: runs)
    }
}

struct RemoteResult: Encodable {
    var milliseconds: Double
    var requests: Int
    var bytes: Int
    var runs: Int

    func print() throws {
        Swift.print(String(decoding: try JSONEncoder().encode(self), as: UTF8.self))
    }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
}

struct Fetch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Time reading one file's header from the Hub.")

    @OptionGroup var hub: LoopbackHubOptions
    @Option var repo: String
    @Option var path: String

    func run() async throws {
        let file = RemoteFile(repo: repo, path: path)
        try await hub.measure {
            let header = try await RemoteHeaderReader(client: HTTPClient(), endpoint: hub.endpoint).read(file)
            guard header.header.parameters > 0 else { throw BenchmarkFailure(description: "\(path): no parameters") }
        }.print()
    }
}

struct Analyze: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time what `compat-cli check` does for a Hub repository: list, read every variant's headers, judge.")

    @OptionGroup var hub: LoopbackHubOptions
    @Option var repo: String

    func run() async throws {
        try await hub.measure {
            let http = HTTPClient()
            let source = HubModelSource(
                client: HuggingFaceClient(endpoint: hub.endpoint, token: nil, http: http),
                reader: RemoteHeaderReader(client: http, endpoint: hub.endpoint))
            let analysis = try await source.analyze(repo: repo, revision: nil)
            guard analysis.failures.isEmpty, !analysis.variants.isEmpty else {
                throw BenchmarkFailure(description: "\(repo): \(analysis.failures.map(\.message))")
            }
            let verdict = checkModelCompatibility(analysis.compatibilityInput(hasToken: false), hardware: Hardware())
            guard verdict.variants.count == analysis.variants.count else { throw BenchmarkFailure(description: "\(repo): verdict lost variants") }
        }.print()
    }
}
