"""What the optional cross-library tiers (tf-keras, Keras 3) share: the peers' interpreters
(``bench/.venvs``, made by ``bench/setup.sh``), running a script in one, and cornu's side of
the trip: models trained one Adam step, saved with their inputs and predictions, and the
peer's predictions compared with them."""
import os
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest

VENVS = Path(__file__).resolve().parents[2] / "bench" / ".venvs"

# The end of a peer's writer script, which defines ``models`` ({name: (model, input spec)}),
# ``rng``, ``out``, ``METRICS`` and ``save(model, name)``: each model gets random weights and
# one Adam step, is saved, and its inputs and predictions go to ``name.npz`` (the peer's side
# of ``save_trained``).
PEER_WRITER_LOOP = r'''
for name, (model, spec) in models.items():
    if spec == "tokens":
        x = [rng.integers(0, 20, (4, 6))]
    elif isinstance(spec, list):
        x = [rng.standard_normal((4,) + s).astype("float32") for s in spec]
    else:
        x = [rng.standard_normal((4,) + spec).astype("float32")]
    model.set_weights([rng.uniform(0.1, 0.5, w.shape).astype(w.dtype)
                       for w in model.get_weights()])
    model.compile("adam", "mse", metrics=METRICS)
    inputs = x if len(x) > 1 else x[0]
    model.fit(inputs, model.predict(inputs, verbose=0), epochs=1, verbose=0)
    save(model, name)
    np.savez(f"{out}/{name}.npz", *x, y=model.predict(inputs, verbose=0))
'''

# For a peer's reader script: the inputs cornu stored as ``name.npz`` (see ``inputs``).
PEER_SAVED_INPUTS = r'''
def saved_inputs(folder, name):
    data = np.load(f"{folder}/{name}.npz")
    x = [data[key] for key in data.files if key.startswith("arr_")]
    return x if len(x) > 1 else x[0]
'''


def peer_python(venv):
    """The interpreter of a bench peer's virtual environment."""
    return VENVS / venv / "bin" / "python"


def skip_without(python, library):
    """A ``pytestmark`` that skips a tier, saying why, when ``python`` is missing."""
    return pytest.mark.skipif(
        not python.exists(),
        reason=f"no {library} interpreter at {python} (bench/setup.sh creates it): the "
               f"cross-library tier needs {library}, which cornu's own environment does not have")


def run_peer(python, environment, script, *args):
    """Runs ``script`` (Python source) in ``python`` with extra ``environment`` variables."""
    done = subprocess.run([str(python), "-c", script, *map(str, args)],
                          env={**os.environ, "CUDA_VISIBLE_DEVICES": "", **environment},
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]


KERAS3_PYTHON = peer_python("keras3-torch")


def run_keras3(script, *args):
    """Runs ``script`` under Keras 3 on its torch backend."""
    run_peer(KERAS3_PYTHON, {"KERAS_BACKEND": "torch"}, script, *args)


def inputs(data):
    """The model inputs a ``.npz`` holds as ``arr_0``, ``arr_1`` ... (one array or a list)."""
    x = [data[key] for key in data.files if key.startswith("arr_")]
    return x if len(x) > 1 else x[0]


def sample_inputs(rng, spec):
    """Four samples for a model: ``'tokens'`` (word indices below 20, 6 steps), one input
    shape, or a list of shapes."""
    if spec == "tokens":
        return [rng.integers(0, 20, (4, 6))]
    return [rng.standard_normal((4,) + shape).astype("float32")
            for shape in (spec if isinstance(spec, list) else [spec])]


def save_trained(models, folder, save):
    """Gives each of cornu's ``{name: (model, input spec)}`` random weights, trains it one
    Adam step, calls ``save(model, folder, name)`` and stores its inputs as ``name.npz``.

    Returns:
        ``{name: predictions}`` after the step.
    """
    rng = np.random.default_rng(1)
    expected = {}
    for name, (model, spec) in models.items():
        x = sample_inputs(rng, spec)
        model.set_weights([rng.uniform(0.1, 0.5, w.shape).astype(w.dtype)
                           for w in model.get_weights()])
        model.compile("adam", "mse")
        x_in = x if len(x) > 1 else x[0]
        model.fit(x_in, np.zeros((4,) + model.output_shape[1:]), epochs=1, verbose=0)
        expected[name] = model.predict(x_in)
        save(model, folder, name)
        np.savez(folder / f"{name}.npz", *x)
    return expected


def assert_peer_predictions(expected, folder, suffix):
    """The peer's ``name<suffix>.npz`` holds ``from_model`` and ``from_weights`` predictions
    equal to cornu's; returns those files' contents by name."""
    results = {}
    for name, predictions in expected.items():
        result = np.load(folder / f"{name}{suffix}.npz")
        np.testing.assert_allclose(result["from_model"], predictions, rtol=1e-5, atol=1e-6,
                                   err_msg=name)
        np.testing.assert_allclose(result["from_weights"], predictions, rtol=1e-5, atol=1e-6,
                                   err_msg=name)
        results[name] = result
    return results


def assert_model_file_loads(path, data):
    """A peer's model file loads in cornu without a warning (the optimizer state too), compiled
    with Adam after one step, and predicts what the peer predicted (``data['y']``)."""
    from cornu.models import load_model

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = load_model(str(path))
    np.testing.assert_allclose(model.predict(inputs(data)), data["y"], rtol=1e-5, atol=1e-6)
    assert type(model.optimizer).__name__ == "Adam"
    assert int(model.optimizer.iterations) == 1
    return model


def assert_weight_file_loads(model_path, weights_path, data):
    """A peer's weights file, loaded into its model with zeroed weights, gives the peer's
    predictions."""
    from cornu.models import load_model

    model = load_model(str(model_path), compile=False)
    model.set_weights([np.zeros_like(w) for w in model.get_weights()])
    model.load_weights(str(weights_path))
    np.testing.assert_allclose(model.predict(inputs(data)), data["y"], rtol=1e-5, atol=1e-6)
