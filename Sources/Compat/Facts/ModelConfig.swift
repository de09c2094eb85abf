import Foundation
import Marketplace

/// A Hugging Face JSON file (`config.json`, `model_index.json`) that could not be read.
public struct ConfigFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file, e.g. `config.json` or `unet/config.json`.
    public var file: String
    /// The field as a path, e.g. `text_config.num_hidden_layers`; empty for the document itself.
    public var field: String
    public var problem: String

    public init(file: String, field: String, problem: String) {
        self.file = file
        self.field = field
        self.problem = problem
    }

    public var description: String {
        field.isEmpty ? "\(file): \(problem)" : "\(file): field \(field): \(problem)"
    }
}

/// What a Hugging Face `config.json` says about a language model.
///
/// Tolerant: every field is optional, unknown fields are ignored, null counts as absent, and whole
/// numbers may be written as floats (`4096.0`). A known field of the wrong type is an error naming it.
/// Multimodal configs (Llava, Gemma 3, Mistral 3, ...) keep the language model in `text_config`: a field
/// the top level lacks is taken from there, except `architectures` and `model_type`, which name the
/// whole model. Encodes as the document it was read from.
public struct ModelConfig: Equatable, Sendable, Codable {
    /// `architectures`, e.g. `["LlamaForCausalLM"]`.
    public var architectures: [String]?
    /// `model_type`, e.g. "llama", "gemma3".
    public var modelType: String?
    public var hiddenSize: UInt64?
    public var intermediateSize: UInt64?
    public var numHiddenLayers: UInt64?
    public var numAttentionHeads: UInt64?
    public var numKeyValueHeads: UInt64?
    public var headDim: UInt64?
    public var maxPositionEmbeddings: UInt64?
    /// `sliding_window`: the window of the layers that use one. Which layers do is said by `layerTypes`,
    /// `slidingWindowPattern` or `useSlidingWindow`; a window alone enables nothing.
    public var slidingWindow: UInt64?
    /// `layer_types`, e.g. `["sliding_attention", "full_attention", ...]`.
    public var layerTypes: [String]?
    /// `sliding_window_pattern`: in each group of N layers the last is global (Gemma 3: 6).
    public var slidingWindowPattern: UInt64?
    /// `use_sliding_window` (Qwen2): false, as most such configs say, disables `slidingWindow`.
    public var useSlidingWindow: Bool?
    /// `max_window_layers` (Qwen2): with `useSlidingWindow`, layers from this index on slide.
    public var maxWindowLayers: UInt64?
    public var vocabSize: UInt64?
    /// `num_local_experts`, `num_experts` or `n_routed_experts`.
    public var numExperts: UInt64?
    public var numExpertsPerTok: UInt64?
    /// Multi-head latent attention (DeepSeek-V2/V3).
    public var kvLoraRank: UInt64?
    public var qLoraRank: UInt64?
    public var qkRopeHeadDim: UInt64?
    public var qkNopeHeadDim: UInt64?
    public var vHeadDim: UInt64?
    /// `rope_scaling` (or `rope_parameters`); nil when absent or of type "default".
    public var ropeScaling: RopeScaling?
    public var quantizationConfig: QuantizationConfig?
    /// `torch_dtype`, or `dtype` in newer configs.
    public var torchDtype: String?
    /// The document as read, for fields not modelled here.
    public var json: JSONValue

    /// Reads a config from the bytes of `file`.
    public init(parsing bytes: [UInt8], file: String = "config.json") throws(ConfigFileError) {
        try self.init(json: JSONValue(parsing: bytes, file: file), file: file)
    }

