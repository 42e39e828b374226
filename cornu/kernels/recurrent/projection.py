"""The input projections of a recurrent layer, ``W^T x_t + b`` for every step, made and
differentiated by the sequence kernels a chunk of steps at a time.

A kernel projects each chunk of steps just before running it, straight into its feature-major
workspace, and takes the chunk's projection gradients (``W``, ``b`` and ``x``) right after the
chunk's backward steps: the chunk is still in cache both times, and no whole-sequence
projection or gradient tensor is ever written and read back.

``x`` is read in whatever layout it has (a NumPy batch, an embedding lookup, or the
feature-major outputs of a recurrent layer below, read without a copy), and its gradient is
made in the layout that costs no copy: feature-major for feature-major inputs (the layer below
then reads its output gradient as it stands), time-major otherwise (an embedding's backward
pass reads that with one cheap row copy).

With one input dropout mask per gate (Keras's implementation 1), each gate block has its own
input ``x * m_k``: the projection then holds one ``(x, W_k)`` group per block.

Example:
    >>> x, kernel = torch.ones(2, 5, 3), torch.ones(3, 8)
    >>> projection = InputProjection((x, kernel), torch.zeros(8))
    >>> out = torch.empty(5, 8, 2)
    >>> projection.project(out, 0, 5)
    >>> out[0, :, 0].tolist() == [3.0] * 8
    True
"""
import torch


def _feature_major(x):
    """``x`` ``(batch, steps, features)`` seen as ``(steps, features, batch)``."""
    return x.permute(1, 2, 0)


def _time_major(x):
    """``x`` ``(batch, steps, features)`` seen as ``(steps, batch, features)``."""
    return x.transpose(0, 1)


class InputProjection:
    """``W^T x + b`` for a sequence kernel, chunk by chunk, with its gradients.

    Args:
        pairs: ``(x, W)`` pairs flattened, ``(x_1, W_1, x_2, W_2, ...)``: one pair, or one per
            kernel block; each ``x`` is ``(batch, steps, features)``, each ``W``
            ``(features, width_k)``, and the widths add up to the projection's.
        bias: ``(width,)`` or None.
    """

    def __init__(self, pairs, bias):
        self.inputs, self.kernels = [x.detach() for x in pairs[0::2]], \
            [w.detach() for w in pairs[1::2]]
        self.bias = None if bias is None else bias.detach().unsqueeze(1)
        # whether each input is the feature-major output of a recurrent layer
        self.feature_major = [_feature_major(x).is_contiguous() for x in self.inputs]
        edges = [0]
        for kernel in self.kernels:
            edges.append(edges[-1] + kernel.shape[1])
        self.rows = list(zip(edges[:-1], edges[1:]))
        self.grad_inputs = self.grad_kernels = self.grad_bias = None

    def project(self, out, start, stop):
        """Writes the projections of steps ``start:stop`` into ``out`` ``(k, width, batch)``
        (contiguous)."""
        k = stop - start
        for x, kernel, (low, high) in zip(self.inputs, self.kernels, self.rows):
            operands = (kernel.t().expand(k, high - low, kernel.shape[0]),
                        _feature_major(x)[start:stop])
            if len(self.kernels) == 1:
                torch.bmm(*operands, out=out)
            else:
                out[:, low:high] = torch.bmm(*operands)
        if self.bias is not None:
            out.add_(self.bias)

    def start_backward(self, needs_grad):
        """Allocates the gradients the backward pass will accumulate, given ``needs_grad``
        for the pairs (flattened, as given) and the bias."""
        needs_pairs, needs_bias = needs_grad[:-1], needs_grad[-1]
        self.grad_inputs = [self._input_gradient(x, fm) if needs else None for x, fm, needs
                            in zip(self.inputs, self.feature_major, needs_pairs[0::2])]
        self.grad_kernels = [w.new_zeros(w.shape[1], w.shape[0]) if needs else None
                             for w, needs in zip(self.kernels, needs_pairs[1::2])]
        self.grad_bias = self.bias.new_zeros(self.bias.shape[0]) \
            if needs_bias and self.bias is not None else None

    @staticmethod
    def _input_gradient(x, feature_major):
        batch, steps, features = x.shape
        return x.new_empty(steps, features, batch) if feature_major \
            else x.new_empty(steps, batch, features)

    def backward(self, grad, start, stop):
        """Adds the gradients of steps ``start:stop``, given ``grad`` ``(k, width, batch)``,
        that of their projections."""
        k = stop - start
        for x, kernel, (low, high), feature_major, grad_x, grad_kernel in zip(
                self.inputs, self.kernels, self.rows, self.feature_major, self.grad_inputs,
                self.grad_kernels):
            block, features, width = grad[:, low:high], kernel.shape[0], high - low
            if grad_x is not None and feature_major:
                torch.bmm(kernel.expand(k, features, width), block, out=grad_x[start:stop])
            elif grad_x is not None:
                torch.bmm(block.transpose(1, 2), kernel.t().expand(k, width, features),
                          out=grad_x[start:stop])
            if grad_kernel is not None:
                grad_kernel += torch.bmm(block, _time_major(x)[start:stop]).sum(0)
        if self.grad_bias is not None:
            self.grad_bias += grad.sum((0, 2))

    def gradients(self):
        """The gradients of the pairs (flattened, as given: the inputs' as ``(batch, steps,
        features)`` views) and of the bias, None where not asked for."""
        grads = []
        for grad_x, feature_major, grad_kernel in zip(self.grad_inputs, self.feature_major,
                                                      self.grad_kernels):
            if grad_x is not None:
                grad_x = grad_x.permute(2, 0, 1) if feature_major else grad_x.transpose(0, 1)
            grads += [grad_x, None if grad_kernel is None else grad_kernel.t()]
        return grads, self.grad_bias

    @property
    def steps(self):
        return self.inputs[0].shape[1]

    @property
    def batch(self):
        return self.inputs[0].shape[0]
