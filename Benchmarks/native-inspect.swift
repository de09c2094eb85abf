// The native side of Benchmarks/wasm-inspect.mjs: times what the WebAssembly `inspect` does
// (parse a file's header from bytes in memory and write its JSON summary) with FormatParsers
// compiled natively. Built by that script into the FormatParsers sources as one module (so no import).
// Usage: native-inspect FILE RUNS -> prints the median milliseconds.
import Foundation

@main
enum NativeInspect {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 3, let runs = Int(arguments[2]), runs > 0,
              let data = FileManager.default.contents(atPath: arguments[1])
        else {
            FileHandle.standardError.write(Data("usage: native-inspect FILE RUNS\n".utf8))
            exit(2)
        }
        let path = arguments[1]
        let bytes = [UInt8](data)
        var milliseconds: [Double] = []
        var length = 0
        for _ in 0..<runs {
            let start = ContinuousClock.now
            length &+= summary(of: bytes, path: path).utf8.count
            let elapsed = ContinuousClock.now - start
            milliseconds.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
        }
        precondition(length > 0)
        print(milliseconds.sorted()[runs / 2])
    }

    static func summary(of bytes: [UInt8], path: String) -> String {
        var json = JSONWriter()
        let format = ModelFileFormat(fileName: path) ?? bytes.withUnsafeBytes { ModelFileFormat(sniffing: $0) } ?? .gguf
        var assembler = HeaderAssembler(format: format, fileSize: UInt64(bytes.count))
        do {
            if case .complete(let header) = try assembler.step(bytes) {
                HeaderSummary.write(header, path: path, into: &json)
            }
        } catch {
            HeaderSummary.write(error, path: path, into: &json)
        }
        return json.text
    }
}
