import Compat
import Foundation
import FormatParsers
import Marketplace
import Testing
import TestSupport

/// A parsed header holding `tensors` as (name, dtype, shape), offsets in order; no data is written.
func safetensorsHeader(_ tensors: [(String, String, [UInt64])]) throws -> SafetensorsHeader {
    var writer = SafetensorsWriter()
    for (name, dtype, shape) in tensors { writer.add(name, dtype: dtype, shape: shape) }
    return try SafetensorsHeader(parsing: writer.headerBytes())
}

func modelConfig(_ json: String) throws -> ModelConfig {
    try ModelConfig(parsing: Array(json.utf8))
}

/// The writer's tensors spread over `count` shards, as a sharded checkpoint stores them.
private func shards(_ writer: SafetensorsWriter, count: Int) throws -> [SafetensorsHeader] {
    let perShard = (writer.tensors.count + count - 1) / count
    return try stride(from: 0, to: writer.tensors.count, by: perShard).map { start in
        var shard = SafetensorsWriter()
        shard.tensors = Array(writer.tensors[start..<min(start + perShard, writer.tensors.count)])
        return try SafetensorsHeader(parsing: shard.headerBytes())
    }
}

/// Llama-3.1-8B's tensors: 32 blocks plus embeddings, final norm and output head, all BF16.
private func llama31_8B() -> SafetensorsWriter {
    var writer = SyntheticModels.llamaSafetensors(layers: 32)
    writer.add("model.embed_tokens.weight", dtype: "BF16", shape: [128_256, 4096])
    writer.add("model.norm.weight", dtype: "BF16", shape: [4096])
    writer.add("lm_head.weight", dtype: "BF16", shape: [128_256, 4096])
    return writer
}

private let llama31Config = """
    {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "bos_token_id": 128000, "eos_token_id": 128001,
     "hidden_act": "silu", "hidden_size": 4096, "intermediate_size": 14336, "max_position_embeddings": 131072,
     "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
     "rms_norm_eps": 1e-05, "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
     "original_max_position_embeddings": 8192, "rope_type": "llama3"}, "rope_theta": 500000.0,
     "tie_word_embeddings": false, "torch_dtype": "bfloat16", "vocab_size": 128256}
    """

/// Mixtral-8x7B's tensors: 32 blocks of 8 experts (w1, w2, w3) with a router, vocabulary 32000.
private func mixtral8x7B() -> SafetensorsWriter {
    var writer = SafetensorsWriter()
    writer.add("model.embed_tokens.weight", dtype: "BF16", shape: [32000, 4096])
    for layer in 0..<32 {
        let prefix = "model.layers.\(layer)."
        writer.add(prefix + "input_layernorm.weight", dtype: "BF16", shape: [4096])
        writer.add(prefix + "self_attn.q_proj.weight", dtype: "BF16", shape: [4096, 4096])
        writer.add(prefix + "self_attn.k_proj.weight", dtype: "BF16", shape: [1024, 4096])
        writer.add(prefix + "self_attn.v_proj.weight", dtype: "BF16", shape: [1024, 4096])
        writer.add(prefix + "self_attn.o_proj.weight", dtype: "BF16", shape: [4096, 4096])
        writer.add(prefix + "post_attention_layernorm.weight", dtype: "BF16", shape: [4096])
        writer.add(prefix + "block_sparse_moe.gate.weight", dtype: "BF16", shape: [8, 4096])
        for expert in 0..<8 {
            let expertPrefix = prefix + "block_sparse_moe.experts.\(expert)."
            writer.add(expertPrefix + "w1.weight", dtype: "BF16", shape: [14336, 4096])
            writer.add(expertPrefix + "w2.weight", dtype: "BF16", shape: [4096, 14336])
            writer.add(expertPrefix + "w3.weight", dtype: "BF16", shape: [14336, 4096])
        }
    }
    writer.add("model.norm.weight", dtype: "BF16", shape: [4096])
    writer.add("lm_head.weight", dtype: "BF16", shape: [32000, 4096])
    return writer
}

private let mixtralConfig = """
    {"architectures": ["MixtralForCausalLM"], "hidden_size": 4096, "intermediate_size": 14336,
     "max_position_embeddings": 32768, "model_type": "mixtral", "num_attention_heads": 32,
     "num_experts_per_tok": 2, "num_hidden_layers": 32, "num_key_value_heads": 8, "num_local_experts": 8,
     "rope_theta": 1000000.0, "sliding_window": null, "torch_dtype": "bfloat16", "vocab_size": 32000}
    """

