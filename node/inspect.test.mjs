import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inspect, inspectJSON } from './index.mjs';
import { expectedFigures, fixtureBytes, fixturePath, fixturePaths, nativeCLI, needsFixtures } from './fixtures.mjs';

const validGGUF = fixturePaths('gguf', '.gguf').filter((path) => !path.includes('/invalid/'));
const invalidGGUF = {
    'gguf/invalid/example-prerelease-FUGG-magic.gguf': 'badMagic',
    'gguf/invalid/ggml-vocab-bert-bge.utf8-mangled.gguf': 'truncated',
    'gguf/invalid/ollama-test-truncated-6bytes.gguf': 'truncated',
    'gguf/invalid/test_writer-nonstandard-type13.gguf': 'unknownValueType',
};
const headerOnly = 'safetensors/header-only/all-MiniLM-L6-v2.model.safetensors.header-only';
/** The size of the file the header-only fixture was cut from. */
const headerOnlyFileSize = 90_868_376;
/** llama.cpp's `general.file_type` names for the values the fixtures use. */
const fileTypeNames = ['ALL_F32', 'MOSTLY_F16'];

test('the module imports nothing from its host', () => {
    const module = new WebAssembly.Module(readFileSync(new URL('../.build/wasm/format-parsers.wasm', import.meta.url)));
    assert.deepEqual(WebAssembly.Module.imports(module), []);
});

test('every valid GGUF fixture matches EXPECTED.json', needsFixtures, async (t) => {
    const expected = expectedFigures();
    for (const path of validGGUF) {
        await t.test(path, () => {
            const figures = expected[path];
            assert.ok(figures, `no EXPECTED.json entry for ${path}`);
            const result = inspect(fixtureBytes(path), { path });
            assert.equal(result.format, 'gguf', JSON.stringify(result));
            assert.equal(result.version, figures.version);
            assert.equal(result.tensorCount, figures.tensor_count);
            assert.equal(result.metadataCount, figures.kv_count);
            assert.equal(result.architecture, figures.architecture);
            assert.equal(result.alignment, figures.alignment);
            assert.equal(result.vocabularySize, figures.vocab_size);
            assert.equal(result.dataOffset, figures.data_offset);
            assert.equal(result.headerBytes, figures.data_offset);
            assert.equal(result.parameters, figures.parameters);
            assert.deepEqual(result.tensorCountsByType, figures.tensor_types);
            if ('file_type' in figures) assert.equal(result.fileType, figures.file_type === null ? null : fileTypeNames[figures.file_type]);
            if ('context_length' in figures) assert.equal(result.contextLength, figures.context_length);
            if ('block_count' in figures) assert.equal(result.blockCount, figures.block_count);
            if ('tensor_data_bytes' in figures) assert.equal(result.tensorDataBytes, figures.tensor_data_bytes);
        });
    }
});

test('every safetensors fixture matches EXPECTED.json', needsFixtures, async (t) => {
    const expected = expectedFigures();
    for (const path of [...fixturePaths('safetensors', '.safetensors'), headerOnly]) {
        await t.test(path, () => {
            const figures = expected[path];
            assert.ok(figures, `no EXPECTED.json entry for ${path}`);
            const fileSize = path === headerOnly ? headerOnlyFileSize : undefined;
            const result = inspect(fixtureBytes(path), { path, fileSize });
            assert.equal(result.format, 'safetensors', JSON.stringify(result));
            assert.equal(result.headerBytes, figures.header_bytes);
            assert.equal(result.tensorCount, figures.tensor_count);
            assert.equal(result.parameters, figures.parameters);
            assert.equal(result.tensorDataBytes, figures.tensor_data_bytes);
            assert.deepEqual(result.parameterCountsByType, figures.parameters_by_dtype);
            assert.deepEqual(result.tensorCountsByType, figures.dtypes);
            assert.deepEqual(result.metadata, figures.metadata);
        });
    }
});

test('the header-only safetensors file, taken as a whole file, is a size mismatch', needsFixtures, () => {
    const result = inspect(fixtureBytes(headerOnly), { path: headerOnly });
    assert.equal(result.error?.kind, 'sizeMismatch', JSON.stringify(result));
});

test('every invalid GGUF fixture gives an error object', needsFixtures, async (t) => {
    const expected = expectedFigures();
    for (const [path, kind] of Object.entries(invalidGGUF)) {
        await t.test(path, () => {
            assert.equal(expected[path]?.must_fail, true);
            const result = inspect(fixtureBytes(path), { path });
            assert.deepEqual(Object.keys(result), ['path', 'error']);
            assert.deepEqual(Object.keys(result.error), ['kind', 'offset', 'message']);
            assert.equal(result.path, path);
            assert.equal(result.error.kind, kind, result.error.message);
            // The offset of the type tag; its value would start at 208.
            if (path.endsWith('type13.gguf')) assert.equal(result.error.offset, 204);
        });
    }
});

test('bytes in no known format, without a telling path, give unknownFormat', () => {
    const result = inspect(new TextEncoder().encode('just some text'), { path: 'notes.txt' });
    assert.deepEqual(result, {
        path: 'notes.txt',
        error: { kind: 'unknownFormat', offset: null, message: 'notes.txt: not a GGUF or safetensors file' },
    });
});

test('results equal the native compat-cli inspect --json output, byte for byte', {
    skip: needsFixtures.skip || (nativeCLI ? false : 'compat-cli not found: build it (swift build) or set COMPAT_CLI'),
}, () => {
    const paths = [...fixturePaths('gguf', '.gguf'), ...fixturePaths('safetensors', '.safetensors'), headerOnly]
        .map(fixturePath);
    let output;
    try {
        output = execFileSync(nativeCLI, ['inspect', '--json', ...paths], { encoding: 'utf8', maxBuffer: 1 << 26 });
    } catch (error) {
        // Exit status 1: some files failed, which the invalid fixtures do.
        if (error.status !== 1) throw error;
        output = error.stdout;
    }
    const native = JSON.parse(output);
    const wasm = paths.map((path) => inspectJSON(readFileSync(path), { path }));
    assert.equal(native.length, paths.length);
    paths.forEach((path, index) => assert.deepEqual(JSON.parse(wasm[index]), native[index], path));
    assert.equal(`[${wasm.join(',')}]`, output.trimEnd());
});

test('a tensor whose element count overflows 64 bits is an arithmeticOverflow error', () => {
    // GGUF v3, one tensor "t" of type F32 with dimensions 2^40 x 2^40, no metadata.
    const header = new DataView(new ArrayBuffer(4 + 4 + 8 + 8 + 8 + 1 + 4 + 16 + 4 + 8));
    let offset = 0;
    const u32 = (value) => { header.setUint32(offset, value, true); offset += 4; };
    const u64 = (value) => { header.setBigUint64(offset, value, true); offset += 8; };
    u32(0x46554747); u32(3); u64(1n); u64(0n);
    u64(1n); header.setUint8(offset++, 't'.charCodeAt(0));
    u32(2); u64(1n << 40n); u64(1n << 40n); u32(0); u64(0n);
    const result = inspect(new Uint8Array(header.buffer), { path: 'overflow.gguf' });
    assert.equal(result.error?.kind, 'arithmeticOverflow', JSON.stringify(result));
});
