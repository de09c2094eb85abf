import Foundation
import Testing

/// The recorded third-party files (GGUF, safetensors, API responses) the tests read. They live outside
/// the repository, so a fresh clone has none: tests that need them carry `Fixtures.required` and are skipped.
public enum Fixtures {
    /// The fixtures folder: `$COMPAT_FIXTURES` if set, else `../shared/fixtures` next to the package root;
    /// nil when that folder does not exist.
    public static let root: URL? = {
        let folder: URL
        if let configured = ProcessInfo.processInfo.environment["COMPAT_FIXTURES"], !configured.isEmpty {
            folder = URL(fileURLWithPath: configured, isDirectory: true)
        } else {
            let packageRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
                .deletingLastPathComponent()  // TestSupport
                .deletingLastPathComponent()  // Tests
                .deletingLastPathComponent()
            folder = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures", isDirectory: true)
        }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? folder : nil
    }()

    /// Skips a test, saying why, when the fixtures folder is absent.
    public static let required = ConditionTrait.enabled(
        if: root != nil, "fixtures not found: set COMPAT_FIXTURES or place ../shared/fixtures")

    /// Where `relativePath` (e.g. `hf-api/invokeai/x.json`) is; nil when the fixtures folder is absent.
    public static func url(_ relativePath: String) -> URL? {
        root?.appendingPathComponent(relativePath)
    }

    /// The bytes of the fixture at `relativePath`.
    public static func bytes(_ relativePath: String) throws -> [UInt8] {
        guard let url = url(relativePath) else { throw MissingFixture(relativePath: relativePath) }
        return try [UInt8](Data(contentsOf: url))
    }

    /// The paths, relative to the fixtures folder and sorted, of the files under `folder` (recursively)
    /// whose names end in `suffix`; empty when the fixtures folder is absent.
    public static func paths(under folder: String, endingWith suffix: String) -> [String] {
        guard let root, let enumerator = FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path)
        else { return [] }
        return enumerator.compactMap { $0 as? String }
            .filter { $0.hasSuffix(suffix) }
            .map { "\(folder)/\($0)" }
            .sorted()
    }

    /// A fixture a test asked for is absent.
    public struct MissingFixture: Error, CustomStringConvertible {
        public let relativePath: String
        public var description: String { "fixture \(relativePath) not found (fixtures folder: \(root?.path ?? "absent"))" }
    }
}
