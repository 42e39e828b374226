"""The benchmark's plumbing (bench/): data, timing helpers, the driver's table. No timed assertions."""
import importlib.util
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH / "workloads"))

import harness  # noqa: E402
import synthetic  # noqa: E402


def load_driver():
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run = load_driver()


def driver_args(tmp_path, peers, only, quick=False, one_at_a_time=False):
    return SimpleNamespace(peers=peers, only=only, repeat=1, quick=quick, threads=2,
                           one_at_a_time=one_at_a_time, out=tmp_path / "latest.md", load_before=0.0)


@pytest.mark.parametrize("workload,x_shape,y_shape", [
    ("mlp981", (2000, 9), (2000,)),
    ("boston", (404, 13), (404,)),
])
def test_synthetic_data_has_the_real_shapes_and_is_the_same_every_time(workload, x_shape, y_shape):
    x, y = synthetic.make(workload)
    x_again, y_again = synthetic.make(workload)
    assert x.shape == x_shape and y.shape == y_shape
    assert x.dtype == np.float32 and y.dtype == np.float32
    np.testing.assert_array_equal(x, x_again)
    np.testing.assert_array_equal(y, y_again)


def test_mlp981_labels_are_binary_and_both_classes_occur():
    _, y = synthetic.make("mlp981")
    assert set(np.unique(y)) == {0.0, 1.0}


def test_predict1_is_one_mnist_row():
    x, y = synthetic.make("predict1")
    assert x.shape == (1, 784) and y is None


def test_steady_epoch_leaves_out_the_first_epoch():
    assert harness.steady_epoch_seconds([9.0, 1.0, 2.0, 3.0]) == 2.0
    assert harness.steady_epoch_seconds([4.0]) == 4.0


def test_quick_mode_shortens_mlp981_only_when_asked():
    assert harness.epochs_for("mlp981", quick=False) == 1000
    assert harness.epochs_for("mlp981", quick=True) == 100


def test_time_calls_warms_up_then_respects_min_and_max():
    calls = []
    samples = harness.time_calls(lambda: calls.append(1), warmup_calls=3, min_calls=5, max_calls=7,
                                 budget_s=0.0)
    assert len(samples) == 5 and len(calls) == 8
    samples = harness.time_calls(lambda: None, warmup_calls=0, min_calls=1, max_calls=7, budget_s=60.0)
    assert len(samples) == 7


def test_emit_prints_one_parsable_line(capsys):
    harness.emit({"value": 1.5, "unit": "s"})
    line = capsys.readouterr().out.strip()
    assert line.startswith(run.RESULT_PREFIX)
    result = json.loads(line[len(run.RESULT_PREFIX):])
    assert result["value"] == 1.5 and result["rss_mb"] > 0


def test_a_failing_body_emits_its_error(capsys):
    def body():
        raise ImportError("No module named 'keras'")

    assert harness.run_guarded("keras3-jax", "boston", body) == 1
    out = capsys.readouterr().out.strip().splitlines()[-1]
    result = json.loads(out[len(run.RESULT_PREFIX):])
    assert result["error"] == "ImportError: No module named 'keras'"


def test_table_shows_ratio_to_cornu_errors_and_missing_peers(tmp_path):
    args = driver_args(tmp_path, ["cornu", "keras3-jax", "tf-keras", "torch"], ["mnist_mlp"])
    runs = {
        "cornu": {"mnist_mlp": [{"value": 0.5, "unit": "s/epoch", "rss_mb": 300.0}]},
        "keras3-jax": {"mnist_mlp": [{"value": 1.0, "unit": "s/epoch", "rss_mb": 900.0}]},
        "tf-keras": {"mnist_mlp": [{"error": "exit 1: boom"}]},
    }
    table = run.summarize(runs, ["torch"], args)
    text = run.render(table, args, markdown=False)
    assert "1.00 s (2.00x)" in text
    assert "not installed" in text
    assert "900 MB (3.00x)" in text
    assert run.errors_text(table) == "- tf-keras / mnist_mlp: exit 1: boom"
    markdown = run.render(table, args, markdown=True)
    assert markdown.splitlines()[0] == "| workload | cornu | keras3-jax | tf-keras | torch |"


def test_median_over_repeats():
    assert run.median_value([{"value": 3.0}, {"value": 1.0}, {"value": 2.0}, {"error": "x"}]) == 2.0
    assert run.median_value([{"error": "x"}]) is None


def test_a_peer_without_its_venv_is_not_run(tmp_path, monkeypatch):
    monkeypatch.setitem(run.PEERS, "tf-keras", dict(run.PEERS["tf-keras"], python=tmp_path / "none"))
    args = driver_args(tmp_path, ["tf-keras"], ["boston"])
    runs, missing = run.collect(args)
    assert runs == {} and missing == ["tf-keras"]
    run.write_markdown(run.summarize(runs, missing, args), runs, args, elapsed_s=1.0)
    assert "not installed" in (tmp_path / "latest.md").read_text()


def test_unknown_names_are_refused_with_the_known_ones():
    with pytest.raises(SystemExit, match="expected names from: cornu, torch"):
        run.parse_args(["--peers", "keras2"])


def test_derived_rows_reuse_their_base_data():
    for row in ("boston_ref", "mnist_busy", "mnist_branch"):
        base = harness.base_of(row)
        np.testing.assert_array_equal(synthetic.make(row)[0][:5], synthetic.make(base)[0][:5])
    assert harness.WORKLOADS["boston_ref"]["run_eagerly"] is True
    assert harness.WORKLOADS["mnist_busy"]["competing_processes"] == 1
    assert set(harness.WORKLOADS) == set(run.WORKLOADS)


