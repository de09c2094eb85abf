#!/usr/bin/env python3
"""Writes the fuzz seed corpora: small synthetic files for every target, plus the shared fixtures
when a fixtures folder is given. Usage: make_seeds.py OUT_DIR [FIXTURES_DIR]

OUT_DIR gets one folder per target: gguf/, safetensors/, json/, names/. Nothing here is committed
output; run.sh calls this into a temporary folder on every run.
"""
import json
import os
import struct
import sys

# GGUF metadata value types (gguf.md) and the struct format of the fixed-size ones.
UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64 = range(13)
FIXED = {UINT8: "B", INT8: "b", UINT16: "H", INT16: "h", UINT32: "I", INT32: "i", FLOAT32: "f",
         BOOL: "?", UINT64: "Q", INT64: "q", FLOAT64: "d"}
# ggml types used by the seeds: id -> (block size, bytes per block).
GGML = {"F32": (0, 1, 4), "F16": (1, 1, 2), "Q4_0": (2, 32, 18), "Q8_0": (8, 32, 34),
        "Q4_K": (12, 256, 144), "BF16": (30, 1, 2)}


def gguf(version, big_endian, metadata, tensors, alignment=32):
    """A whole GGUF file: header, padding, zero-filled tensor data (each tensor aligned)."""
    order = ">" if big_endian else "<"
    length = "I" if version == 1 else "Q"

    def pack(fmt, *values):
        return struct.pack(order + fmt, *values)

    def string(text):
        data = text.encode()
        return pack(length, len(data)) + data

    def value(kind, item):
        if kind == STRING:
            return string(item)
        if kind == ARRAY:
            element_kind, elements = item
            return pack("I", element_kind) + pack(length, len(elements)) + b"".join(value(element_kind, e) for e in elements)
        return pack(FIXED[kind], item)

    out = b"GGUF" + pack("I", version) + pack(length, len(tensors)) + pack(length, len(metadata))
    for key, kind, item in metadata:
        out += string(key) + pack("I", kind) + value(kind, item)
    offset = 0
    for name, shape, type_name in tensors:
        type_id, block, type_size = GGML[type_name]
        elements = 1
        for dimension in shape:
            elements *= dimension
        out += string(name) + pack("I", len(shape)) + b"".join(pack(length, d) for d in shape)
        out += pack("I", type_id) + pack("Q", offset)
        offset += (elements // block * type_size + alignment - 1) // alignment * alignment
    if tensors:
        out += b"\0" * (-len(out) % alignment) + b"\0" * offset
    return out


def gguf_seeds():
    rich = [
        ("general.architecture", STRING, "llama"),
        ("general.name", STRING, "seed é ✓"),
        ("general.file_type", UINT32, 15),
        ("general.alignment", UINT32, 64),
        ("llama.context_length", UINT64, 4096),
        ("llama.block_count", UINT16, 2),
        ("llama.rope.freq_base", FLOAT32, 10000.0),
        ("llama.attention.layer_norm_rms_epsilon", FLOAT64, 1e-5),
        ("general.signed", INT8, -3),
        ("general.small", INT16, -300),
        ("general.int", INT32, -70000),
        ("general.long", INT64, -(1 << 40)),
        ("general.byte", UINT8, 255),
        ("general.flag", BOOL, True),
        ("tokenizer.ggml.model", STRING, "gpt2"),
        ("tokenizer.ggml.tokens", ARRAY, (STRING, ["a", "bc", "Ġthe", "", "✓"])),
        ("tokenizer.ggml.token_type", ARRAY, (INT32, [1, 1, 3, 1, 1])),
        ("tokenizer.ggml.merges", ARRAY, (STRING, ["a bc", "Ġ the"])),
        ("nested", ARRAY, (ARRAY, [(UINT8, [1, 2]), (STRING, ["x"]), (ARRAY, [(BOOL, [True])])])),
        ("empty", ARRAY, (FLOAT32, [])),
        ("split.no", UINT16, 0),
        ("split.count", UINT16, 2),
        ("split.tensors.count", INT32, 6),
    ]
    tensors = [("token_embd.weight", [64, 4], "Q8_0"), ("blk.0.attn_norm.weight", [64], "F32"),
               ("blk.0.ffn_up.weight", [256, 2], "Q4_K"), ("output.weight", [32, 2, 1, 1], "Q4_0"),
               ("scalar", [], "F16"), ("bf", [3, 5], "BF16")]
    seeds = {}
    for version in (1, 2, 3):
        for big_endian in (False, True):
            suffix = "v%d-%s" % (version, "be" if big_endian else "le")
            seeds["rich-%s.gguf" % suffix] = gguf(version, big_endian, rich, tensors, alignment=64)
            seeds["vocab-only-%s.gguf" % suffix] = gguf(version, big_endian, rich[:3] + rich[14:18], [])
    spm = [("tokenizer.ggml.model", STRING, "llama"),
           ("tokenizer.ggml.tokens", ARRAY, (STRING, ["<t%d>" % i for i in range(200)])),
           ("tokenizer.ggml.scores", ARRAY, (FLOAT32, [float(i) for i in range(200)]))]
    seeds["tokenizer-spm.gguf"] = gguf(3, False, spm, [("w", [32], "F32")])
    seeds["empty.gguf"] = gguf(3, False, [], [])
    seeds["tensor-only.gguf"] = gguf(2, False, [], [("t", [32, 8], "F16")])
    return seeds


def safetensors(entries, metadata=None, pad=True, data=True):
    """A safetensors file (or just its 8 + N header bytes) with offsets assigned in order."""
    header, offset = {}, 0
    if metadata is not None:
        header["__metadata__"] = metadata
    bits = {"BOOL": 8, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8,
            "F8_E8M0": 8, "F8_E4M3FNUZ": 8, "F8_E5M2FNUZ": 8, "I16": 16, "U16": 16, "F16": 16, "BF16": 16,
            "I32": 32, "U32": 32, "F32": 32, "F64": 64, "I64": 64, "U64": 64, "C64": 64}
    for name, dtype, shape in entries:
        elements = 1
        for dimension in shape:
            elements *= dimension
        size = elements * bits[dtype] // 8
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode()
    if pad:
        text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + (b"\0" * offset if data else b"")


def safetensors_seeds():
    every = [("t.%s" % d, d, [4, 6]) for d in ("BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3",
                                                "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16",
                                                "I32", "U32", "F32", "F64", "I64", "U64", "C64")]
    return {
        "every-dtype.safetensors": safetensors(every, {"format": "pt"}),
        "unpadded.safetensors": safetensors([("b", "F16", [3]), ("a", "F32", [2, 2])], pad=False),
        "escaped-names.safetensors": safetensors([("w\u00e9\n\"/", "BF16", [2]), ("\U0001F600", "I8", [1])], {"k\t": "v\\"}),
        "zero-size.safetensors": safetensors([("empty", "F32", [0, 8]), ("scalar", "F64", [])]),
        "header-only.safetensors": safetensors([("w", "F32", [1024, 1024])], {"format": "pt"}, data=False),
        "empty.safetensors": safetensors([]),
        "null-metadata.safetensors": struct.pack("<Q", 21) + b'{"__metadata__":null}',
    }


def index_seeds():
    weight_map = {"model.embed_tokens.weight": "model-00001-of-00002.safetensors",
                  "lm_head.weight": "model-00002-of-00002.safetensors",
                  "model.norm.weight": "model-00002-of-00002.safetensors"}
    return {
        "index.json": json.dumps({"metadata": {"total_size": 123456789}, "weight_map": weight_map}, indent=2).encode(),
        "index-null-metadata.json": b'{"metadata":null,"weight_map":{"a":"x.safetensors"},"extra":[1,-2.5e+3,true,false,null,{}]}',
        "index-escapes.json": b'{"weight_map":{"\\u0061":"m\\u00e9-\\ud83d\\ude00.safetensors"},"metadata":{"total_size":null,"x":{"y":[]}}}',
    }


def json_seeds():
    return {
        "numbers.json": b'[0,-0,1,-1,12.5,-0.0e-0,1E+9,18446744073709551615,18446744073709551616,0.5e10]',
        "literals.json": b' {"a":true,"b":false,"c":null,"d":[[],{}],"e":"" } ',
        "escapes.json": b'["\\"\\\\\\/\\b\\f\\n\\r\\t","\\u0000\\u001f\\u00e9\\u20ac","\\uD83D\\uDE00","\xc3\xa9\xe2\x82\xac"]',
        "nested.json": b"[" * 40 + b"1" + b"]" * 40,
    }


def name_seeds():
    return {
        "split.txt": b"models/llama-7b-Q4_K_M-00001-of-00003.gguf",
        "split-last.txt": b"x-00003-of-00003.gguf",
        "not-split.txt": b"model-00000-of-00001.gguf",
        "safetensors-shard.txt": b"model-00001-of-00002.safetensors",
    }


def json_body(file_bytes):
    """The JSON text of a safetensors file, or None when the length prefix does not fit."""
    if len(file_bytes) < 8:
        return None
    length = struct.unpack("<Q", file_bytes[:8])[0]
    return file_bytes[8:8 + length] if 8 + length <= len(file_bytes) else None


def fixture_files(root, folder):
    base = os.path.join(root, folder)
    for directory, _, names in os.walk(base):
        for name in sorted(names):
            path = os.path.join(directory, name)
            with open(path, "rb") as handle:
                yield os.path.relpath(path, root).replace(os.sep, "_"), handle.read()


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out = sys.argv[1]
    fixtures = sys.argv[2] if len(sys.argv) == 3 else None
    corpora = {"gguf": gguf_seeds(), "safetensors": safetensors_seeds(), "json": json_seeds(), "names": name_seeds()}
    corpora["names"].update(index_seeds())
    corpora["json"].update(index_seeds())
    if fixtures:
        corpora["gguf"].update(fixture_files(fixtures, "gguf"))
        corpora["safetensors"].update(fixture_files(fixtures, "safetensors"))
    # The JSON of every safetensors seed also seeds the JSON text mode of the safetensors target
    # and the JSON scanner.
    for name, data in list(corpora["safetensors"].items()):
        body = json_body(data)
        if body is not None:
            corpora["safetensors"][name + ".json"] = body
            corpora["json"][name + ".json"] = body
    for target, seeds in corpora.items():
        os.makedirs(os.path.join(out, target), exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(out, target, name), "wb") as handle:
                handle.write(data)
        print("%s: %d seeds" % (target, len(seeds)))


if __name__ == "__main__":
    main()
