"""Persistent random processes, vectorised with numpy: AR(1) series and multiplicative noise."""

from __future__ import annotations

import math

import numpy as np

# Largest weight growth phi**-k allowed inside one block of the blocked AR(1) filter.
_MAX_BLOCK_GAIN = 1e10
_MAX_BLOCK_LEN = 4096


def ar1_filter(innovations: np.ndarray, phi: float) -> np.ndarray:
    """Solve x[t] = phi * x[t-1] + e[t] along the last axis, with x[-1] = 0.

    The recursion is solved in blocks: inside a block by a weighted cumulative sum, across
    blocks by carrying the last state, so the Python loop runs once per block, not per step.

    Args:
        innovations: e, any shape; the recursion runs along the last axis.
        phi: the lag-1 coefficient, 0 <= phi < 1.

    Example:
        >>> ar1_filter(np.array([1.0, 0.0, 0.0]), 0.5).tolist()
        [1.0, 0.5, 0.25]
    """
    e = np.asarray(innovations, dtype=float)
    if not 0.0 <= phi < 1.0:
        raise ValueError(f"phi must be in [0, 1), got {phi}")
    if phi == 0.0 or e.shape[-1] == 0:
        return e.copy()
    n_steps = e.shape[-1]
    block = int(min(_MAX_BLOCK_LEN, max(1, math.floor(math.log(_MAX_BLOCK_GAIN) / -math.log(phi)))))
    n_blocks = -(-n_steps // block)
    lead = e.shape[:-1]
    padded = np.zeros((*lead, n_blocks * block))
    padded[..., :n_steps] = e
    x = padded.reshape(*lead, n_blocks, block)
    k = np.arange(block, dtype=float)
    out = np.cumsum(x * phi**-k, axis=-1) * phi**k
    carry_gain = phi ** (k + 1.0)
    carry = np.zeros(lead)
    for b in range(n_blocks):
        out[..., b, :] += carry[..., None] * carry_gain
        carry = out[..., b, -1]
    return out.reshape(*lead, n_blocks * block)[..., :n_steps]


def phi_for(tau_h: float, step_h: float) -> float:
    """AR(1) coefficient for an e-folding time ``tau_h`` at a step of ``step_h`` hours."""
    return math.exp(-step_h / tau_h) if tau_h > 0 else 0.0


def ar1_gaussian(
    rng: np.random.Generator,
    n_steps: int,
    tau_h: float,
    step_h: float,
    sd: float | np.ndarray = 1.0,
) -> np.ndarray:
    """A stationary Gaussian AR(1) series with e-folding time ``tau_h`` and (time-varying) SD.

    The first value is drawn from the stationary distribution, so there is no spin-up.
    """
    phi = phi_for(tau_h, step_h)
    z = rng.standard_normal(n_steps)
    z[1:] *= math.sqrt(1.0 - phi * phi)
    return ar1_filter(z, phi) * sd


def lognormal_factor(gaussian: np.ndarray, sigma: float | np.ndarray) -> np.ndarray:
    """Multiplicative factor exp(sigma*z - sigma²/2) with mean 1 for a unit Gaussian ``z``."""
    return np.exp(sigma * gaussian - 0.5 * np.square(sigma))


def seasonal_cosine(day_of_year: np.ndarray, winter: float, summer: float) -> np.ndarray:
    """A value that peaks at ``winter`` on 15 January and reaches ``summer`` mid-July."""
    mid = 0.5 * (winter + summer)
    half = 0.5 * (winter - summer)
    return mid + half * np.cos(2.0 * np.pi * (np.asarray(day_of_year) - 15.0) / 365.0)


def compound_events(
    rng: np.random.Generator, expected: np.ndarray, mean_event: float, shape: float = 1.5
) -> np.ndarray:
    """Consumption as a sum of discrete events (showers, flushes, burners).

    The number of events per interval is Poisson with mean ``expected / mean_event``; each
    event is Gamma(shape) distributed with mean ``mean_event``. The expectation equals
    ``expected``; intervals with no event are exactly zero, as on a real meter.
    """
    lam = np.maximum(np.asarray(expected, dtype=float), 0.0) / mean_event
    counts = rng.poisson(lam)
    return rng.gamma(counts * shape, mean_event / shape)
