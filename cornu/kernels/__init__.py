"""Compute kernels chosen by size (oneDNN, torch's BLAS, NumPy's BLAS) for layers and steps."""
