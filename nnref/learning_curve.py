"""The learning curve of ``nnref train``: cost and accuracy per epoch, one PNG.

    left   cost per epoch (train, and test when there is a test set); a log axis when the curve
           spans more than a factor of 10 (spikes would flatten the rest)
    right  accuracy per epoch: the training set in inference mode at the end of each epoch when
           recorded (``train_accuracy_inference``), else the mean over the epoch's steps
           (training mode), labelled as such; the test set in inference mode
Curves of few epochs get a marker on every point (a one-epoch "curve" is a single dot).
Matplotlib's object API with the Agg canvas: no pyplot, no global backend switch, no window.
"""
from __future__ import annotations

import os

LOG_RATIO = 10.0      # cost max/min above which the cost axis is logarithmic
MARKER_EPOCHS = 30    # curves with at most this many epochs get markers


def cost_axis_scale(losses) -> str:
    """"log" when every cost is > 0 and the largest is more than LOG_RATIO times the smallest."""
    values = [v for v in losses if v == v]                 # NaN-free
    if values and min(values) > 0 and max(values) > LOG_RATIO * min(values):
        return "log"
    return "linear"


def plot_history(history: dict, path: str | os.PathLike, title: str):
    """Draw ``history`` (lists per key: "loss", "accuracy", "val_loss", "val_accuracy",
    optionally "train_accuracy_inference") and write it atomically to ``path`` as a PNG.

    Returns the ``Figure``. ValueError when there is no epoch to draw.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    from nnref._files import atomic_write

    n = len(history.get("loss", []))
    if n == 0:
        raise ValueError("history has no epoch to plot. Received: 0 epochs")
    epochs = range(1, n + 1)
    style = {"marker": "o", "markersize": 4} if n <= MARKER_EPOCHS else {}
    fig = Figure(figsize=(10, 4), layout="constrained")
    FigureCanvasAgg(fig)
    ax_cost, ax_acc = fig.subplots(1, 2)
    ax_cost.plot(epochs, history["loss"], label="train (during the epoch)", **style)
    if "val_loss" in history:
        ax_cost.plot(epochs, history["val_loss"], label="test (inference mode)", **style)
    ax_cost.set_yscale(cost_axis_scale(history["loss"] + history.get("val_loss", [])))
    ax_cost.set(xlabel="epoch", ylabel="cost", title="cost")
    if "train_accuracy_inference" in history:
        ax_acc.plot(epochs, history["train_accuracy_inference"], label="train (inference mode)", **style)
    elif "accuracy" in history:
        ax_acc.plot(epochs, history["accuracy"], label="train (during the epoch, training mode)", **style)
    if "val_accuracy" in history:
        ax_acc.plot(epochs, history["val_accuracy"], label="test (inference mode)", **style)
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy", ylim=(0, 1))
    for ax in (ax_cost, ax_acc):
        ax.legend()
        ax.grid(alpha=0.3, which="both")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))   # epochs are whole numbers
    fig.suptitle(title)
    atomic_write(path, lambda f: fig.savefig(f, format="png", dpi=100), binary=True)
    return fig
