import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A program a test starts, waited for on a semaphore: Foundation's `waitUntilExit` spins a CPU
/// polling an empty run loop when called off the main thread.
public final class ChildProcess {
    private let process = Process()
    private let exited = DispatchSemaphore(value: 0)
    private var status: Int32?

    /// Starts `executable` with `arguments`; output goes to `output` (default: discarded).
    /// `environment` nil inherits this process's.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                directory: URL? = nil, output: FileHandle = .nullDevice) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = output
        process.standardError = output
        process.terminationHandler = { [exited] _ in exited.signal() }
        try process.run()
    }

    deinit { stop() }

    public var isRunning: Bool { process.isRunning }

    /// Waits for the program to end; its exit status.
    @discardableResult
    public func wait() -> Int32 {
        if let status { return status }
        exited.wait()
        status = process.terminationStatus
        return process.terminationStatus
    }

    /// Ends the program with SIGKILL (some ignore the SIGTERM of `Process.terminate`) and waits.
    public func stop() {
        if status == nil, process.isRunning { kill(process.processIdentifier, SIGKILL) }
        wait()
    }

    /// Runs a program to its end; throws, naming it, when it exits with a status other than 0.
    public static func run(_ executable: String, _ arguments: [String]) throws {
        let status = try ChildProcess(executable, arguments).wait()
        guard status == 0 else { throw Failure(command: ([executable] + arguments).joined(separator: " "), status: status) }
    }

    /// A program run by `run` failed.
    public struct Failure: Error, CustomStringConvertible {
        public var command: String
        public var status: Int32
        public var description: String { "\(command) exited with status \(status)" }
    }
}
