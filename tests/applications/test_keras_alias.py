import os
import subprocess
import sys
import textwrap

import pytest

import cornu
from cornu import applications, compat

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def alias():
    compat.install_keras_alias()
    yield
    compat.uninstall_keras_alias()


def test_book_imports_resolve_to_cornu(alias):
    from keras.applications import VGG16
    from keras.applications.vgg16 import decode_predictions, preprocess_input
    from keras.applications.vgg16 import VGG16 as VGG16_from_module
    from keras.applications.xception import Xception
    from keras.applications import imagenet_utils
    assert VGG16 is VGG16_from_module is applications.VGG16
    assert Xception is applications.Xception
    assert preprocess_input is imagenet_utils.preprocess_input
    assert decode_predictions is applications.imagenet_utils.decode_predictions


def test_submodules_resolve_on_attribute_access_in_a_fresh_interpreter():
    program = textwrap.dedent("""
        import cornu
        cornu.install_keras_alias()
        import keras
        print(keras.applications.resnet50.ResNet50.__module__)
        print(keras.applications.xception.Xception(weights=None, include_top=False,
                                                   pooling='avg').output_shape)
    """)
    result = subprocess.run([sys.executable, "-c", program], cwd=REPO, capture_output=True,
                            text=True, timeout=120, env=dict(os.environ, PYTHONPATH=REPO))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["cornu.applications.resnet50", "(None, 2048)"]


def test_applications_is_a_lazy_submodule_of_cornu():
    assert "applications" in cornu._LAZY_SUBMODULES
    assert cornu.applications is applications
