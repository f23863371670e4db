"""The one backward loop of the course's networks: LINEAR → RELU layers under any output layer.

Every course backward pass (course 1 week 4's ``L_model_backward``, the 3-layer networks of
course 2's ``init_utils``/``reg_utils``/``opt_utils``, the regularization and gradient-checking
assignments, the TensorFlow assignment's gradients) is this loop, in the shape of
scikit-learn's ``MLPClassifier._backprop``: the caller computes the output layer's ``dZ``, the
loop walks the layers back::

    for l = L, ..., 1:
        dW[l]   = scale·dZ[l]·A[l-1]ᵀ  (+ weight_grad(W[l]))      (n_l, n_{l-1})
        db[l]   = scale·Σ_i dZ[l][:, i]                          (n_l, 1)
        dA[l-1] = W[l]ᵀ·dZ[l]                                    (n_{l-1}, m)
        dA[l-1] = through_dA(l - 1, dA[l-1])   (dropout's mask)  (n_{l-1}, m)
        dZ[l-1] = dA[l-1] ⊙ [Z[l-1] > 0]       (relu')           (n_{l-1}, m)

The hooks are where the course's assignments differ:

- ``scale``, where 1/m goes: course 1 and the graded course 2 functions pass the unscaled
  ``dZ = A − Y`` and ``scale = 1/m``; the course 2 utility files fold 1/m into ``dz3`` and pass
  ``scale = 1``; the TensorFlow assignment's total loss has no 1/m at all (``scale = 1``).
- ``through_dA``: dropout's ``dA ⊙ D / keep_prob`` on a hidden layer's gradient.
- ``weight_grad``: a term added to every dW (the L2 gradient ``(λ/m)·W``).
- ``hidden_backward``: another hidden activation than relu (course 1 week 3's tanh).

Each (dW, db, dA_prev) triple is :func:`nnref.course.layout.linear_backward`, the dense
kernel on transposed views.
"""
from __future__ import annotations

from nnref.course import layout
from nnref.functional import activations


def backward(dZ, layers, *, scale, through_dA=None, weight_grad=None, hidden_backward=None,
             compute_dA0=True):
    """Gradients of every layer from the output layer's ``dZ`` down to the input.

    Args:
        dZ: (n_L, m), ∂J/∂Z[L] of the output layer (before ``scale``).
        layers: for l = 1, ..., L the triple ``(A[l-1], W[l], Z[l])``: (n_{l-1}, m),
            (n_l, n_{l-1}), (n_l, m). ``Z[l]`` of the hidden layers feeds relu'.
        scale: a Python float multiplying dW and db (1/m or 1, see the module notes).
        through_dA: ``(l, dA) -> dA`` applied to each hidden layer's dA[l] before relu', or None.
        weight_grad: ``W -> array`` added to each dW[l], or None.
        hidden_backward: ``(l, dA) -> dZ`` for hidden layers that are not relu (course 1 week 3's
            tanh: ``dA ⊙ (1 − A[l]²)``), or None for relu'(Z[l]).
        compute_dA0: False leaves out ``dA0`` = ∂J/∂X (a training loop never uses it, and for
            image inputs it costs as much as the first layer's forward product).
    Returns:
        A dict, in the order the course's 3-layer functions write it: ``dZ{L}``, ``dW{L}``,
        ``db{L}``, ``dA{L-1}``, ``dZ{L-1}``, ..., ``dW1``, ``db1`` (and ``dA0``).
    """
    grads = {}
    for l in reversed(range(1, len(layers) + 1)):
        A_prev, W, _ = layers[l - 1]
        grads["dZ" + str(l)] = dZ                                            # (n_l, m)
        dA_prev, dW, db = layout.linear_backward(dZ, A_prev, W, scale,
                                                 compute_dA_prev=compute_dA0 or l > 1)
        if weight_grad is not None:
            dW = dW + weight_grad(W)                                         # (n_l, n_{l-1})
        grads["dW" + str(l)], grads["db" + str(l)] = dW, db                  # db: (n_l, 1)
        if l == 1:
            if compute_dA0:
                grads["dA0"] = dA_prev                                       # (n_x, m)
            break
        if through_dA is not None:
            dA_prev = through_dA(l - 1, dA_prev)
        grads["dA" + str(l - 1)] = dA_prev                                   # (n_{l-1}, m)
        if hidden_backward is None:
            dZ = activations.relu_backward(dA_prev, layers[l - 2][2], None)  # (n_{l-1}, m)
        else:
            dZ = hidden_backward(l - 1, dA_prev)                             # (n_{l-1}, m)
    return grads
