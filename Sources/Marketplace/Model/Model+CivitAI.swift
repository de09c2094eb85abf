import Foundation

extension Model {
    /// The normalized form of a CivitAI model, described by its latest version (the first one listed).
    ///
    /// The preview image is the first image, across versions newest first, that `nsfwFilter` allows.
    /// The size is the latest version's primary file (`sizeKB`); CivitAI reports no parameter count.
    public init(civitAI model: CivitAIModel, nsfwFilter: CivitAINSFWFilter = .safeOnly) {
        let latest = model.modelVersions.first
        let previewImage = model.modelVersions.lazy.flatMap(\.images).first(where: nsfwFilter.allows)
        self.init(
            id: String(model.id),
            name: model.name,
            description: model.description,
            author: model.creator?.username,
            imageURL: previewImage.flatMap { URL(string: $0.url) },
            tags: model.tags,
            downloads: model.stats?.downloadCount,
            likes: model.stats?.thumbsUpCount ?? model.stats?.favoriteCount,
            size: .reportedByAPI(bytes: latest?.primaryFile?.sizeBytes, parameters: nil),
            provider: .civitAI,
            category: ModelCategory(civitAI: model.type),
            siblings: latest?.files.map { ModelFile(name: $0.name, size: $0.sizeBytes) } ?? [],
            lastModified: latest.flatMap { $0.updatedAt ?? $0.publishedAt ?? $0.createdAt }
        )
    }
}

extension ModelCategory {
    /// The category of a CivitAI model kind.
    init(civitAI type: CivitAIModelType) {
        switch type {
        case .checkpoint:
            self = .checkpoint
        case .lora, .loCon, .doRA:
            self = .lora
        case .textualInversion, .hypernetwork, .aestheticGradient, .controlnet, .upscaler, .vae, .motionModule:
            self = .image
        default:
            self = .other
        }
    }
}
