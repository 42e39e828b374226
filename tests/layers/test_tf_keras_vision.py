"""Optional tier: the vision layers' outputs, output shapes and weight shapes against
tf-keras 2.21's, on the same inputs and weights (skipped, saying why, without the tf-keras venv
that ``bench/setup.sh`` makes)."""
import numpy as np
import pytest

import cornu
from cornu import layers
from tests.saving.peer_tier import peer_python, run_peer, skip_without

TF_PYTHON = peer_python("tf-keras")
pytestmark = skip_without(TF_PYTHON, "tf-keras")

# ``layer_cases(L)`` with ``L`` the layers module of either library: (name, layer factory,
# input shape) covering 'same' padding with even kernels and strides, dilation, causal,
# separable, depthwise and transposed convolutions, pooling, resizing and both data formats.
CASES = """
def layer_cases(L):
    return [
        ("conv2d_same_s2", lambda: L.Conv2D(4, 3, strides=2, padding="same"), (2, 7, 8, 3)),
        ("conv2d_same_even_k4_s2", lambda: L.Conv2D(4, 4, strides=2, padding="same"), (2, 9, 8, 3)),
        ("conv2d_dil2_same", lambda: L.Conv2D(4, 3, dilation_rate=2, padding="same"), (2, 9, 8, 3)),
        ("conv2d_valid_s3", lambda: L.Conv2D(2, (2, 3), strides=(3, 2), padding="valid"), (2, 10, 9, 3)),
        ("conv1d_causal_dil2", lambda: L.Conv1D(3, 3, dilation_rate=2, padding="causal"), (2, 11, 4)),
        ("conv1d_same_s2", lambda: L.Conv1D(3, 4, strides=2, padding="same"), (2, 11, 4)),
        ("conv3d_same_s2", lambda: L.Conv3D(3, 3, strides=2, padding="same"), (1, 5, 6, 7, 2)),
        ("sep2d_same_s2_dm2", lambda: L.SeparableConv2D(5, 3, depth_multiplier=2, padding="same", strides=2), (2, 7, 8, 3)),
        ("sep1d_same", lambda: L.SeparableConv1D(4, 3, depth_multiplier=2, padding="same"), (2, 9, 3)),
        ("dw2d_same_s2_dm2", lambda: L.DepthwiseConv2D(3, depth_multiplier=2, strides=2, padding="same"), (2, 7, 8, 3)),
        ("dw2d_valid_dil", lambda: L.DepthwiseConv2D(3, dilation_rate=2), (2, 9, 9, 3)),
        ("convT2d_same_s2", lambda: L.Conv2DTranspose(4, 3, strides=2, padding="same"), (2, 5, 6, 3)),
        ("convT2d_valid_s2", lambda: L.Conv2DTranspose(4, 3, strides=2, padding="valid"), (2, 5, 6, 3)),
        ("convT2d_same_k4_s2", lambda: L.Conv2DTranspose(4, 4, strides=2, padding="same"), (2, 5, 6, 3)),
        ("convT2d_outpad", lambda: L.Conv2DTranspose(4, 3, strides=2, padding="same", output_padding=1), (2, 5, 6, 3)),
        ("convT2d_valid_outpad", lambda: L.Conv2DTranspose(2, 3, strides=3, padding="valid", output_padding=(1, 2)), (2, 4, 5, 3)),
        ("convT2d_dil", lambda: L.Conv2DTranspose(2, 3, dilation_rate=2, padding="same"), (2, 5, 6, 3)),
        ("convT3d_same_s2", lambda: L.Conv3DTranspose(3, 3, strides=2, padding="same"), (1, 3, 4, 5, 2)),
        ("maxpool2d_same_3_2", lambda: L.MaxPooling2D(3, strides=2, padding="same"), (2, 7, 8, 3)),
        ("avgpool2d_same_3_2", lambda: L.AveragePooling2D(3, strides=2, padding="same"), (2, 7, 8, 3)),
        ("avgpool2d_same_2", lambda: L.AveragePooling2D(2, padding="same"), (2, 7, 9, 3)),
        ("avgpool1d_same", lambda: L.AveragePooling1D(3, strides=2, padding="same"), (2, 10, 3)),
        ("maxpool1d", lambda: L.MaxPooling1D(), (2, 9, 3)),
        ("avgpool3d_same", lambda: L.AveragePooling3D(2, padding="same"), (1, 5, 4, 3, 2)),
        ("maxpool3d", lambda: L.MaxPooling3D(2), (1, 5, 4, 6, 2)),
        ("gmp1d", lambda: L.GlobalMaxPooling1D(), (2, 9, 3)),
        ("gap2d", lambda: L.GlobalAveragePooling2D(), (2, 5, 6, 3)),
        ("gmp3d", lambda: L.GlobalMaxPooling3D(), (2, 3, 4, 5, 3)),
        ("up2d_bilinear", lambda: L.UpSampling2D((2, 3), interpolation="bilinear"), (2, 4, 5, 3)),
        ("up2d_nearest", lambda: L.UpSampling2D((2, 3)), (2, 4, 5, 3)),
        ("up1d", lambda: L.UpSampling1D(3), (2, 4, 3)),
        ("up3d", lambda: L.UpSampling3D((1, 2, 2)), (1, 2, 3, 4, 2)),
        ("zp2d", lambda: L.ZeroPadding2D(((1, 2), (3, 0))), (2, 4, 5, 3)),
        ("zp1d", lambda: L.ZeroPadding1D((2, 1)), (2, 4, 3)),
        ("zp3d", lambda: L.ZeroPadding3D(1), (1, 2, 3, 4, 2)),
        ("crop2d", lambda: L.Cropping2D(((1, 0), (2, 1))), (2, 5, 6, 3)),
        ("crop1d", lambda: L.Cropping1D((1, 2)), (2, 6, 3)),
        ("crop3d", lambda: L.Cropping3D(((1, 0), (0, 1), (1, 1))), (1, 3, 4, 5, 2)),
        ("bn_infer", lambda: L.BatchNormalization(), (4, 3, 5)),
        ("bn_axis1", lambda: L.BatchNormalization(axis=1, center=False), (4, 3, 5)),
        ("conv2d_cf", lambda: L.Conv2D(4, 3, strides=2, padding="same", data_format="channels_first"), (2, 3, 7, 8)),
        ("maxpool2d_cf_same", lambda: L.MaxPooling2D(3, 2, padding="same", data_format="channels_first"), (2, 3, 7, 8)),
        ("avgpool2d_cf_same", lambda: L.AveragePooling2D(3, 2, padding="same", data_format="channels_first"), (2, 3, 7, 8)),
        ("sep2d_cf", lambda: L.SeparableConv2D(4, 3, padding="same", data_format="channels_first"), (2, 3, 7, 8)),
        ("convT2d_cf", lambda: L.Conv2DTranspose(4, 3, strides=2, padding="same", data_format="channels_first"), (2, 3, 5, 6)),
        ("up2d_bilinear_cf", lambda: L.UpSampling2D(2, interpolation="bilinear", data_format="channels_first"), (2, 3, 4, 5)),
        ("gap2d_cf", lambda: L.GlobalAveragePooling2D(data_format="channels_first"), (2, 3, 4, 5)),
        ("flatten_cf", lambda: L.Flatten(data_format="channels_first"), (2, 3, 4, 5)),
        ("conv3d_cf", lambda: L.Conv3D(2, 2, data_format="channels_first"), (1, 3, 4, 5, 4)),
    ]
"""

