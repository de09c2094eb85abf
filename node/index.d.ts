/** Counts keyed by ggml type or safetensors dtype name, e.g. `{"F16": 1234}`. */
export type CountsByType = Record<string, number>;

/** Fields both formats have, as `compat-cli inspect --json` prints them. */
interface SummaryCommon {
    /** The path given in the options ("" when none). */
    path: string;
    parameters: number;
    tensorCount: number;
    /** Bytes a reader needs from the start of the file: the GGUF data offset, or 8 + N. */
    headerBytes: number;
    tensorDataBytes: number;
    parameterCountsByType: CountsByType;
    tensorCountsByType: CountsByType;
}

export interface GGUFSummary extends SummaryCommon {
    format: "gguf";
    version: number;
    metadataCount: number;
    architecture: string | null;
    alignment: number;
    dataOffset: number;
    /** llama.cpp's `general.file_type` name, e.g. "MOSTLY_Q4_K_M"; "UNKNOWN_<n>" for unknown values. */
    fileType: string | null;
    vocabularySize: number | null;
    contextLength: number | null;
    blockCount: number | null;
    bigEndian: boolean;
}

export interface SafetensorsSummary extends SummaryCommon {
    format: "safetensors";
    /** The header's `__metadata__`, or null when it has none. */
    metadata: Record<string, string> | null;
}

export type ErrorKind =
    | "badMagic" | "unsupportedVersion" | "truncated" | "unknownValueType" | "unknownTensorType"
    | "invalidUTF8" | "emptyKey" | "tooManyDimensions" | "arithmeticOverflow" | "limitExceeded"
    | "invalidAlignment" | "invalidValue" | "misalignedBlocks" | "invalidTensorOffset" | "duplicateName"
    | "invalidJSON" | "unknownDType" | "missingField" | "sizeMismatch"
    /** Neither the path's extension nor the first bytes say GGUF or safetensors (offset is null). */
    | "unknownFormat";

export interface InspectError {
    path: string;
    error: { kind: ErrorKind; offset: number | null; message: string };
}

export type InspectResult = GGUFSummary | SafetensorsSummary | InspectError;

export interface InspectOptions {
    /** Reported as `path`; its extension (.gguf, .safetensors) picks the format, else the bytes do. */
    path?: string;
    /** The whole file's size, when `bytes` holds only its first bytes. Default: `bytes.length`. */
    fileSize?: number;
}

export interface NeededBytesOptions {
    /** Its extension (.gguf, .safetensors) picks the format, else the bytes do. */
    path?: string;
    /** The whole file's size, when known: a header that cannot fit in it is an error. */
    fileSize?: number;
}

/** An invalid header, as `neededBytes` reports it. */
export class HeaderError extends Error {
    readonly kind: ErrorKind;
    readonly offset: number | null;
    readonly result: InspectError;
}

/** Loads the module from `path`, replacing the one in use (default `../.build/wasm/format-parsers.wasm`). */
export function load(path?: string | URL): void;

/**
 * The object `compat-cli inspect --json` prints for one file. `bytes` holds the whole file, or its
 * first bytes with `options.fileSize`; bytes that end before the header does give a `truncated` error.
 */
export function inspect(bytes: Uint8Array, options?: InspectOptions): InspectResult;

/** `inspect` as JSON text, byte for byte what `compat-cli inspect --json` prints for the file. */
export function inspectJSON(bytes: Uint8Array, options?: InspectOptions): string;

/**
 * How many bytes from the start of the file the header needs, given its first bytes; null when the
 * header is complete within them. Throws `HeaderError` for an invalid header.
 */
export function neededBytes(prefix: Uint8Array, options?: NeededBytesOptions): number | null;
