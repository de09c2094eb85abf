// Shared by every fuzz target. Each target is compiled together with the FormatParsers sources
// into one module (see run.sh), so targets reach internal API such as JSONScanner directly.

/// Stops the fuzzer when an invariant does not hold. `fatalError` always prints its message
/// (unlike `precondition` in optimized builds), and libFuzzer records the input as a crash.
func require(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition() { fatalError(message(), file: file, line: line) }
}

/// Runs a parser call and keeps its outcome, so two parsing paths can be compared.
func outcome<Success>(_ body: () throws(FormatError) -> Success) -> Result<Success, FormatError> {
    Result(catching: body)
}

extension Result where Failure == FormatError {
    var error: FormatError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

extension FormatError {
    var isTruncation: Bool {
        if case .truncated = kind { return true }
        return false
    }
}

/// The fuzz input as a raw buffer. libFuzzer allocates exactly `size` bytes, so AddressSanitizer
/// catches any read past the end of the file.
func fuzzInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: data, count: size)
}

/// A copy of `bytes[0..<count]` in its own exact-size allocation, so AddressSanitizer catches
/// any read past the end of the prefix.
func exactCopy(_ bytes: UnsafeRawBufferPointer, count: Int) -> [UInt8] {
    Array(UnsafeRawBufferPointer(rebasing: bytes[0..<count]))
}
