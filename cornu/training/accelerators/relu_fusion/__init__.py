"""The fused-ReLU step: the reference step with each ReLU run in place, after the max-pooling
that follows it (see ``groups``)."""
