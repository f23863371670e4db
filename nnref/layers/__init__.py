"""Keras-like layers (batch-first): Dense, Activation, Softmax, Dropout, BatchNormalization,
and Input (``keras.Input``)."""
from nnref.layers.activation import Activation, Softmax
from nnref.layers.base import Layer
from nnref.layers.batch_normalization import BatchNormalization
from nnref.layers.dense import Dense
from nnref.layers.dropout import Dropout
from nnref.layers.input import Input, InputLayer

__all__ = ["Activation", "BatchNormalization", "Dense", "Dropout", "Input", "InputLayer", "Layer",
           "Softmax"]
