#!/usr/bin/env bash
# Builds .build/wasm/format-parsers.wasm, the FormatParsers module for node/: Embedded Swift
# (FormatParsers plus Sources/FormatParsersWASM/Exports.swift) and a small C runtime, linked as a
# reactor that imports nothing. Needs a Swift toolchain with Embedded Swift, clang and wasm-ld.
set -euo pipefail
cd "$(dirname "$0")/.."

toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swiftc)")")")
out=.build/wasm
objects=$out/objects
mkdir -p "$objects"

swift_flags=(-target wasm32-unknown-none-wasm -enable-experimental-feature Embedded -wmo -Osize -parse-as-library
    # Wasm code cannot overwrite return addresses, and the guard would be one more import.
    -Xfrontend -disable-stack-protector)
mapfile -t parser_sources < <(find Sources/FormatParsers -name '*.swift' | sort)

"$toolchain/bin/swiftc" "${swift_flags[@]}" -module-name FormatParsers "${parser_sources[@]}" \
    -emit-module -emit-module-path "$objects/FormatParsers.swiftmodule" -c -o "$objects/FormatParsers.o"
"$toolchain/bin/swiftc" "${swift_flags[@]}" -module-name FormatParsersWASM -I "$objects" \
    Sources/FormatParsersWASM/Exports.swift -c -o "$objects/Exports.o"
"$toolchain/bin/clang" --target=wasm32 -O2 -nostdlib -c Sources/FormatParsersWASM/runtime.c -o "$objects/runtime.o"

# Exports come from @_expose(wasm) in Exports.swift; the linear memory is exported as "memory".
"$toolchain/bin/wasm-ld" --no-entry --gc-sections --strip-all -z stack-size=1048576 \
    "$objects/FormatParsers.o" "$objects/Exports.o" "$objects/runtime.o" \
    "$toolchain/lib/swift/embedded/wasm32-unknown-none-wasm/libswiftUnicodeDataTables.a" \
    -o "$out/format-parsers.wasm"
echo "$out/format-parsers.wasm: $(wc -c < "$out/format-parsers.wasm") bytes"
