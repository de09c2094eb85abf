// The few C symbols Embedded Swift expects from its host, defined inside the module so the
// WebAssembly build imports nothing: an allocator over linear memory, memcmp, the 128-bit
// multiply helper, and the random bytes that seed hashing.
// Build: clang --target=wasm32 -O2 -nostdlib -c runtime.c

#include <stddef.h>
#include <stdint.h>

#define WASM_PAGE_BYTES 65536u
/// Bytes before each payload: its size class and its distance from the block start.
#define HEADER_BYTES 16u
#define MINIMUM_ALIGNMENT 16u
#define SIZE_CLASSES 32

extern unsigned char __heap_base;

/// Freed blocks by size class: class k holds blocks of 2^k bytes, linked through their first word.
/// A block is reused only for its own class, which suits this module's repeated, same-shaped calls.
static void *free_blocks[SIZE_CLASSES];
/// The unused memory past every block handed out so far.
static uintptr_t heap_top;

/// A block of 2^size_class bytes, 16-byte aligned, or NULL when memory cannot grow.
static void *take_block(unsigned size_class) {
    void *block = free_blocks[size_class];
    if (block) {
        free_blocks[size_class] = *(void **)block;
        return block;
    }
    if (heap_top == 0) heap_top = ((uintptr_t)&__heap_base + MINIMUM_ALIGNMENT - 1) & ~(uintptr_t)(MINIMUM_ALIGNMENT - 1);
    uintptr_t size = (uintptr_t)1 << size_class;
    if (size > UINTPTR_MAX - heap_top) return NULL;
    uintptr_t end = heap_top + size;
    uintptr_t memory_end = __builtin_wasm_memory_size(0) * WASM_PAGE_BYTES;
    if (end > memory_end) {
        uintptr_t pages = (end - memory_end + WASM_PAGE_BYTES - 1) / WASM_PAGE_BYTES;
        if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return NULL;
    }
    block = (void *)heap_top;
    heap_top = end;
    return block;
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment > WASM_PAGE_BYTES) return 22;  // EINVAL; Swift asks for 16 at most
    if (alignment < MINIMUM_ALIGNMENT) alignment = MINIMUM_ALIGNMENT;
    size_t slack = HEADER_BYTES + (alignment - MINIMUM_ALIGNMENT);
    if (size > SIZE_MAX / 2 - slack) return 12;  // ENOMEM
    size_t needed = size + slack;
    unsigned size_class = 5;
    while (((size_t)1 << size_class) < needed) size_class++;
    unsigned char *block = take_block(size_class);
    if (!block) return 12;
    uintptr_t payload = ((uintptr_t)block + HEADER_BYTES + alignment - 1) & ~(uintptr_t)(alignment - 1);
    uint32_t *header = (uint32_t *)(payload - 8);
    header[0] = size_class;
    header[1] = (uint32_t)(payload - (uintptr_t)block);
    *result = (void *)payload;
    return 0;
}

void free(void *pointer) {
    if (!pointer) return;
    uint32_t *header = (uint32_t *)((uintptr_t)pointer - 8);
    void **block = (void **)((uintptr_t)pointer - header[1]);
    *block = free_blocks[header[0]];
    free_blocks[header[0]] = block;
}

int memcmp(const void *lhs, const void *rhs, size_t count) {
    const unsigned char *a = lhs, *b = rhs;
    for (size_t i = 0; i < count; i++) {
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    }
    return 0;
}

/// The low 128 bits of a 128-bit product, from 64-bit halves (a __int128 `*` would call itself).
__int128 __multi3(__int128 lhs, __int128 rhs) {
    uint64_t a_low = (uint64_t)lhs, a_high = (uint64_t)((unsigned __int128)lhs >> 64);
    uint64_t b_low = (uint64_t)rhs, b_high = (uint64_t)((unsigned __int128)rhs >> 64);
    uint64_t a0 = (uint32_t)a_low, a1 = a_low >> 32, b0 = (uint32_t)b_low, b1 = b_low >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t middle = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    uint64_t low = (middle << 32) | (uint32_t)p00;
    uint64_t high = p11 + (p01 >> 32) + (p10 >> 32) + (middle >> 32) + a_low * b_high + a_high * b_low;
    return (__int128)(((unsigned __int128)high << 64) | low);
}

/// Seeds Swift's hashing. There is no entropy source without imports, so the stream is fixed
/// (splitmix64): hashing is deterministic, which the resource limits keep harmless.
void arc4random_buf(void *buffer, size_t count) {
    static uint64_t state = 0x853C49E6748FEA9Bu;
    unsigned char *bytes = buffer;
    for (size_t i = 0; i < count; i += 8) {
        uint64_t z = (state += 0x9E3779B97F4A7C15u);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
        z ^= z >> 31;
        for (size_t j = 0; j < 8 && i + j < count; j++) bytes[i + j] = (unsigned char)(z >> (8 * j));
    }
}