    /// Reads a config from its JSON document.
    public init(json: JSONValue, file: String = "config.json") throws(ConfigFileError) {
        let root = try ConfigFieldReader(json, file: file)
        let fields = root.fallingBack(to: try root.object("text_config"))
        self.json = json
        architectures = try root.strings("architectures")
        modelType = try root.string("model_type")
        hiddenSize = try fields.number("hidden_size")
        intermediateSize = try fields.number("intermediate_size")
        numHiddenLayers = try fields.number("num_hidden_layers")
        numAttentionHeads = try fields.number("num_attention_heads")
        numKeyValueHeads = try fields.number("num_key_value_heads")
        headDim = try fields.number("head_dim")
        maxPositionEmbeddings = try fields.number("max_position_embeddings")
        slidingWindow = try fields.number("sliding_window")
        layerTypes = try fields.strings("layer_types")
        slidingWindowPattern = try fields.number("sliding_window_pattern")
        useSlidingWindow = try fields.bool("use_sliding_window")
        maxWindowLayers = try fields.number("max_window_layers")
        vocabSize = try fields.number("vocab_size")
        numExperts = try fields.number("num_local_experts", "num_experts", "n_routed_experts")
        numExpertsPerTok = try fields.number("num_experts_per_tok")
        kvLoraRank = try fields.number("kv_lora_rank")
        qLoraRank = try fields.number("q_lora_rank")
        qkRopeHeadDim = try fields.number("qk_rope_head_dim")
        qkNopeHeadDim = try fields.number("qk_nope_head_dim")
        vHeadDim = try fields.number("v_head_dim")
        ropeScaling = try fields.object("rope_scaling", "rope_parameters").flatMap { scaling throws(ConfigFileError) in
            guard let type = try scaling.string("rope_type", "type"), type != "default" else { return nil }
            return RopeScaling(
                type: type, factor: try scaling.decimal("factor"),
                originalContextLength: try scaling.number("original_max_position_embeddings"))
        }
        quantizationConfig = try fields.object("quantization_config").map(QuantizationConfig.init)
        torchDtype = try fields.string("torch_dtype", "dtype")
    }

