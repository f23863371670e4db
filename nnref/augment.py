"""Image augmentation for training: random flips, quarter turns and small rotations, in NumPy.

Every transform has the signature ``transform(images, rng) -> images`` that ``fit(...,
augment=...)`` calls once per mini-batch. ``images`` is a batch ``(m, H, W, C)``; the
transforms never modify it in place and return the same shape and dtype. Each image is
transformed independently with probability ``p``.

    from functools import partial
    augment = Compose([flip_left_right, partial(random_rotation, max_degrees=10)],
                      image_shape=(64, 64, 3))         # also takes flattened (m, 12288) batches
    augment = RandomAugment(flip=0.5, max_degrees=10, image_shape=(64, 64, 3), seed=0)

Angles are counter-clockwise as the image is displayed (row 0 at the top), about the image
centre, as ``np.rot90``. Keras's ``RandomRotation`` takes its factor as a fraction of 2π and
fills with ``"reflect"`` by default; here angles are in degrees and the fill is ``"constant"``
(``fill_value``, default 0) or ``"nearest"``.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import partial
from numbers import Integral

import numpy as np

from nnref._checks import check_choice, check_int, check_real
from nnref.data import as_rng

Transform = Callable[[np.ndarray, np.random.Generator], np.ndarray]


# ----------------------------------------------------------------------------- checks
def _check_images(images) -> np.ndarray:
    if not isinstance(images, np.ndarray):
        raise TypeError(f"images must be a numpy.ndarray. Received: images of type {type(images).__name__}")
    if images.ndim != 4:
        raise ValueError("images must have shape (m, H, W, C); for flattened (m, H·W·C) batches use "
                         f"Compose(..., image_shape=(H, W, C)). Received: images.shape={images.shape}")
    if images.dtype.kind not in "fiu":
        raise ValueError(f"images must be numeric. Received: images.dtype={images.dtype}")
    return images


def _check_p(p, name: str = "p") -> float:
    return check_real(name, p, low=0, high=1, expected="a probability in [0, 1]")


def _check_max_degrees(max_degrees) -> float:
    return check_real("max_degrees", max_degrees, low=0, high=180)


def _check_fill(fill_mode, fill_value) -> None:
    check_choice("fill_mode", fill_mode, ("constant", "nearest"))
    check_real("fill_value", fill_value)


def _selected(rng: np.random.Generator, m: int, p: float) -> np.ndarray:
    """(m,) bool: which images get the transform (``u < p``, u ~ U[0, 1))."""
    return rng.random(m) < p


# ----------------------------------------------------------------------------- transforms
def flip_left_right(images: np.ndarray, rng=None, *, p: float = 0.5) -> np.ndarray:
    """Mirror each image left-right (``images[:, :, ::-1]``) with probability ``p``.

    Args:
        images: ``(m, H, W, C)``; rng: Generator, int seed or None; p: in [0, 1].
    Returns:
        ``(m, H, W, C)``, same dtype, a new array.
    """
    images, p = _check_images(images), _check_p(p)
    flip = _selected(as_rng(rng, "rng"), images.shape[0], p)  # (m,)
    return np.where(flip[:, None, None, None], images[:, :, ::-1], images)


def rot90(images: np.ndarray, rng=None, *, p: float = 0.5, k: int | None = None) -> np.ndarray:
    """Rotate each image by a multiple of 90° counter-clockwise with probability ``p``.

    The number of quarter turns is ``k`` if given (any int; ``np.rot90``'s meaning), else drawn
    uniformly from {1, 2, 3} per image. Odd turns swap H and W, so they need square images.

    Args:
        images: ``(m, H, W, C)``; rng: Generator, int seed or None; p: in [0, 1].
    Returns:
        ``(m, H, W, C)``, same dtype, a new array.
    """
    images, p = _check_images(images), _check_p(p)
    check_int("k", k, low=None, allow_none=True)
    if images.shape[1] != images.shape[2] and (k is None or k % 2):
        raise ValueError(f"rot90 by an odd number of quarter turns needs square images. "
                         f"Received: images.shape={images.shape}")
    rng = as_rng(rng, "rng")
    m = images.shape[0]
    chosen = _selected(rng, m, p)  # (m,)
    turns = np.full(m, k % 4) if k is not None else rng.integers(1, 4, size=m)  # (m,) in {0..3}
    turns = np.where(chosen, turns, 0)
    out = images.copy()
    for t in (1, 2, 3):
        sel = turns == t
        if sel.any():
            out[sel] = np.rot90(images[sel], t, axes=(1, 2))
    return out


_rot90 = rot90  # for RandomAugment, whose `rot90` argument shadows this function


def rotate(images: np.ndarray, degrees, *, fill_mode: str = "constant",
           fill_value: float = 0.0) -> np.ndarray:
    """Rotate image i by ``degrees[i]`` counter-clockwise about its centre, bilinear interpolation.

    Output pixel (r, c) samples the input at the inverse rotation of its offset from the centre
    ``(cy, cx) = ((H−1)/2, (W−1)/2)``, with ``x = c − cx``, ``y = cy − r`` (y up) and θ in radians:

        x_in = cos θ · x + sin θ · y,        c_in = cx + x_in
        y_in = −sin θ · x + cos θ · y,       r_in = cy − y_in
        out = Σ over the 4 neighbours (r0 + i, c0 + j) of (1 − |r_in − r|)(1 − |c_in − c|) · image

    Neighbours outside the image count as ``fill_value`` (``fill_mode="constant"``) or as the
    nearest edge pixel (``"nearest"``). θ = 0 returns the images exactly; θ = 90° equals
    ``np.rot90`` up to rounding of cos 90° ≈ 6e-17.

    Args:
        images: ``(m, H, W, C)``; degrees: a number or ``(m,)``.
    Returns:
        ``(m, H, W, C)`` in the images' dtype (integer images are rounded and clipped).
    """
    images = _check_images(images)
    _check_fill(fill_mode, fill_value)
    m, H, W, _ = images.shape
    theta = np.broadcast_to(np.radians(np.asarray(degrees, dtype=np.float64)), (m,))  # (m,)
    if not np.all(np.isfinite(theta)):
        raise ValueError(f"degrees must be finite. Received: degrees={degrees!r}")
    cos, sin = np.cos(theta)[:, None, None], np.sin(theta)[:, None, None]  # (m, 1, 1)
    cy, cx = (H - 1) / 2, (W - 1) / 2
    y = cy - np.arange(H, dtype=np.float64)[None, :, None]  # (1, H, 1)
    x = np.arange(W, dtype=np.float64)[None, None, :] - cx  # (1, 1, W)
    c_in = cx + (cos * x + sin * y)  # (m, H, W)
    r_in = cy - (-sin * x + cos * y)  # (m, H, W)
    if fill_mode == "nearest":
        r_in, c_in = np.clip(r_in, 0, H - 1), np.clip(c_in, 0, W - 1)
    r0, c0 = np.floor(r_in), np.floor(c_in)
    fr, fc = r_in - r0, c_in - c0  # fractional offsets in [0, 1)
    r0, c0 = r0.astype(np.intp), c0.astype(np.intp)
    work = images.dtype if images.dtype.kind == "f" else np.dtype(np.float64)
    batch = np.arange(m)[:, None, None]  # (m, 1, 1)
    out = np.zeros(images.shape, dtype=work)
    for dr, dc, weight in ((0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc),
                           (1, 0, fr * (1 - fc)), (1, 1, fr * fc)):
        rr, cc = r0 + dr, c0 + dc  # (m, H, W)
        inside = (rr >= 0) & (rr < H) & (cc >= 0) & (cc < W)
        pixels = images[batch, np.clip(rr, 0, H - 1), np.clip(cc, 0, W - 1)].astype(work, copy=False)
        pixels = np.where(inside[..., None], pixels, np.asarray(fill_value, dtype=work))  # (m, H, W, C)
        out += weight.astype(work)[..., None] * pixels
    if images.dtype.kind != "f":
        info = np.iinfo(images.dtype)
        out = np.clip(np.rint(out), info.min, info.max)
    return out.astype(images.dtype, copy=False)


def random_rotation(images: np.ndarray, rng=None, *, max_degrees: float, p: float = 1.0,
                    fill_mode: str = "constant", fill_value: float = 0.0) -> np.ndarray:
    """With probability ``p``, rotate each image by an angle drawn uniformly from
    ``[−max_degrees, max_degrees]`` (see ``rotate``); the others are returned exactly."""
    images, p = _check_images(images), _check_p(p)
    _check_max_degrees(max_degrees)
    _check_fill(fill_mode, fill_value)
    rng = as_rng(rng, "rng")
    m = images.shape[0]
    chosen = _selected(rng, m, p)  # (m,)
    angles = rng.uniform(-max_degrees, max_degrees, size=m) * chosen  # (m,), 0 when not chosen
    return rotate(images, angles, fill_mode=fill_mode, fill_value=fill_value)


# ----------------------------------------------------------------------------- pipelines
class Compose:
    """Apply ``transforms`` in order to each batch: ``x -> t_k(... t_1(x, rng) ..., rng)``.

    Args:
        transforms: callables ``(images (m, H, W, C), rng) -> images``.
        image_shape: ``(H, W, C)``; when given, batches may also be flattened ``(m, H·W·C)``
            (as fed to a Dense network) and are returned flattened.
        seed: int, Generator or None: the generator used when the call gives no ``rng``.
    """

    def __init__(self, transforms: Sequence[Transform], image_shape: tuple[int, ...] | None = None,
                 seed=None):
        transforms = list(transforms)
        for i, t in enumerate(transforms):
            if not callable(t):
                raise TypeError(f"transforms[{i}] must be callable (images, rng) -> images. Received: {t!r}")
        if image_shape is not None:
            image_shape = tuple(image_shape)
            if len(image_shape) != 3 or not all(isinstance(d, Integral) and d > 0 for d in image_shape):
                raise ValueError(f"image_shape must be (H, W, C) positive ints. Received: image_shape={image_shape!r}")
        self.transforms = transforms
        self.image_shape = image_shape
        self._rng = as_rng(seed)

    def __call__(self, x: np.ndarray, rng=None) -> np.ndarray:
        if not isinstance(x, np.ndarray):
            raise TypeError(f"x must be a numpy.ndarray. Received: x of type {type(x).__name__}")
        rng = self._rng if rng is None else as_rng(rng, "rng")
        flat = x.ndim == 2
        if flat:
            if self.image_shape is None or x.shape[1] != math.prod(self.image_shape):
                raise ValueError(f"a flattened batch (m, n) needs image_shape with H·W·C = n. "
                                 f"Received: x.shape={x.shape}, image_shape={self.image_shape}")
            x = x.reshape((x.shape[0], *self.image_shape))  # (m, H, W, C)
        elif self.image_shape is not None and x.ndim == 4 and x.shape[1:] != self.image_shape:
            raise ValueError(f"images must have shape (m, {', '.join(map(str, self.image_shape))}). "
                             f"Received: x.shape={x.shape}")
        for t in self.transforms:
            x = t(x, rng)
        return x.reshape(x.shape[0], -1) if flat else x  # (m, H*W*C) when given flattened

    def __repr__(self) -> str:
        return f"Compose({self.transforms!r}, image_shape={self.image_shape})"


class RandomAugment(Compose):
    """The usual recipe: flip left-right, quarter turns, small rotations, each with its probability.

    Args:
        flip: probability of a left-right flip. Defaults to 0.5.
        rot90: probability of a random quarter turn (1, 2 or 3). Defaults to 0 (off).
        max_degrees: largest rotation angle; 0 (default) turns rotation off.
        rotation: probability of a rotation when ``max_degrees > 0``. Defaults to 1.
        image_shape, seed: as ``Compose``. fill_mode, fill_value: as ``rotate``.
    """

    def __init__(self, flip: float = 0.5, rot90: float = 0.0, max_degrees: float = 0.0,
                 rotation: float = 1.0, *, image_shape: tuple[int, ...] | None = None, seed=None,
                 fill_mode: str = "constant", fill_value: float = 0.0):
        flip_p, rot90_p = _check_p(flip, "flip"), _check_p(rot90, "rot90")
        rotation_p = _check_p(rotation, "rotation")
        _check_max_degrees(max_degrees)
        _check_fill(fill_mode, fill_value)
        steps: list[Transform] = []  # partials of module functions: picklable
        if flip_p > 0:
            steps.append(partial(flip_left_right, p=flip_p))
        if rot90_p > 0:
            steps.append(partial(_rot90, p=rot90_p))
        if max_degrees > 0 and rotation_p > 0:
            steps.append(partial(random_rotation, max_degrees=max_degrees, p=rotation_p,
                                 fill_mode=fill_mode, fill_value=fill_value))
        super().__init__(steps, image_shape=image_shape, seed=seed)
        self.config = dict(flip=flip_p, rot90=rot90_p, max_degrees=max_degrees, rotation=rotation_p)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.config.items())
        return f"RandomAugment({args}, image_shape={self.image_shape})"
