"""The course's data sets in the course's layout (one example per column, labels as rows).

- ``load_planar_dataset``: course 1 week 3's 2-class "flower", generated as ``planar_utils`` does;
- ``make_circles`` / ``make_moons``: the course's ``sklearn.datasets`` draws (scikit-learn's
  algorithm on NumPy's global generator, so ``np.random.seed`` before them reproduces the
  course's data sets without scikit-learn), batch-first as scikit-learn returns them;
- ``catvnoncat`` / ``image_set_course_layout``: the batch-first image loaders of
  :mod:`nnref.datasets` with the course's ``load_dataset()`` label rows.
"""
from __future__ import annotations

import numpy as np

from nnref import datasets

__all__ = ["load_planar_dataset", "make_circles", "make_moons", "catvnoncat",
           "image_set_course_layout"]


def load_planar_dataset():
    """The course's 2-class "flower": X (2, 400) float64, Y (1, 400) uint8.

    Exactly the course's ``planar_utils.load_planar_dataset``: ``np.random.seed(1)``; for class
    j = 0, 1, N = 200 points with angle t = linspace(3.12·j, 3.12·(j + 1), N) + 0.2·randn and
    radius r = a·sin(4t) + 0.2·randn (a = 4), at (r·sin t, r·cos t).
    """
    np.random.seed(1)
    m = 400                                    # number of examples
    N = int(m / 2)                             # points per class
    D = 2                                      # dimensionality
    X = np.zeros((m, D))                       # one example per row (transposed at the end)
    Y = np.zeros((m, 1), dtype="uint8")        # 0 for red, 1 for blue
    a = 4                                      # maximum ray of the flower
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2   # theta
        r = a * np.sin(4 * t) + np.random.randn(N) * 0.2                           # radius
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X.T, Y.T                            # (2, m), (1, m)


def _shuffle_and_noise(X, y, noise):
    """scikit-learn's ``shuffle`` then Gaussian noise, on NumPy's global generator."""
    indices = np.arange(X.shape[0])
    np.random.shuffle(indices)
    X, y = X[indices], y[indices]
    X += np.random.normal(scale=noise, size=X.shape)
    return X, y


def make_circles(n_samples, noise, factor=0.8):
    """``sklearn.datasets.make_circles(n_samples, noise=noise)`` drawn from ``np.random``.

    Returns X (n_samples, 2), y (n_samples,): an outer circle (label 0) and an inner one of
    radius ``factor`` (label 1), shuffled, plus N(0, noise²) noise.
    """
    n_out = n_samples // 2
    n_in = n_samples - n_out
    lin_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    lin_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack([np.append(np.cos(lin_out), np.cos(lin_in) * factor),
                   np.append(np.sin(lin_out), np.sin(lin_in) * factor)]).T
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    return _shuffle_and_noise(X, y, noise)


def make_moons(n_samples, noise):
    """``sklearn.datasets.make_moons(n_samples, noise=noise)`` drawn from ``np.random``.

    Returns X (n_samples, 2), y (n_samples,): two interleaving half circles, shuffled, plus noise.
    """
    n_out = n_samples // 2
    n_in = n_samples - n_out
    X = np.vstack([np.append(np.cos(np.linspace(0, np.pi, n_out)),
                             1 - np.cos(np.linspace(0, np.pi, n_in))),
                   np.append(np.sin(np.linspace(0, np.pi, n_out)),
                             1 - np.sin(np.linspace(0, np.pi, n_in)) - 0.5)]).T
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    return _shuffle_and_noise(X, y, noise)


def image_set_course_layout(loader, path):
    """A batch-first image loader's output in the layout of the course's ``load_dataset()``:
    images as stored (m, 64, 64, 3), labels as rows (1, m)."""
    x_train, y_train, x_test, y_test, classes = loader(path)
    return (x_train, y_train.reshape(1, -1), x_test, y_test.reshape(1, -1), classes)


def catvnoncat(path=None):
    """``(train_set_x_orig, train_set_y, test_set_x_orig, test_set_y, classes)`` as the course's
    ``load_dataset()`` / ``load_data()``: uint8 (209, 64, 64, 3), int (1, 209), uint8 (50, 64, 64, 3),
    int (1, 50), ``[b'non-cat', b'cat']``."""
    return image_set_course_layout(datasets.load_catvnoncat, path)
