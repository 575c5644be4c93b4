"""BD-09, the datum of Baidu maps (GCJ-02 with a further offset), to and from GCJ-02.

No maintained library covers it (see geo/gcj02.py); the public formula is written out here, vectorised with
numpy. Forward: GCJ-02 -> BD-09. Inverse: fixed-point iteration on the forward formula, to below 1e-9
degree, as for GCJ-02 (the usual one-step inverse is off by up to about 1e-6 degree, 0.1 m).
"""

from __future__ import annotations

import numpy as np

_X_PI = np.pi * 3000.0 / 180.0


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    target_lon, target_lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    x, y = target_lon - 0.0065, target_lat - 0.006
    for _ in range(30):
        fx, fy = gcj02_to_bd09(x, y)
        ex, ey = fx - target_lon, fy - target_lat
        x, y = x - ex, y - ey
        if max(np.abs(ex).max(initial=0), np.abs(ey).max(initial=0)) < 1e-9:
            break
    return x, y
