import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A real file system of a few hundred kilobytes (a tmpfs mounted on a fresh temporary directory),
/// so that tests can fill a disk for real and watch writes fail with ENOSPC. Unmounted and removed
/// when released. Mounting needs root; tests that use it carry `SmallFilesystem.required`.
public final class SmallFilesystem {
    /// Where the file system is mounted.
    public let url: URL
    private var filler: Int32 = -1

    /// Mounts a tmpfs that holds `bytes` (rounded up to pages).
    public init(bytes: Int) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("compat-small-fs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        do {
            try ChildProcess.run("/usr/bin/env", ["mount", "-t", "tmpfs", "-o", "size=\(bytes),mode=0755", "tmpfs", url.path])
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw error
        }
    }

    deinit {
        if filler >= 0 { close(filler) }
        try? ChildProcess.run("/usr/bin/env", ["umount", url.path])
        rmdir(url.path)
    }

    /// Whether this machine lets the tests mount one (it needs root).
    public static let isAvailable: Bool = (try? SmallFilesystem(bytes: 64 << 10)) != nil

    /// Skips a test, saying why, when no file system can be mounted.
    public static let required = ConditionTrait.enabled(
        if: isAvailable, "mounting a small tmpfs to fill needs root (mount -t tmpfs)")

    /// Bytes still free for files.
    public var freeBytes: Int {
        var stats = statvfs()
        guard statvfs(url.path, &stats) == 0 else { return 0 }
        return Int(stats.f_bavail) * Int(stats.f_frsize)
    }

    /// Fills the file system with one hidden file until only `free` bytes (rounded down to whole
    /// pages) are left; `fill(leaving:)` again moves the level, `free` past the capacity empties it.
    public func fill(leaving free: Int) throws {
        if filler < 0 {
            filler = open(url.appendingPathComponent(".filler").path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard filler >= 0 else { throw FilesystemError(action: "create the filler", code: errno) }
        }
        guard ftruncate(filler, 0) == 0 else { throw FilesystemError(action: "empty the filler", code: errno) }
        // tmpfs allocates pages as they are written (ftruncate alone would make a sparse file).
        let chunk = [UInt8](repeating: 0xA5, count: 1 << 16)
        var size = 0
        while true {
            let written = chunk.withUnsafeBytes { write(filler, $0.baseAddress!, $0.count) }
            if written > 0 { size += written; continue }
            if written < 0 && errno == EINTR { continue }
            guard written < 0 && errno == ENOSPC else { throw FilesystemError(action: "fill", code: errno) }
            break
        }
        guard ftruncate(filler, off_t(max(0, size - free))) == 0 else { throw FilesystemError(action: "shrink the filler", code: errno) }
    }

    /// A step of mounting or filling failed.
    public struct FilesystemError: Error, CustomStringConvertible {
        public var action: String
        public var code: Int32
        public var description: String { "cannot \(action): \(String(cString: strerror(code)))" }
    }
}