# Runs each case: random inputs and weights from fixed seeds, the model's prediction.
RUN_CASES = """
import numpy as np

def run_cases(keras):
    out = {}
    for index, (name, make, shape) in enumerate(layer_cases(keras.layers)):
        x = np.random.RandomState(100 + index).uniform(-1, 1, shape).astype("float32")
        layer = make()
        inputs = keras.layers.Input(shape=shape[1:])
        model = keras.models.Model(inputs, layer(inputs))
        rng = np.random.RandomState(7 + index)
        weights = [rng.uniform(0.5, 1.5, w.shape).astype("float32") for w in layer.get_weights()]
        layer.set_weights(weights)
        out[name + "/y"] = model.predict(x, verbose=0)
        out[name + "/shape"] = np.array([-1 if d is None else d for d in layer.output_shape])
        out[name + "/weight_shapes"] = np.array([str(w.shape) for w in weights])
    return out
"""

TF_SCRIPT = CASES + RUN_CASES + """
import sys
import tf_keras
np.savez(sys.argv[1], **run_cases(tf_keras))
"""

namespace = {}
exec(CASES + RUN_CASES, namespace)
NAMES = [name for name, _, _ in namespace["layer_cases"](layers)]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    path = tmp_path_factory.mktemp("tf_keras_vision") / "tf_keras.npz"
    run_peer(TF_PYTHON, {"TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}, TF_SCRIPT, path)
    return dict(np.load(path)), namespace["run_cases"](cornu)


@pytest.mark.parametrize("name", NAMES)
def test_vision_layer_matches_tf_keras(outputs, name):
    theirs, ours = outputs
    np.testing.assert_array_equal(ours[name + "/shape"], theirs[name + "/shape"])
    np.testing.assert_array_equal(ours[name + "/weight_shapes"], theirs[name + "/weight_shapes"])
    np.testing.assert_allclose(ours[name + "/y"], theirs[name + "/y"], rtol=1e-5, atol=1e-5)

