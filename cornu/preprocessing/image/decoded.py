"""``DecodedImages``: the pixels of the image files an iterator has read, kept for later epochs.

``flow_from_directory`` and ``flow_from_dataframe`` read every file again in every epoch, as
Keras 2 does, and decoding a JPEG is most of that work (on two cores that training keeps busy
it cannot overlap with it). An iterator therefore keeps each file's pixels as ``load_img``
gives them (converted to the color mode and resized, before any augmentation, in the image's
own dtype: uint8 for a JPEG) while they fit in its budget, and takes them again while the
file's size and modification time are unchanged; a file changed on disk is read anew. The
batches are the same either way: augmentation and standardization work on a fresh float copy.

Example:
    >>> decoded = DecodedImages(budget_bytes=2 ** 20)
    >>> pixels = decoded.get('cat.1.jpg', lambda path: load_img(path))  # doctest: +SKIP
"""
import os
import threading

import numpy as np

#: Bytes of pixels one iterator keeps: the books' cats-vs-dogs training folder (2000 images
#: at 150x150) takes 135 MB.
DEFAULT_BUDGET_BYTES = 256 * 2 ** 20


class DecodedImages:
    """The decoded pixels of image files, by path, up to ``budget_bytes`` in all.

    Args:
        budget_bytes: the most bytes of pixels kept; images past it are decoded every time.
    """

    def __init__(self, budget_bytes=DEFAULT_BUDGET_BYTES):
        self.budget_bytes = budget_bytes
        self.kept_bytes = 0
        self._pixels = {}  # path -> ((size, mtime_ns), array)
        self._lock = threading.Lock()

    def get(self, path, load):
        """The pixels of the image file at ``path`` (an array to copy, not to write to).

        Args:
            path: the file's path.
            load: ``function(path) -> PIL image`` that decodes it (the image is closed here).
        """
        try:
            status = os.stat(path)
        except OSError:
            status = None  # ``load`` says what is wrong
        stamp = None if status is None else (status.st_size, status.st_mtime_ns)
        kept = self._pixels.get(path)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        img = load(path)
        pixels = np.asarray(img)
        img.close()
        if stamp is None:
            return pixels
        pixels.flags.writeable = False
        with self._lock:
            previous = self._pixels.pop(path, None)
            if previous is not None:
                self.kept_bytes -= previous[1].nbytes
            if self.kept_bytes + pixels.nbytes <= self.budget_bytes:
                self._pixels[path] = (stamp, pixels)
                self.kept_bytes += pixels.nbytes
        return pixels
