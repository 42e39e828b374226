"""The ``subset`` argument of the iterators: with ``ImageDataGenerator(validation_split=v)``,
the first fraction ``v`` of the samples (of each class's sorted files, for a directory) is
the ``'validation'`` subset and the rest the ``'training'`` subset, as in Keras 2.

Example:
    >>> subset_fractions('validation', 0.25)
    (0, 0.25)
    >>> subset_fractions('training', 0.25)
    (0.25, 1)
"""
from cornu.preprocessing.image.choices import SUBSETS, check_choice


def validation_split_of(image_data_generator, subset):
    """The ``validation_split`` of the generator an iterator with ``subset`` comes from.

    Args:
        image_data_generator: the ``ImageDataGenerator`` (or None).
        subset: ``'training'`` or ``'validation'``.

    Raises:
        ValueError: the generator has no validation split, so the subset means nothing.

    Example:
        >>> validation_split_of(None, 'training')
        Traceback (most recent call last):
        ...
        ValueError: subset='training' needs an ImageDataGenerator with a validation_split, \
e.g. ImageDataGenerator(validation_split=0.2); this one has none. Set validation_split, or \
drop subset to use every sample.
    """
    check_choice("subset", subset, SUBSETS)
    split = getattr(image_data_generator, "_validation_split", 0) or 0
    if not split:
        raise ValueError(f"subset={subset!r} needs an ImageDataGenerator with a "
                         "validation_split, e.g. ImageDataGenerator(validation_split=0.2); this "
                         "one has none. Set validation_split, or drop subset to use every "
                         "sample.")
    return split


def subset_fractions(subset, validation_split):
    """``(start, stop)``, the fractions of the samples in ``subset``.

    Args:
        subset: ``'training'`` or ``'validation'``.
        validation_split: the fraction set apart for validation.

    Example:
        >>> subset_fractions('training', 0.2)
        (0.2, 1)
    """
    return (0, validation_split) if subset == "validation" else (validation_split, 1)


def take_fraction(items, fractions):
    """The part ``[int(start * n), int(stop * n))`` of ``items`` (Keras 2's rounding).

    Args:
        items: a list.
        fractions: ``(start, stop)``, or None for all of them.

    Example:
        >>> take_fraction(list(range(10)), (0, 0.25))
        [0, 1]
    """
    if fractions is None:
        return items
    count = len(items)
    return items[int(fractions[0] * count):int(fractions[1] * count)]
