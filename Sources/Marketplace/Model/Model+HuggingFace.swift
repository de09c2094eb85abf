extension Model {
    /// The normalized form of a Hub model.
    ///
    /// The size comes from the Hub: parameters from `safetensors.total` (else `gguf.total`); bytes from
    /// the repository's only `.safetensors` or `.gguf` file when the response lists its size (with several
    /// such files, which ones make up "the model" is not known here, so bytes stay nil).
    public init(huggingFace info: HuggingFaceModelInfo) {
        let siblings = info.siblings ?? []
        let weightFiles = siblings.filter { $0.path.hasSuffix(".safetensors") || $0.path.hasSuffix(".gguf") }
        let onlyWeightFileSize = weightFiles.count == 1 ? weightFiles[0].size : nil
        let ownerAndName = info.id.split(separator: "/", maxSplits: 1).map(String.init)
        self.init(
            id: info.id,
            name: ownerAndName.last ?? info.id,
            author: info.author ?? (ownerAndName.count == 2 ? ownerAndName[0] : nil),
            tags: info.tags ?? [],
            downloads: info.downloads,
            likes: info.likes,
            size: .reportedByAPI(bytes: onlyWeightFileSize, parameters: info.safetensors?.total ?? info.gguf?.total),
            provider: .huggingFace,
            category: ModelCategory(huggingFace: info),
            siblings: siblings.map { ModelFile(name: $0.path, size: $0.size) },
            license: info.license,
            isGated: info.gated?.isGated ?? false,
            sha: info.sha,
            lastModified: info.lastModified
        )
    }
}

extension ModelCategory {
    /// Tasks whose models generate text.
    private static let textGenerationTasks: Set = [
        "text-generation", "text2text-generation", "image-text-to-text", "conversational",
    ]
    /// Tasks whose models generate images.
    private static let imageGenerationTasks: Set = [
        "text-to-image", "image-to-image", "unconditional-image-generation",
    ]

    /// The category of a Hub model, from its tags, task (`pipeline_tag`) and library, in that order:
    /// a `lora` tag or the `peft` library make an adapter; then text-generation tasks an LLM, image-generation
    /// tasks or the `diffusers` library an image model, and a GGUF repository with no task an LLM.
    init(huggingFace info: HuggingFaceModelInfo) {
        let tags = Set(info.tags ?? [])
        let task = info.pipelineTag ?? ""
        if tags.contains("lora") || info.libraryName == "peft" {
            self = .lora
        } else if Self.textGenerationTasks.contains(task) {
            self = .llm
        } else if Self.imageGenerationTasks.contains(task) || info.libraryName == "diffusers" {
            self = .image
        } else if task.isEmpty && (info.libraryName == "gguf" || tags.contains("gguf")) {
            self = .llm
        } else {
            self = .other
        }
    }
}
