// Shared by the tests: the fixtures folder, EXPECTED.json, and the native CLI to compare with.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

/** `$COMPAT_FIXTURES`, else `../shared/fixtures` beside the repository; null when absent. */
export const fixturesRoot = (() => {
    const folder = process.env.COMPAT_FIXTURES || join(repositoryRoot, '..', 'shared', 'fixtures');
    return existsSync(folder) ? folder : null;
})();

/** A test option: skip, saying why, when the fixtures folder is absent. */
export const needsFixtures = { skip: fixturesRoot ? false : 'fixtures not found: set COMPAT_FIXTURES or place ../shared/fixtures' };

/** `$COMPAT_CLI`, else the debug build of compat-cli; null when absent. */
export const nativeCLI = (() => {
    const path = process.env.COMPAT_CLI || join(repositoryRoot, '.build', 'debug', 'compat-cli');
    return existsSync(path) ? path : null;
})();

/** EXPECTED.json's figures keyed by fixture path, e.g. `gguf/stories260K.gguf`. */
export function expectedFigures() {
    const root = JSON.parse(readFileSync(join(fixturesRoot, 'EXPECTED.json'), 'utf8'));
    return { ...root.gguf, ...root.gguf_invalid, ...root.safetensors };
}

/** Paths relative to the fixtures folder, sorted, of the files under `folder` whose names end in `suffix`. */
export function fixturePaths(folder, suffix) {
    if (!fixturesRoot) return [];
    return readdirSync(join(fixturesRoot, folder), { recursive: true })
        .filter((name) => name.endsWith(suffix))
        .map((name) => `${folder}/${name}`)
        .sort();
}

export function fixturePath(relativePath) {
    return join(fixturesRoot, relativePath);
}

export function fixtureBytes(relativePath) {
    return readFileSync(fixturePath(relativePath));
}
