// compat's FormatParsers (GGUF and safetensors headers) as a WebAssembly module, for Node.
// Build the module first: scripts/build-wasm.sh writes .build/wasm/format-parsers.wasm.
import { readFileSync } from 'node:fs';

const defaultModuleURL = new URL('../.build/wasm/format-parsers.wasm', import.meta.url);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A header that is not valid, as `neededBytes` reports it; `result` is the error object `inspect` gives. */
export class HeaderError extends Error {
    constructor(result) {
        super(result.error.message);
        this.name = 'HeaderError';
        this.kind = result.error.kind;
        this.offset = result.error.offset;
        this.result = result;
    }
}

let wasm;

/**
 * Loads the module from `path` (a file path or URL), replacing the one in use. Without a call,
 * the first `inspect` or `neededBytes` loads `../.build/wasm/format-parsers.wasm`.
 */
export function load(path = defaultModuleURL) {
    let bytes;
    try {
        bytes = readFileSync(path);
    } catch (error) {
        throw new Error(`cannot read ${path} (build it with scripts/build-wasm.sh): ${error.message}`, { cause: error });
    }
    wasm = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
}

/**
 * The object `compat-cli inspect --json` prints for a file, as JSON text with the same keys in the
 * same order. `bytes` holds the whole file, or its first bytes with `options.fileSize` the file's size.
 */
export function inspectJSON(bytes, options = {}) {
    callParser('fp_inspect', bytes, options.path, options.fileSize ?? bytes?.length);
    return resultText();
}

/** `inspectJSON`, parsed. Counts above 2^53 lose precision, as with any JSON number in JavaScript. */
export function inspect(bytes, options = {}) {
    return JSON.parse(inspectJSON(bytes, options));
}

/**
 * How many bytes from the start of the file the header needs, given its first bytes (`prefix`);
 * null when the header is complete within them. The format comes from `options.path`'s extension,
 * else from the bytes. Throws a `HeaderError` when the bytes are not a valid header, or (given
 * `options.fileSize`) when the file is too short for it.
 */
export function neededBytes(prefix, options = {}) {
    const answer = callParser('fp_needed_bytes', prefix, options.path, options.fileSize);
    if (answer === -1n) return null;
    if (answer === -2n) throw new HeaderError(JSON.parse(resultText()));
    return Number(answer);
}

/** Copies the bytes and the path into the module and calls `name`. */
function callParser(name, bytes, path, fileSize) {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
    if (path !== undefined && typeof path !== 'string') throw new TypeError('path must be a string');
    if (fileSize !== undefined && !(Number.isSafeInteger(fileSize) && fileSize >= 0)) {
        throw new TypeError('fileSize must be a non-negative integer');
    }
    if (!wasm) load();
    const pathBytes = encoder.encode(path ?? '');
    const bytesPointer = copyIn(bytes);
    try {
        const pathPointer = copyIn(pathBytes);
        try {
            return wasm[name](bytesPointer, bytes.length, BigInt(fileSize ?? -1), pathPointer, pathBytes.length);
        } finally {
            wasm.fp_free(pathPointer);
        }
    } finally {
        wasm.fp_free(bytesPointer);
    }
}

function copyIn(bytes) {
    const pointer = wasm.fp_allocate(bytes.length);
    if (pointer === 0) throw new RangeError(`the WebAssembly module cannot hold ${bytes.length} more bytes`);
    // Read `buffer` after allocating: growing the memory replaces it.
    new Uint8Array(wasm.memory.buffer, pointer, bytes.length).set(bytes);
    return pointer;
}

function resultText() {
    return decoder.decode(new Uint8Array(wasm.memory.buffer, wasm.fp_result_pointer(), wasm.fp_result_length()));
}
