"""Fixtures of the image pipeline tests: folders of real JPEG and PNG files made with Pillow."""
import numpy as np
import pytest
from PIL import Image


def write_image(path, array):
    """Saves a uint8 array (rows, cols[, channels]) as an image file (format by extension)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(array, dtype=np.uint8)).save(path)
    return path


@pytest.fixture
def class_folders(tmp_path):
    """``root/cats`` (3 PNG, 1 JPEG, a text file) and ``root/dogs`` (2 PNG, 1 JPEG in a
    subfolder): each image a constant colour, the cats dark and the dogs bright."""
    root = tmp_path / "train"
    for index in range(3):
        write_image(root / "cats" / f"cat{index}.png", np.full((12, 10, 3), 10 * index))
    write_image(root / "cats" / "cat3.jpg", np.full((12, 10, 3), 30))
    (root / "cats" / "notes.txt").write_text("not an image")
    for index in range(2):
        write_image(root / "dogs" / f"dog{index}.png", np.full((6, 8, 3), 200 + 10 * index))
    write_image(root / "dogs" / "deeper" / "dog2.jpg", np.full((6, 8, 3), 220))
    return root
