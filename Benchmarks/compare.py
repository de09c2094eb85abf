"""Times compat against its Python peers on the same inputs and the same loopback Hub, prints one
table and writes BENCHMARKS.md. Run through compare.sh, which builds compat-bench and bench-hub and
installs the peers.

Peers: gguf-py's GGUFReader; hf-mem's GGUF and safetensors parsers and fetchers (and its whole-repo
`arun`); the safetensors package's Rust header parser (`safe_open`); huggingface_hub's
`parse_safetensors_file_metadata` and `get_safetensors_metadata`. The floor is a memory copy of the
same header bytes (measured by compat-bench).
"""

import argparse
import asyncio
import datetime
import importlib
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types
import urllib.request
import warnings
from dataclasses import dataclass, field

# Remote cases at 50 ms latency take a second per run at most; parse cases get a time budget instead.
REMOTE_RUNS = 5
PEERS = ["gguf", "safetensors", "huggingface-hub", "hf-mem", "numpy"]


def timed_runs(call, budget, minimum_runs=3):
    """Seconds per call: a warm-up, then calls until `budget` seconds have passed (at least `minimum_runs`).
    A first call slower than the whole budget counts as a sample, so very slow peers cost 3 runs."""
    start = time.perf_counter()
    call()
    first = time.perf_counter() - start
    times = [first] if first >= budget else []
    began = time.perf_counter()
    while len(times) < minimum_runs or (time.perf_counter() - began < budget and len(times) < 10_000):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


@dataclass
class Row:
    case: str
    implementation: str
    milliseconds: float
    requests: int | None = None
    bytes: int | None = None
    note: str = ""


@dataclass
class Section:
    title: str
    rows: list = field(default_factory=list)

    def compat(self, case):
        return next(row for row in self.rows if row.case == case and row.implementation.startswith("compat"))


# MARK: Parsing


def parse_section(bin_dir, inputs_dir, budget):
    manifest = json.loads(subprocess.check_output([f"{bin_dir}/compat-bench", "write-inputs", inputs_dir]))
    compat = {
        result["name"]: result
        for result in json.loads(subprocess.check_output([f"{bin_dir}/compat-bench", "parse", f"{inputs_dir}/inputs.json", "--seconds", str(budget)]))
    }
    section = Section("Parsing a header in memory (median of repeated runs)")
    for entry in manifest:
        case = f"{entry['summary']}, {entry['headerBytes']:,} bytes"
        section.rows.append(Row(case, "compat", compat[entry["name"]]["parseMilliseconds"]))
        section.rows.append(Row(case, "memory copy of the same bytes (floor)", compat[entry["name"]]["copyMilliseconds"]))
        with open(entry["headerPath"], "rb") as header_file:
            header = header_file.read()
        peers = gguf_parse_peers(entry, header) if entry["format"] == "gguf" else safetensors_parse_peers(entry, header)
        for name, call, note in peers:
            section.rows.append(Row(case, name, statistics.median(timed_runs(call, budget)) * 1e3, note=note))
    return section


def gguf_parse_peers(entry, header):
    from gguf import GGUFReader
    from hf_mem.gguf.metadata import parse_gguf_metadata

    # The peers must read the same header compat read.
    assert parse_gguf_metadata(header).param_count == entry["parameters"], entry["name"]
    return [
        ("hf-mem parse_gguf_metadata", lambda: parse_gguf_metadata(header), ""),
        ("gguf-py GGUFReader", lambda: GGUFReader(entry["filePath"]), "maps the whole file"),
    ]


def safetensors_parse_peers(entry, header):
    from hf_mem.safetensors.metadata import parse_safetensors_metadata
    from huggingface_hub.hf_api import _parse_safetensors_header
    from safetensors import safe_open

    with safe_open(entry["filePath"], framework="numpy") as opened:
        assert len(opened.keys()) == entry["tensorCount"], entry["name"]

    def rust():
        with safe_open(entry["filePath"], framework="numpy"):
            pass

    json_bytes = header[8:]
    return [
        ("safetensors (Rust) safe_open", rust, "opens and maps the file"),
        ("huggingface_hub header parse", lambda: _parse_safetensors_header(json_bytes, "model.safetensors", "benchmark"), ""),
        ("hf-mem json.loads + parse_safetensors_metadata",
         lambda: parse_safetensors_metadata({"Transformer": json.loads(json_bytes)}), ""),
    ]


# MARK: Remote


