/// The `general.file_type` of a GGUF file (llama.cpp's `llama_ftype`): the quantization
/// mix a file was made with, e.g. 15 is MOSTLY_Q4_K_M.
public struct GGUFFileType: Hashable, Sendable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    private static let names: [StaticString] = [
        "ALL_F32", "MOSTLY_F16", "MOSTLY_Q4_0", "MOSTLY_Q4_1", "MOSTLY_Q4_1_SOME_F16",
        "MOSTLY_Q4_2", "MOSTLY_Q4_3", "MOSTLY_Q8_0", "MOSTLY_Q5_0", "MOSTLY_Q5_1",
        "MOSTLY_Q2_K", "MOSTLY_Q3_K_S", "MOSTLY_Q3_K_M", "MOSTLY_Q3_K_L", "MOSTLY_Q4_K_S",
        "MOSTLY_Q4_K_M", "MOSTLY_Q5_K_S", "MOSTLY_Q5_K_M", "MOSTLY_Q6_K", "MOSTLY_IQ2_XXS",
        "MOSTLY_IQ2_XS", "MOSTLY_Q2_K_S", "MOSTLY_IQ3_XS", "MOSTLY_IQ3_XXS", "MOSTLY_IQ1_S",
        "MOSTLY_IQ4_NL", "MOSTLY_IQ3_S", "MOSTLY_IQ3_M", "MOSTLY_IQ2_S", "MOSTLY_IQ2_M",
        "MOSTLY_IQ4_XS", "MOSTLY_IQ1_M", "MOSTLY_BF16", "MOSTLY_Q4_0_4_4", "MOSTLY_Q4_0_4_8",
        "MOSTLY_Q4_0_8_8", "MOSTLY_TQ1_0", "MOSTLY_TQ2_0", "MOSTLY_MXFP4_MOE", "MOSTLY_NVFP4",
        "MOSTLY_Q1_0",
    ]

    /// llama.cpp's name, e.g. "MOSTLY_Q4_K_M"; "GUESSED" for 1024; nil for unknown values.
    public var name: String? {
        if rawValue == 1024 { return "GUESSED" }
        guard rawValue < UInt32(Self.names.count) else { return nil }
        let name = Self.names[Int(rawValue)]
        return String(decoding: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), as: UTF8.self)
    }

    /// The short label people use for the file, e.g. "Q4_K_M", "F16", "F32".
    public var label: String? {
        guard let name else { return nil }
        if name == "ALL_F32" { return "F32" }
        if name.hasPrefix("MOSTLY_") { return String(name.dropFirst(7)) }
        return name
    }
}
