import FormatParsers
import Marketplace

/// A diffusers pipeline's `model_index.json`: the pipeline class and its components.
public struct DiffusersModelIndex: Equatable, Sendable {
    /// The library and class of a component, e.g. ("diffusers", "UNet2DConditionModel").
    public struct Component: Equatable, Codable, Sendable {
        public var library: String
        public var className: String

        public init(library: String, className: String) {
            self.library = library
            self.className = className
        }
    }

    /// `_class_name`, e.g. "StableDiffusionXLPipeline".
    public var pipelineClass: String?
    /// Components by name ("unet", "vae", "text_encoder", ...). Entries given as `[null, null]` (an absent
    /// safety checker) and settings such as `requires_safety_checker` are left out.
    public var components: [String: Component]

    public init(parsing bytes: [UInt8], file: String = "model_index.json") throws(ConfigFileError) {
        let json = try JSONValue(parsing: bytes, file: file)
        pipelineClass = try ConfigFieldReader(json, file: file).string("_class_name")
        components = [:]
        for (name, value) in json.objectValue ?? [:] where !name.hasPrefix("_") {
            guard let library = value[0]?.stringValue, let className = value[1]?.stringValue, value.arrayValue?.count == 2
            else { continue }
            components[name] = Component(library: library, className: className)
        }
    }
}

/// The diffusion model families told apart by their pipeline (raw values as runners name them).
public enum DiffusionPipelineFamily: String, Codable, Sendable, CaseIterable {
    case stableDiffusion1 = "sd15"
    case stableDiffusion2 = "sd21"
    case stableDiffusionXL = "sdxl"
    case stableDiffusion3 = "sd3"
    case flux

    /// The family of a pipeline class. Stable Diffusion 1 and 2 share their pipeline classes and are told
    /// apart by the width of the text conditioning, `conditioningWidth` (768 and 1024); nil when that is
    /// unknown or the class is not one of these families.
    public init?(pipelineClass: String, conditioningWidth: UInt64?) {
        if pipelineClass.hasPrefix("StableDiffusionXL") {
            self = .stableDiffusionXL
        } else if pipelineClass.hasPrefix("StableDiffusion3") {
            self = .stableDiffusion3
        } else if pipelineClass.hasPrefix("Flux") {
            self = .flux
        } else if pipelineClass.hasPrefix("StableDiffusion"), conditioningWidth == 768 {
            self = .stableDiffusion1
        } else if pipelineClass.hasPrefix("StableDiffusion"), conditioningWidth == 1024 {
            self = .stableDiffusion2
        } else {
            return nil
        }
    }
}

/// The facts of a diffusers repository: each component's weights, their sum, and the pipeline family.
public struct DiffusersFacts: Equatable, Codable, Sendable {
    /// `_class_name` of model_index.json.
    public var pipelineClass: String?
    public var family: DiffusionPipelineFamily?
    /// Facts of each component whose weights were read, by component name; the architecture is the
    /// component's class ("UNet2DConditionModel").
    public var components: [String: ModelFacts]
    /// Parameters, bytes and dtypes summed over the components; the architecture is the family's name.
    public var total: ModelFacts

    /// Facts from `model_index.json`, the safetensors headers of each component (`weights["unet"]` for
    /// `unet/diffusion_pytorch_model.safetensors`, ...), and the components' `config.json` documents when
    /// read: the UNet's `cross_attention_dim` or else the text encoder's `hidden_size` tells Stable
    /// Diffusion 1 from 2.
    public init(modelIndex: DiffusersModelIndex, weights: [String: [SafetensorsHeader]], configs: [String: JSONValue] = [:]) {
        pipelineClass = modelIndex.pipelineClass
        let conditioningWidth = (configs["unet"]?["cross_attention_dim"] ?? configs["text_encoder"]?["hidden_size"])?
            .int64Value.flatMap { UInt64(exactly: $0) }
        family = modelIndex.pipelineClass.flatMap { DiffusionPipelineFamily(pipelineClass: $0, conditioningWidth: conditioningWidth) }
        components = [:]
        for (name, headers) in weights {
            var facts = ModelFacts(safetensors: headers, config: nil)
            facts.architecture = modelIndex.components[name]?.className
            components[name] = facts
        }
        total = ModelFacts(safetensors: weights.sorted { $0.key < $1.key }.flatMap(\.value), config: nil)
        total.architecture = family?.rawValue
    }
}
