import Compat
import Foundation
import Testing

/// One measured llama.cpp run from Resources/llama-cpp-reference.json.
struct ReferenceRun: Decodable, CustomTestStringConvertible {
    struct Hyperparameters: Decodable {
        let arch: String
        let n_layer: UInt64
        let n_embd: UInt64
        let n_head: UInt64
        let n_head_kv: UInt64
        let head_dim: UInt64?
        let head_dim_k: UInt64?
        let n_ff: UInt64
        let n_vocab: UInt64
        let n_ctx_train: UInt64
        let sliding_window: UInt64?
        let swa_pattern: Int?
        let n_expert: UInt64?
        let n_expert_used: UInt64?
        let n_ff_exp: UInt64?
        let n_ff_shexp: UInt64?
        let n_expert_shared: UInt64?
        let kv_lora_rank: UInt64?
        let qk_rope_head_dim: UInt64?
    }

    struct Derived: Decodable {
        let swa_layers: [Int]
        let n_swa: UInt64
    }

    let model: String
    let hparams: Hyperparameters
    let derived: Derived
    let weights_bytes: UInt64
    let n_ctx_requested: UInt64
    let n_ubatch: UInt64?
    let n_seq_max: Int
    let type_k: String
    let type_v: String
    let flash_attn: Bool?
    let swa_full: Bool?
    let status: String
    let kv_bytes: UInt64?
    let output_buffer_bytes: UInt64?
    let compute_buffer_bytes: UInt64?

    var testDescription: String { "\(model) ctx \(n_ctx_requested) ub \(n_ubatch ?? 0) \(type_k)/\(type_v) fa \(flash_attn ?? false)" }

    /// The facts a GGUF header with these hyperparameters yields.
    var facts: ModelFacts {
        var facts = ModelFacts(format: "gguf", parameters: 0, tensorBytes: weights_bytes)
        let h = hparams
        facts.architecture = h.arch
        facts.blockCount = h.n_layer
        facts.embeddingLength = h.n_embd
        facts.feedForwardLength = h.n_ff
        facts.vocabularySize = h.n_vocab
        facts.contextLength = h.n_ctx_train
        facts.expertCount = h.n_expert
        facts.expertUsedCount = h.n_expert_used
        facts.expertFeedForwardLength = h.n_ff_exp
        facts.sharedExpertFeedForwardLength = h.n_ff_shexp ?? h.n_expert_shared.flatMap { count in h.n_ff_exp.map { count * $0 } }
        let headWidth = h.head_dim ?? h.n_embd / h.n_head
        facts.attention = AttentionFacts(
            headCount: h.n_head, kvHeadCountPerLayer: Array(repeating: h.n_head_kv, count: Int(h.n_layer)),
            keyLength: headWidth, valueLength: headWidth,
            slidingWindow: derived.n_swa > 0 ? derived.n_swa : nil,
            slidingWindowLayers: derived.swa_layers.isEmpty ? [] : (0..<Int(h.n_layer)).map { derived.swa_layers.contains($0) },
            kvLoraRank: h.kv_lora_rank, ropeDimension: h.qk_rope_head_dim)
        return facts
    }
}

struct ReferenceFile: Decodable { let runs: [ReferenceRun] }

private let referenceRuns: [ReferenceRun] = {
    guard let url = Bundle.module.url(forResource: "llama-cpp-reference", withExtension: "json", subdirectory: "Resources"),
          let data = try? Data(contentsOf: url)
    else { return [] }
    return (try? JSONDecoder().decode(ReferenceFile.self, from: data))?.runs ?? []
}()

/// Runs the estimate can be compared with: one sequence, equal K and V types, and a windowed SWA
/// cache (llama-server's setting) for sliding-window models.
private let comparableRuns = referenceRuns.filter { run in
    run.status == "ok" && run.n_seq_max == 1 && run.type_k == run.type_v && (run.derived.swa_layers.isEmpty || run.swa_full == false)
}

@Suite("Memory estimates against llama.cpp's allocations")
struct MemoryReferenceTests {
    @Test("the reference file has runs for every measured architecture")
    func referenceLoaded() {
        #expect(Set(comparableRuns.map(\.hparams.arch)) == ["llama", "qwen2", "gemma2", "phi3", "qwen2moe", "deepseek2"])
    }

    @Test("KV cache bytes equal llama.cpp's byte for byte", arguments: comparableRuns)
    func kvCacheExact(run: ReferenceRun) throws {
        let type = try #require(KVCacheType(rawValue: run.type_k))
        let kv = KVCache.bytes(facts: run.facts, context: run.n_ctx_requested, type: type, microBatch: run.n_ubatch ?? 512)
        #expect(kv.keys + kv.values == run.kv_bytes)
    }

    @Test("output buffer equals llama.cpp's", arguments: comparableRuns)
    func outputBufferExact(run: ReferenceRun) {
        #expect(RuntimeOverhead.outputBufferBytes(facts: run.facts) == run.output_buffer_bytes)
    }

    @Test("compute buffer estimate is within 25% of llama.cpp's", arguments: comparableRuns)
    func computeBufferClose(run: ReferenceRun) throws {
        let measured = Double(try #require(run.compute_buffer_bytes))
        let estimate = Double(RuntimeOverhead.computeBufferBytes(
            facts: run.facts, context: run.n_ctx_requested, microBatch: run.n_ubatch ?? 512, flashAttention: run.flash_attn ?? false))
        let error = (estimate - measured) / measured
        #expect(abs(error) <= 0.25, "estimate \(Int(estimate)) vs measured \(Int(measured)): \(Int(error * 100))%")
    }
}
