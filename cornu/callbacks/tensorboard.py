"""``TensorBoard``: writes event files that TensorBoard shows (``tensorboard --logdir=logs``).

Laid out as tf.keras 2 writes them: the training run under ``log_dir/train`` and the
validation run under ``log_dir/validation``, epoch scalars tagged ``epoch_loss``,
``epoch_acc`` ... (the validation run holds the ``val_`` values under the same tags, so the two
curves share a chart), weight histograms, the Keras model's graph, and the embedding projector's
``projector_config.pbtxt``. The files are written with the ``tensorboard`` package's event
writer (through ``torch.utils.tensorboard``).

Example (Chollet 3.3.4):
    >>> tensorboard = TensorBoard(log_dir='logs/{}'.format('3-conv-128'))
    >>> model.fit(X, y, validation_split=0.3, callbacks=[tensorboard])  # doctest: +SKIP
"""
import numbers
import os
import warnings

from cornu.callbacks.arguments import non_negative_int
from cornu.callbacks.base import Callback
from cornu.callbacks.tensorboard_records import (keras_model_summary, layer_weights,
                                                 projector_config, tsv_bytes, weight_image)
from cornu.config import image_data_format
from cornu.utils.data_utils import atomic_write

_BATCH_KEYS = ('batch', 'size')
_EMBEDDINGS_FOLDER = 'embeddings'


