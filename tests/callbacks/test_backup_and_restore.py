"""BackupAndRestore: a run killed (SIGKILL) in the middle of an epoch resumes, in a new process,
from its last completed epoch and ends with the weights of an uninterrupted run (shuffled
batches, dropout and Adam included); the backup is written atomically and deleted at the end."""
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from cornu.callbacks import BackupAndRestore, Callback
from cornu.callbacks.backup_and_restore import BACKUP_NAME
from cornu.layers import Dense, Dropout
from cornu.models import Sequential
from cornu.optimizers import SGD, Adam
from cornu.utils.random import set_random_seed
from tests.callbacks.helpers import small_classifier, toy_data

ROOT = Path(__file__).resolve().parents[2]

# A training program: argv = backup_dir, result path, and the (epoch, batch) after which it
# announces itself and waits to be killed (or "-" to run to the end).
PROGRAM = textwrap.dedent("""
    import sys, time
    import numpy as np
    from cornu.callbacks import BackupAndRestore, Callback
    from cornu.layers import Dense, Dropout
    from cornu.models import Sequential
    from cornu.optimizers import Adam
    from cornu.utils.random import set_random_seed

    backup_dir, result, stop_at = sys.argv[1], sys.argv[2], sys.argv[3]

    class WaitToBeKilled(Callback):
        def on_batch_end(self, batch, logs=None):
            if stop_at != '-' and (self.epoch, batch) == tuple(map(int, stop_at.split(','))):
                print('waiting', flush=True)
                time.sleep(600)

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

    set_random_seed(5)
    rng = np.random.RandomState(0)
    x = rng.rand(120, 6).astype('float32')
    y = (x @ rng.rand(6, 1) > 1.5).astype('float32')
    model = Sequential([Dense(16, activation='relu', input_shape=(6,)), Dropout(0.3),
                        Dense(1, activation='sigmoid')])
    model.compile(Adam(lr=0.01, decay=0.01), 'binary_crossentropy', metrics=['acc'])
    history = model.fit(x, y, batch_size=16, epochs=6, validation_split=0.2, verbose=1,
                        callbacks=[BackupAndRestore(backup_dir), WaitToBeKilled()])
    np.savez(result, *model.get_weights(), epochs=np.array(history.epoch),
             iterations=np.array(int(model.optimizer.iterations)))
""")


def start(backup_dir, result, stop_at):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", PROGRAM, str(backup_dir), str(result),
                             stop_at], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=str(ROOT), env=env)


def wait_for_line(process, text):
    for line in process.stdout:
        if line.strip().endswith(text):
            return
    raise AssertionError(f"the program ended without printing {text!r}: "
                         f"{process.communicate()[1]}")


def finish(process):
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return out


def test_a_killed_run_resumes_from_its_last_completed_epoch(tmp_path):
    straight = start(tmp_path / "straight_backup", tmp_path / "straight.npz", "-")
    killed = start(tmp_path / "backup", tmp_path / "never.npz", "3,2")
    wait_for_line(killed, "waiting")
    killed.send_signal(signal.SIGKILL)
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    assert os.listdir(tmp_path / "backup") == [BACKUP_NAME]  # no temporary file left behind
    with np.load(tmp_path / "backup" / BACKUP_NAME, allow_pickle=False) as backup:
        assert int(backup["epoch"]) == 2  # epoch 3 (0-based) was interrupted

    out = finish(start(tmp_path / "backup", tmp_path / "resumed.npz", "-"))
    finish(straight)

    assert "Epoch 4/6" in out and "Epoch 6/6" in out and "Epoch 3/6" not in out
    assert not (tmp_path / "backup").exists()  # deleted at the end of a finished run
    with np.load(tmp_path / "resumed.npz") as resumed, \
            np.load(tmp_path / "straight.npz") as expected:
        assert resumed["epochs"].tolist() == [3, 4, 5]
        assert int(resumed["iterations"]) == int(expected["iterations"]) == 36
        for i in range(4):
            np.testing.assert_allclose(resumed[f"arr_{i}"], expected[f"arr_{i}"], rtol=1e-6,
                                       atol=1e-7)


# ----------------------------------------------------------------------------- in one process

