"""Whole-sequence recurrent kernels: ``lstm.py``, ``gru.py`` (both of Keras's forms) and
``simple_rnn.py``, each an autograd function whose backward pass is written by hand;
``recurrent_product.py`` holds Keras's recurrent dropout as one product per step."""
