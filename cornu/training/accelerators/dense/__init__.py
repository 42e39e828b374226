"""The Dense-chain accelerator: hand-derived gradients for stacks of Dense/Activation/Dropout."""
