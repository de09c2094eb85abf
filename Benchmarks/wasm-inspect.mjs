// One line: the WebAssembly `inspect` in Node against the same FormatParsers code compiled natively,
// on ggml-vocab-gpt-2.gguf (1.7 MB, almost all header). Both time, per run, parsing the header from
// bytes already in memory and writing the JSON summary; the Node figure also includes copying the
// bytes into the module's memory and JSON.parse of the answer. Median of RUNS runs after a warm-up.
// Usage: node Benchmarks/wasm-inspect.mjs [FILE] [RUNS]   (build the module first: scripts/build-wasm.sh)
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { inspect } from '../node/index.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = process.env.COMPAT_FIXTURES || join(root, '..', 'shared', 'fixtures');
const file = process.argv[2] ?? join(fixtures, 'gguf', 'ggml-vocab-gpt-2.gguf');
const runs = Number(process.argv[3] ?? 50);

function median(values) {
    return values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

function wasmMilliseconds(bytes) {
    for (let i = 0; i < 5; i++) inspect(bytes, { path: file });
    const times = [];
    for (let i = 0; i < runs; i++) {
        const start = performance.now();
        inspect(bytes, { path: file });
        times.push(performance.now() - start);
    }
    return median(times);
}

/** Builds Benchmarks/native-inspect.swift with the FormatParsers sources (-O), when out of date. */
function nativeHarness() {
    const sources = [join(root, 'Benchmarks', 'native-inspect.swift'),
        ...readdirSync(join(root, 'Sources', 'FormatParsers'), { recursive: true })
            .filter((name) => name.endsWith('.swift'))
            .map((name) => join(root, 'Sources', 'FormatParsers', name))];
    const binary = join(root, '.build', 'benchmarks', 'native-inspect');
    const newest = Math.max(...sources.map((source) => statSync(source).mtimeMs));
    if (!existsSync(binary) || statSync(binary).mtimeMs < newest) {
        mkdirSync(join(root, '.build', 'benchmarks'), { recursive: true });
        execFileSync('swiftc', ['-O', '-wmo', '-parse-as-library', '-module-name', 'FormatParsers', ...sources, '-o', binary],
            { stdio: 'inherit' });
    }
    return binary;
}

const bytes = readFileSync(file);
const wasm = wasmMilliseconds(bytes);
const native = Number(execFileSync(nativeHarness(), [file, String(runs)], { encoding: 'utf8' }));
console.log(`inspect ${basename(file)} (${bytes.length} bytes), median of ${runs}: ` +
    `wasm in node ${process.version} ${wasm.toFixed(2)} ms, native -O ${native.toFixed(2)} ms (${(wasm / native).toFixed(1)}x)`);
