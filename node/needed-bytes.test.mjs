import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeaderError, inspect, neededBytes } from './index.mjs';
import { expectedFigures, fixtureBytes, needsFixtures } from './fixtures.mjs';

/** Reads like a ranged reader: asks `neededBytes` until the header is complete; the prefix it ended with. */
function readHeader(file, path) {
    let length = 0;
    for (;;) {
        const needed = neededBytes(file.subarray(0, length), { path, fileSize: file.length });
        if (needed === null) return file.subarray(0, length);
        assert.ok(needed > length && needed <= file.length, `${path}: asked for ${needed} bytes after ${length}`);
        length = needed;
    }
}

test('every prefix of a GGUF header asks for more bytes, and the whole header for none', needsFixtures, () => {
    const path = 'gguf/stories260K.gguf';
    const file = fixtureBytes(path);
    const dataOffset = expectedFigures()[path].data_offset;
    for (let length = 0; length < 14_000; length += 7) {
        const needed = neededBytes(file.subarray(0, length), { path });
        assert.ok(needed > length && needed <= dataOffset, `after ${length} bytes: ${needed}`);
    }
    assert.equal(neededBytes(file.subarray(0, dataOffset), { path }), null);
    assert.equal(neededBytes(file), null);
});

test('a safetensors prefix asks for the length, then for 8 + N', needsFixtures, () => {
    const path = 'safetensors/csm-voices.safetensors';
    const file = fixtureBytes(path);
    assert.equal(neededBytes(file.subarray(0, 3), { path }), 8);
    assert.equal(neededBytes(file.subarray(0, 8), { path }), 152);
    assert.equal(neededBytes(file.subarray(0, 151), { path }), 152);
    assert.equal(neededBytes(file.subarray(0, 152), { path }), null);
});

test('without a path, the format is sniffed once 9 bytes are there', needsFixtures, () => {
    const file = fixtureBytes('safetensors/csm-voices.safetensors');
    assert.equal(neededBytes(file.subarray(0, 2)), 9);
    assert.equal(neededBytes(file.subarray(0, 9)), 152);
    assert.equal(neededBytes(fixtureBytes('gguf/stories260K.gguf').subarray(0, 4)) > 4, true);
    assert.throws(() => neededBytes(new TextEncoder().encode('plain text here')), { name: 'HeaderError', kind: 'unknownFormat' });
});

test('reading only the bytes neededBytes asks for gives the same result as the whole file', needsFixtures, () => {
    for (const path of ['gguf/ggml-vocab-gpt-2.gguf', 'gguf/llama-2-tiny-random.gguf', 'safetensors/safetensors-samples/sample-overall.safetensors']) {
        const file = fixtureBytes(path);
        const header = readHeader(file, path);
        assert.deepEqual(inspect(header, { path, fileSize: file.length }), inspect(file, { path }), path);
    }
});

test('a prefix that ends before the header gives a truncated error from inspect', needsFixtures, () => {
    const path = 'gguf/stories260K.gguf';
    const file = fixtureBytes(path);
    const result = inspect(file.subarray(0, 100), { path, fileSize: file.length });
    assert.equal(result.error.kind, 'truncated');
    assert.equal(result.error.offset, 100);
});

test('invalid bytes throw a HeaderError carrying the error object', needsFixtures, () => {
    const path = 'gguf/invalid/example-prerelease-FUGG-magic.gguf';
    assert.throws(() => neededBytes(fixtureBytes(path), { path }), (error) => {
        assert.ok(error instanceof HeaderError);
        assert.equal(error.kind, 'badMagic');
        assert.deepEqual(error.result, inspect(fixtureBytes(path), { path }));
        return true;
    });
    const truncated = 'gguf/invalid/ollama-test-truncated-6bytes.gguf';
    const bytes = fixtureBytes(truncated);
    assert.equal(neededBytes(bytes, { path: truncated }), 8);
    assert.throws(() => neededBytes(bytes, { path: truncated, fileSize: bytes.length }), { kind: 'truncated' });
});

test('arguments are checked', () => {
    assert.throws(() => neededBytes([1, 2, 3]), TypeError);
    assert.throws(() => inspect(new Uint8Array(4), { fileSize: -1 }), TypeError);
    assert.throws(() => inspect(new Uint8Array(4), { path: 7 }), TypeError);
});
