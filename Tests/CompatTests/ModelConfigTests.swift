import Compat
import Foundation
import Marketplace
import Testing

private let gemma3MultimodalConfig = """
    {"architectures": ["Gemma3ForConditionalGeneration"], "boi_token_index": 255999, "eoi_token_index": 256000,
     "eos_token_id": [1, 106], "image_token_index": 262144, "mm_tokens_per_image": 256, "model_type": "gemma3",
     "text_config": {"head_dim": 256, "hidden_size": 2560, "intermediate_size": 10240, "model_type": "gemma3_text",
       "num_attention_heads": 8, "num_hidden_layers": 34, "num_key_value_heads": 4, "max_position_embeddings": 131072,
       "rope_scaling": {"factor": 8.0, "rope_type": "linear"}, "sliding_window": 1024, "vocab_size": 262208},
     "torch_dtype": "bfloat16", "transformers_version": "4.50.0.dev0",
     "vision_config": {"hidden_size": 1152, "image_size": 896, "intermediate_size": 4304,
       "model_type": "siglip_vision_model", "num_attention_heads": 16, "num_hidden_layers": 27, "patch_size": 14}}
    """

/// Which layers slide, as `ModelFacts` records them from a config.
private func slidingLayers(_ json: String) throws -> (window: UInt64?, layers: [Bool]) {
    let attention = ModelFacts(safetensors: [], config: try modelConfig(json)).attention
    return (attention.slidingWindow, attention.slidingWindowLayers)
}

@Suite("config.json")
struct ModelConfigTests {
    @Test("a Llama config gives its hyperparameters, rope scaling and dtype")
    func llama() throws {
        let config = try modelConfig("""
            {"architectures": ["LlamaForCausalLM"], "hidden_size": 4096, "intermediate_size": 14336,
             "max_position_embeddings": 131072, "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 32,
             "num_key_value_heads": 8, "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
             "original_max_position_embeddings": 8192, "rope_type": "llama3"}, "torch_dtype": "bfloat16", "vocab_size": 128256,
             "some_future_field": {"nested": [1, 2, 3]}}
            """)
        #expect(config.architectures == ["LlamaForCausalLM"])
        #expect(config.modelType == "llama")
        #expect(config.hiddenSize == 4096)
        #expect(config.intermediateSize == 14336)
        #expect(config.numHiddenLayers == 32)
        #expect(config.numAttentionHeads == 32)
        #expect(config.numKeyValueHeads == 8)
        #expect(config.headDim == nil)
        #expect(config.maxPositionEmbeddings == 131_072)
        #expect(config.vocabSize == 128_256)
        #expect(config.torchDtype == "bfloat16")
        #expect(config.ropeScaling?.type == "llama3")
        #expect(config.ropeScaling?.factor == 8)
        #expect(config.ropeScaling?.originalContextLength == 8192)
        #expect(config.quantizationConfig == nil)
        #expect(config.json["some_future_field"]?["nested"]?[2] == .integer(3))
    }

    @Test("a multimodal Gemma 3 config takes the language model from text_config and its name from the top level")
    func gemma3Multimodal() throws {
        let config = try modelConfig(gemma3MultimodalConfig)
        #expect(config.architectures == ["Gemma3ForConditionalGeneration"])
        #expect(config.modelType == "gemma3")
        #expect(config.hiddenSize == 2560)
        #expect(config.numHiddenLayers == 34)
        #expect(config.numKeyValueHeads == 4)
        #expect(config.headDim == 256)
        #expect(config.vocabSize == 262_208)
        #expect(config.torchDtype == "bfloat16")
        #expect(config.ropeScaling?.type == "linear")

        let facts = ModelFacts(safetensors: [], config: config)
        #expect(facts.architecture == "gemma3")
        #expect(facts.attention.kvHeadCountPerLayer == [UInt64](repeating: 4, count: 34))
        #expect(facts.attention.keyLength == 256)
        #expect(facts.attention.slidingWindow == 1024)
        #expect(facts.attention.slidingWindowLayers == (0..<34).map { $0 % 6 != 5 })
    }

