"""Training callbacks with Keras 3's hooks, arguments and rules (one module per callback).

See ``nnref.callbacks.base`` for the order in which ``fit``, ``evaluate`` and ``predict`` call
the hooks, and docs/keras.md for what differs from Keras.
"""
from nnref.callbacks.backup_and_restore import BackupAndRestore
from nnref.callbacks.base import Callback, CallbackList
from nnref.callbacks.csv_logger import CSVLogger
from nnref.callbacks.early_stopping import EarlyStopping
from nnref.callbacks.history import History
from nnref.callbacks.lambda_callback import LambdaCallback
from nnref.callbacks.learning_rate_scheduler import LearningRateScheduler
from nnref.callbacks.model_checkpoint import ModelCheckpoint
from nnref.callbacks.monitor import MonitorCallback
from nnref.callbacks.progbar_logger import ProgbarLogger
from nnref.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from nnref.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = ["BackupAndRestore", "CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History",
           "LambdaCallback", "LearningRateScheduler", "ModelCheckpoint", "MonitorCallback",
           "ProgbarLogger", "ReduceLROnPlateau", "TerminateOnNaN"]
