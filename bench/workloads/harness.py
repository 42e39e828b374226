"""What every workload script shares: the workload table, thread policy, timing and output.

Standard library only, so that importing it costs nothing before the `import` workload is timed.

Each workload script prints exactly one result line, prefixed with `RESULT_PREFIX`, holding a JSON
object; everything else a framework prints (warnings, logs) is ignored by the driver.

Example:
    >>> from harness import WORKLOADS
    >>> WORKLOADS["boston"]["batch_size"]
    1
"""
import json
import os
import resource
import statistics
import sys
import time
import traceback

RESULT_PREFIX = "BENCH-RESULT "
# Printed before each epoch of a run by turns (see `wait_for_turn`).
TURN_LINE = "BENCH-TURN"
# Set to "1" by the driver when the peers take turns epoch by epoch.
TURNS_VARIABLE = "BENCH_TURNS"

SEED = 1234

# The textbook workloads. `epochs` is what the script trains; per-epoch workloads report the
# median of the epochs after the first (the first one pays for tracing, compilation, warm-up).
WORKLOADS = {
    "mlp981": dict(rows=2000, batch_size=256, epochs=1000, quick_epochs=100, validation_split=0.25),
    "mnist_mlp": dict(rows=60000, batch_size=128, epochs=3, quick_epochs=2),
    "imdb_dense": dict(rows=15000, batch_size=512, epochs=4, quick_epochs=2),
    "boston": dict(rows=404, batch_size=1, epochs=3, quick_epochs=2),
    "predict1": dict(warmup_calls=20, min_calls=50, max_calls=2000, budget_s=2.0),
    "import": dict(),
    # convnets: seconds per 1000 training samples (the value divides the epoch by rows / 1000)
    "mnist_convnet": dict(rows=10000, batch_size=64, epochs=2, quick_epochs=2, per_samples=1000),
    "cifar_convnet": dict(rows=5000, batch_size=32, epochs=2, quick_epochs=2, per_samples=1000),
    # 64x64 RGB images, 20 per batch: an epoch from arrays, and the same from a folder of JPEGs
    "images_arrays": dict(rows=800, batch_size=20, epochs=3, quick_epochs=2, side=64),
    # recurrent: seconds per 1000 training samples. Chollet 6.2's IMDB LSTM on reviews cut to
    # 500 words, and 6.3's Jena GRU with dropout (240 steps of 14 weather features)
    "imdb_lstm": dict(rows=1536, batch_size=128, epochs=3, quick_epochs=2, per_samples=1000,
                      steps=500),
    "jena_gru": dict(rows=2048, batch_size=128, epochs=3, quick_epochs=2, per_samples=1000,
                     steps=240, features=14),
}
# Rows derived from those: the same model and data, another way of running them. `base` names
# the workload whose data (and, for the hand loop, code) they reuse.
WORKLOADS.update({
    # cornu's reference (autograd) step, compile(run_eagerly=True), against the hand loop
    **{f"{name}_ref": dict(WORKLOADS[name], base=name, run_eagerly=True)
       for name in ("mlp981", "mnist_mlp", "imdb_dense", "boston")},
    # a functional model with a branch: two Dense(256) towers concatenated, on the MNIST data
    "mnist_branch": dict(WORKLOADS["mnist_mlp"], base="mnist_mlp"),
    # the MNIST MLP epoch while another CPU-bound process runs (the driver starts it)
    "mnist_busy": dict(WORKLOADS["mnist_mlp"], base="mnist_mlp", competing_processes=1),
    # the images_arrays epoch, read by flow_from_directory from JPEG files (fit_generator)
    "images_jpeg": dict(WORKLOADS["images_arrays"], base="images_arrays"),
    # the IMDB LSTM with Keras 2.2's gates, recurrent_activation='hard_sigmoid'
    "imdb_lstm_hard": dict(WORKLOADS["imdb_lstm"], base="imdb_lstm",
                           recurrent_activation="hard_sigmoid"),
})


