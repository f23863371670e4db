"""Gradient checks on SIGNS (float64, the first 32 training examples), timed.

- directional: the whole 12288-25-12-6 model (all 307,615 weights at once), 3 random
  directions, ``gradcheck.check_model(..., max_coords=0)`` (no coordinate is perturbed alone);
- sampled: the same model, up to 100 coordinates of each weight array checked one by one
  (``max_coords=100``), plus 1 direction;
- full: every coordinate of a smaller 256-25-12-6 model on the first 256 features (6,815
  weights), plus 1 direction.
Each reports its wall time and the largest relative difference.
"""
from __future__ import annotations

import statistics
import time

import workload

BATCH = 32
SMALL_FEATURES = 256
CHECKS = {
    # name: (input width, max_coords, directions, repeated)
    "directional": (12288, 0, 3, True),
    "sampled": (12288, 100, 1, True),
    "full": (SMALL_FEATURES, None, 1, False),
}


def run(repeats: int = 3) -> dict:
    from nnref import gradcheck

    xs, y = workload.load_signs("float64")
    x, y = xs["float64"][:BATCH], y[:BATCH]
    results = {}
    for name, (width, max_coords, directions, repeated) in CHECKS.items():
        model = workload.nnref_model("float64", input_dim=width)
        seconds, checks = [], None
        for _ in range(repeats if repeated else 1):
            started = time.perf_counter()
            checks = gradcheck.check_model(model, x[:, :width], y, max_coords=max_coords,
                                           directions=directions)
            seconds.append(time.perf_counter() - started)
        coordinate = [c for c in checks if not c.name.startswith("direction")]
        results[name] = {
            "model": f"{width}-25-12-6",
            "weights": model.count_params(),
            "coordinates_checked": sum(c.checked for c in coordinate),
            "directions": directions,
            "seconds": statistics.median(seconds),
            "max_relative_difference": max(c.relative_difference for c in checks),
        }
    return results
