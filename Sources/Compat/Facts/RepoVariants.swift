import FormatParsers

/// A file of a model repository as a listing gives it.
public struct RepoFile: Hashable, Codable, Sendable {
    public var path: String
    public var sizeBytes: UInt64?
    /// LFS sha256 or git blob id; with a known commit it keys the header cache.
    public var etag: String?

    public init(path: String, sizeBytes: UInt64? = nil, etag: String? = nil) {
        self.path = path
        self.sizeBytes = sizeBytes
        self.etag = etag
    }
}

/// A set of files that together make one loadable model: a GGUF file, the parts of a split GGUF,
/// or the shards of a safetensors checkpoint.
public struct VariantPlan: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case gguf, safetensors }

    public var kind: Kind
    /// A name for the variant: the GGUF file name (split suffix removed), or "safetensors".
    public var name: String
    public var files: [RepoFile]
}

/// Groups a repository's files into variants.
public enum RepoVariants {
    /// GGUF files become one variant each, split parts grouped (multimodal projectors are skipped);
    /// safetensors files become one variant: the shards named by `*.safetensors.index.json` when
    /// `indexShards` is given, else every root-level `.safetensors` file (preferring sharded
    /// `model-*` files over a duplicate `consolidated.safetensors`).
    public static func plan(_ files: [RepoFile], indexShards: [String]? = nil) -> [VariantPlan] {
        var plans: [VariantPlan] = []
        var splitGroups: [String: [RepoFile]] = [:]
        for file in files.sorted(by: { $0.path < $1.path }) where file.path.hasSuffix(".gguf") && !isProjector(file.path) {
            if let split = GGUFSplitName(file.path) {
                splitGroups[split.prefix, default: []].append(file)
            } else {
                plans.append(VariantPlan(kind: .gguf, name: baseName(file.path), files: [file]))
            }
        }
        for (prefix, parts) in splitGroups {
            plans.append(VariantPlan(kind: .gguf, name: baseName(prefix) + ".gguf", files: parts))
        }

        let safetensors = files.filter { $0.path.hasSuffix(".safetensors") }
        var chosen: [RepoFile]
        if let indexShards {
            let wanted = Set(indexShards)
            chosen = safetensors.filter { wanted.contains($0.path) }
        } else {
            chosen = safetensors.filter { !$0.path.contains("/") }
            if chosen.count > 1 { chosen.removeAll { $0.path.hasPrefix("consolidated") } }
        }
        if !chosen.isEmpty {
            plans.append(VariantPlan(kind: .safetensors, name: "safetensors", files: chosen.sorted { $0.path < $1.path }))
        }
        return plans.sorted { $0.name < $1.name }
    }

    /// Vision projectors (`mmproj-*.gguf`) sit beside the language model; they are not variants.
    static func isProjector(_ path: String) -> Bool {
        baseName(path).lowercased().contains("mmproj")
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
