"""The training steps: the reference autograd step, and the one place choosing a step."""