def test_reference_rows_run_only_cornu_and_the_hand_loop(tmp_path):
    args = driver_args(tmp_path, ["cornu", "keras3-jax", "torch"], ["boston_ref"])
    assert run.run_pair("keras3-jax", "boston_ref", args) == [{"skipped": True}]
    runs = {"cornu": {"boston_ref": [{"value": 0.2, "unit": "ms/step"}]},
            "keras3-jax": {"boston_ref": [{"skipped": True}]},
            "torch": {"boston_ref": [{"value": 0.5, "unit": "ms/step"}]}}
    text = run.render(run.summarize(runs, [], args), args, markdown=False)
    row = next(line for line in text.splitlines() if line.startswith("boston_ref"))
    assert row.split()[1:] == ["0.200", "ms", "–", "0.500", "ms", "(2.50x)"]


def test_the_busy_slowdown_row_divides_each_peers_busy_epoch_by_its_quiet_one(tmp_path):
    args = driver_args(tmp_path, ["cornu", "torch"], ["mnist_mlp", "mnist_busy"])
    runs = {"cornu": {"mnist_mlp": [{"value": 0.5, "unit": "s/epoch"}],
                      "mnist_busy": [{"value": 0.9, "unit": "s/epoch"}]},
            "torch": {"mnist_mlp": [{"value": 0.6, "unit": "s/epoch"}],
                      "mnist_busy": [{"error": "exit 1: boom"}]}}
    table = run.summarize(runs, [], args)
    assert table["mnist_busy_slowdown"] == {"cornu": (1.8, "x"), "torch": "–"}
    text = run.render(table, args, markdown=True)
    assert "| mnist_busy_slowdown: busy / quiet MNIST epoch" in text and "| 1.80x |" in text


def test_competing_processes_are_started_and_stopped():
    processes = run.competing_processes(2)
    assert all(process.poll() is None for process in processes)
    run.stop(processes)
    assert all(process.poll() is not None for process in processes)


FAKE_PEER = """
import sys, time
sys.path.insert(0, {workloads!r})
from harness import emit, wait_for_turn
name = sys.argv[sys.argv.index("--framework") + 1]
with open({log!r}, "a") as log:
    for epoch in range(3):
        wait_for_turn()
        if name == {failing!r} and epoch == 1:
            raise SystemExit("boom")
        log.write(f"{{name}} {{epoch}} start\\n"); log.flush()
        time.sleep(0.05)
        log.write(f"{{name}} {{epoch}} end\\n"); log.flush()
emit({{"value": 0.5, "unit": "s/epoch"}})
"""


def fake_peers(tmp_path, monkeypatch, failing=None):
    """cornu and torch as a script that logs each epoch's start and end; returns the log path."""
    log = tmp_path / "epochs.log"
    script = tmp_path / "fake_peer.py"
    script.write_text(FAKE_PEER.format(workloads=str(BENCH / "workloads"), log=str(log),
                                       failing=failing))
    for peer in ("cornu", "torch"):
        monkeypatch.setitem(run.PEERS, peer, dict(python=Path(sys.executable), script=script, env={}))
    return log


def test_peers_take_turns_epoch_by_epoch_in_an_order_that_reverses(tmp_path, monkeypatch):
    log = fake_peers(tmp_path, monkeypatch)
    results = run.run_in_turns(["cornu", "torch"], "mnist_mlp", driver_args(tmp_path, [], []))
    assert results["cornu"]["value"] == 0.5 and results["torch"]["value"] == 0.5
    lines = log.read_text().split("\n")[:-1]
    starts, ends = lines[0::2], lines[1::2]
    # one epoch at a time: each start is followed by the end of the same epoch
    assert [line.replace("start", "end") for line in starts] == ends
    assert [line.rsplit(" ", 1)[0] for line in starts] == [
        "cornu 0", "torch 0", "torch 1", "cornu 1", "cornu 2", "torch 2"]


def test_a_peer_that_fails_in_its_turn_leaves_the_others_running(tmp_path, monkeypatch):
    log = fake_peers(tmp_path, monkeypatch, failing="torch")
    results = run.run_in_turns(["cornu", "torch"], "mnist_mlp", driver_args(tmp_path, [], []))
    assert results["cornu"]["value"] == 0.5
    assert results["torch"] == {"error": "exit 1: boom"}
    assert log.read_text().count("cornu") == 6 and log.read_text().count("torch") == 2


def test_per_epoch_rows_run_by_turns_unless_asked_and_whole_fits_never(tmp_path, monkeypatch):
    log = fake_peers(tmp_path, monkeypatch)
    args = driver_args(tmp_path, ["cornu", "torch"], ["mnist_mlp"])
    assert run.by_turns("mnist_mlp", args) and not run.by_turns("mlp981", args)
    assert not run.by_turns("mnist_busy", args) and not run.by_turns("predict1", args)
    assert not run.by_turns("mnist_mlp", driver_args(tmp_path, [], [], one_at_a_time=True))
    runs, missing = run.collect(args)
    assert missing == [] and [result["value"] for result in runs["torch"]["mnist_mlp"]] == [0.5]
    assert "cornu 0 start\ntorch 0 start" not in log.read_text()  # never both at once
