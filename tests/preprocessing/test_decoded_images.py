"""The pixels a file iterator keeps between epochs (``DecodedImages``): the same batches as
reading every file again, Pillow left out while the files are unchanged, a changed file read
anew, the budget respected."""
import os

import numpy as np
import pytest

from cornu.preprocessing.image import ImageDataGenerator, file_batches
from cornu.preprocessing.image.decoded import DecodedImages
from cornu.preprocessing.image.files import load_img
from tests.preprocessing.conftest import write_image


@pytest.fixture
def decodes(monkeypatch):
    """Counts the files the iterators decode with Pillow (``load_img`` calls)."""
    paths = []

    def counting_load_img(path, **options):
        paths.append(os.path.basename(path))
        return load_img(path, **options)

    monkeypatch.setattr(file_batches, "load_img", counting_load_img)
    return paths


def _flow(root, generator=None, **options):
    generator = generator or ImageDataGenerator(rescale=1 / 255.0)
    return generator.flow_from_directory(str(root), target_size=(6, 5), batch_size=3,
                                         shuffle=False, class_mode="sparse", **options)


def _epoch(iterator):
    return [iterator[i] for i in range(len(iterator))]


def _reading_every_time(iterator):
    iterator._decoded = DecodedImages(budget_bytes=0)
    return iterator


def test_a_second_epoch_gives_the_same_batches_without_decoding(class_folders, decodes):
    iterator = _flow(class_folders)
    reference = _reading_every_time(_flow(class_folders))
    first = _epoch(iterator)
    assert sorted(decodes) == sorted(os.path.basename(p) for p in iterator.filepaths)
    decodes.clear()
    second = _epoch(iterator)
    assert decodes == []
    for (x1, y1), (x2, y2), (x3, y3) in zip(first, second, _epoch(reference)):
        np.testing.assert_array_equal(x1, x3)
        np.testing.assert_array_equal(x2, x3)
        np.testing.assert_array_equal(y2, y3)


def test_augmentation_draws_afresh_and_leaves_the_kept_pixels_as_read(class_folders, decodes):
    def augmenting():
        generator = ImageDataGenerator(rescale=1 / 255.0, horizontal_flip=True,
                                       brightness_range=(0.5, 1.5), rotation_range=30,
                                       data_format="channels_first")
        return _flow(class_folders, generator, seed=3)

    kept, reference = augmenting(), _reading_every_time(augmenting())
    for _ in range(2):
        for (x1, _), (x2, _) in zip(_epoch(kept), _epoch(reference)):
            np.testing.assert_array_equal(x1, x2)
    pixels = kept._decoded._pixels
    assert len(pixels) == kept.samples
    assert all(not array.flags.writeable for _, array in pixels.values())


def test_a_file_changed_on_disk_is_read_again(class_folders, decodes):
    iterator = _flow(class_folders)
    _epoch(iterator)
    path = class_folders / "cats" / "cat0.png"
    write_image(path, np.full((12, 10, 3), 250))
    stamp = os.stat(path).st_mtime_ns + 10 ** 9
    os.utime(path, ns=(stamp, stamp))
    decodes.clear()
    x, _ = iterator[0]
    assert decodes == ["cat0.png"]
    index = iterator.filepaths.index(str(path))
    np.testing.assert_allclose(x[index], 250 / 255.0, rtol=1e-6)


def test_images_past_the_budget_are_decoded_every_time(class_folders, decodes, monkeypatch):
    one_image = 6 * 5 * 3  # uint8 pixels of one image at the target size
    monkeypatch.setattr(file_batches, "DecodedImages",
                        lambda: DecodedImages(budget_bytes=2 * one_image))
    iterator = _flow(class_folders)
    _epoch(iterator)
    assert iterator._decoded.kept_bytes == 2 * one_image
    decodes.clear()
    _epoch(iterator)
    assert len(decodes) == iterator.samples - 2


def test_a_missing_file_still_gets_load_imgs_message(class_folders):
    iterator = _flow(class_folders)
    os.remove(iterator.filepaths[0])
    with pytest.raises(FileNotFoundError, match="no image file at"):
        iterator[0]
