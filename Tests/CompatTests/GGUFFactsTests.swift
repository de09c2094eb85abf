import Compat
import FormatParsers
import Testing
import TestSupport

private func facts(_ writer: GGUFWriter) throws -> ModelFacts {
    ModelFacts(gguf: [try GGUFHeader(parsing: writer.headerBytes(), fileSize: writer.fileSize)])
}

@Suite("Facts from GGUF headers")
struct GGUFFactsTests {
    @Test("Llama-3.1-8B's GGUF shapes, with the 64-element rope_freqs, give 8,030,261,312 parameters")
    func llama31() throws {
        var writer = SyntheticModels.llamaGGUF(vocabulary: 128_256, merges: 0, weightType: .f16, fileType: 1)
        writer.add(tensor: "rope_freqs.weight", shape: [64], type: .f32)
        let facts = try facts(writer)
        #expect(facts.parameters == 8_030_261_312)
        #expect(facts.architecture == "llama")
        #expect(facts.quantization == QuantizationLabel(name: "F16", source: .header))
        #expect(facts.blockCount == 32)
        #expect(facts.attention.kvHeadCountPerLayer == Array(repeating: 8, count: 32))
        #expect(facts.vocabularySize == 128_256)
        #expect(facts.activeParameters == nil)
        // Every F16 weight is 16 bits; the F32 norms pull the average up a little.
        #expect(facts.bitsPerWeight.map { $0 > 16 && $0 < 16.01 } == true)
    }

    @Test("Mixtral-8x7B: 46,702,792,704 parameters, about 12.9e9 active")
    func mixtral() throws {
        var writer = GGUFWriter()
        writer.add("general.architecture", .string("llama"))
        writer.add("llama.block_count", .uint32(32))
        writer.add("llama.expert_count", .uint32(8))
        writer.add("llama.expert_used_count", .uint32(2))
        writer.add("llama.embedding_length", .uint32(4096))
        writer.add("llama.attention.head_count", .uint32(32))
        writer.add("llama.attention.head_count_kv", .uint32(8))
        writer.add(tensor: "token_embd.weight", shape: [4096, 32000], type: .q8_0)
        for layer in 0..<32 {
            writer.add(tensor: "blk.\(layer).attn_norm.weight", shape: [4096], type: .f32)
            writer.add(tensor: "blk.\(layer).attn_q.weight", shape: [4096, 4096], type: .q8_0)
            writer.add(tensor: "blk.\(layer).attn_k.weight", shape: [4096, 1024], type: .q8_0)
            writer.add(tensor: "blk.\(layer).attn_v.weight", shape: [4096, 1024], type: .q8_0)
            writer.add(tensor: "blk.\(layer).attn_output.weight", shape: [4096, 4096], type: .q8_0)
            writer.add(tensor: "blk.\(layer).ffn_norm.weight", shape: [4096], type: .f32)
            writer.add(tensor: "blk.\(layer).ffn_gate_inp.weight", shape: [4096, 8], type: .f32)
            writer.add(tensor: "blk.\(layer).ffn_gate_exps.weight", shape: [4096, 14336, 8], type: .q8_0)
            writer.add(tensor: "blk.\(layer).ffn_up_exps.weight", shape: [4096, 14336, 8], type: .q8_0)
            writer.add(tensor: "blk.\(layer).ffn_down_exps.weight", shape: [14336, 4096, 8], type: .q8_0)
        }
        writer.add(tensor: "output_norm.weight", shape: [4096], type: .f32)
        writer.add(tensor: "output.weight", shape: [4096, 32000], type: .q8_0)
        let facts = try facts(writer)
        #expect(facts.parameters == 46_702_792_704)
        #expect(facts.activeParameters == 12_879_925_248)
        #expect(facts.isMixtureOfExperts)
        // No general.file_type: the label is the dominant type, marked inferred.
        #expect(facts.quantization == QuantizationLabel(name: "Q8_0", source: .inferred))
    }

    @Test("a per-layer KV head array and a sliding-window pattern are read per layer")
    func perLayer() throws {
        var writer = GGUFWriter()
        writer.add("general.architecture", .string("gemma3"))
        writer.add("gemma3.block_count", .uint32(6))
        writer.add("gemma3.attention.head_count", .uint32(8))
        writer.add("gemma3.attention.head_count_kv", .array(.uint32, [1, 2, 3, 4, 5, 6].map { .uint32($0) }))
        writer.add("gemma3.attention.sliding_window", .uint32(1024))
        let facts = try facts(writer)
        #expect(facts.attention.kvHeadCountPerLayer == [1, 2, 3, 4, 5, 6])
        // gemma3: five local layers, then a global one.
        #expect(facts.attention.slidingWindowLayers == [true, true, true, true, true, false])
    }

    @Test("absurd header numbers give an estimate, never a trap or a hang")
    func hostileNumbers() throws {
        var facts = ModelFacts(format: "gguf", parameters: .max, tensorBytes: .max)
        facts.blockCount = ModelFacts.maxBlockCount
        facts.embeddingLength = .max
        facts.vocabularySize = .max
        facts.feedForwardLength = .max
        facts.attention = AttentionFacts(headCount: .max, kvHeadCountPerLayer: [.max], keyLength: .max, valueLength: .max)
        let estimate = MemoryEstimator.estimate(facts, options: MemoryOptions(context: 1 << 24, flashAttention: false))
        #expect(estimate.totalBytes == .max)
    }

    @Test("KV cache types convert with their block sizes", arguments: [(KVCacheType.f16, UInt64(2) * 1024 * 4096), (.q8_0, 34 * 32 * 4096), (.q4_0, 18 * 32 * 4096)])
    func cacheTypes(type: KVCacheType, perLayerKeyBytes: UInt64) throws {
        var facts = ModelFacts(format: "gguf", parameters: 0, tensorBytes: 0)
        facts.blockCount = 2
        facts.attention = AttentionFacts(headCount: 32, kvHeadCountPerLayer: [8, 8], keyLength: 128, valueLength: 128)
        let kv = KVCache.bytes(facts: facts, context: 4000, type: type)
        // 4000 tokens round up to 4096 cells; keys and values are 1024 values per cell.
        #expect(kv.keys == 2 * perLayerKeyBytes)
        #expect(kv.values == kv.keys)
    }
}
