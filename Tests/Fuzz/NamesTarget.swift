// Fuzz target: `model.safetensors.index.json` parsing, and split-GGUF and format names (the input
// read as a path).
//
// Invariants, beyond "never traps, never reads out of bounds":
// - an accepted index lists distinct shard files in byte order, no more than its tensor entries;
// - a recognised split name has 1 <= part <= count <= 99999 and rebuilds to the same bytes.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    if let index = try? SafetensorsIndex(parsing: input) {
        let files = index.shardFiles.map { Array($0.utf8) }
        require(zip(files, files.dropFirst()).allSatisfy { $0.lexicographicallyPrecedes($1) }, "shard files not sorted and distinct")
        require(files.count <= index.tensorCount, "\(files.count) shard files for \(index.tensorCount) tensors")
    }
    let path = String(decoding: input, as: UTF8.self)
    _ = ModelFileFormat(fileName: path)
    if let split = GGUFSplitName(path) {
        require(split.number >= 1 && split.number <= split.count && split.count <= 99_999, "part \(split.number) of \(split.count)")
        require(Array(split.partName(split.number).utf8) == Array(path.utf8), "part name does not rebuild the path")
        if split.count <= 16 {
            require(split.allPartNames.count == split.count, "\(split.allPartNames.count) part names for \(split.count) parts")
        }
    }
    return 0
}
