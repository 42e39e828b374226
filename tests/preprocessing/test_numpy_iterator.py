"""ImageDataGenerator.flow / NumpyArrayIterator: batches, Keras 2's order for a seed,
sample weights, subsets, extra inputs, saving, errors; the Iterator protocol."""
import threading

import numpy as np
import pytest

from cornu.preprocessing.image import ImageDataGenerator, Iterator, NumpyArrayIterator
from cornu.utils.sequence import Sequence

X = np.arange(10 * 2 * 2 * 1, dtype=np.float32).reshape(10, 2, 2, 1)
Y = np.arange(10)


def test_batches_in_order_without_shuffle():
    it = ImageDataGenerator().flow(X, Y, batch_size=4, shuffle=False)
    assert isinstance(it, NumpyArrayIterator) and isinstance(it, Sequence)
    batches = [next(it) for _ in range(4)]
    assert [y.tolist() for _, y in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [0, 1, 2, 3]]
    np.testing.assert_array_equal(batches[0][0], X[:4])
    assert batches[0][0].dtype == np.float32
    assert (len(it), it.n, it.batch_size) == (3, 10, 4)


def test_keras_2_batch_order_for_a_seed():
    # the order keras-preprocessing 1.1 gives for the same seed
    expected = [[9, 5, 2, 4], [7, 1, 0, 8], [6, 3], [8, 6, 9, 0], [2, 5, 7, 1], [4, 3]]
    it = ImageDataGenerator().flow(X, Y, batch_size=4, seed=5)
    assert [next(it)[1].tolist() for _ in range(6)] == expected
    indexed = ImageDataGenerator().flow(X, Y, batch_size=4, seed=5)
    assert [indexed[i][1].tolist() for i in range(3)] == expected[:3]
    assert indexed.total_batches_seen == 3


def test_seeded_order_is_numpy_permutation_of_seed_plus_batches_seen():
    it = ImageDataGenerator().flow(X, Y, batch_size=4, seed=20)
    np.random.seed(20)
    first_epoch = np.random.permutation(10)
    np.random.seed(23)  # the fourth batch starts the second epoch
    second_epoch = np.random.permutation(10)
    got = np.concatenate([next(it)[1] for _ in range(6)])
    np.testing.assert_array_equal(got, np.concatenate([first_epoch, second_epoch]))


def test_seeded_transforms_repeat():
    datagen = ImageDataGenerator(rotation_range=90, width_shift_range=0.3, horizontal_flip=True)
    x = np.random.RandomState(0).rand(6, 5, 5, 3).astype(np.float32)
    first = [next(datagen.flow(x, batch_size=3, seed=9)) for _ in range(2)]
    np.testing.assert_array_equal(first[0], first[1])
    it = datagen.flow(x, batch_size=3, seed=9, shuffle=False)
    batch = next(it)
    np.random.seed(9)  # the batch seeds with seed + 0, then draws each image's transform
    expected = [datagen.apply_transform(x[i], datagen.get_random_transform(x[i].shape))
                for i in range(3)]
    np.testing.assert_allclose(batch, expected, rtol=1e-6)


def test_shuffle_changes_the_order_every_epoch():
    it = ImageDataGenerator().flow(X, Y, batch_size=10, seed=1)
    epochs = [next(it)[1].tolist() for _ in range(3)]
    assert all(sorted(e) == list(range(10)) for e in epochs)
    assert epochs[0] != epochs[1]


def test_sample_weight_and_no_targets():
    weights = np.linspace(0, 1, 10)
    x, y, w = next(ImageDataGenerator().flow(X, Y, sample_weight=weights, batch_size=3,
                                             shuffle=False))
    assert y.tolist() == [0, 1, 2]
    np.testing.assert_allclose(w, weights[:3])
    only_x = next(ImageDataGenerator().flow(X, batch_size=3, shuffle=False))
    np.testing.assert_array_equal(only_x, X[:3])


