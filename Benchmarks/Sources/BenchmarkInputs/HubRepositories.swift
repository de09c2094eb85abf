import FormatParsers
import TestSupport

/// A model file fetched on its own in the remote benchmarks.
public struct RemoteFileCase: Codable, Sendable {
    public let repo: String
    public let path: String
    public let summary: String
}

/// A repository analyzed whole in the remote benchmarks.
public struct RemoteRepoCase: Codable, Sendable {
    public let repo: String
    /// "gguf" or "safetensors": which peers apply.
    public let format: String
    public let summary: String
}

/// The repositories the loopback Hub serves, shaped like real Llama-3-8B repositories.
public enum HubRepositories {
    public static let ggufRepo = "bench/Llama-3-8B-Instruct-GGUF"
    public static let safetensorsRepo = "bench/Llama-3-8B-Instruct"
    public static let manyTensorsRepo = "bench/many-tensors"

    /// The GGUF repository's quantizations (weight type, llama.cpp file type); the last is split in two.
    static let quantizations: [(label: String, type: GGMLType, fileType: UInt32)] = [
        ("Q2_K", GGMLType(name: "Q2_K")!, 10),
        ("Q4_K_M", GGMLType(name: "Q4_K")!, 15),
        ("Q5_K_M", GGMLType(name: "Q5_K")!, 17),
        ("Q6_K", GGMLType(name: "Q6_K")!, 18),
        ("Q8_0", .q8_0, 7),
    ]

    public static let repoCases = [
        RemoteRepoCase(repo: ggufRepo, format: "gguf", summary: "GGUF repo: 5 quantizations, Q8_0 split in 2"),
        RemoteRepoCase(repo: safetensorsRepo, format: "safetensors", summary: "safetensors repo: 4 shards + index + config"),
    ]

    /// One file of each kind of header: large GGUF, small GGUF (a split's second part), small and huge safetensors.
    public static let fileCases = [
        RemoteFileCase(repo: ggufRepo, path: "Llama-3-8B-Instruct-Q4_K_M.gguf", summary: "GGUF Q4_K_M, 8.7 MB header"),
        RemoteFileCase(repo: ggufRepo, path: "Llama-3-8B-Instruct-Q8_0-00002-of-00002.gguf", summary: "GGUF split part 2, small header"),
        RemoteFileCase(repo: safetensorsRepo, path: "model-00001-of-00004.safetensors", summary: "safetensors shard, small header"),
        RemoteFileCase(repo: manyTensorsRepo, path: "model.safetensors", summary: "safetensors, 10 MB header"),
    ]

    /// A Llama-3-8B GGUF in `type` (norms stay F32), labelled with llama.cpp's `fileType`.
    public static func llama3(_ type: GGMLType, fileType: UInt32) -> GGUFWriter {
        SyntheticModels.llamaGGUF(vocabulary: 128_256, merges: 280_147, weightType: type, fileType: fileType)
    }

    /// The GGUF repository's variants, each as the writers of its files (two for the split one).
    public static func ggufVariants() -> [(path: String, writer: GGUFWriter)] {
        quantizations.flatMap { quantization -> [(path: String, writer: GGUFWriter)] in
            let stem = "Llama-3-8B-Instruct-" + quantization.label
            let writer = llama3(quantization.type, fileType: quantization.fileType)
            guard quantization.label == quantizations.last?.label else { return [(stem + ".gguf", writer)] }
            return writer.split(into: 2).enumerated().map { index, part in ("\(stem)-0000\(index + 1)-of-00002.gguf", part) }
        }
    }

    /// The safetensors repository's four shards: 8 transformer blocks each, the embeddings in the
    /// first, the final norm and output head in the last.
    public static func safetensorsShards() -> [(path: String, writer: SafetensorsWriter)] {
        let blocks = SyntheticModels.llamaSafetensors(layers: 32).tensors
        let perShard = blocks.count / 4
        return (0..<4).map { index in
            var shard = SafetensorsWriter()
            shard.metadata = ["format": "pt"]
            if index == 0 { shard.add("model.embed_tokens.weight", dtype: "BF16", shape: [128_256, 4096]) }
            shard.tensors += blocks[(index * perShard)..<((index + 1) * perShard)]
            if index == 3 {
                shard.add("model.norm.weight", dtype: "BF16", shape: [4096])
                shard.add("lm_head.weight", dtype: "BF16", shape: [128_256, 4096])
            }
            return ("model-0000\(index + 1)-of-00004.safetensors", shard)
        }
    }

