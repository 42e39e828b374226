"""Accelerated training steps, each computing exactly what the reference step computes for the
models it admits (by exact registered layer types)."""
