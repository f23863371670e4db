"""Keras-like layers (batch-first): Dense, Activation, Softmax, Dropout, BatchNormalization."""
from nnref.layers.activation import Activation, Softmax
from nnref.layers.base import Layer
from nnref.layers.batch_normalization import BatchNormalization
from nnref.layers.dense import Dense
from nnref.layers.dropout import Dropout

__all__ = ["Activation", "BatchNormalization", "Dense", "Dropout", "Layer", "Softmax"]
