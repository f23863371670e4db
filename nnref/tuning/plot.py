"""Metric against each searched hyperparameter, one panel each, on the space's own scale.

    LogUniform          x = value,      log axis      (α: equal width per decade)
    OneMinusLogUniform  x = 1 − value,  log axis      (β: 0.9, 0.99, 0.999 equally spaced)
    Uniform, IntUniform x = value,      linear axis
    Choice              x = option index, labelled with the options

Successful trials are dots, the best one a star; failed trials are not drawn (their count is in
the title). Matplotlib is imported here only, through its object API with the Agg canvas: no
pyplot, no global backend switch, no window.
"""
from __future__ import annotations

import math
import os

from nnref.tuning.spaces import Choice, same_value, searched


def _x(dim, value):
    if isinstance(dim, Choice):
        return next(i for i, option in enumerate(dim.options) if same_value(option, value))
    return 1.0 - value if dim.scale == "one_minus_log" else value


def plot_search(result, path: str | os.PathLike | None = None):
    """Draw ``result`` (a ``SearchResult``); write it atomically to ``path`` (PNG, SVG, PDF...).

    Returns the matplotlib ``Figure`` (one ``Axes`` per searched hyperparameter, in space order).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    dims = searched(result.space)
    if not dims:
        raise ValueError("the search space has no sampled hyperparameter to plot. "
                         f"Received: space={result.space!r}")
    ok, best = result.succeeded, result.best
    cols = min(3, len(dims))
    rows = math.ceil(len(dims) / cols)
    fig = Figure(figsize=(4.2 * cols, 3.4 * rows), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, (name, dim) in zip(axes, dims.items()):
        xs = [_x(dim, t.config[name]) for t in ok]
        ax.scatter(xs, [t.metrics[result.metric] for t in ok], s=18, alpha=0.75, label="trial")
        if best is not None:
            ax.scatter([_x(dim, best.config[name])], [best.metrics[result.metric]], marker="*",
                       s=160, color="tab:red", label=f"best (trial {best.trial_id})")
        if dim.scale in ("log", "one_minus_log"):
            ax.set_xscale("log")
        if isinstance(dim, Choice):
            ax.set_xticks(range(len(dim.options)), [str(o) for o in dim.options])
        ax.set_xlabel(f"1 − {name}" if dim.scale == "one_minus_log" else name)
        ax.set_ylabel(result.metric)
        ax.grid(True, which="both", alpha=0.3)
    for ax in axes[len(dims):]:
        ax.set_visible(False)
    axes[0].legend(fontsize="small")
    fig.suptitle(f"{result.metric} ({result.mode}) — {len(ok)} trials"
                 + (f", {len(result.failed)} failed" if result.failed else ""))
    if path is not None:
        from nnref.tuning.results import atomic_write

        fmt = os.path.splitext(os.fspath(path))[1].lstrip(".") or "png"
        atomic_write(path, lambda f: fig.savefig(f, format=fmt, dpi=110), binary=True)
    return fig
