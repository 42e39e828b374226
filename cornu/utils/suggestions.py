"""``Did you mean ...?`` for misspelled names: argument names, layer keywords, metric names.

Example:
    >>> did_you_mean('epoch', ['epochs', 'verbose'])
    'epochs'
    >>> did_you_mean('Relu', ['elu', 'relu'])
    'relu'
"""
import difflib


def did_you_mean(name, candidates):
    """The candidate the user most likely meant by ``name``, or None.

    A candidate equal to ``name`` but for case wins; otherwise the closest spelling, compared
    without case.

    Args:
        name: what the user wrote.
        candidates: the valid names.
    """
    candidates = [c for c in candidates if isinstance(c, str)]
    text = str(name)
    for candidate in candidates:
        if candidate.lower() == text.lower():
            return candidate
    by_lower = {}
    for candidate in candidates:
        by_lower.setdefault(candidate.lower(), candidate)
    close = difflib.get_close_matches(text.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[close[0]] if close else None


def suggestion(name, candidates):
    """`` Did you mean 'x'?`` (with a leading space), or an empty string.

    Args:
        name: what the user wrote.
        candidates: the valid names.
    """
    guess = did_you_mean(name, candidates)
    return f" Did you mean {guess!r}?" if guess is not None else ""