class RaiseAt(Callback):
    """Raises KeyboardInterrupt at the end of an epoch, as a user's Ctrl-C would."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            raise KeyboardInterrupt


def dropout_model(optimizer):
    model = Sequential([Dense(8, activation="relu", input_shape=(3,)), Dropout(0.5),
                        Dense(1, activation="sigmoid")])
    model.compile(optimizer, "binary_crossentropy")
    return model


@pytest.mark.parametrize("optimizer", [lambda: SGD(lr=0.1, momentum=0.9, decay=0.1),
                                       lambda: Adam(lr=0.01)])
def test_an_interrupted_fit_resumes_in_the_same_process(tmp_path, optimizer, every_step):
    x, y = toy_data(64)
    set_random_seed(11)
    expected = dropout_model(optimizer())
    expected.fit(x, y, batch_size=8, epochs=5, verbose=0)

    set_random_seed(11)
    model = dropout_model(optimizer())
    backup = BackupAndRestore(tmp_path / "backup")
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, batch_size=8, epochs=5, verbose=0, callbacks=[backup, RaiseAt(2)])
    assert (tmp_path / "backup" / BACKUP_NAME).is_file()

    set_random_seed(99)  # the restored generators win over whatever state the process is in
    fresh = dropout_model(optimizer())
    history = fresh.fit(x, y, batch_size=8, epochs=5, verbose=0, callbacks=[backup])
    assert history.epoch == [3, 4]
    for got, want in zip(fresh.get_weights(), expected.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert not (tmp_path / "backup").exists()


def test_the_learning_rate_set_by_a_callback_is_restored(tmp_path):
    x, y = toy_data()
    model = small_classifier(SGD(lr=0.1))

    class LowerAndStop(Callback):
        def on_epoch_end(self, epoch, logs=None):
            model.optimizer.lr = 0.025
            if epoch == 1:
                raise KeyboardInterrupt

    backup = BackupAndRestore(str(tmp_path / "b"))
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=4, verbose=0, callbacks=[LowerAndStop(), backup])
    fresh = small_classifier(SGD(lr=0.1))
    seen = []

    class ReadLearningRate(Callback):
        def on_epoch_begin(self, epoch, logs=None):
            seen.append((epoch, float(self.model.optimizer.lr)))

    fresh.fit(x, y, epochs=3, verbose=0, callbacks=[backup, ReadLearningRate()])
    # LowerAndStop raised before the backup of epoch 1 was written: the run resumes at epoch 1.
    assert seen == [(1, pytest.approx(0.025)), (2, pytest.approx(0.025))]
    assert int(fresh.optimizer.iterations) == 3
    assert not os.path.exists(backup.backup_dir)


def test_a_backup_past_the_last_epoch_trains_nothing_and_is_deleted(tmp_path):
    x, y = toy_data()
    model = small_classifier()
    backup = BackupAndRestore(str(tmp_path / "b"), delete_checkpoint=False)
    model.fit(x, y, epochs=2, verbose=0, callbacks=[backup])
    assert os.path.isfile(backup.backup_path)  # delete_checkpoint=False keeps it
    weights = model.get_weights()
    again = small_classifier()
    history = again.fit(x, y, epochs=2, verbose=0, callbacks=[BackupAndRestore(str(tmp_path /
                                                                                    "b"))])
    assert history.epoch == []
    for got, want in zip(again.get_weights(), weights):
        np.testing.assert_array_equal(got, want)
    assert not os.path.exists(tmp_path / "b")


def test_a_backup_of_another_model_is_refused_clearly(tmp_path):
    x, y = toy_data()
    small_classifier().fit(x, y, epochs=1, verbose=0,
                           callbacks=[BackupAndRestore(str(tmp_path), delete_checkpoint=False)])
    other = Sequential([Dense(2, input_shape=(3,)), Dense(1)])
    other.compile("sgd", "mse")
    before = other.get_weights()
    with pytest.raises(ValueError, match="does not fit this model.*another backup_dir"):
        other.fit(x, y, epochs=2, verbose=0, callbacks=[BackupAndRestore(str(tmp_path))])
    for got, want in zip(other.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    np.savez(tmp_path / BACKUP_NAME, something=np.zeros(3))
    x, y = toy_data()
    with pytest.raises(ValueError, match="not a backup written by cornu"):
        small_classifier().fit(x, y, verbose=0, callbacks=[BackupAndRestore(str(tmp_path))])


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="backup_dir"):
        BackupAndRestore("")
    with pytest.raises(ValueError, match="save_freq=100 is not supported"):
        BackupAndRestore("/tmp/b", save_freq=100)
    with pytest.raises(RuntimeError, match="inside model.fit"):
        BackupAndRestore("/tmp/b").on_train_begin()


def test_keras_callbacks_module_has_it():
    from cornu import compat
    compat.install_keras_alias()
    try:
        import keras.callbacks
        assert keras.callbacks.BackupAndRestore is BackupAndRestore
    finally:
        compat.uninstall_keras_alias()
