"""Whole-sequence recurrent kernels: ``lstm.py``, ``gru.py`` (both of Keras's forms) and
``simple_rnn.py``, each an autograd function whose backward pass is written by hand, working
feature-major a chunk of steps at a time; ``projection.py`` makes and differentiates their
input projections chunk by chunk; ``recurrent_product.py`` holds Keras's recurrent dropout as
one product per step, and the buffers and layout the kernels share."""
