"""Run cornu and its peers side by side on the textbook workloads and print each peer relative to cornu.

    python bench/run.py                                   # every peer, every workload, once
    python bench/run.py --peers cornu,keras3-jax --only mnist_mlp,predict1 --repeat 3
    python bench/run.py --quick                           # mlp981 with 100 epochs, fewer epochs elsewhere

Every (workload, peer) pair runs in a fresh process with the peer's own interpreter: cornu in the
project venv (.venv), the others in bench/.venvs/<peer> (made by bench/setup.sh). A peer without its
venv is reported as 'not installed'. Runs are interleaved (for each repeat, for each workload, every
peer in turn) so that background load spreads over all peers; a cell shows the median over repeats.
The rows timed by epoch go further: every peer's process starts at once, then they take turns
epoch by epoch (one trains while the others wait), so that the machine's drift over minutes
falls on all of them alike (`--one-at-a-time` runs those rows one process after another too).
The table goes to stdout, a Markdown copy to bench/results/latest.md and the raw runs to
bench/results/latest.json. Needs only the standard library.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORKLOAD_DIR = BENCH / "workloads"
RESULT_PREFIX = "BENCH-RESULT "
TURN_LINE = "BENCH-TURN"  # what a workload prints before each epoch of a run by turns

# peer -> interpreter, workload script, environment for that script
PEERS = {
    "cornu": dict(python=ROOT / ".venv/bin/python", script="keras_api.py",
                  env={"PYTHONPATH": str(ROOT)}),  # the working tree's cornu, installed or not
    "torch": dict(python=BENCH / ".venvs/torch/bin/python", script="hand_torch.py", env={}),
    "keras3-torch": dict(python=BENCH / ".venvs/keras3-torch/bin/python", script="keras_api.py",
                         env={"KERAS_BACKEND": "torch"}),
    "keras3-jax": dict(python=BENCH / ".venvs/keras3-jax/bin/python", script="keras_api.py",
                       env={"KERAS_BACKEND": "jax"}),
    "tf-keras": dict(python=BENCH / ".venvs/tf-keras/bin/python", script="keras_api.py",
                     env={"TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}),
}

# workload -> what its row shows
WORKLOADS = {
    "mlp981": "MLP 9-8-1, whole fit (1000 epochs)",
    "mnist_mlp": "MNIST MLP 784-512-10, s/epoch",
    "imdb_dense": "IMDB dense 10000-16-16-1, s/epoch",
    "boston": "Boston 13-64-64-1, batch 1, ms/step",
    "predict1": "predict of 1 row (MNIST MLP), ms/call",
    "import": "import (textbook first line), s",
    "mlp981_ref": "mlp981 on cornu's reference step (run_eagerly=True)",
    "mnist_mlp_ref": "mnist_mlp on cornu's reference step (run_eagerly=True)",
    "imdb_dense_ref": "imdb_dense on cornu's reference step (run_eagerly=True)",
    "boston_ref": "boston on cornu's reference step (run_eagerly=True)",
    "mnist_branch": "functional MNIST model, two Dense(256) towers concatenated, s/epoch",
    "mnist_busy": "mnist_mlp with one competing CPU-bound process, s/epoch",
    "mnist_convnet": "MNIST convnet (Chollet 5.1, rmsprop, batch 64), s per 1000 samples",
    "cifar_convnet": "CIFAR-10 convnet, Conv 32-32-64-64 with BN and Dropout, batch 32, s per 1000",
    "images_arrays": "64x64 RGB convnet, 800 images from arrays, batch 20, s/epoch",
    "images_jpeg": "the same epoch from a folder of JPEGs (flow_from_directory), s/epoch",
    "imdb_lstm": "IMDB LSTM (Chollet 6.2: Embedding 10000x32, LSTM 32, 500 words, batch 128), s per 1000",
    "imdb_lstm_hard": "imdb_lstm with Keras 2.2's recurrent_activation='hard_sigmoid', s per 1000",
    "jena_gru": "Jena GRU(32, dropout=0.2, recurrent_dropout=0.2), 240x14, batch 128, s per 1000",
}
# Rows only some peers run: the reference-step rows compare cornu's autograd step with the hand
# loop (the other peers have no such step); others show "–".
ROW_PEERS = {name: ("cornu", "torch") for name in WORKLOADS if name.endswith("_ref")}
# Keras 3 has no ImageDataGenerator and the hand loop no JPEG reader: the image-folder rows
# compare the Keras 2 APIs that have them.
ROW_PEERS.update({name: ("cornu", "tf-keras") for name in ("images_arrays", "images_jpeg")})
# Rows run while this many other CPU-bound processes compete for the cores.
COMPETING = {"mnist_busy": 1}
# Derived rows: (label, numerator row, denominator row), shown as a factor per peer.
SLOWDOWNS = {"mnist_busy_slowdown": ("busy / quiet MNIST epoch (mnist_busy / mnist_mlp)",
                                     "mnist_busy", "mnist_mlp"),
             "images_jpeg_cost": ("JPEG folder epoch / array epoch (images_jpeg / images_arrays)",
                                  "images_jpeg", "images_arrays")}
IMPORT_PROCESSES = 3  # fresh processes per repeat for the import row (after one untimed warm-up)
# Rows timed as one whole fit or as calls, not by epoch: they run one process at a time. So do
# the rows with competing processes, which would run through the other peers' turns.
NOT_BY_TURNS = {"mlp981", "mlp981_ref", "predict1", "import", *COMPETING}
RUN_TIMEOUT_S = 900


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--peers", default=",".join(PEERS),
                        help=f"comma-separated, from: {', '.join(PEERS)} (default: all)")
    parser.add_argument("--only", default=",".join(WORKLOADS),
                        help=f"comma-separated workloads, from: {', '.join(WORKLOADS)} (default: all)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each pair; cells show the median")
    parser.add_argument("--quick", action="store_true",
                        help="mlp981 with 100 epochs and fewer epochs for the per-epoch rows")
    parser.add_argument("--threads", type=int, default=os.cpu_count(),
                        help="intra-op threads given to every framework (default: all cores)")
    parser.add_argument("--one-at-a-time", action="store_true",
                        help="run the per-epoch rows one process after another instead of by turns")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "latest.md",
                        help="where the Markdown table goes (raw runs go beside it as .json)")
    args = parser.parse_args(argv)
    args.peers = pick(args.peers, PEERS, "--peers")
    args.only = pick(args.only, WORKLOADS, "--only")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def pick(text, known, flag):
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        sys.exit(f"{flag}: unknown or empty {unknown or text!r}; expected names from: {', '.join(known)}")
    return names


def peer_command(peer, workload, args):
    """The command line and environment of one peer's process on one workload."""
    spec = PEERS[peer]
    threads = str(args.threads)
    env = dict(os.environ, **spec["env"], PYTHONHASHSEED="0", OMP_NUM_THREADS=threads,
               MKL_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads)
    command = [str(spec["python"]), str(WORKLOAD_DIR / spec["script"]), "--framework", peer,
               "--workload", workload, "--threads", threads] + (["--quick"] if args.quick else [])
    return command, env


