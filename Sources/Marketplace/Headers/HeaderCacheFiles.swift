import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file operations the cache needs. Each reports failure as nil or false and never throws:
/// a cache that cannot read or write only misses.
enum HeaderCacheFiles {
    /// A regular file found by `regularFiles(under:)`.
    struct Listing {
        var path: String
        var size: UInt64
        var modified: Date
    }

    /// Temporary files end with this, so listings of entries and refs never include them.
    static let temporarySuffix = ".tmp"

    /// The file's bytes, only the first `limit` of them when given; nil when it cannot be read.
    static func read(_ path: String, upTo limit: Int? = nil) -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        do {
            let data = try limit.map { try handle.read(upToCount: $0) } ?? handle.readToEnd()
            return data.map { [UInt8]($0) } ?? []  // nil data means an empty file
        } catch {
            return nil
        }
    }

    /// Replaces `path` in one step: writes a uniquely named temporary file beside it, sets its
    /// modification time to `modified`, then renames it over `path`. Readers see the old file or
    /// the new one, never a mix, however many processes write at once. False when any step fails,
    /// and then no temporary file is left behind.
    static func writeAtomically(_ bytes: [UInt8], to path: String, modified: Date) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        guard (try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)) != nil
        else { return false }
        let temporaryPath = "\(path).\(getpid())-\(UInt64.random(in: .min ... .max))\(temporarySuffix)"
        do {
            try NewFile.create(temporaryPath, containing: bytes)
        } catch {
            return false
        }
        guard setModified(temporaryPath, to: modified), rename(temporaryPath, path) == 0 else {
            unlink(temporaryPath)
            return false
        }
        return true
    }

    /// Sets the file's modification time; false when the file is gone or unwritable.
    @discardableResult
    static func setModified(_ path: String, to date: Date) -> Bool {
        (try? FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)) != nil
    }

    static func remove(_ path: String) {
        unlink(path)
    }

    /// Every regular file below `directory`, at any depth; empty when it cannot be listed.
    static func regularFiles(under directory: String) -> [Listing] {
        let keys: [URLResourceKey] = [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey]
        guard let enumerator = FileManager.default.enumerator(
            at: URL(fileURLWithPath: directory, isDirectory: true), includingPropertiesForKeys: keys
        ) else { return [] }
        var listings: [Listing] = []
        for case let url as URL in enumerator {
            // A file removed by another process between listing and stat has no values: skip it.
            guard let values = try? url.resourceValues(forKeys: Set(keys)), values.isRegularFile == true,
                  let size = values.fileSize, let modified = values.contentModificationDate
            else { continue }
            listings.append(Listing(path: url.path, size: UInt64(size), modified: modified))
        }
        return listings
    }
}
