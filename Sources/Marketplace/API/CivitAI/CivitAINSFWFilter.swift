/// Which CivitAI content to keep: a model is kept when it has content at an allowed level, and of its
/// preview images only those at an allowed level are kept. The default keeps safe content only.
public struct CivitAINSFWFilter: Sendable, Hashable {
    /// The levels to keep.
    public var allowedLevels: CivitAINSFWLevel

    public init(allowedLevels: CivitAINSFWLevel = .safe) {
        self.allowedLevels = allowedLevels
    }

    /// Safe content only (CivitAI level "None").
    public static let safeOnly = CivitAINSFWFilter()
    /// Everything, unfiltered.
    public static let everything = CivitAINSFWFilter(allowedLevels: .all)

    /// Whether levels above safe are allowed.
    public var allowsMatureContent: Bool { !allowedLevels.subtracting(.safe).isEmpty }

    /// Whether to keep `model`: a model the creator marked `nsfw` needs a level above safe; otherwise
    /// its `nsfwLevel` must share a level with the allowed ones (a model with no rating counts as safe
    /// unless it is marked `nsfw`, then as `.x`).
    public func allows(_ model: CivitAIModel) -> Bool {
        let markedNSFW = model.nsfw == true
        if markedNSFW && !allowsMatureContent { return false }
        let levels = model.nsfwLevel.flatMap { $0.isEmpty ? nil : $0 } ?? (markedNSFW ? .x : .safe)
        return !levels.isDisjoint(with: allowedLevels)
    }

    /// Whether to keep `image`: its level must be allowed. An unrated image is kept only when everything is allowed.
    public func allows(_ image: CivitAIImage) -> Bool {
        guard let level = image.nsfwLevel, !level.isEmpty else { return allowedLevels.isSuperset(of: .all) }
        return allowedLevels.isSuperset(of: level)
    }

    /// The models to keep, each with only its allowed images.
    public func apply(to models: [CivitAIModel]) -> [CivitAIModel] {
        models.filter(allows).map(apply)
    }

    /// `model` with only its allowed images.
    public func apply(to model: CivitAIModel) -> CivitAIModel {
        var filtered = model
        filtered.modelVersions = model.modelVersions.map(apply)
        return filtered
    }

    /// `version` with only its allowed images.
    public func apply(to version: CivitAIModelVersion) -> CivitAIModelVersion {
        var filtered = version
        filtered.images.removeAll { !allows($0) }
        return filtered
    }
}
