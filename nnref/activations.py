"""Activations by name: ``get(name)`` returns the (forward, backward) pair.

The formulas live in ``nnref.functional.activations``; this module is the public registry.
"""
from nnref.functional.activations import (ACTIVATIONS, Activation, get, leaky_relu, linear, relu,
                                          sigmoid, softmax, softplus, tanh)

__all__ = ["ACTIVATIONS", "Activation", "get", "leaky_relu", "linear", "relu", "sigmoid",
           "softmax", "softplus", "tanh"]