def parse_result(stdout_lines, returncode, stderr_text):
    """The result dict a workload printed, or an error dict with the last line of its stderr."""
    lines = [line for line in stdout_lines if line.startswith(RESULT_PREFIX)]
    if not lines:
        tail = (stderr_text.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {returncode}: {tail[:300]}"}
    return json.loads(lines[-1][len(RESULT_PREFIX):])


def run_once(peer, workload, args):
    """One fresh process of one peer on one workload; returns the parsed result dict."""
    command, env = peer_command(peer, workload, args)
    try:
        done = subprocess.run(command, cwd=WORKLOAD_DIR, env=env, capture_output=True, text=True,
                              timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {RUN_TIMEOUT_S} s"}
    return parse_result(done.stdout.splitlines(), done.returncode, done.stderr)


class TurnTaker:
    """One peer's process in a run by turns: it prints `TURN_LINE` before each epoch and
    waits for a line on its stdin before training it."""

    def __init__(self, peer, workload, args):
        command, env = peer_command(peer, workload, args)
        self.errors = tempfile.TemporaryFile(mode="w+")  # a file: a full pipe would block it
        self.process = subprocess.Popen(command, cwd=WORKLOAD_DIR, env=dict(env, BENCH_TURNS="1"),
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.errors, text=True)
        self.lines = []
        self.result = None

    def next_turn(self):
        """Reads until the process waits for its next epoch (True) or has ended (False)."""
        for line in self.process.stdout:
            line = line.rstrip("\n")
            if line == TURN_LINE:
                return True
            self.lines.append(line)
        self.process.wait()
        self.errors.seek(0)
        self.result = parse_result(self.lines, self.process.returncode, self.errors.read())
        self.errors.close()
        return False

    def go(self):
        """Lets the waiting process train one epoch; returns whether it waits for another."""
        try:
            self.process.stdin.write("go\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # it has ended: next_turn reads its result or error
        return self.next_turn()

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()


def run_in_turns(peers, workload, args):
    """One repeat of a per-epoch row on `peers`: their processes start together, then train one
    at a time, epoch by epoch, in an order that reverses every round. Returns {peer: result}."""
    takers = {peer: TurnTaker(peer, workload, args) for peer in peers}
    timed_out = threading.Event()

    def stop_all():
        timed_out.set()
        for taker in takers.values():
            taker.kill()

    watchdog = threading.Timer(RUN_TIMEOUT_S * len(peers), stop_all)
    watchdog.start()
    try:
        waiting = [peer for peer in peers if takers[peer].next_turn()]
        while waiting:
            waiting = [peer for peer in waiting if takers[peer].go()][::-1]
    finally:
        watchdog.cancel()
        for taker in takers.values():
            taker.kill()
            taker.process.stdin.close()
    if timed_out.is_set():
        return {peer: {"error": f"timed out after {RUN_TIMEOUT_S * len(peers)} s (by turns)"}
                for peer in peers}
    return {peer: takers[peer].result for peer in peers}


def competing_processes(count):
    """Starts `count` processes that keep a core busy (an endless loop); returns them."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def stop(processes):
    for process in processes:
        process.kill()
        process.wait()


def run_pair(peer, workload, args):
    """The measurements of one repeat: one process, or several fresh ones for `import`."""
    if peer not in ROW_PEERS.get(workload, PEERS):
        return [{"skipped": True}]
    if workload in COMPETING:
        others = competing_processes(COMPETING[workload])
        try:
            return [run_once(peer, workload, args)]
        finally:
            stop(others)
    if workload != "import":
        return [run_once(peer, workload, args)]
    warmup = run_once(peer, workload, args)  # fills the page cache; not recorded
    if "error" in warmup:
        return [warmup]
    return [run_once(peer, workload, args) for _ in range(IMPORT_PROCESSES)]


def collect(args):
    """Run every pair; returns {peer: {workload: [result, ...]}} and the peers not installed."""
    missing = [peer for peer in args.peers if not PEERS[peer]["python"].exists()]
    present = [peer for peer in args.peers if peer not in missing]
    for peer in missing:
        log(f"{peer}: not installed ({PEERS[peer]['python']} missing; see bench/README.md)")
    runs = {peer: {workload: [] for workload in args.only} for peer in present}
    total, count = len(present) * len(args.only) * args.repeat, 0
    for repeat in range(args.repeat):
        for workload in args.only:
            if by_turns(workload, args):
                runners = [peer for peer in present if peer in ROW_PEERS.get(workload, PEERS)]
                started = time.perf_counter()
                results = run_in_turns(runners if repeat % 2 == 0 else runners[::-1], workload, args)
            for peer in present:
                count += 1
                if by_turns(workload, args):
                    found = [results[peer]] if peer in results else [{"skipped": True}]
                else:
                    started = time.perf_counter()
                    found = run_pair(peer, workload, args)
                runs[peer][workload].extend(found)
                if found[-1].get("skipped"):
                    continue
                shown = found[-1].get("error") or format_value(median_value(found), found[-1])
                log(f"[{count}/{total}] {workload:<10} {peer:<12} {shown}"
                    f"  ({time.perf_counter() - started:.0f} s)")
    return runs, missing


def by_turns(workload, args):
    """Whether the peers take turns epoch by epoch on this row (see `run_in_turns`)."""
    return not args.one_at_a_time and workload not in NOT_BY_TURNS


def median_value(results):
    values = [result["value"] for result in results if "value" in result]
    return statistics.median(values) if values else None


def format_value(value, result):
    if value is None:
        return "error"
    unit = result.get("unit", "")
    if unit == "x":
        return f"{value:.2f}x"
    unit = {"s/epoch": "s", "ms/step": "ms", "ms/call": "ms"}.get(unit, unit)
    text = f"{value:.0f}" if value >= 100 else f"{value:#.3g}"  # 3 significant digits, no exponent
    return f"{text} {unit}".strip()


def summarize(runs, missing, args):
    """Rows of cells: {workload: {peer: (value, unit) or 'error' text or 'not installed'}}."""
    table = {}
    slowdowns = [name for name, (_, top, bottom) in SLOWDOWNS.items()
                 if top in args.only and bottom in args.only]
    for workload in args.only + slowdowns + ["memory"]:
        row = {}
        for peer in args.peers:
            if peer in missing:
                row[peer] = "not installed"
                continue
            if workload in SLOWDOWNS:
                _, top, bottom = SLOWDOWNS[workload]
                busy, quiet = table[top][peer], table[bottom][peer]
                row[peer] = (busy[0] / quiet[0], "x") if isinstance(busy, tuple) \
                    and isinstance(quiet, tuple) and quiet[0] > 0 else "–"
                continue
            if workload == "memory":
                rss = [result["rss_mb"] for name, results in runs[peer].items() if name != "import"
                       for result in results if "rss_mb" in result and "error" not in result]
                row[peer] = (max(rss), "MB") if rss else "–"
                continue
            results = runs[peer][workload]
            if results and all(result.get("skipped") for result in results):
                row[peer] = "–"
                continue
            value = median_value(results)
            if value is None:
                errors = [result["error"] for result in results if "error" in result]
                row[peer] = "error: " + (errors[0] if errors else "no result")
            else:
                row[peer] = (value, results[0]["unit"])
        table[workload] = row
    return table


def cell_text(cell, baseline):
    if isinstance(cell, str):
        return "error" if cell.startswith("error") else cell
    value, unit = cell
    text = format_value(value, {"unit": unit})
    if unit != "x" and isinstance(baseline, tuple) and baseline[0] > 0:
        text += f" ({value / baseline[0]:.2f}x)"
    return text


def render(table, args, markdown):
    """The comparison table as aligned text or Markdown; ratios are peer / cornu."""
    baseline_peer = "cornu" if "cornu" in args.peers else None
    header = ["workload"] + args.peers
    rows = []
    for workload, row in table.items():
        baseline = row.get(baseline_peer)
        label = WORKLOADS.get(workload) or SLOWDOWNS.get(workload, ("peak RSS of a workload "
                                                                    "process, MB",))[0]
        if workload == "mlp981" and args.quick:
            label = label.replace("1000 epochs", "quick: 100 epochs")
        cells = [cell_text(row[peer], None if peer == baseline_peer else baseline) for peer in args.peers]
        rows.append([f"{workload}: {label}" if markdown else workload] + cells)
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]
    return "\n".join("  ".join(text.ljust(width) for text, width in zip(row, widths)).rstrip()
                     for row in [header] + rows)


def errors_text(table):
    notes = []
    for workload, row in table.items():
        for peer, cell in row.items():
            if isinstance(cell, str) and cell.startswith("error"):
                notes.append(f"- {peer} / {workload}: {cell[len('error: '):]}")
    return "\n".join(notes)


def versions_text(runs):
    lines = []
    for peer, by_workload in runs.items():
        found = next((result["versions"] for results in by_workload.values() for result in results
                      if "versions" in result), None)
        if found:
            lines.append(f"- {peer}: " + ", ".join(f"{name} {version}" for name, version in found.items()))
    return "\n".join(lines)


def machine_text(args):
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} cores ({cpu}), {args.threads} threads per framework; "
            f"load average before the run {args.load_before:.2f} (well above 0: other work shared the "
            "cores and the numbers are noisy)")


def write_markdown(table, runs, args, elapsed_s):
    args.out.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    mode = "quick" if args.quick else "full"
    parts = [
        f"### cornu vs peers ({stamp})",
        "",
        f"Machine: {machine_text(args)}. Mode: {mode}; median of {args.repeat} repeat(s); "
        f"run took {elapsed_s / 60:.1f} min. Each cell: the peer's number, then (peer / cornu): "
        "above 1x means cornu is faster.",
        "",
        render(table, args, markdown=True),
        "",
        "Versions:",
        versions_text(runs),
    ]
    errors = errors_text(table)
    if errors:
        parts += ["", "Errors:", errors]
    args.out.write_text("\n".join(parts) + "\n")
    raw = {"date": stamp, "mode": mode, "repeat": args.repeat, "threads": args.threads, "runs": runs}
    args.out.with_suffix(".json").write_text(json.dumps(raw, indent=1) + "\n")


def log(message):
    print(message, file=sys.stderr, flush=True)


def main(argv):
    args = parse_args(argv)
    started = time.perf_counter()
    args.load_before = os.getloadavg()[0]
    if args.load_before > 0.5:
        log(f"note: load average {args.load_before:.1f} before the run: other work shares the cores, "
            "numbers will be noisy (--threads 1 suffers least from it)")
    runs, missing = collect(args)
    table = summarize(runs, missing, args)
    elapsed = time.perf_counter() - started
    print()
    print(render(table, args, markdown=False))
    errors = errors_text(table)
    if errors:
        print("\nerrors:\n" + errors)
    print(f"\n(peer / cornu in brackets; above 1x means cornu is faster; {elapsed / 60:.1f} min)")
    write_markdown(table, runs, args, elapsed)
    print(f"Markdown: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
