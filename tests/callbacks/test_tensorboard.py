"""TensorBoard: event files read back with tensorboard's own EventAccumulator, the projector
configuration with its own protocol buffer, the graph with its own Keras-config converter."""
import glob
import json
import os

import numpy as np
import pytest
from google.protobuf import text_format
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.graph import keras_util
from tensorboard.plugins.projector.projector_config_pb2 import ProjectorConfig

from cornu.callbacks import Callback, LambdaCallback, TensorBoard
from cornu.layers import Dense, Embedding, Flatten
from cornu.models import Model, Sequential
from tests.callbacks.helpers import WeightsRecorder, small_classifier, toy_data

EVERYTHING = {'scalars': 0, 'histograms': 0, 'images': 0, 'tensors': 0}


def events(folder):
    accumulator = EventAccumulator(str(folder), size_guidance=EVERYTHING)
    accumulator.Reload()
    return accumulator


def scalars(accumulator, tag):
    return [(event.step, event.value) for event in accumulator.Scalars(tag)]


def fit(callbacks, epochs=2, model=None, **kwargs):
    model = model or small_classifier()
    x, y = toy_data(16)
    kwargs.setdefault('validation_split', 0.25)
    history = model.fit(x, y, epochs=epochs, batch_size=4, verbose=0, callbacks=callbacks,
                        **kwargs)
    return model, history


def test_epoch_scalars_in_train_and_validation_runs(tmp_path):
    _, history = fit([TensorBoard(log_dir=str(tmp_path))], epochs=3)
    train, validation = events(tmp_path / 'train'), events(tmp_path / 'validation')
    assert sorted(train.Tags()['scalars']) == ['epoch_acc', 'epoch_loss']
    assert sorted(validation.Tags()['scalars']) == ['epoch_acc', 'epoch_loss']
    for run, prefix in ((train, ''), (validation, 'val_')):
        for name in ('loss', 'acc'):
            steps, values = zip(*scalars(run, 'epoch_' + name))
            assert steps == (0, 1, 2)
            np.testing.assert_allclose(values, history.history[prefix + name], rtol=1e-6)
    event_files = glob.glob(str(tmp_path / '*' / 'events.out.tfevents.*'))
    assert len(event_files) == 2


def test_scalars_are_on_disk_after_each_epoch(tmp_path):
    seen = []

    def read(epoch, logs):
        seen.append([step for step, _ in scalars(events(tmp_path / 'train'), 'epoch_loss')])

    fit([TensorBoard(log_dir=tmp_path), LambdaCallback(on_epoch_end=read)], epochs=2)
    assert seen == [[0], [0, 1]]


def test_weight_histograms_every_histogram_freq_epochs(tmp_path):
    recorder = WeightsRecorder()
    model, _ = fit([recorder, TensorBoard(log_dir=tmp_path, histogram_freq=2)], epochs=3)
    train = events(tmp_path / 'train')
    tags = ['dense_1/kernel_0/histogram', 'dense_1/bias_0/histogram',
            'dense_2/kernel_0/histogram', 'dense_2/bias_0/histogram']
    assert train.Tags()['histograms'] == tags
    assert train.Tags()['images'] == []
    for index, tag in enumerate(tags):
        histograms = train.Histograms(tag)
        assert [h.step for h in histograms] == [0, 2]
        for h in histograms:
            weight = recorder.weights[h.step][index]
            assert h.histogram_value.num == weight.size
            assert h.histogram_value.min == pytest.approx(weight.min(), rel=1e-6)
            assert h.histogram_value.max == pytest.approx(weight.max(), rel=1e-6)
            assert h.histogram_value.sum == pytest.approx(weight.sum(), rel=1e-5, abs=1e-6)


def test_weight_images(tmp_path):
    fit([TensorBoard(log_dir=tmp_path, histogram_freq=1, write_images=True)], epochs=1)
    train = events(tmp_path / 'train')
    sizes = {tag: (image.height, image.width) for tag in train.Tags()['images']
             for image in train.Images(tag)}
    assert sizes == {'dense_1/kernel_0/image': (3, 4),   # (3, 4) kernel
                     'dense_1/bias_0/image': (1, 4),
                     'dense_2/kernel_0/image': (1, 4)}   # (4, 1) kernel, shown wider than tall
    # the (1,) bias of dense_2 squeezes to a scalar, which tf.keras does not draw either


def test_graph_is_the_keras_config_the_graph_dashboard_reads(tmp_path):
    model, _ = fit([TensorBoard(log_dir=tmp_path)], epochs=1)
    train = events(tmp_path / 'train')
    [record] = train.Tensors('keras')
    assert record.step == 0
    config = record.tensor_proto.string_val[0].decode('utf-8')
    assert config == model.to_json()
    graph = keras_util.keras_model_to_graph_def(json.loads(config))
    assert [node.name for node in graph.node] == ['sequential_1/dense_1', 'sequential_1/dense_2']


def test_no_graph_when_not_asked_or_for_a_subclassed_model(tmp_path):
    fit([TensorBoard(log_dir=tmp_path / 'off', write_graph=False)], epochs=1)
    assert events(tmp_path / 'off' / 'train').Tags()['tensors'] == []

    class Subclassed(Model):
        def __init__(self):
            super().__init__()
            self.dense = Dense(1, activation='sigmoid')

        def call(self, inputs):
            return self.dense(inputs)

    model = Subclassed()
    model.compile('sgd', 'binary_crossentropy')
    fit([TensorBoard(log_dir=tmp_path / 'sub')], epochs=1, model=model)
    train = events(tmp_path / 'sub' / 'train')
    assert train.Tags()['tensors'] == [] and train.Tags()['scalars'] == ['epoch_loss']


