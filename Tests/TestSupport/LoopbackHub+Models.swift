/// Whole model repositories on the loopback Hub: the API's model info plus resolvable files.
extension LoopbackHub {
    /// A file to publish: its first bytes and the size the whole file claims.
    public struct PublishedFile: Sendable {
        public var path: String
        public var prefix: [UInt8]
        public var totalSize: UInt64

        public init(path: String, prefix: [UInt8], totalSize: UInt64) {
            self.path = path
            self.prefix = prefix
            self.totalSize = totalSize
        }
    }

    /// Publishes `repo`: `GET /api/models/{repo}?blobs=true` lists the files with sizes and LFS
    /// hashes, and each file resolves (through the CDN) to its bytes. A gated repo answers its
    /// files with 401 unless the request carries `Bearer {acceptedToken}`.
    public func addModel(
        repo: String, files: [PublishedFile], commit: String = LoopbackHub.defaultCommit, tags: [String] = [],
        pipelineTag: String? = nil, libraryName: String? = nil, license: String? = nil, gated: Bool = false,
        acceptedToken: String? = nil, downloads: Int = 0, likes: Int = 0
    ) {
        var siblings: [String] = []
        for file in files {
            let sha256 = Self.fakeSHA256(of: "\(repo)/\(file.path)")
            siblings.append(#"{"rfilename":"\#(file.path)","size":\#(file.totalSize),"blobId":"\#(sha256.prefix(40))","lfs":{"sha256":"\#(sha256)","size":\#(file.totalSize),"pointerSize":134}}"#)
            // Resolvable at the branch and at the commit, as on the Hub.
            for revision in ["main", commit] {
                addLargeFile(repo: repo, revision: revision, path: file.path, prefix: file.prefix, totalSize: file.totalSize, commit: commit)
                guard gated else { continue }
                let cdnPath = "/repos/\(sha256.prefix(2))/\(sha256.dropFirst(2).prefix(2))/\(sha256)"
                let redirect = LoopbackResponse.redirect(to: cdn.url(cdnPath), headers: [
                    ("X-Repo-Commit", commit), ("X-Linked-Size", String(file.totalSize)), ("X-Linked-Etag", "\"\(sha256)\""),
                ])
                hub.route(Self.resolvePath(repo: repo, revision: revision, path: file.path)) { request in
                    guard let acceptedToken, request.header("Authorization") == "Bearer \(acceptedToken)" else {
                        return .text("Access to model \(repo) is restricted.", status: 401, headers: [("X-Error-Code", "GatedRepo")])
                    }
                    return redirect
                }
            }
        }
        func quoted(_ text: String?) -> String { text.map { "\"\($0)\"" } ?? "null" }
        let card = license.map { #","cardData":{"license":"\#($0)"}"# } ?? ""
        let info = #"{"_id":"x","id":"\#(repo)","modelId":"\#(repo)","author":"\#(repo.split(separator: "/").first ?? "")","sha":"\#(commit)","#
            + #""private":false,"gated":\#(gated ? "\"manual\"" : "false"),"downloads":\#(downloads),"likes":\#(likes),"#
            + #""tags":[\#(tags.map { "\"\($0)\"" }.joined(separator: ","))],"pipeline_tag":\#(quoted(pipelineTag)),"#
            + #""library_name":\#(quoted(libraryName)),"siblings":[\#(siblings.joined(separator: ","))]\#(card)}"#
        hub.serve("/api/models/\(repo)", .text(info, headers: [("Content-Type", "application/json")]))
    }
}