@Suite("safetensors facts")
struct SafetensorsFactsTests {
    @Test("Llama-3.1-8B shapes give exactly 8,030,261,248 parameters, however the checkpoint is sharded", arguments: [1, 4])
    func llamaParameterCount(shardCount: Int) throws {
        let facts = ModelFacts(safetensors: try shards(llama31_8B(), count: shardCount), config: try modelConfig(llama31Config))
        #expect(facts.format == "safetensors")
        #expect(facts.parameters == 8_030_261_248)
        #expect(facts.tensorBytes == 2 * 8_030_261_248)
        #expect(facts.parametersByType == ["BF16": 8_030_261_248])
        #expect(facts.bytesByType == ["BF16": 2 * 8_030_261_248])
        #expect(facts.tensorTypes == ["BF16"])
        #expect(facts.activeParameters == nil)
        #expect(facts.bitsPerWeight == 16)
    }

    @Test("Llama-3.1-8B hyperparameters come from config.json")
    func llamaHyperparameters() throws {
        let facts = ModelFacts(safetensors: [try SafetensorsHeader(parsing: llama31_8B().headerBytes())], config: try modelConfig(llama31Config))
        #expect(facts.architecture == "llama")
        #expect(facts.contextLength == 131_072)
        #expect(facts.blockCount == 32)
        #expect(facts.embeddingLength == 4096)
        #expect(facts.feedForwardLength == 14336)
        #expect(facts.vocabularySize == 128_256)
        #expect(facts.attention.headCount == 32)
        #expect(facts.attention.kvHeadCountPerLayer == [UInt64](repeating: 8, count: 32))
        #expect(facts.attention.keyLength == 128)
        #expect(facts.attention.valueLength == 128)
        #expect(facts.attention.slidingWindow == nil)
        #expect(facts.attention.slidingWindowLayers.isEmpty)
        #expect(!facts.attention.usesMLA)
        #expect(facts.ropeScaling?.type == "llama3")
        #expect(facts.ropeScaling?.factor == 8)
        #expect(facts.ropeScaling?.originalContextLength == 8192)
    }

    @Test("without a quantization_config the label is the dtype holding the most parameters, inferred")
    func dominantDTypeLabel() throws {
        let header = try safetensorsHeader([
            ("model.embed_tokens.weight", "F16", [1000, 64]), ("model.norm.weight", "F32", [64]),
            ("lm_head.weight", "F16", [1000, 64]),
        ])
        let facts = ModelFacts(safetensors: [header], config: nil)
        #expect(facts.quantization == QuantizationLabel(name: "F16", source: .inferred))
        #expect(facts.architecture == nil)
        #expect(facts.tensorTypes == ["F16", "F32"])
        #expect(facts.parametersByType == ["F16": 128_000, "F32": 64])
    }

    @Test("Mixtral-8x7B: 46,702,792,704 parameters, about 12.9 billion active with 2 of 8 experts")
    func mixtralActiveParameters() throws {
        let facts = ModelFacts(safetensors: try shards(mixtral8x7B(), count: 3), config: try modelConfig(mixtralConfig))
        #expect(facts.parameters == 46_702_792_704)
        #expect(facts.activeParameters == 12_879_925_248)
        #expect(facts.isMixtureOfExperts)
        #expect(facts.expertCount == 8)
        #expect(facts.expertUsedCount == 2)
        #expect(facts.architecture == "mixtral")
        #expect(facts.attention.slidingWindow == nil)
    }

