import Foundation
import Marketplace

/// What a runner can load, as data: its workers, and for each the model categories it takes, the
/// backends it runs on, and per file format the architectures and tensor types it loads.
///
/// The default is the marketplace's own runner (built on candle); `load(from:)` reads another from a
/// JSON file of the same shape (`Sources/Compat/Resources/default-runtime.json`).
public struct RuntimeSupport: Codable, Equatable, Sendable {
    /// The runner's name, for reports.
    public var name: String
    /// The workers; a model goes to the first one whose `categories` hold its category.
    public var workers: [WorkerSupport]

    public init(name: String, workers: [WorkerSupport]) {
        self.name = name
        self.workers = workers
    }

    /// The marketplace's runner: an LLM worker (GGUF and safetensors) and an image worker (SD 1.5,
    /// SD 2.1, SDXL, SDXL Turbo, FLUX.1 dev and schnell).
    ///
    /// Decisions recorded in its alias tables: GGUF `deepseek2` and config.json `deepseek_v2` and
    /// `deepseek_v3` run on the `deepseek` implementation (DeepSeek-V3's FP8 safetensors still fail
    /// the tensor-type check); `phi3` is not an alias of safetensors `phi` (phi-2's layout differs);
    /// CivitAI's "Pony" is an SDXL 1.0 fine-tune; the diffusers families `sd15`, `sd21`, `sdxl` name
    /// their base models, and `flux` (dev and schnell share one architecture) counts as "Flux.1 D"; the
    /// original Hub repositories of each base model name it.
    public static let `default` = try! decode(Data(defaultJSON.utf8), path: "default-runtime.json")

    /// Reads a runtime description from the JSON file at `path`.
    public static func load(from path: String) throws(RuntimeSupportError) -> RuntimeSupport {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw RuntimeSupportError(path: path, field: nil, message: "cannot read the file: \(error.localizedDescription)")
        }
        return try decode(data, path: path)
    }

    /// Decodes and checks a runtime description; `path` names it in errors.
    static func decode(_ data: Data, path: String) throws(RuntimeSupportError) -> RuntimeSupport {
        let runtime: RuntimeSupport
        do {
            runtime = try JSONDecoder().decode(RuntimeSupport.self, from: data)
        } catch let error as DecodingError {
            throw RuntimeSupportError(path: path, decoding: error)
        } catch {
            throw RuntimeSupportError(path: path, field: nil, message: "\(error)")
        }
        for (index, worker) in runtime.workers.enumerated() {
            let supported = Set(worker.formats.values.flatMap(\.architectures).map { $0.lowercased() })
            for (alias, target) in worker.aliases.sorted(by: { $0.key < $1.key }) where !supported.contains(target.lowercased()) {
                throw RuntimeSupportError(
                    path: path, field: "workers[\(index)].aliases.\(alias)",
                    message: "\(target) is not an architecture of any format of this worker")
            }
        }
        return runtime
    }

    /// The worker that takes models of `category`, if any.
    public func worker(for category: ModelCategory) -> WorkerSupport? {
        workers.first { $0.categories.contains(category) }
    }

    /// The text of `Resources/default-runtime.json` (a test keeps the two equal).
    static let defaultJSON = """
    {
      "name": "marketplace runner (candle)",
      "workers": [
        {
          "name": "llm",
          "categories": ["llm"],
          "pipelineTags": ["text-generation", "text2text-generation", "image-text-to-text", "conversational"],
          "libraries": ["gguf"],
          "backends": ["cpu", "cuda", "metal", "rocm"],
          "maxRecommendedContext": 32768,
          "formats": {
            "gguf": {
              "architectures": ["llama", "mistral", "phi2", "phi3", "qwen2", "gemma", "gemma2", "gemma3", "deepseek"],
              "tensorTypes": ["F32", "F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q8_1",
                              "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"]
            },
            "safetensors": {
              "architectures": ["llama", "mistral", "mixtral", "phi", "qwen2", "gemma", "gemma2", "deepseek"],
              "tensorTypes": ["F32", "F16", "BF16"]
            }
          },
          "aliases": {
            "deepseek2": "deepseek",
            "deepseek_v2": "deepseek",
            "deepseek_v3": "deepseek"
          }
        },
        {
          "name": "image",
          "categories": ["image", "checkpoint", "lora"],
          "pipelineTags": ["text-to-image", "image-to-image"],
          "libraries": ["diffusers"],
          "backends": ["cpu", "cuda", "metal", "rocm"],
          "formats": {
            "safetensors": {
              "architectures": ["SD 1.5", "SD 2.1", "SDXL 1.0", "SDXL Turbo", "Flux.1 D", "Flux.1 S"],
              "tensorTypes": ["F32", "F16", "BF16"]
            }
          },
          "aliases": {
            "sd15": "SD 1.5",
            "sd21": "SD 2.1",
            "sdxl": "SDXL 1.0",
            "flux": "Flux.1 D",
            "Pony": "SDXL 1.0",
            "runwayml/stable-diffusion-v1-5": "SD 1.5",
            "stable-diffusion-v1-5/stable-diffusion-v1-5": "SD 1.5",
            "stabilityai/stable-diffusion-2-1": "SD 2.1",
            "stabilityai/stable-diffusion-2-1-base": "SD 2.1",
            "stabilityai/stable-diffusion-xl-base-1.0": "SDXL 1.0",
            "stabilityai/sdxl-turbo": "SDXL Turbo",
            "black-forest-labs/FLUX.1-dev": "Flux.1 D",
            "black-forest-labs/FLUX.1-schnell": "Flux.1 S"
          }
        }
      ]
    }
    """
}

