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

    /// The root-level safetensors files when they are exactly one complete sharded set
    /// (`PREFIX-00001-of-0000N.safetensors` for every part), so the index file need not be read.
    public static func completeShardSet(_ files: [RepoFile]) -> [String]? {
        let root = files.map(\.path).filter { $0.hasSuffix(".safetensors") && !$0.contains("/") }
        var prefix: Substring?
        var count: Int?
        var numbers = Set<Int>()
        for path in root {
            // "-00001-of-00004.safetensors" is 27 characters.
            let stem = path.dropLast(".safetensors".count)
            guard stem.count > 15 else { return nil }
            let tail = stem.suffix(15)
            let parts = tail.split(separator: "-")
            guard parts.count == 3, parts[1] == "of", parts[0].count == 5, parts[2].count == 5,
                  let number = Int(parts[0]), let total = Int(parts[2]), number >= 1, number <= total
            else { return nil }
            let thisPrefix = stem.dropLast(15)
            guard prefix.map({ $0 == thisPrefix }) ?? true, count.map({ $0 == total }) ?? true else { return nil }
            prefix = thisPrefix
            count = total
            numbers.insert(number)
        }
        guard let count, numbers.count == count, root.count == count else { return nil }
        return root.sorted()
    }

    /// Vision projectors (`mmproj-*.gguf`) sit beside the language model; they are not variants.
    static func isProjector(_ path: String) -> Bool {
        baseName(path).lowercased().contains("mmproj")
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
