"""Recurrent layers, Keras 2 semantics: the cells (``cells.py``, shared parts in
``cell_base.py``), the ``RNN`` loop over time steps (``rnn.py``) and ``SimpleRNN``, ``LSTM``,
``GRU`` (``layers.py``; whole sequences of the Keras cells run in ``sequence_kernels.py``),
``StackedRNNCells`` (``stacked.py``: several cells as one), and
``CuDNNLSTM``, ``CuDNNGRU`` (``cudnn.py``: Keras's cuDNN layers on torch's fused kernels).

Example:
    >>> from cornu.layers.recurrent import LSTM
    >>> LSTM(8)(torch.ones(2, 5, 3)).shape
    torch.Size([2, 8])
"""
from cornu.layers.recurrent.cells import GRUCell, LSTMCell, SimpleRNNCell
from cornu.layers.recurrent.cudnn import CuDNNGRU, CuDNNLSTM
from cornu.layers.recurrent.layers import GRU, LSTM, SimpleRNN
from cornu.layers.recurrent.rnn import RNN
from cornu.layers.recurrent.stacked import StackedRNNCells

__all__ = ["RNN", "SimpleRNNCell", "LSTMCell", "GRUCell", "SimpleRNN", "LSTM", "GRU",
           "StackedRNNCells", "CuDNNLSTM", "CuDNNGRU"]
