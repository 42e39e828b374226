"""The input projections of a recurrent layer, ``W^T x_t + b`` for every step, straight into
the sequence kernels' feature-major layout ``(steps, width, batch)``.

One batched product over the steps reads ``x`` ``(batch, steps, features)`` in whatever
layout it has (a NumPy batch, an embedding lookup, or the feature-major outputs of a recurrent
layer below, which it reads without a copy); its hand-written backward pass gives the
gradient of ``x`` in the layout that costs no copy: feature-major for the outputs of a
recurrent layer (whose kernel then reads its output gradient as it stands), time-major
otherwise (an embedding's backward pass reads that with one cheap row copy), where torch's
own product would have made a transposing copy of ``x``'s gradient.

Example:
    >>> x, kernel = torch.ones(2, 5, 3), torch.ones(3, 8)
    >>> sequence_projection(x, kernel, torch.zeros(8)).shape
    torch.Size([5, 8, 2])
"""
import torch


def _feature_major(x):
    """``x`` ``(batch, steps, features)`` seen as ``(steps, features, batch)``."""
    return x.permute(1, 2, 0)


class _SequenceProjection(torch.autograd.Function):

    @staticmethod
    def forward(ctx, x, kernel):
        x, kernel = x.detach(), kernel.detach()
        steps, (features, width) = x.shape[1], kernel.shape
        ctx.save_for_backward(x, kernel)
        return torch.bmm(kernel.t().expand(steps, width, features), _feature_major(x))

    @staticmethod
    def backward(ctx, grad):
        x, kernel = ctx.saved_tensors
        steps, (features, width) = x.shape[1], kernel.shape
        grad_x = grad_kernel = None
        if ctx.needs_input_grad[0]:
            if _feature_major(x).is_contiguous():
                grad_x = torch.bmm(kernel.expand(steps, features, width), grad).permute(2, 0, 1)
            else:
                grad_x = torch.bmm(grad.transpose(1, 2), kernel.t().expand(steps, width, features))
                grad_x = grad_x.transpose(0, 1)
        if ctx.needs_input_grad[1]:
            grad_kernel = torch.bmm(grad, x.transpose(0, 1)).sum(0).t()
        return grad_x, grad_kernel


def sequence_projection(x, kernel, bias=None):
    """``W^T x_t + b`` for every step ``t``, feature-major.

    Args:
        x: the inputs ``(batch, steps, features)``, any layout.
        kernel: ``W``, ``(features, width)``.
        bias: ``b``, ``(width,)``, or None.

    Returns:
        A contiguous ``(steps, width, batch)`` tensor that nothing else reads, which the
        sequence kernels may take as their workspace.
    """
    projections = _SequenceProjection.apply(x, kernel)
    # in place: the product's backward pass does not read its output
    return projections if bias is None else projections.add_(bias.unsqueeze(1))