    @Test("layer_types says which layers slide")
    func layerTypes() throws {
        let types = (0..<24).map { $0 % 2 == 0 ? "\"sliding_attention\"" : "\"full_attention\"" }.joined(separator: ",")
        let (window, layers) = try slidingLayers("""
            {"model_type": "gpt_oss", "num_hidden_layers": 24, "sliding_window": 128, "layer_types": [\(types)]}
            """)
        #expect(window == 128)
        #expect(layers == (0..<24).map { $0 % 2 == 0 })
    }

    @Test("sliding windows apply only where the config enables them", arguments: [
        // Gemma 2: alternate layers, by llama.cpp's default for the architecture.
        (#"{"model_type": "gemma2", "num_hidden_layers": 4, "sliding_window": 4096}"#, [true, false, true, false]),
        // Text-only Gemma 3 names its type gemma3_text; llama.cpp's default for gemma3 applies.
        (#"{"model_type": "gemma3_text", "num_hidden_layers": 7, "sliding_window": 512}"#,
         [true, true, true, true, true, false, true]),
        // An explicit period: every 4th layer global.
        (#"{"model_type": "cohere2", "num_hidden_layers": 8, "sliding_window": 4096, "sliding_window_pattern": 4}"#,
         [true, true, true, false, true, true, true, false]),
        // Qwen2 carries a window it does not use.
        (#"{"model_type": "qwen2", "num_hidden_layers": 4, "sliding_window": 131072, "use_sliding_window": false, "max_window_layers": 2}"#,
         []),
        (#"{"model_type": "qwen2", "num_hidden_layers": 4, "sliding_window": 4096, "use_sliding_window": true, "max_window_layers": 2}"#,
         [false, false, true, true]),
        // A bare window (Mistral 7B v0.1) is not applied, as llama.cpp does not.
        (#"{"model_type": "mistral", "num_hidden_layers": 4, "sliding_window": 4096}"#, []),
        (#"{"model_type": "mistral", "num_hidden_layers": 4, "sliding_window": null}"#, []),
        // Layer types that are all full attention.
        (#"{"num_hidden_layers": 2, "sliding_window": 4096, "layer_types": ["full_attention", "full_attention"]}"#, []),
    ])
    func slidingWindowEnabling(json: String, expected: [Bool]) throws {
        let (window, layers) = try slidingLayers(json)
        #expect(layers == expected)
        #expect((window != nil) == !expected.isEmpty)
    }

    @Test("whole numbers written as floats read as integers")
    func floatsWhereIntegersAreExpected() throws {
        let config = try modelConfig("""
            {"hidden_size": 4096.0, "num_hidden_layers": 32.0, "max_position_embeddings": 1.31072e5,
             "quantization_config": {"quant_method": "gptq", "bits": 4.0, "group_size": -1}}
            """)
        #expect(config.hiddenSize == 4096)
        #expect(config.numHiddenLayers == 32)
        #expect(config.maxPositionEmbeddings == 131_072)
        #expect(config.quantizationConfig?.bits == 4)
        #expect(config.quantizationConfig?.groupSize == -1)
        #expect(config.quantizationConfig?.label == "GPTQ-4bit")
    }

    @Test("a field of the wrong type is an error naming the file and field", arguments: [
        (#"{"hidden_size": 4096.5}"#, "hidden_size", "expected a non-negative whole number, found 4096.5"),
        (#"{"num_attention_heads": -1}"#, "num_attention_heads", "expected a non-negative whole number, found -1"),
        (#"{"text_config": {"num_hidden_layers": "many"}}"#, "text_config.num_hidden_layers", #"expected a non-negative whole number, found "many""#),
        (#"{"architectures": ["LlamaForCausalLM", 3]}"#, "architectures[1]", "expected a string, found 3"),
        (#"{"quantization_config": {"load_in_4bit": "yes"}}"#, "quantization_config.load_in_4bit", #"expected true or false, found "yes""#),
        (#"{"rope_scaling": [1, 2]}"#, "rope_scaling", "expected a JSON object"),
        (#"[1, 2]"#, "", "expected a JSON object"),
        (#"{"hidden_size": "#, "", "not valid JSON"),
    ])
    func errorsNameTheField(json: String, field: String, problem: String) {
        #expect(throws: ConfigFileError(file: "org/model/config.json", field: field, problem: problem)) {
            try ModelConfig(parsing: Array(json.utf8), file: "org/model/config.json")
        }
    }

    @Test("decodes with JSONDecoder and encodes back to the same document")
    func codableRoundTrip() throws {
        let config = try JSONDecoder().decode(ModelConfig.self, from: Data(gemma3MultimodalConfig.utf8))
        #expect(config.hiddenSize == 2560)
        let again = try JSONDecoder().decode(ModelConfig.self, from: JSONEncoder().encode(config))
        #expect(again == config)
    }

    @Test("quantization_config gives a label", arguments: [
        (#"{"quant_method": "gptq", "bits": 4, "group_size": 128, "desc_act": false}"#, "GPTQ-4bit"),
        (#"{"quant_method": "awq", "bits": 4, "group_size": 128, "version": "gemm", "zero_point": true}"#, "AWQ-4bit"),
        (#"{"quant_method": "bitsandbytes", "load_in_4bit": true, "bnb_4bit_quant_type": "nf4"}"#, "bnb-nf4"),
        (#"{"quant_method": "bitsandbytes", "load_in_4bit": true}"#, "bnb-fp4"),
        (#"{"quant_method": "bitsandbytes", "load_in_8bit": true}"#, "bnb-int8"),
        (#"{"quant_method": "mxfp4"}"#, "MXFP4"),
        (#"{"quant_method": "fp8", "fmt": "e4m3", "weight_block_size": [128, 128]}"#, "FP8"),
        (#"{"quant_method": "compressed-tensors", "format": "float-quantized", "config_groups": {"group_0": {"weights": {"num_bits": 8, "type": "float"}, "input_activations": {"num_bits": 8, "type": "float"}}}}"#, "FP8"),
        (#"{"quant_method": "compressed-tensors", "format": "int-quantized", "config_groups": {"group_0": {"weights": {"num_bits": 8, "type": "int"}, "input_activations": {"num_bits": 8, "type": "int"}}}}"#, "W8A8"),
        (#"{"quant_method": "exl2", "bits": 4.65}"#, "EXL2-4.65bit"),
        (#"{"quant_method": "hqq"}"#, "HQQ"),
    ])
    func quantizationLabels(json: String, label: String) throws {
        let config = try modelConfig(#"{"quantization_config": \#(json)}"#)
        #expect(config.quantizationConfig?.label == label)
        #expect(config.quantizationConfig?.json == (try JSONValue(parsing: json)))
    }

    @Test("DeepSeek-V3 gives multi-head latent attention ranks and routed experts")
    func deepSeekV3() throws {
        let config = try modelConfig("""
            {"architectures": ["DeepseekV3ForCausalLM"], "model_type": "deepseek_v3", "hidden_size": 7168,
             "intermediate_size": 18432, "moe_intermediate_size": 2048, "num_hidden_layers": 61, "num_attention_heads": 128,
             "num_key_value_heads": 128, "kv_lora_rank": 512, "q_lora_rank": 1536, "qk_nope_head_dim": 128,
             "qk_rope_head_dim": 64, "v_head_dim": 128, "n_routed_experts": 256, "n_shared_experts": 1,
             "num_experts_per_tok": 8, "max_position_embeddings": 163840, "vocab_size": 129280,
             "rope_scaling": {"beta_fast": 32, "beta_slow": 1, "factor": 40, "mscale": 1.0, "mscale_all_dim": 1.0,
               "original_max_position_embeddings": 4096, "type": "yarn"},
             "quantization_config": {"activation_scheme": "dynamic", "fmt": "e4m3", "quant_method": "fp8", "weight_block_size": [128, 128]}}
            """)
        let facts = ModelFacts(safetensors: [], config: config)
        #expect(facts.architecture == "deepseek_v3")
        #expect(facts.expertCount == 256)
        #expect(facts.expertUsedCount == 8)
        #expect(facts.attention.usesMLA)
        #expect(facts.attention.kvLoraRank == 512)
        #expect(facts.attention.qLoraRank == 1536)
        #expect(facts.attention.ropeDimension == 64)
        #expect(facts.attention.keyLength == 192)
        #expect(facts.attention.valueLength == 128)
        #expect(facts.ropeScaling?.type == "yarn")
        #expect(facts.ropeScaling?.factor == 40)
        #expect(facts.ropeScaling?.originalContextLength == 4096)
    }
}