    public init(from decoder: any Decoder) throws {
        try self.init(json: JSONValue(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}

/// `quantization_config` of a `config.json`: how the checkpoint's weights are quantized.
public struct QuantizationConfig: Equatable, Sendable {
    /// `quant_method`: "gptq", "awq", "bitsandbytes", "mxfp4", "compressed-tensors", "fp8", ...
    public var quantMethod: String?
    /// Bits per quantized weight: `bits`, or compressed-tensors' `config_groups.*.weights.num_bits`
    /// (the first group, by name, that has weights). Fractional for EXL2.
    public var bits: Double?
    /// `group_size` (or the weights' in compressed-tensors); -1 means one group per column.
    public var groupSize: Int64?
    public var loadIn4bit: Bool?
    public var loadIn8bit: Bool?
    /// `bnb_4bit_quant_type`: "nf4" or "fp4".
    public var bnb4bitQuantType: String?
    /// compressed-tensors `format`, e.g. "pack-quantized", "float-quantized".
    public var format: String?
    /// compressed-tensors: whether the weights are "int" or "float", and the bits of quantized
    /// input activations (nil when activations stay in 16 bits).
    public var weightType: String?
    public var activationBits: UInt64?
    /// The object as read.
    public var json: JSONValue

    init(_ fields: ConfigFieldReader) throws(ConfigFileError) {
        json = fields.json
        quantMethod = try fields.string("quant_method")
        loadIn4bit = try fields.bool("load_in_4bit")
        loadIn8bit = try fields.bool("load_in_8bit")
        bnb4bitQuantType = try fields.string("bnb_4bit_quant_type")
        format = try fields.string("format")
        bits = try fields.decimal("bits")
        groupSize = try fields.integer("group_size")
        guard let groups = try fields.object("config_groups") else { return }
        for name in groups.keys {
            guard let group = try groups.object(name), let weights = try group.object("weights") else { continue }
            if bits == nil { bits = try weights.decimal("num_bits") }
            if groupSize == nil { groupSize = try weights.integer("group_size") }
            weightType = try weights.string("type")
            activationBits = try group.object("input_activations")?.number("num_bits")
            return
        }
    }

    /// bitsandbytes 4-bit: two weights packed into each U8.
    public var isBitsAndBytes4bit: Bool { isBitsAndBytes && loadIn4bit == true }

    private var isBitsAndBytes: Bool { quantMethod == nil || quantMethod == "bitsandbytes" }

    /// A short name: "GPTQ-4bit", "AWQ-4bit", "bnb-nf4", "bnb-int8", "MXFP4", "FP8", "W4A16" (compressed-tensors
    /// integer weights and activation bits), otherwise the method uppercased with its bits when known.
    public var label: String? {
        if isBitsAndBytes4bit { return "bnb-" + (bnb4bitQuantType ?? "fp4") }
        if isBitsAndBytes, loadIn8bit == true { return "bnb-int8" }
        guard let method = quantMethod?.lowercased() else { return nil }
        let bitsText = bits.map { Int64(exactly: $0).map(String.init) ?? String($0) }
        switch (method, bitsText) {
        case ("mxfp4", _): return "MXFP4"
        case ("fp8", _), ("fbgemm_fp8", _): return "FP8"
        case ("compressed-tensors", let bits?):
            return weightType == "float" ? "FP" + bits : "W\(bits)A\(activationBits ?? 16)"
        case (_, let bits?): return "\(method.uppercased())-\(bits)bit"
        case (_, nil): return method.uppercased()
        }
    }
}

extension JSONValue {
    /// Parses a JSON document; a syntax error names `file`.
    init(parsing bytes: [UInt8], file: String) throws(ConfigFileError) {
        do {
            self = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw ConfigFileError(file: file, field: "", problem: "not valid JSON")
        }
    }
}

/// Reads typed fields of a JSON object, naming the file and field in every error. Each key is looked up
/// in the object and then in its fallbacks (a multimodal config's `text_config`); null counts as absent.
struct ConfigFieldReader {
    private struct Scope {
        var path: String
        var members: [String: JSONValue]
    }

    let file: String
    private let scopes: [Scope]

    init(_ json: JSONValue, file: String, path: String = "") throws(ConfigFileError) {
        guard let members = json.objectValue else {
            throw ConfigFileError(file: file, field: path, problem: "expected a JSON object")
        }
        self.file = file
        self.scopes = [Scope(path: path, members: members)]
    }

    private init(file: String, scopes: [Scope]) {
        self.file = file
        self.scopes = scopes
    }

    /// This reader, then `fallback` for keys this object lacks.
    func fallingBack(to fallback: ConfigFieldReader?) -> ConfigFieldReader {
        ConfigFieldReader(file: file, scopes: scopes + (fallback?.scopes ?? []))
    }

    /// The first object read, as JSON.
    var json: JSONValue { .object(scopes[0].members) }

    /// The first object's keys, sorted.
    var keys: [String] { scopes[0].members.keys.sorted() }

    private func lookup(_ keys: [String]) -> (value: JSONValue, field: String)? {
        for scope in scopes {
            for key in keys {
                if let value = scope.members[key], value != .null {
                    return (value, scope.path.isEmpty ? key : scope.path + "." + key)
                }
            }
        }
        return nil
    }

    private func mismatch(_ field: String, _ expected: String, _ value: JSONValue) -> ConfigFileError {
        ConfigFileError(file: file, field: field, problem: "expected \(expected), found \(value.summary)")
    }

    /// A reader of the object at the first of `keys` present.
    func object(_ keys: String...) throws(ConfigFileError) -> ConfigFieldReader? {
        guard let (value, field) = lookup(keys) else { return nil }
        return try ConfigFieldReader(value, file: file, path: field)
    }

    /// A non-negative whole number; `4096.0` reads as 4096.
    func number(_ keys: String...) throws(ConfigFileError) -> UInt64? {
        guard let (value, field) = lookup(keys) else { return nil }
        guard let number = value.int64Value, number >= 0 else { throw mismatch(field, "a non-negative whole number", value) }
        return UInt64(number)
    }

    /// A whole number, possibly negative.
    func integer(_ keys: String...) throws(ConfigFileError) -> Int64? {
        guard let (value, field) = lookup(keys) else { return nil }
        guard let number = value.int64Value else { throw mismatch(field, "a whole number", value) }
        return number
    }

    func decimal(_ keys: String...) throws(ConfigFileError) -> Double? {
        guard let (value, field) = lookup(keys) else { return nil }
        guard let number = value.doubleValue else { throw mismatch(field, "a number", value) }
        return number
    }

    func string(_ keys: String...) throws(ConfigFileError) -> String? {
        guard let (value, field) = lookup(keys) else { return nil }
        guard let string = value.stringValue else { throw mismatch(field, "a string", value) }
        return string
    }

    func strings(_ key: String) throws(ConfigFileError) -> [String]? {
        guard let (value, field) = lookup([key]) else { return nil }
        guard let elements = value.arrayValue else { throw mismatch(field, "an array of strings", value) }
        var strings: [String] = []
        for (index, element) in elements.enumerated() {
            guard let string = element.stringValue else { throw mismatch("\(field)[\(index)]", "a string", element) }
            strings.append(string)
        }
        return strings
    }

    func bool(_ key: String) throws(ConfigFileError) -> Bool? {
        guard let (value, field) = lookup([key]) else { return nil }
        guard let bool = value.boolValue else { throw mismatch(field, "true or false", value) }
        return bool
    }
}

extension JSONValue {
    /// A short rendering for error messages: scalars as written, containers by kind.
    var summary: String {
        switch self {
        case .null: "null"
        case .bool(let value): String(value)
        case .integer(let value): String(value)
        case .double(let value): String(value)
        case .string(let value): "\"\(value.prefix(40))\""
        case .array: "an array"
        case .object: "an object"
        }
    }
}