    /// Serves every repository on `hub`.
    public static func publish(on hub: LoopbackHub) {
        publish(ggufRepo, on: hub, files: ggufVariants().map { published($0.path, $0.writer) }, libraryName: "gguf")

        let shards = safetensorsShards()
        let weightMap = shards.flatMap { shard in shard.writer.tensors.map { #""\#($0.name)":"\#(shard.path)""# } }
        let totalSize = shards.reduce(UInt64(0)) { $0 + $1.writer.dataBytes }
        let index = #"{"metadata":{"total_size":\#(totalSize)},"weight_map":{\#(weightMap.joined(separator: ","))}}"#
        publish(
            safetensorsRepo, on: hub,
            files: shards.map { published($0.path, $0.writer) },
            smallFiles: [("model.safetensors.index.json", index), ("config.json", llama3Config)],
            missingFiles: ["model.safetensors"], libraryName: "transformers")

        let large = HeaderInputs.largeSafetensors()
        publish(manyTensorsRepo, on: hub, files: [LoopbackHub.PublishedFile(path: "model.safetensors", prefix: large.headerBytes, totalSize: large.fileSize)],
                libraryName: "transformers")
    }

    private static func published(_ path: String, _ writer: GGUFWriter) -> LoopbackHub.PublishedFile {
        LoopbackHub.PublishedFile(path: path, prefix: writer.headerBytes(), totalSize: writer.fileSize)
    }

    private static func published(_ path: String, _ writer: SafetensorsWriter) -> LoopbackHub.PublishedFile {
        let header = writer.headerBytes()
        return LoopbackHub.PublishedFile(path: path, prefix: header, totalSize: UInt64(header.count) + writer.dataBytes)
    }

    /// Publishes `repo` as the Hub does: LFS files through the CDN, small files (JSON) from the Hub
    /// itself, the file tree, and `EntryNotFound` for the files a client may probe for.
    private static func publish(
        _ repo: String, on hub: LoopbackHub, files: [LoopbackHub.PublishedFile], smallFiles: [(path: String, text: String)] = [],
        missingFiles: [String] = [], libraryName: String
    ) {
        let smallPublished = smallFiles.map { LoopbackHub.PublishedFile(path: $0.path, prefix: Array($0.text.utf8), totalSize: UInt64($0.text.utf8.count)) }
        hub.addModel(repo: repo, files: files + smallPublished, tags: [libraryName, "text-generation"], pipelineTag: "text-generation", libraryName: libraryName)
        for revision in ["main", LoopbackHub.defaultCommit] {
            // Small files are in git, not LFS: the Hub answers them directly instead of redirecting.
            for file in smallFiles {
                hub.addSmallFile(repo: repo, revision: revision, path: file.path, contents: Array(file.text.utf8))
            }
            for path in missingFiles {
                hub.hub.serve(
                    LoopbackHub.resolvePath(repo: repo, revision: revision, path: path),
                    .text("Entry not found", status: 404, headers: [("X-Error-Code", "EntryNotFound")]))
            }
        }
        // `GET /api/models/{repo}/tree/main?recursive=true`, as hf-mem lists a repository.
        let tree = (files + smallPublished).map { #"{"type":"file","path":"\#($0.path)","size":\#($0.totalSize)}"# }
        hub.hub.serve("/api/models/\(repo)/tree/main", .text("[" + tree.joined(separator: ",") + "]", headers: [("Content-Type", "application/json")]))
    }

    /// `config.json` of Llama-3-8B-Instruct.
    public static let llama3Config = """
        {"architectures":["LlamaForCausalLM"],"attention_bias":false,"attention_dropout":0.0,"bos_token_id":128000,\
        "eos_token_id":128009,"hidden_act":"silu","hidden_size":4096,"initializer_range":0.02,"intermediate_size":14336,\
        "max_position_embeddings":8192,"model_type":"llama","num_attention_heads":32,"num_hidden_layers":32,\
        "num_key_value_heads":8,"pretraining_tp":1,"rms_norm_eps":1e-05,"rope_scaling":null,"rope_theta":500000.0,\
        "tie_word_embeddings":false,"torch_dtype":"bfloat16","transformers_version":"4.40.0.dev0","use_cache":true,\
        "vocab_size":128256}
        """
}
