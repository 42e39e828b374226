"""``keras.backend`` differentiation: ``gradients`` (real or symbolic) and ``stop_gradient``.

Example:
    >>> from cornu import backend as K
    >>> x = torch.tensor([1., 2.], requires_grad=True)
    >>> K.gradients(K.sum(K.square(x)), [x])[0]
    tensor([2., 4.], grad_fn=<MulBackward0>)
"""
import torch

from cornu.backend.coercion import to_tensor
from cornu.graph.keras_tensor import KerasTensor
from cornu.graph.op_layer import GradientOp, gradients_of, has_symbolic, symbolic_call


def gradients(loss, variables):
    """Gradients of ``loss`` (summed if not a scalar) with respect to each variable.

    On symbolic tensors the result is symbolic: run it with ``K.function``. Variables may be model
    inputs, intermediate layer outputs or weights. A variable the loss does not depend on gets
    zeros.

    Args:
        loss: a tensor.
        variables: a tensor or list of tensors.

    Returns:
        A list with one gradient per variable.

    Example:
        >>> grads = K.gradients(K.mean(model.output), model.input)[0]
        >>> f = K.function([model.input], [grads])
    """
    variables = list(variables) if isinstance(variables, (list, tuple)) else [variables]
    if isinstance(loss, KerasTensor):
        layer = GradientOp(loss, variables)
        return layer(layer.symbolic_inputs)
    if has_symbolic(variables):
        raise ValueError("gradients(loss, variables): the loss is a computed tensor but some "
                         "variables are symbolic; build the loss from the same symbolic "
                         "tensors (or pass real tensors for both).")
    return gradients_of(loss, variables, create_graph=torch.is_grad_enabled())


def stop_gradient(variables):
    """The same values, seen by gradients as constants.

    Args:
        variables: a tensor or a list of tensors.
    """
    if isinstance(variables, (list, tuple)):
        return [stop_gradient(v) for v in variables]
    if isinstance(variables, KerasTensor):
        return symbolic_call(stop_gradient, variables)
    return to_tensor(variables).detach()
