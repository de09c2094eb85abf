import Foundation
import Marketplace

/// What the user named on the command line: a Hub repository (optionally at a revision), or local files.
public enum ModelReference: Equatable, Sendable {
    /// `org/name`, `org/name@revision`, or a Hub URL; `endpoint` is set when a URL named another host.
    case hub(repo: String, revision: String?, endpoint: String?)
    /// A file or folder on disk (including a snapshot in the Hugging Face cache).
    case local(path: String)

    /// A usage error: the text is not a model reference.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let text: String
        public var description: String {
            "'\(text)' is not a model: expected org/name, org/name@revision, a Hub URL, or an existing file or folder"
        }
    }

    /// Parses `text`. Existing paths win; then URLs; then `org/name[@revision]`.
    public static func parse(_ text: String, fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) throws(ParseError) -> ModelReference {
        if fileExists(text) { return .local(path: text) }
        if text.hasPrefix("https://") || text.hasPrefix("http://") { return try parseURL(text) }
        let (repo, revision) = splitRevision(text)
        guard isRepoID(repo), revision.map({ !$0.isEmpty }) ?? true else { throw ParseError(text: text) }
        return .hub(repo: repo, revision: revision, endpoint: nil)
    }

    /// `https://host/org/name[/tree|blob|resolve/REV[/...]]`.
    private static func parseURL(_ text: String) throws(ParseError) -> ModelReference {
        guard let url = URL(string: text), let scheme = url.scheme, let host = url.host else { throw ParseError(text: text) }
        let parts = url.path.split(separator: "/").map(String.init)
        guard parts.count >= 2 else { throw ParseError(text: text) }
        var repoParts = Array(parts.prefix(2))
        if repoParts[0] == "models", parts.count >= 3 { repoParts = Array(parts[1...2]) }
        let repo = repoParts.joined(separator: "/")
        guard isRepoID(repo) else { throw ParseError(text: text) }
        var revision: String?
        if let marker = parts.firstIndex(where: { ["tree", "blob", "resolve"].contains($0) }), marker + 1 < parts.count {
            revision = parts[marker + 1]
        }
        let port = url.port.map { ":\($0)" } ?? ""
        return .hub(repo: repo, revision: revision, endpoint: "\(scheme)://\(host)\(port)")
    }

    private static func splitRevision(_ text: String) -> (String, String?) {
        guard let at = text.lastIndex(of: "@") else { return (text, nil) }
        return (String(text[..<at]), String(text[text.index(after: at)...]))
    }

    /// `owner/name` as the Hub client accepts it.
    static func isRepoID(_ text: String) -> Bool {
        HuggingFaceClient.isValidRepositoryID(text, allowingBareName: false)
    }

    /// The snapshot folder of `repo` in the Hugging Face cache (`$HF_HUB_CACHE`, else
    /// `$HF_HOME/hub`, else `~/.cache/huggingface/hub`) for `revision` (a branch, tag or commit;
    /// default `main`), when the cache has it.
    public static func huggingFaceCacheSnapshot(repo: String, revision: String?, environment: [String: String], home: String) -> String? {
        let hubCache = environment["HF_HUB_CACHE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["HF_HOME"].flatMap { $0.isEmpty ? nil : $0 + "/hub" }
            ?? home + "/.cache/huggingface/hub"
        let repoFolder = hubCache + "/models--" + repo.replacingOccurrences(of: "/", with: "--")
        let revision = revision ?? "main"
        let commit = (try? String(contentsOfFile: repoFolder + "/refs/" + revision, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? revision
        let snapshot = repoFolder + "/snapshots/" + commit
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: snapshot, isDirectory: &isDirectory) && isDirectory.boolValue ? snapshot : nil
    }
}