class TensorBoard(Callback):
    """Writes the training's scalars, weight histograms and images, graph and embeddings for
    TensorBoard.

    Args:
        log_dir: the folder of the event files (``train/`` and ``validation/`` inside).
        histogram_freq: every this many epochs (from the first), write a histogram of every
            weight (tag ``'<layer>/<weight>_0/histogram'``); 0 writes none.
        batch_size: accepted for Keras 2.2.4 (where it fed the validation data to activation
            histograms, which tf.keras 2 dropped too); unused.
        write_graph: write the model's Keras config, which TensorBoard's graph dashboard
            draws (models built from layers; a subclassed model has none).
        write_grads: Keras 2.2.4's gradient histograms; ignored with a warning, as in
            tf.keras 2.
        write_images: with the histograms, write each weight as an image.
        embeddings_freq: every this many epochs, write the matrices of the ``Embedding``
            layers for the embedding projector; 0 writes none.
        embeddings_layer_names: the ``Embedding`` layers to write (default: all).
        embeddings_metadata: a metadata file (labels, one per row) for every embedding, or a
            dict from layer name to file; paths relative to ``log_dir``.
        embeddings_data: Keras 2.2.4's data to embed; ignored with a warning, as in tf.keras 2
            (the layers' own matrices are written).
        update_freq: ``'epoch'`` writes scalars at the end of epochs; ``'batch'`` also after
            every batch (tags ``batch_loss`` ...), an integer every that many batches.
        profile_batch: profile the training batch with this number (counted from 1), or each
            batch of a ``(start, stop)`` range, with ``torch.profiler``, writing its trace to
            ``log_dir/train`` (TensorBoard's PyTorch profiler plugin reads it); 0 profiles none.

    Example:
        >>> callback = TensorBoard(log_dir='logs', histogram_freq=1)
        >>> callback.log_dir, callback.update_freq
        ('logs', 'epoch')
    """

    def __init__(self, log_dir='./logs', histogram_freq=0, batch_size=32, write_graph=True,
                 write_grads=False, write_images=False, embeddings_freq=0,
                 embeddings_layer_names=None, embeddings_metadata=None, embeddings_data=None,
                 update_freq='epoch', profile_batch=0):
        super().__init__()
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError as error:
            raise ImportError('The TensorBoard callback writes its event files with the '
                              '"tensorboard" package, which could not be imported '
                              f'({error}); install it: pip install tensorboard') from error
        self._writer_class = SummaryWriter
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = non_negative_int(histogram_freq, 'histogram_freq', 'TensorBoard')
        self.batch_size = batch_size
        self.write_graph = write_graph
        self.write_grads = write_grads
        self.write_images = write_images
        self.embeddings_freq = non_negative_int(embeddings_freq, 'embeddings_freq',
                                                'TensorBoard')
        self.embeddings_layer_names = embeddings_layer_names
        self.embeddings_metadata = embeddings_metadata
        self.embeddings_data = embeddings_data
        self.update_freq = _update_frequency(update_freq)
        self.profile_range = _profile_range(profile_batch)
        if write_grads:
            warnings.warn('TensorBoard: `write_grads` is ignored (as in tf.keras 2): no '
                          'gradient histograms are written.')
        if embeddings_data is not None:
            warnings.warn('TensorBoard: `embeddings_data` is ignored (as in tf.keras 2): the '
                          'matrices of the Embedding layers are written instead.')
        self._writers = {}
        self._train_batches = 0
        self._profiler = None

    @property
    def needs_batch_logs(self):
        """Batch hooks are needed only for batch scalars or profiling."""
        return self.update_freq != 'epoch' or self.profile_range is not None

    def _writer(self, run):
        if run not in self._writers:
            self._writers[run] = self._writer_class(log_dir=os.path.join(self.log_dir, run))
        return self._writers[run]

    def on_train_begin(self, logs=None):
        """Writes the model's graph and the projector configuration."""
        if self.write_graph:
            self._write_graph()
        if self.embeddings_freq:
            self._write_projector_config()

    def on_batch_begin(self, batch, logs=None):
        """Starts the profiler at the first profiled batch."""
        self._train_batches += 1
        if self.profile_range is not None and self._train_batches == self.profile_range[0]:
            self._start_profiler()

    def on_batch_end(self, batch, logs=None):
        """Writes batch scalars (``update_freq``) and stops the profiler after the last
        profiled batch."""
        if self.update_freq != 'epoch' and self._train_batches % self.update_freq == 0:
            writer = self._writer('train')
            for name, value in _scalars(logs or {}):
                if name not in _BATCH_KEYS:
                    writer.add_scalar('batch_' + name, value, self._train_batches)
        if self._profiler is not None and self._train_batches >= self.profile_range[1]:
            self._stop_profiler()

    def on_epoch_end(self, epoch, logs=None):
        """Writes the epoch scalars, and the histograms and embeddings when due."""
        for name, value in _scalars(logs or {}):
            run = 'validation' if name.startswith('val_') else 'train'
            tag = 'epoch_' + (name[len('val_'):] if run == 'validation' else name)
            self._writer(run).add_scalar(tag, value, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._write_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            self._write_embeddings()
        for writer in self._writers.values():
            writer.flush()

    def on_train_end(self, logs=None):
        """Stops a running profile and closes the event files."""
        if self._profiler is not None:
            self._stop_profiler()
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def _write_graph(self):
        try:
            model_json = self.model.to_json()
        except NotImplementedError:
            return  # a subclassed model has no config to draw (tf.keras skips it too)
        writer = self._writer('train')
        writer.file_writer.add_summary(keras_model_summary(model_json), 0)

    def _write_weights(self, epoch):
        writer = self._writer('train')
        data_format = image_data_format()
        for layer in self.model.layers:
            for name, array in layer_weights(layer):
                writer.add_histogram(name + '/histogram', array, epoch)
                image = weight_image(array, data_format) if self.write_images else None
                if image is not None:
                    writer.add_images(name + '/image', image, epoch, dataformats='NHWC')

    def _embedding_layers(self):
        layers = [layer for layer in self.model.layers if hasattr(layer, 'embeddings')]
        if self.embeddings_layer_names is None:
            return layers
        by_name = {layer.name: layer for layer in layers}
        missing = [name for name in self.embeddings_layer_names if name not in by_name]
        if missing:
            raise ValueError(f'TensorBoard: embeddings_layer_names {missing} are not Embedding '
                             f'layers of the model; its Embedding layers are '
                             f'{sorted(by_name)}.')
        return [by_name[name] for name in self.embeddings_layer_names]

    def _metadata_path(self, layer_name):
        metadata = self.embeddings_metadata
        if isinstance(metadata, dict):
            return metadata.get(layer_name)
        return metadata

    def _write_projector_config(self):
        layers = self._embedding_layers()
        if isinstance(self.embeddings_metadata, dict):
            unknown = sorted(set(self.embeddings_metadata) - {layer.name for layer in layers})
            if unknown:
                raise ValueError(f'TensorBoard: embeddings_metadata names layers {unknown} '
                                 'that are not among the Embedding layers written '
                                 f'({sorted(layer.name for layer in layers)}).')
        entries = [(layer.name, _tsv_path(layer.name), _embedding_matrix(layer).shape,
                    self._metadata_path(layer.name)) for layer in layers]
        os.makedirs(self.log_dir, exist_ok=True)
        text = projector_config(entries).encode('utf-8')
        atomic_write(os.path.join(self.log_dir, 'projector_config.pbtxt'),
                     lambda f: f.write(text))

    def _write_embeddings(self):
        os.makedirs(os.path.join(self.log_dir, _EMBEDDINGS_FOLDER), exist_ok=True)
        for layer in self._embedding_layers():
            data = tsv_bytes(_embedding_matrix(layer))
            atomic_write(os.path.join(self.log_dir, _tsv_path(layer.name)),
                         lambda f: f.write(data))

    def _start_profiler(self):
        import torch.profiler
        trace_folder = os.path.join(self.log_dir, 'train')
        self._profiler = torch.profiler.profile(
            activities=[torch.profiler.ProfilerActivity.CPU],
            on_trace_ready=torch.profiler.tensorboard_trace_handler(trace_folder))
        self._profiler.start()

    def _stop_profiler(self):
        self._profiler.stop()
        self._profiler = None


def _tsv_path(layer_name):
    return os.path.join(_EMBEDDINGS_FOLDER, layer_name + '.tsv')


def _embedding_matrix(layer):
    """The layer's embedding matrix, in Keras layout."""
    index = [id(weight) for weight in layer.weights].index(id(layer.embeddings))
    return layer.get_weights()[index]


def _scalars(logs):
    """The numeric ``(name, value)`` pairs of the logs."""
    for name, value in logs.items():
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            yield name, float(value)


def _update_frequency(update_freq):
    if update_freq == 'epoch':
        return 'epoch'
    if update_freq == 'batch':
        return 1
    if isinstance(update_freq, int) and not isinstance(update_freq, bool) and update_freq >= 1:
        return update_freq
    raise ValueError(f'TensorBoard: update_freq must be "epoch", "batch" or a positive number '
                     f'of batches, received {update_freq!r}.')


def _profile_range(profile_batch):
    """``(start, stop)`` batch numbers to profile, or None for ``0``."""
    message = ('TensorBoard: profile_batch must be a non-negative integer or a pair of positive '
               'integers (start, stop) with start <= stop (a "start,stop" string too); '
               f'received {profile_batch!r}. 0 disables profiling.')
    if isinstance(profile_batch, str):
        try:
            profile_batch = [int(part) for part in profile_batch.split(',')]
        except ValueError:
            raise ValueError(message) from None
        profile_batch = profile_batch[0] if len(profile_batch) == 1 else profile_batch
    if isinstance(profile_batch, int) and not isinstance(profile_batch, bool):
        start = stop = profile_batch
    elif isinstance(profile_batch, (list, tuple)) and len(profile_batch) == 2 \
            and all(isinstance(b, int) and not isinstance(b, bool) for b in profile_batch):
        start, stop = profile_batch
    else:
        raise ValueError(message)
    if start < 0 or stop < start or (start == 0 and stop > 0):
        raise ValueError(message)
    return None if start == 0 else (start, stop)