class LoopbackHub:
    """bench-hub as a child process: its endpoint, its control URL and the cases it serves."""

    def __init__(self, bin_dir):
        self.process = subprocess.Popen([f"{bin_dir}/bench-hub"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        announcement = json.loads(self.process.stdout.readline())
        self.endpoint = announcement["endpoint"]
        self.control = announcement["control"]
        self.repo_cases = announcement["repoCases"]
        self.file_cases = announcement["fileCases"]

    def set_latency(self, milliseconds):
        urllib.request.urlopen(f"{self.control}/latency?ms={milliseconds}").read()

    def traffic(self):
        counts = json.loads(urllib.request.urlopen(f"{self.control}/traffic").read())
        return counts["requests"], counts["bytes"]

    def measure(self, call, runs=REMOTE_RUNS):
        """Median milliseconds, requests and bytes of `runs` calls after a warm-up; traffic is read
        between calls, outside the timed part."""
        call()
        times, requests, sent = [], [], []
        for _ in range(runs):
            before = self.traffic()
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
            after = self.traffic()
            requests.append(after[0] - before[0])
            sent.append(after[1] - before[1])
        return statistics.median(times) * 1e3, int(statistics.median(requests)), int(statistics.median(sent))

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def compat_remote(bin_dir, hub, subcommand, *arguments):
    output = subprocess.check_output([
        f"{bin_dir}/compat-bench", subcommand, "--endpoint", hub.endpoint, "--control", hub.control,
        "--runs", str(REMOTE_RUNS), *arguments])
    result = json.loads(output)
    return result["milliseconds"], result["requests"], result["bytes"]


def hf_mem_client():
    """The client hf-mem's `arun` builds (HTTP/2 allowed, redirects followed, its concurrency)."""
    import httpx2
    from hf_mem.run import MAX_CONCURRENCY

    limits = httpx2.Limits(max_keepalive_connections=MAX_CONCURRENCY, max_connections=MAX_CONCURRENCY)
    return httpx2.AsyncClient(limits=limits, timeout=httpx2.Timeout(30.0), http2=True, follow_redirects=True)


def point_hf_mem_at(endpoint):
    """hf-mem writes `https://huggingface.co/...` into f-strings, so there is no constant to change:
    give its `run` module an httpx2 whose AsyncClient sends those URLs to `endpoint` instead. Only this
    process's module object changes; hf-mem's files are untouched."""
    import httpx2

    # `hf_mem.run` is also the name of a function the package exports, so fetch the module itself.
    hf_mem_run = importlib.import_module("hf_mem.run")

    class LoopbackAsyncClient(httpx2.AsyncClient):
        def build_request(self, method, url, **kwargs):
            return super().build_request(method, str(url).replace("https://huggingface.co", endpoint, 1), **kwargs)

    class LoopbackHttpx(types.ModuleType):
        def __getattr__(self, name):
            return getattr(httpx2, name)

    loopback = LoopbackHttpx("httpx2")
    loopback.AsyncClient = LoopbackAsyncClient
    hf_mem_run.httpx2 = loopback


def hf_mem_fetch_file(hub, case):
    from hf_mem.gguf.fetch import fetch_gguf_metadata
    from hf_mem.safetensors.fetch import fetch_safetensors_metadata

    fetch = fetch_gguf_metadata if case["path"].endswith(".gguf") else fetch_safetensors_metadata
    url = f"{hub.endpoint}/{case['repo']}/resolve/main/{case['path']}"

    async def once():
        async with hf_mem_client() as client:
            await fetch(client=client, url=url)

    return lambda: asyncio.run(once())


def huggingface_hub_call(hf_home, call):
    """A cold huggingface_hub call, as from a new process: no cached files, no open connections."""
    from huggingface_hub.utils import close_session

    def cold():
        shutil.rmtree(hf_home, ignore_errors=True)
        close_session()
        call()

    return cold


def remote_section(bin_dir, hub, latency, hf_home):
    from huggingface_hub import HfApi

    import hf_mem

    api = HfApi()  # endpoint from HF_ENDPOINT
    hub.set_latency(latency)
    section = Section(f"Reading from the loopback Hub with {latency} ms added per request (median of {REMOTE_RUNS} runs)")
    for case in hub.file_cases:
        title = f"{case['summary']} ({case['path']})"
        section.rows.append(Row(title, "compat", *compat_remote(bin_dir, hub, "fetch", "--repo", case["repo"], "--path", case["path"])))
        fetcher = "fetch_gguf_metadata" if case["path"].endswith(".gguf") else "fetch_safetensors_metadata"
        section.rows.append(Row(title, f"hf-mem {fetcher}", *hub.measure(hf_mem_fetch_file(hub, case))))
        if case["path"].endswith(".safetensors"):
            parse_file = lambda case=case: api.parse_safetensors_file_metadata(case["repo"], case["path"])
            section.rows.append(Row(title, "huggingface_hub parse_safetensors_file_metadata",
                                    *hub.measure(huggingface_hub_call(hf_home, parse_file))))
    for case in hub.repo_cases:
        title = f"{case['summary']} ({case['repo']})"
        section.rows.append(Row(title, "compat (check: list, read every variant, judge)",
                                *compat_remote(bin_dir, hub, "analyze", "--repo", case["repo"])))
        # experimental=True adds the KV cache (reading config.json for safetensors), as compat's memory estimate does.
        section.rows.append(Row(title, "hf-mem run(experimental=True)",
                                *hub.measure(lambda case=case: hf_mem.run(case["repo"], experimental=True))))
        if case["format"] == "safetensors":
            repo_metadata = lambda case=case: api.get_safetensors_metadata(case["repo"])
            section.rows.append(Row(title, "huggingface_hub get_safetensors_metadata",
                                    *hub.measure(huggingface_hub_call(hf_home, repo_metadata))))
    return section


# MARK: Report


def human_bytes(count):
    if count is None:
        return ""
    for unit, size in (("MB", 1e6), ("kB", 1e3)):
        if count >= size:
            return f"{count / size:.2f} {unit}"
    return f"{count} B"


def human_time(milliseconds):
    if milliseconds >= 1000:
        return f"{milliseconds / 1000:.2f} s"
    if milliseconds >= 1:
        return f"{milliseconds:.2f} ms"
    return f"{milliseconds * 1000:.1f} µs"


def table(sections):
    lines = ["| Input | Implementation | Median | × compat | Requests | Bytes |", "|---|---|--:|--:|--:|--:|"]
    for section in sections:
        lines.append(f"| **{section.title}** | | | | | |")
        previous = None
        for row in section.rows:
            ratio = row.milliseconds / section.compat(row.case).milliseconds
            implementation = row.implementation + (f" ({row.note})" if row.note else "")
            requests = "" if row.requests is None else str(row.requests)
            lines.append(f"| {row.case if row.case != previous else ''} | {implementation} | {human_time(row.milliseconds)} "
                         f"| {ratio:.2f} | {requests} | {human_bytes(row.bytes)} |")
            previous = row.case
    return "\n".join(lines)


def targets(parse, remotes):
    """Each target of the issue, met or missed, with the numbers that decide it."""
    verdicts = []
    safetensors_cases = [row.case for row in parse.rows if row.implementation == "safetensors (Rust) safe_open"]
    largest_safetensors = max(safetensors_cases, key=lambda case: int(case.rsplit(", ", 1)[1].split()[0].replace(",", "")))

    def verdict(met, text):
        verdicts.append(f"- {'met' if met else '**missed**'}: {text}")

    for case in dict.fromkeys(row.case for row in parse.rows):
        rows = {row.implementation: row for row in parse.rows if row.case == case}
        compat = rows["compat"].milliseconds
        copy = rows["memory copy of the same bytes (floor)"].milliseconds
        if "hf-mem parse_gguf_metadata" in rows:
            speedup = rows["hf-mem parse_gguf_metadata"].milliseconds / compat
            verdict(speedup >= 50, f"{case}: compat parses {speedup:.0f}× faster than hf-mem (target ≥ 50×)")
            verdict(compat <= 10 * copy, f"{case}: compat takes {compat / copy:.1f}× a memory copy (target ≤ 10×)")
        if "safetensors (Rust) safe_open" in rows and case == largest_safetensors:
            rust = rows["safetensors (Rust) safe_open"].milliseconds
            verdict(compat <= rust, f"{case}: compat {human_time(compat)} vs the Rust parser's {human_time(rust)} (target: at least as fast)")
    for remote in remotes:
        for case in dict.fromkeys(row.case for row in remote.rows):
            rows = [row for row in remote.rows if row.case == case]
            compat = remote.compat(case)
            peers = [row for row in rows if row is not compat]
            fewer_requests = all(compat.requests < peer.requests for peer in peers)
            fewer_bytes = all(compat.bytes < peer.bytes for peer in peers)
            detail = ", ".join(f"{peer.implementation}: {peer.requests} requests, {human_bytes(peer.bytes)}" for peer in peers)
            verdict(fewer_requests and fewer_bytes,
                    f"{remote.title.split(' (')[0]}, {case}: compat {compat.requests} requests, {human_bytes(compat.bytes)}; {detail}")
            if "50 ms" in remote.title:
                fastest = min(rows, key=lambda row: row.milliseconds)
                verdict(fastest is compat, f"50 ms, {case}: lowest wall time is {fastest.implementation} ({human_time(fastest.milliseconds)}; compat {human_time(compat.milliseconds)})")
    return "\n".join(verdicts)


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    memory_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    swift = subprocess.check_output(["swift", "--version"], stderr=subprocess.STDOUT, text=True).splitlines()[0]
    versions = ", ".join(f"{name} {importlib.metadata.version(name)}" for name in PEERS)
    return (f"- {os.cpu_count()} cores (`nproc`: {subprocess.check_output(['nproc'], text=True).strip()}), {cpu}, "
            f"{memory_kb / 1024 / 1024:.0f} GiB memory, {platform.system()} {platform.release()}\n"
            f"- {swift}; Python {platform.python_version()}; {versions}")


def report(sections, verdicts, elapsed):
    return f"""# Benchmarks

Generated by `Benchmarks/compare.sh` on {datetime.date.today().isoformat()} in {elapsed / 60:.1f} minutes. Do not edit by hand.

{machine()}

compat's side is `compat-bench` (built `-c release`), the peers run in one Python process. Times are
medians of repeated runs inside each process (no process start-up). Remote cases run against
`bench-hub`, a loopback Hub and CDN on this machine (the Hub answers `resolve` with a 302 to the CDN,
`X-Linked-Size`, `X-Repo-Commit`, ETags; the CDN honours `Range`) with latency added before every
answer; requests and bytes are what the Hub and CDN sent (status lines, headers and bodies), counted
by the server. Each remote run starts cold: new clients, no header cache, no Hugging Face cache.
Client and server share the machine's cores, so the 0 ms rows include the server's work. On a
shared virtual machine the medians move between runs of this script (up to 2× seen on parse rows);
compare the ratios, which are measured at the same moment.

{table(sections)}

## Targets

{verdicts}

Two floors bound the remote targets for every client: a file read through the Hub costs at least
2 requests (the Hub's redirect, then one ranged read from the CDN), and a header larger than every
client's first read is transferred whole by each of them, so the bytes can only tie at its size.
Requests and bytes are counted by the server, so a tie is exact.

## Rerun

    Benchmarks/compare.sh            # installs the peers into .build/bench-venv, builds, measures, rewrites this file
    cd Benchmarks && swift package benchmark   # the ordo-one suite (malloc counts gated, wall clock reported)

Synthetic inputs are generated deterministically by `Benchmarks/Sources/BenchmarkInputs`; the real
GGUF comes from the shared fixtures (`$COMPAT_FIXTURES` or `../shared/fixtures`) and is skipped when absent.
"""


def main():
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--bin", required=True, help="compat-bench and bench-hub's folder")
    arguments.add_argument("--output", required=True, help="where to write BENCHMARKS.md")
    arguments.add_argument("--seconds", type=float, default=2, help="time budget per parse measurement")
    options = arguments.parse_args()

    started = time.perf_counter()
    work = tempfile.mkdtemp(prefix="compat-bench-")
    hub = LoopbackHub(options.bin)
    try:
        # huggingface_hub reads these when first imported: point it at the loopback Hub, with a throwaway cache.
        os.environ.update(HF_ENDPOINT=hub.endpoint, HF_HOME=f"{work}/hf-home", HF_HUB_DISABLE_PROGRESS_BARS="1",
                          HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_DISABLE_IMPLICIT_TOKEN="1")
        os.environ.pop("HF_TOKEN", None)
        point_hf_mem_at(hub.endpoint)
        # hf-mem warns that a multi-file GGUF result has no total; that is expected here.
        warnings.filterwarnings("ignore", module="hf_mem")
        parse = parse_section(options.bin, f"{work}/inputs", options.seconds)
        remotes = [remote_section(options.bin, hub, latency, f"{work}/hf-home") for latency in (0, 50)]
    finally:
        hub.stop()
        shutil.rmtree(work, ignore_errors=True)
    sections = [parse, *remotes]
    verdicts = targets(parse, remotes)
    print(table(sections))
    print()
    print(verdicts)
    with open(options.output, "w") as output:
        output.write(report(sections, verdicts, time.perf_counter() - started))
    print(f"\nwrote {options.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