/// One worker of a runner: which models it takes and what it can load.
public struct WorkerSupport: Codable, Equatable, Sendable {
    public var name: String
    /// The model categories it runs.
    public var categories: [ModelCategory]
    /// Hub tasks (`pipeline_tag`) of the models it runs, to choose it when a model's category is not known.
    public var pipelineTags: [String]
    /// Hub libraries (`library_name`, also matched against tags) of the models it runs, likewise.
    public var libraries: [String]
    public var backends: [Backend]
    /// Per file format ("gguf", "safetensors"): the architectures and tensor types it loads.
    public var formats: [String: FormatSupport]
    /// Other spellings of a supported architecture: alias → the name in `formats`.
    public var aliases: [String: String]
    /// Contexts above this many tokens get a warning; nil when the worker has no context (images).
    public var maxRecommendedContext: UInt64?

    public init(
        name: String, categories: [ModelCategory], pipelineTags: [String] = [], libraries: [String] = [],
        backends: [Backend], formats: [String: FormatSupport], aliases: [String: String] = [:],
        maxRecommendedContext: UInt64? = nil
    ) {
        self.name = name
        self.categories = categories
        self.pipelineTags = pipelineTags
        self.libraries = libraries
        self.backends = backends
        self.formats = formats
        self.aliases = aliases
        self.maxRecommendedContext = maxRecommendedContext
    }

    /// Whether it runs language models, which have a context, a KV cache and layers to offload.
    public var runsLanguageModels: Bool { categories.contains(.llm) }

    /// What an architecture is called for this worker's models: "architecture", or "base model" for
    /// image workers.
    public var architectureTerm: String { runsLanguageModels ? "architecture" : "base model" }

    /// The supported architecture `name` stands for in `format`, matched case-insensitively either
    /// directly or through `aliases`; nil when the format or the architecture is not supported.
    public func architecture(matching name: String, format: String) -> String? {
        guard let support = formats[format] else { return nil }
        let key = name.lowercased()
        let target = aliases.first { $0.key.lowercased() == key }?.value.lowercased() ?? key
        return support.architectures.first { $0.lowercased() == target }
    }
}

/// What a worker loads of one file format.
public struct FormatSupport: Codable, Equatable, Sendable {
    /// GGUF `general.architecture` values, config.json `model_type` values, or image base models as
    /// CivitAI names them ("SDXL 1.0").
    public var architectures: [String]
    /// ggml type names (GGUF) or dtypes (safetensors) it can load; nil when any.
    public var tensorTypes: [String]?

    public init(architectures: [String], tensorTypes: [String]? = nil) {
        self.architectures = architectures
        self.tensorTypes = tensorTypes
    }
}

/// A runtime description that could not be read, naming the file and the JSON field at fault.
public struct RuntimeSupportError: Error, Equatable, CustomStringConvertible {
    public var path: String
    /// The field, as `workers[0].backends[2]`; nil when the file could not be read or parsed at all.
    public var field: String?
    public var message: String

    public init(path: String, field: String?, message: String) {
        self.path = path
        self.field = field
        self.message = message
    }

    init(path: String, decoding error: DecodingError) {
        self.init(path: path, field: error.fieldPath.isEmpty ? nil : error.fieldPath, message: error.problem)
    }

    public var description: String {
        "\(path): " + (field.map { "\($0): " } ?? "") + message
    }
}