def base_of(workload):
    """The workload whose data a workload uses (itself for the original rows).

    Example:
        >>> base_of("boston_ref"), base_of("boston")
        ('boston', 'boston')
    """
    return WORKLOADS[workload].get("base", workload)


def parse_args(argv, frameworks):
    """Read `--framework NAME --workload ID [--quick] [--threads N]` from argv.

    Args:
        argv: the command line after the program name.
        frameworks: the framework names this script accepts.

    Returns:
        dict with framework, workload, quick (bool) and threads (int).

    Example:
        >>> parse_args(["--framework", "x", "--workload", "boston"], ["x"])["workload"]
        'boston'
    """
    import argparse

    parser = argparse.ArgumentParser(description="Run one textbook workload and print its timings.")
    parser.add_argument("--framework", required=True, choices=frameworks)
    parser.add_argument("--workload", required=True, choices=sorted(WORKLOADS))
    parser.add_argument("--quick", action="store_true", help="fewer epochs (see WORKLOADS)")
    parser.add_argument("--threads", type=int, default=os.cpu_count(),
                        help="intra-op threads for the framework (default: all cores)")
    return vars(parser.parse_args(argv))


def epochs_for(workload, quick):
    """The number of epochs a training workload runs in this mode.

    Example:
        >>> epochs_for("mlp981", quick=True)
        100
    """
    spec = WORKLOADS[workload]
    return spec["quick_epochs"] if quick else spec["epochs"]


def steady_epoch_seconds(epoch_seconds):
    """Median epoch time, leaving out the first epoch when there is more than one.

    Example:
        >>> steady_epoch_seconds([5.0, 1.0, 3.0])
        2.0
    """
    steady = epoch_seconds[1:] if len(epoch_seconds) > 1 else epoch_seconds
    return statistics.median(steady)


def time_calls(call, warmup_calls, min_calls, max_calls, budget_s):
    """Time `call()` repeatedly after a warm-up; return the per-call seconds.

    Calls until `budget_s` has passed (at least `min_calls`, at most `max_calls`).

    Example:
        >>> len(time_calls(lambda: None, 1, 3, 3, 0.0))
        3
    """
    for _ in range(warmup_calls):
        call()
    samples = []
    started = time.perf_counter()
    while len(samples) < max_calls and (
        len(samples) < min_calls or time.perf_counter() - started < budget_s
    ):
        t0 = time.perf_counter()
        call()
        samples.append(time.perf_counter() - t0)
    return samples


def wait_for_turn():
    """Before an epoch of a run by turns: say so to the driver, then wait until it says go.

    The driver runs every peer's process at once and lets one train at a time, epoch by epoch,
    alternating, so that the VM's drift over minutes falls on all peers alike. Outside such a
    run (``BENCH_TURNS`` unset) it returns at once.

    Example:
        >>> wait_for_turn()  # no driver: returns at once
    """
    if os.environ.get(TURNS_VARIABLE) != "1":
        return
    sys.stdout.write(TURN_LINE + "\n")
    sys.stdout.flush()
    if not sys.stdin.readline():
        sys.exit("the bench driver closed the turn pipe")


def peak_rss_mb():
    """Peak resident set size of this process so far, in MB (Linux reports ru_maxrss in KiB).

    Example:
        >>> peak_rss_mb() > 0
        True
    """
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def emit(result):
    """Print the one result line the driver reads, then flush.

    Example:
        >>> emit({"value": 1.0})  # doctest: +ELLIPSIS
        BENCH-RESULT {"value": 1.0...}
    """
    result = dict(result)
    result.setdefault("rss_mb", round(peak_rss_mb(), 1))
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()


def run_guarded(framework, workload, body):
    """Run `body()` (which returns a result dict) and emit it, or emit the error it raised.

    Returns the process exit status: 0 on success, 1 on error.
    """
    try:
        result = body()
    except Exception as exc:  # the driver shows the message in the table's notes
        traceback.print_exc()
        emit({"framework": framework, "workload": workload,
              "error": f"{type(exc).__name__}: {exc}".splitlines()[0][:300]})
        return 1
    emit(dict(result, framework=framework, workload=workload))
    return 0