    @Test("shared experts count as always active")
    func sharedExpertsAreActive() throws {
        let header = try safetensorsHeader([
            ("model.layers.0.mlp.gate.weight", "BF16", [4, 16]),
            ("model.layers.0.mlp.experts.0.up_proj.weight", "BF16", [32, 16]),
            ("model.layers.0.mlp.experts.1.up_proj.weight", "BF16", [32, 16]),
            ("model.layers.0.mlp.experts.2.up_proj.weight", "BF16", [32, 16]),
            ("model.layers.0.mlp.experts.3.up_proj.weight", "BF16", [32, 16]),
            ("model.layers.0.mlp.shared_expert.up_proj.weight", "BF16", [32, 16]),
            ("model.layers.1.mlp.shared_experts.up_proj.weight", "BF16", [32, 16]),
        ])
        let facts = ModelFacts(safetensors: [header], config: try modelConfig(#"{"num_experts": 4, "num_experts_per_tok": 1}"#))
        #expect(facts.parameters == 64 + 6 * 512)
        #expect(facts.activeParameters == UInt64(64 + 512 + 2 * 512))
    }

    @Test("GPTQ and AWQ qweight count in × out; qzeros, scales and g_idx only bytes", arguments: [
        ("gptq", 4), ("gptq", 8), ("gptq", 3), ("awq", 4),
    ])
    func packedInt32Weights(method: String, bits: UInt64) throws {
        let (input, output, group): (UInt64, UInt64, UInt64) = (4096, 11008, 128)
        let qweight: [UInt64] = method == "awq" ? [input, output * bits / 32] : [input * bits / 32, output]
        var tensors: [(String, String, [UInt64])] = [
            ("model.layers.0.mlp.up_proj.qweight", "I32", qweight),
            ("model.layers.0.mlp.up_proj.qzeros", "I32", [input / group, output * bits / 32]),
            ("model.layers.0.mlp.up_proj.scales", "F16", [input / group, output]),
            ("model.layers.0.mlp.up_proj.bias", "F16", [output]),
        ]
        if method == "gptq" { tensors.append(("model.layers.0.mlp.up_proj.g_idx", "I32", [input])) }
        let header = try safetensorsHeader(tensors)
        let config = try modelConfig(#"{"quantization_config": {"quant_method": "\#(method)", "bits": \#(bits), "group_size": 128}}"#)
        let facts = ModelFacts(safetensors: [header], config: config)
        #expect(facts.parameters == input * output + output)
        #expect(facts.tensorBytes == header.totals.tensorDataBytes)
        #expect(facts.quantization == QuantizationLabel(name: "\(method.uppercased())-\(bits)bit", source: .header))
        #expect(facts.parametersByType["I32"] == input * output)
    }

    @Test("MXFP4 _blocks count two values per byte and _scales none; experts scale to the active share")
    func mxfp4Blocks() throws {
        let header = try safetensorsHeader([
            ("model.layers.0.mlp.experts.gate_up_proj_blocks", "U8", [32, 5760, 90, 16]),
            ("model.layers.0.mlp.experts.gate_up_proj_scales", "U8", [32, 5760, 90]),
            ("model.layers.0.mlp.experts.gate_up_proj_bias", "BF16", [32, 5760]),
            ("model.layers.0.mlp.experts.down_proj_blocks", "U8", [32, 2880, 90, 16]),
            ("model.layers.0.mlp.experts.down_proj_scales", "U8", [32, 2880, 90]),
            ("model.layers.0.mlp.experts.down_proj_bias", "BF16", [32, 2880]),
            ("model.layers.0.mlp.router.weight", "BF16", [32, 2880]),
            ("model.layers.0.mlp.router.bias", "BF16", [32]),
        ])
        let config = try modelConfig("""
            {"model_type": "gpt_oss", "num_hidden_layers": 1, "num_local_experts": 32, "num_experts_per_tok": 4,
             "quantization_config": {"quant_method": "mxfp4", "modules_to_not_convert": ["model.layers.*.self_attn"]}}
            """)
        let facts = ModelFacts(safetensors: [header], config: config)
        let experts: UInt64 = 32 * 5760 * 2880 + 32 * 5760 + 32 * 2880 * 2880 + 32 * 2880
        let router: UInt64 = 32 * 2880 + 32
        #expect(facts.parameters == experts + router)
        #expect(facts.activeParameters == experts / 8 + router)
        #expect(facts.tensorBytes == header.totals.tensorDataBytes)
        #expect(facts.quantization == QuantizationLabel(name: "MXFP4", source: .header))
    }

    @Test("bitsandbytes 4-bit weights count two per byte, from the config or from their companions", arguments: [true, false])
    func bitsAndBytes4bit(withConfig: Bool) throws {
        let weight = "model.layers.0.self_attn.q_proj.weight"
        let header = try safetensorsHeader([
            (weight, "U8", [4096 * 4096 / 2, 1]),
            (weight + ".absmax", "U8", [262_144]),
            (weight + ".quant_map", "F32", [256]),
            (weight + ".nested_absmax", "F32", [1024]),
            (weight + ".nested_quant_map", "F32", [256]),
            (weight + ".quant_state.bitsandbytes__nf4", "U8", [143]),
            ("model.layers.0.input_layernorm.weight", "F16", [4096]),
        ])
        let config = withConfig ? try modelConfig("""
            {"quantization_config": {"quant_method": "bitsandbytes", "load_in_4bit": true, "load_in_8bit": false,
             "bnb_4bit_quant_type": "nf4", "bnb_4bit_use_double_quant": true}}
            """) : nil
        let facts = ModelFacts(safetensors: [header], config: config)
        #expect(facts.parameters == 4096 * 4096 + 4096)
        #expect(facts.tensorBytes == header.totals.tensorDataBytes)
        if withConfig { #expect(facts.quantization == QuantizationLabel(name: "bnb-nf4", source: .header)) }
    }

    @Test("bitsandbytes 8-bit weights count one per byte; SCB and weight_format none")
    func bitsAndBytes8bit() throws {
        let header = try safetensorsHeader([
            ("model.layers.0.mlp.down_proj.weight", "I8", [4096, 14336]),
            ("model.layers.0.mlp.down_proj.SCB", "F32", [4096]),
            ("model.layers.0.mlp.down_proj.weight_format", "U8", []),
        ])
        let config = try modelConfig(#"{"quantization_config": {"quant_method": "bitsandbytes", "load_in_8bit": true}}"#)
        let facts = ModelFacts(safetensors: [header], config: config)
        #expect(facts.parameters == 4096 * 14336)
        #expect(facts.quantization == QuantizationLabel(name: "bnb-int8", source: .header))
    }

    @Test("compressed-tensors weight_packed counts 32 / num_bits per I32; scales, zero points and shapes none")
    func compressedTensorsPacked() throws {
        let layer = "model.layers.0.self_attn.o_proj."
        let header = try safetensorsHeader([
            (layer + "weight_packed", "I32", [4096, 4096 / 8]),
            (layer + "weight_scale", "BF16", [4096, 32]),
            (layer + "weight_zero_point", "I32", [4096 / 8, 32]),
            (layer + "weight_shape", "I64", [2]),
        ])
        let config = try modelConfig("""
            {"quantization_config": {"quant_method": "compressed-tensors", "format": "pack-quantized",
             "config_groups": {"group_0": {"targets": ["Linear"], "input_activations": null, "output_activations": null,
             "weights": {"num_bits": 4, "type": "int", "symmetric": true, "group_size": 128, "strategy": "group"}}}}}
            """)
        let facts = ModelFacts(safetensors: [header], config: config)
        #expect(facts.parameters == 4096 * 4096)
        #expect(facts.quantization == QuantizationLabel(name: "W4A16", source: .header))
        #expect(config.quantizationConfig?.groupSize == 128)
    }

    @Test("FP8 weights count one per element and their scales none", arguments: [
        ["weight_scale_inv"], ["weight_scale", "input_scale"],
    ])
    func fp8Scales(scaleSuffixes: [String]) throws {
        let layer = "model.layers.3.mlp.down_proj."
        let header = try safetensorsHeader([(layer + "weight", "F8_E4M3", [2048, 1024])] + scaleSuffixes.map { (layer + $0, "F32", [16, 8]) })
        let config = try modelConfig("""
            {"quantization_config": {"quant_method": "fp8", "fmt": "e4m3", "activation_scheme": "dynamic",
             "weight_block_size": [128, 128]}}
            """)
        let facts = ModelFacts(safetensors: [header], config: config)
        #expect(facts.parameters == 2048 * 1024)
        #expect(facts.quantization == QuantizationLabel(name: "FP8", source: .header))
        #expect(facts.tensorTypes == ["F8_E4M3", "F32"])
    }

    @Test("scales count as parameters unless beside the packed weight they scale")
    func scalesWithoutPackedWeightAreParameters() throws {
        let header = try safetensorsHeader([
            ("encoder.layer_norm.scales", "F32", [64]), ("encoder.mix_scales", "F32", [8]),
        ])
        #expect(ModelFacts(safetensors: [header], config: nil).parameters == 72)
    }

    @Test("the all-MiniLM-L6-v2 header gives the Hub's 22,713,728 parameters", Fixtures.required)
    func miniLMFixture() throws {
        let header = try SafetensorsHeader(parsing: Fixtures.bytes("safetensors/header-only/all-MiniLM-L6-v2.model.safetensors.header-only"))
        let facts = ModelFacts(safetensors: [header], config: nil)
        #expect(facts.parameters == 22_713_728)
        #expect(facts.parametersByType == ["F32": 22_713_216, "I64": 512])
        #expect(facts.tensorBytes == 90_856_960)
        #expect(facts.quantization == QuantizationLabel(name: "F32", source: .inferred))
    }
}

private let stableDiffusionIndex = """
    {"_class_name": "StableDiffusionPipeline", "_diffusers_version": "0.6.0",
     "feature_extractor": ["transformers", "CLIPImageProcessor"], "requires_safety_checker": true,
     "safety_checker": [null, null], "scheduler": ["diffusers", "PNDMScheduler"],
     "text_encoder": ["transformers", "CLIPTextModel"], "tokenizer": ["transformers", "CLIPTokenizer"],
     "unet": ["diffusers", "UNet2DConditionModel"], "vae": ["diffusers", "AutoencoderKL"]}
    """

@Suite("diffusers facts")
struct DiffusersFactsTests {
    @Test("model_index.json lists components with their library and class, leaving out null entries and settings")
    func modelIndexComponents() throws {
        let index = try DiffusersModelIndex(parsing: Array(stableDiffusionIndex.utf8))
        #expect(index.pipelineClass == "StableDiffusionPipeline")
        #expect(Set(index.components.keys) == ["feature_extractor", "scheduler", "text_encoder", "tokenizer", "unet", "vae"])
        #expect(index.components["unet"] == DiffusersModelIndex.Component(library: "diffusers", className: "UNet2DConditionModel"))
    }

    @Test("a malformed model_index.json names the file and field")
    func modelIndexErrors() {
        #expect(throws: ConfigFileError(file: "model_index.json", field: "_class_name", problem: "expected a string, found 3")) {
            try DiffusersModelIndex(parsing: Array(#"{"_class_name": 3}"#.utf8))
        }
    }

    @Test("the pipeline family follows the class, and the conditioning width tells SD 1 from SD 2", arguments: [
        ("StableDiffusionPipeline", #"{"cross_attention_dim": 768}"#, "unet", DiffusionPipelineFamily.stableDiffusion1),
        ("StableDiffusionPipeline", #"{"cross_attention_dim": 1024}"#, "unet", .stableDiffusion2),
        ("StableDiffusionPipeline", #"{"hidden_size": 1024, "model_type": "clip_text_model"}"#, "text_encoder", .stableDiffusion2),
        ("StableDiffusionXLPipeline", "{}", "unet", .stableDiffusionXL),
        ("StableDiffusion3Pipeline", "{}", "transformer", .stableDiffusion3),
        ("FluxPipeline", "{}", "transformer", .flux),
    ])
    func pipelineFamily(pipelineClass: String, config: String, component: String, family: DiffusionPipelineFamily) throws {
        let index = try DiffusersModelIndex(parsing: Array(#"{"_class_name": "\#(pipelineClass)"}"#.utf8))
        let configs = [component: try JSONValue(parsing: config)]
        #expect(DiffusersFacts(modelIndex: index, weights: [:], configs: configs).family == family)
    }

    @Test("Stable Diffusion without component configs has no family: 1 and 2 share the pipeline")
    func stableDiffusionWithoutConfigs() throws {
        let index = try DiffusersModelIndex(parsing: Array(stableDiffusionIndex.utf8))
        #expect(DiffusersFacts(modelIndex: index, weights: [:]).family == nil)
    }

    @Test("facts per component and in total")
    func componentsAndTotal() throws {
        let index = try DiffusersModelIndex(parsing: Array(stableDiffusionIndex.utf8))
        let unet = try safetensorsHeader([
            ("conv_in.weight", "F16", [320, 4, 3, 3]), ("down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight", "F16", [320, 768]),
        ])
        let textEncoder = try safetensorsHeader([("text_model.embeddings.token_embedding.weight", "F32", [49408, 768])])
        let facts = DiffusersFacts(
            modelIndex: index, weights: ["unet": [unet], "text_encoder": [textEncoder]],
            configs: ["unet": try JSONValue(parsing: #"{"cross_attention_dim": 768}"#)])
        #expect(facts.family == .stableDiffusion1)
        #expect(facts.components["unet"]?.parameters == UInt64(11520 + 245_760))
        #expect(facts.components["unet"]?.architecture == "UNet2DConditionModel")
        #expect(facts.components["text_encoder"]?.parameters == UInt64(49408 * 768))
        #expect(facts.total.parameters == 11520 + 245_760 + 49408 * 768)
        #expect(facts.total.tensorBytes == 2 * (11520 + 245_760) + 4 * 49408 * 768)
        #expect(facts.total.parametersByType == ["F16": 11520 + 245_760, "F32": 49408 * 768])
        #expect(facts.total.architecture == "sd15")
    }
}

extension JSONValue {
    init(parsing text: String) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}
