#!/usr/bin/env bash
# Times compat against gguf-py, hf-mem, safetensors and huggingface_hub on the same inputs and the same
# loopback Hub, prints the table and rewrites BENCHMARKS.md at the repository root.
#   Benchmarks/compare.sh [--seconds N]     (N: time budget per parse measurement, default 2)
set -euo pipefail
benchmarks="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$benchmarks")"
venv="$root/.build/bench-venv"

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check gguf safetensors huggingface-hub hf-mem numpy

swift build -c release --package-path "$benchmarks" --product compat-bench
swift build -c release --package-path "$benchmarks" --product bench-hub
bin="$(swift build -c release --package-path "$benchmarks" --show-bin-path)"

"$venv/bin/python" "$benchmarks/compare.py" --bin "$bin" --output "$root/BENCHMARKS.md" "$@"
