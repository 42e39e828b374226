"""Layer wrappers (Keras 2's ``keras.layers.wrappers``): ``Wrapper`` (``wrapper.py``),
``TimeDistributed`` (``time_distributed.py``) and ``Bidirectional`` (``bidirectional.py``).

Example:
    >>> from cornu.layers import Dense, LSTM
    >>> TimeDistributed(Dense(8))(torch.ones(2, 10, 16)).shape
    torch.Size([2, 10, 8])
    >>> Bidirectional(LSTM(4), merge_mode='sum')(torch.ones(2, 10, 16)).shape
    torch.Size([2, 4])
"""
from cornu.layers.wrappers.bidirectional import Bidirectional
from cornu.layers.wrappers.time_distributed import TimeDistributed
from cornu.layers.wrappers.wrapper import Wrapper

__all__ = ["Wrapper", "TimeDistributed", "Bidirectional"]
