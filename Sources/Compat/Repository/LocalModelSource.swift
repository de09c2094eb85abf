import Foundation
import FormatParsers
import Marketplace

/// Model files on disk: a single file, a folder, or a Hugging Face cache snapshot.
public enum LocalModelSource {
    /// Reads every model file under `path` (or `path` itself) and groups them into variants.
    /// `include` selects variants as in `HubModelSource.analyze`.
    public static func analyze(path: String, source: String = "local", limits: FormatLimits = .default,
                               include: (String) -> Bool = { _ in true }) -> ModelAnalysis {
        var isDirectoryFlag: ObjCBool = false
        // A missing path reads as a single file, whose read then fails naming it.
        let isDirectory = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectoryFlag) && isDirectoryFlag.boolValue
        let root = isDirectory ? path : (path as NSString).deletingLastPathComponent
        let relativePaths = isDirectory
            ? InspectCommand.expand([path]).map { String($0.dropFirst(path.count)).trimmingLeadingSlashes() }
            : [(path as NSString).lastPathComponent]
        let files = relativePaths.map { relative in
            RepoFile(path: relative, sizeBytes: fileSize(join(root, relative)))
        }
        let index = readFile(join(root, "model.safetensors.index.json")).flatMap { try? SafetensorsIndex(parsing: $0) }
        let config = readFile(join(root, "config.json")).flatMap { try? ModelConfig(parsing: $0) }
        let plans = RepoVariants.plan(files, indexShards: index?.shardFiles).filter { $0.files.contains { include($0.path) } }

        var headers: [String: Result<(ModelHeader, UInt64), FileFailure>] = [:]
        for plan in plans {
            for file in plan.files {
                let fullPath = join(root, file.path)
                do throws(HeaderReadError) {
                    headers[file.path] = .success((try LocalHeaderReader.read(path: fullPath, limits: limits), file.sizeBytes ?? 0))
                } catch {
                    headers[file.path] = .failure(FileFailure(path: file.path, message: error.description, accessDenied: false))
                }
            }
        }
        let (variants, failures) = VariantFactsBuilder.variants(plans: plans, headers: headers, config: config)
        return ModelAnalysis(
            repo: path, revision: nil, commit: nil, source: source, info: nil, variants: variants,
            failures: failures, headerRequests: 0, headerBytesTransferred: 0)
    }

    private static func join(_ root: String, _ relative: String) -> String {
        (root as NSString).appendingPathComponent(relative)
    }

    private static func fileSize(_ path: String) -> UInt64? {
        // Hugging Face cache snapshots hold symlinks to blobs: measure the target.
        let target = (path as NSString).resolvingSymlinksInPath
        return (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? NSNumber)?.uint64Value
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }
}

extension String {
    func trimmingLeadingSlashes() -> String {
        String(drop { $0 == "/" })
    }
}
