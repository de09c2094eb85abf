import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call, as `errno` named it.
public struct SystemCallError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: Int32

    public init(code: Int32) {
        self.code = code
    }

    /// The current `errno`: read it right after the failed call.
    public static var last: SystemCallError { SystemCallError(code: errno) }

    public var description: String { String(cString: strerror(code)) }
}

/// The first step of replacing a file atomically: its new contents written, complete, under a
/// temporary name beside it, ready to be renamed over the destination.
public enum NewFile {
    /// Creates `path`, which must not exist, holding exactly `bytes`. Every failure (the name is
    /// taken, the disk is full, `close` reports a deferred write error) throws and removes what was
    /// written, so no partial file is ever left behind.
    public static func create(_ path: String, containing bytes: some ContiguousBytes) throws(SystemCallError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .last }
        var failure = bytes.withUnsafeBytes { writeAll($0, to: descriptor) }
        // close(2) can report a write error deferred by the file system (NFS, quotas); it counts too.
        if close(descriptor) != 0, failure == nil { failure = .last }
        if let failure {
            unlink(path)
            throw failure
        }
    }

    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> SystemCallError? {
        var offset = 0
        while offset < bytes.count {
            // baseAddress is non-nil: the buffer holds at least offset + 1 bytes.
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return .last
            }
            // A regular file that takes no bytes and reports no error has no room left.
            guard written > 0 else { return SystemCallError(code: ENOSPC) }
            offset += written
        }
        return nil
    }
}
