"""The Dense-graph accelerator: hand-derived gradients for models of Dense, Activation, Dropout,
Concatenate and Add layers, in a chain or a graph with branches."""