class BatchLosses(Callback):
    def __init__(self):
        super().__init__()
        self.losses = []

    def on_batch_end(self, batch, logs=None):
        self.losses.append(logs['loss'])


@pytest.mark.parametrize('update_freq, steps', [('batch', [1, 2, 3, 4, 5, 6]), (4, [4])])
def test_batch_scalars(tmp_path, update_freq, steps):
    losses = BatchLosses()
    callback = TensorBoard(log_dir=tmp_path, update_freq=update_freq)
    assert callback.needs_batch_logs
    fit([losses, callback], epochs=2)  # 12 training samples in batches of 4: 3 per epoch
    written = scalars(events(tmp_path / 'train'), 'batch_loss')
    assert [step for step, _ in written] == steps
    np.testing.assert_allclose([value for _, value in written],
                               [losses.losses[step - 1] for step in steps], rtol=1e-6)
    assert 'batch_batch' not in events(tmp_path / 'train').Tags()['scalars']


def test_epoch_updates_need_no_batch_logs():
    assert not TensorBoard().needs_batch_logs


def embedding_model():
    model = Sequential([Embedding(10, 3, input_length=4, name='words'), Flatten(),
                        Dense(1, activation='sigmoid')])
    model.compile('rmsprop', 'binary_crossentropy')
    return model


def embedding_fit(callback, epochs=2):
    model = embedding_model()
    rng = np.random.RandomState(0)
    x, y = rng.randint(0, 10, (16, 4)), rng.randint(0, 2, (16, 1))
    model.fit(x, y, epochs=epochs, verbose=0, callbacks=[callback])
    return model


def read_projector_config(folder):
    config = ProjectorConfig()
    text_format.Parse((folder / 'projector_config.pbtxt').read_text(), config)
    return config


def test_embeddings_for_the_projector(tmp_path):
    model = embedding_fit(TensorBoard(log_dir=tmp_path, embeddings_freq=1,
                                      embeddings_metadata='metadata.tsv'))
    [embedding] = read_projector_config(tmp_path).embeddings
    assert embedding.tensor_name == 'words'
    assert list(embedding.tensor_shape) == [10, 3]
    assert embedding.metadata_path == 'metadata.tsv'
    matrix = np.loadtxt(tmp_path / embedding.tensor_path, delimiter='\t', dtype=np.float32)
    np.testing.assert_array_equal(matrix, model.get_layer('words').get_weights()[0])


def test_embeddings_metadata_by_layer_and_selected_layers(tmp_path):
    embedding_fit(TensorBoard(log_dir=tmp_path, embeddings_freq=1,
                              embeddings_layer_names=['words'],
                              embeddings_metadata={'words': 'words.tsv'}), epochs=1)
    [embedding] = read_projector_config(tmp_path).embeddings
    assert embedding.metadata_path == 'words.tsv'


@pytest.mark.parametrize('arguments, message', [
    ({'embeddings_layer_names': ['dense_1']}, r"\['dense_1'\] are not Embedding layers of the "
                                              r"model; its Embedding layers are \['words'\]"),
    ({'embeddings_metadata': {'word': 'w.tsv'}}, r"embeddings_metadata names layers \['word'\]"),
])
def test_unknown_embedding_layers_are_clear_errors(tmp_path, arguments, message):
    with pytest.raises(ValueError, match=message):
        embedding_fit(TensorBoard(log_dir=tmp_path, embeddings_freq=1, **arguments), epochs=1)


def test_profile_writes_a_torch_trace(tmp_path):
    callback = TensorBoard(log_dir=tmp_path, profile_batch=2)
    assert callback.profile_range == (2, 2) and callback.needs_batch_logs
    fit([callback], epochs=1)
    assert len(glob.glob(str(tmp_path / 'train' / '*.pt.trace.json'))) == 1


@pytest.mark.parametrize('profile_batch, expected', [(0, None), ((3, 5), (3, 5)), ('2,4', (2, 4)),
                                                     ('3', (3, 3))])
def test_profile_batch_forms(profile_batch, expected):
    assert TensorBoard(profile_batch=profile_batch).profile_range == expected


@pytest.mark.parametrize('arguments, message', [
    ({'profile_batch': -1}, 'profile_batch must be a non-negative integer'),
    ({'profile_batch': (5, 2)}, 'profile_batch must be a non-negative integer'),
    ({'profile_batch': 'a,b'}, 'profile_batch must be a non-negative integer'),
    ({'update_freq': 'step'}, 'update_freq must be "epoch", "batch" or a positive number'),
    ({'update_freq': 0}, 'update_freq must be "epoch", "batch" or a positive number'),
    ({'histogram_freq': -1}, '`histogram_freq` must be a whole number'),
])
def test_bad_arguments(arguments, message):
    with pytest.raises(ValueError, match=message):
        TensorBoard(**arguments)


def test_keras_2_arguments_tf_keras_ignores_warn():
    with pytest.warns(UserWarning, match='`write_grads` is ignored'):
        TensorBoard(histogram_freq=1, write_grads=True)
    with pytest.warns(UserWarning, match='`embeddings_data` is ignored'):
        TensorBoard(embeddings_freq=1, embeddings_data=np.zeros((2, 4)))


def test_a_second_fit_writes_new_event_files(tmp_path):
    callback = TensorBoard(log_dir=tmp_path)
    fit([callback], epochs=1)
    fit([callback], epochs=1)
    assert len(os.listdir(tmp_path / 'train')) == 2
    assert [step for step, _ in scalars(events(tmp_path / 'train'), 'epoch_loss')] == [0, 0]
