"""BD-09, the datum of Baidu maps (GCJ-02 with a further offset), to and from GCJ-02.

No maintained library covers it (see geo/gcj02.py); the public formula is written out here, vectorised with
numpy. Forward: GCJ-02 -> BD-09. Inverse: fixed-point iteration on the forward formula, to below 1e-9
degree, as for GCJ-02 (the usual one-step inverse is off by up to about 1e-6 degree, 0.1 m).
"""

from __future__ import annotations

import numpy as np

from geo.gcj02 import invert

_X_PI = np.pi * 3000.0 / 180.0


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    return invert(gcj02_to_bd09, lon, lat, shift=(0.0065, 0.006))
