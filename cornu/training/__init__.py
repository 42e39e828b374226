"""Training: ``compile``/``fit``/``evaluate``/``predict`` (``trainer``), the data adapters
(``data``), the epoch logs, the training steps (``steps``) and their accelerators."""