def test_extra_inputs_pass_through():
    extra = np.arange(10) * 10
    (images, passed), y = next(ImageDataGenerator(rescale=2.).flow((X, extra), Y, batch_size=2,
                                                                   shuffle=False))
    np.testing.assert_array_equal(images, X[:2] * 2)
    assert passed.tolist() == [0, 10] and y.tolist() == [0, 1]
    inputs, _ = next(ImageDataGenerator().flow((X, [extra, -extra]), Y, batch_size=2,
                                               shuffle=False))
    assert [a.tolist() for a in inputs[1:]] == [[0, 10], [0, -10]]


def test_subsets_split_the_first_fraction_for_validation():
    y = np.array([0, 1] * 5)
    datagen = ImageDataGenerator(validation_split=0.2)
    validation = datagen.flow(X, y, batch_size=10, shuffle=False, subset="validation")
    training = datagen.flow(X, y, sample_weight=np.arange(10.), batch_size=10, shuffle=False,
                            subset="training")
    assert (validation.n, training.n) == (2, 8)
    np.testing.assert_array_equal(next(validation)[0], X[:2])
    _, y_train, w_train = next(training)
    assert y_train.tolist() == y[2:].tolist() and w_train.tolist() == list(range(2, 10))
    with pytest.raises(ValueError, match="different number of classes"):
        datagen.flow(X, np.repeat([0, 1], 5), subset="training")
    with pytest.raises(ValueError, match="Invalid subset: 'valid'.*'validation'"):
        datagen.flow(X, y, subset="valid")
    with pytest.raises(ValueError, match="needs an ImageDataGenerator with a validation_split"):
        ImageDataGenerator().flow(X, y, subset="training")


def test_dtype_follows_the_generator():
    x, _ = next(ImageDataGenerator(dtype="float64").flow(X, Y, batch_size=2))
    assert x.dtype == np.float64


def test_flow_errors():
    datagen = ImageDataGenerator()
    with pytest.raises(ValueError, match=r"rank 4.*shape \(10, 4\).*reshape"):
        datagen.flow(np.zeros((10, 4)))
    with pytest.raises(ValueError, match="should have the same length.*x.shape = "
                                         r"\(10, 2, 2, 1\), y.shape = \(9,\)"):
        datagen.flow(X, np.arange(9))
    with pytest.raises(ValueError, match="sample_weight"):
        datagen.flow(X, Y, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        datagen.flow(X, Y, batch_size=0)
    with pytest.warns(UserWarning, match="expected either 1, 3, or 4 channels"):
        datagen.flow(np.zeros((2, 4, 4, 2)))


def test_index_errors_and_negative_indices():
    it = ImageDataGenerator().flow(X, Y, batch_size=4, shuffle=False)
    assert it[-1][1].tolist() == [8, 9]
    with pytest.raises(ValueError, match="Asked to retrieve element 3, but the Sequence has "
                                         "length 3"):
        it[3]


def test_reset_restarts_the_epoch():
    it = ImageDataGenerator().flow(X, Y, batch_size=4, shuffle=False)
    next(it)
    it.reset()
    assert next(it)[1].tolist() == [0, 1, 2, 3]
    assert iter(it) is it


def test_save_to_dir_writes_each_image(tmp_path):
    it = ImageDataGenerator().flow(np.random.rand(3, 4, 4, 3), batch_size=3, seed=1,
                                   save_to_dir=tmp_path, save_prefix="aug",
                                   save_format="jpeg")
    next(it)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 3 and all(n.startswith("aug_") and n.endswith(".jpeg") for n in names)
    assert sorted(int(n.split("_")[1]) for n in names) == [0, 1, 2]


def test_next_is_thread_safe():
    it = ImageDataGenerator().flow(np.zeros((400, 1, 1, 1)), np.arange(400), batch_size=1,
                                   shuffle=False)
    seen, lock = [], threading.Lock()

    def take():
        for _ in range(100):
            _, y = it.next()
            with lock:
                seen.append(int(y[0]))

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(400))


def test_iterator_base_needs_a_batch_method():
    with pytest.raises(NotImplementedError, match="_get_batches_of_transformed_samples"):
        next(Iterator(3, 2, False, None))


def test_empty_iterator():
    it = NumpyArrayIterator(np.zeros((0, 2, 2, 1)), None, None, batch_size=2)
    assert len(it) == 0 and next(it).shape == (0, 2, 2, 1)
