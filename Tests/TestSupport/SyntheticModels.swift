import FormatParsers

/// A small deterministic generator (SplitMix64), so synthetic files are the same on every run.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Realistic synthetic model headers for tests and benchmarks.
public enum SyntheticModels {
    /// A Llama-style GGUF writer: general and architecture keys, a BPE tokenizer of `vocabulary`
    /// tokens of varied length, token types, `merges` merges, a chat template, and the tensor infos
    /// of `layers` transformer blocks with the given shapes and weight type.
    public static func llamaGGUF(
        vocabulary: Int, merges: Int, layers: Int = 32, embedding: UInt64 = 4096, feedForward: UInt64 = 14336,
        heads: UInt32 = 32, kvHeads: UInt32 = 8, weightType: GGMLType = .q8_0, fileType: UInt32 = 7,
        contextLength: UInt32 = 131_072, seed: UInt64 = 1
    ) -> GGUFWriter {
        var random = SeededGenerator(seed: seed)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzĠ".unicodeScalars)
        func word() -> String {
            let length = Int.random(in: 1...12, using: &random)
            return String(String.UnicodeScalarView((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] }))
        }
        var writer = GGUFWriter()
        writer.add("general.architecture", .string("llama"))
        writer.add("general.name", .string("Synthetic Llama"))
        writer.add("general.file_type", .uint32(fileType))
        writer.add("llama.context_length", .uint32(contextLength))
        writer.add("llama.embedding_length", .uint32(UInt32(embedding)))
        writer.add("llama.block_count", .uint32(UInt32(layers)))
        writer.add("llama.feed_forward_length", .uint32(UInt32(feedForward)))
        writer.add("llama.attention.head_count", .uint32(heads))
        writer.add("llama.attention.head_count_kv", .uint32(kvHeads))
        writer.add("llama.rope.freq_base", .float32(500_000))
        writer.add("llama.attention.layer_norm_rms_epsilon", .float32(1e-5))
        writer.add("tokenizer.ggml.model", .string("gpt2"))
        writer.add("tokenizer.ggml.pre", .string("llama-bpe"))
        writer.add("tokenizer.ggml.tokens", .array(.string, (0..<vocabulary).map { _ in .string(word()) }))
        writer.add("tokenizer.ggml.token_type", .array(.int32, (0..<vocabulary).map { _ in .int32(1) }))
        writer.add("tokenizer.ggml.merges", .array(.string, (0..<merges).map { _ in .string(word() + " " + word()) }))
        writer.add("tokenizer.ggml.bos_token_id", .uint32(1))
        writer.add("tokenizer.ggml.eos_token_id", .uint32(2))
        writer.add("tokenizer.chat_template", .string(String(repeating: "{% for message in messages %}{{ message }}{% endfor %}", count: 60)))
        writer.add("general.quantization_version", .uint32(2))

        let headDimension = embedding / UInt64(heads)
        let kvWidth = headDimension * UInt64(kvHeads)
        writer.add(tensor: "token_embd.weight", shape: [embedding, UInt64(vocabulary)], type: weightType)
        for layer in 0..<layers {
            writer.add(tensor: "blk.\(layer).attn_norm.weight", shape: [embedding], type: .f32)
            writer.add(tensor: "blk.\(layer).attn_q.weight", shape: [embedding, embedding], type: weightType)
            writer.add(tensor: "blk.\(layer).attn_k.weight", shape: [embedding, kvWidth], type: weightType)
            writer.add(tensor: "blk.\(layer).attn_v.weight", shape: [embedding, kvWidth], type: weightType)
            writer.add(tensor: "blk.\(layer).attn_output.weight", shape: [embedding, embedding], type: weightType)
            writer.add(tensor: "blk.\(layer).ffn_norm.weight", shape: [embedding], type: .f32)
            writer.add(tensor: "blk.\(layer).ffn_gate.weight", shape: [embedding, feedForward], type: weightType)
            writer.add(tensor: "blk.\(layer).ffn_up.weight", shape: [embedding, feedForward], type: weightType)
            writer.add(tensor: "blk.\(layer).ffn_down.weight", shape: [feedForward, embedding], type: weightType)
        }
        writer.add(tensor: "output_norm.weight", shape: [embedding], type: .f32)
        writer.add(tensor: "output.weight", shape: [embedding, UInt64(vocabulary)], type: weightType)
        return writer
    }

    /// A safetensors writer with `layers` Llama-style blocks of BF16 tensors (about 9 tensors,
    /// ~1 kB of JSON per layer).
    public static func llamaSafetensors(layers: Int, embedding: UInt64 = 4096, feedForward: UInt64 = 14336, kvWidth: UInt64 = 1024) -> SafetensorsWriter {
        var writer = SafetensorsWriter()
        writer.metadata = ["format": "pt"]
        for layer in 0..<layers {
            let prefix = "model.layers.\(layer)."
            writer.add(prefix + "input_layernorm.weight", dtype: "BF16", shape: [embedding])
            writer.add(prefix + "self_attn.q_proj.weight", dtype: "BF16", shape: [embedding, embedding])
            writer.add(prefix + "self_attn.k_proj.weight", dtype: "BF16", shape: [kvWidth, embedding])
            writer.add(prefix + "self_attn.v_proj.weight", dtype: "BF16", shape: [kvWidth, embedding])
            writer.add(prefix + "self_attn.o_proj.weight", dtype: "BF16", shape: [embedding, embedding])
            writer.add(prefix + "post_attention_layernorm.weight", dtype: "BF16", shape: [embedding])
            writer.add(prefix + "mlp.gate_proj.weight", dtype: "BF16", shape: [feedForward, embedding])
            writer.add(prefix + "mlp.up_proj.weight", dtype: "BF16", shape: [feedForward, embedding])
            writer.add(prefix + "mlp.down_proj.weight", dtype: "BF16", shape: [embedding, feedForward])
        }
        return writer
    }
}
