/// One file or folder of a Hub repository, as `GET /api/models/{id}/tree/{revision}` lists it.
public struct HuggingFaceTreeEntry: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case file
        case directory
    }

    public let type: Kind
    /// The path inside the repository.
    public let path: String
    /// The size in bytes (of the real file for LFS files; 0 for folders).
    public let size: Int64
    /// The git object id (for LFS files: of the pointer).
    public let oid: String
    public let lfs: LFS?
    /// The Xet storage hash, for files stored on Xet.
    public let xetHash: String?

    /// The Git LFS object behind a file.
    public struct LFS: Sendable, Hashable, Codable {
        /// The SHA-256 of the real file.
        public let oid: String
        public let size: Int64
        public let pointerSize: Int64
    }
}
