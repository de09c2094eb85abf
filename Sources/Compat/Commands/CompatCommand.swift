import ArgumentParser
import Foundation

/// The `compat-cli` command tree. `compat-cli`'s `main` only calls `CompatCommand.run(arguments:)`,
/// so every command and its argument parsing is testable from this library.
public struct CompatCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "compat-cli",
        abstract: "What a model on the Hugging Face Hub really is, and whether it runs on your hardware.",
        discussion: """
            Exit status: 0 success (compatible), 1 a file failed or the model is not compatible, \
            2 usage, network or parse error.
            """,
        subcommands: [CheckCommand.self, InspectCommand.self, SearchCommand.self, ListCommand.self, ManifestCommand.self])

    public init() {}

    /// Exit codes shared by every command.
    public enum Exit {
        public static let success: Int32 = 0
        public static let failure: Int32 = 1
        public static let usage: Int32 = 2
    }

    /// Parses `arguments` and runs the command, returning the process exit status.
    /// Usage errors print the parser's message and help hint to stderr and return 2.
    public static func run(arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return Exit.success
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch {
            let code = exitCode(for: error).rawValue
            let message = fullMessage(for: error)
            if code == ExitCode.success.rawValue {
                // --help and --version
                print(message)
                return Exit.success
            }
            printError(message)
            return code == ExitCode.failure.rawValue ? Exit.failure : Exit.usage
        }
    }
}

func printError(_ message: String) {
    var standardError = StandardError()
    print(message, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
