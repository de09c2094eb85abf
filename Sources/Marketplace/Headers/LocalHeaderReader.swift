import Foundation
import FormatParsers

/// Why a header could not be read from a file or URL, before or around parsing.
public enum HeaderReadError: Error, Sendable, CustomStringConvertible {
    /// The bytes were read but are not a valid header.
    case format(FormatError, source: String)
    case fileNotFound(String)
    case unreadable(String, reason: String)
    /// Neither the name nor the first bytes say GGUF or safetensors.
    case unknownFormat(String)
    /// The request for the file's bytes failed.
    case network(HTTPError)
    /// The server's answer does not fit the request (e.g. a 206 for other bytes).
    case invalidResponse(String, reason: String)
    /// Offline, and the cache does not hold this file's header.
    case notCached(String)

    public var description: String {
        switch self {
        case .format(let error, let source): "\(source): \(error)"
        case .fileNotFound(let path): "\(path): no such file"
        case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
        case .unknownFormat(let path): HeaderSummary.unknownFormatMessage(path: path)
        case .network(let error): error.description
        case .invalidResponse(let url, let reason): "\(url): \(reason)"
        case .notCached(let source): "\(source): not in the header cache (offline; run once online to cache it)"
        }
    }
}

/// Reads a model file's header from disk, reading only the bytes the parser asks for.
public enum LocalHeaderReader {
    /// The first read; most safetensors headers and small GGUF headers fit in it.
    static let firstReadBytes = 1 << 20

    public static func read(path: String, limits: FormatLimits = .default) throws(HeaderReadError) -> ModelHeader {
        guard FileManager.default.fileExists(atPath: path) else { throw .fileNotFound(path) }
        let handle: FileHandle
        let size: UInt64
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            size = try handle.seekToEnd()
            try handle.seek(toOffset: 0)
        } catch {
            throw .unreadable(path, reason: error.localizedDescription)
        }
        defer { try? handle.close() }

        var bytes: [UInt8] = []
        func readMore(upTo wanted: UInt64) throws(HeaderReadError) {
            let target = min(wanted, size)
            guard target > UInt64(bytes.count) else { return }
            do {
                if let chunk = try handle.read(upToCount: Int(target) - bytes.count) { bytes += chunk }
            } catch {
                throw .unreadable(path, reason: error.localizedDescription)
            }
        }
        try readMore(upTo: UInt64(firstReadBytes))
        let format = bytes.withUnsafeBytes { ModelFileFormat(fileName: path, sniffing: $0) }
        guard let format else { throw .unknownFormat(path) }

        var assembler = HeaderAssembler(format: format, fileSize: size, limits: limits)
        while true {
            let step: ParseStep<ModelHeader>
            do { step = try assembler.step(bytes) } catch { throw .format(error, source: path) }
            switch step {
            case .complete(let header): return header
            case .needsBytes(let needed):
                // Read ahead geometrically so a header found piece by piece costs few reads.
                let before = bytes.count
                try readMore(upTo: max(needed, UInt64(bytes.count) * 2))
                guard bytes.count > before else {
                    throw .format(FormatError(.truncated(needed: needed), at: UInt64(bytes.count)), source: path)
                }
            }
        }
    }
}
