"""Where to send the crew when several places explain a leak equally well.

The likelihood-ratio statistic of each candidate node (``locate.Whitened.glrt``) is turned into
a posterior over candidates: ``p(k) ∝ prior(k) · exp(stat(k) / 2)``, the prior being the number
of junctions a candidate stands for. When the sensors tell the places apart (Net3: loggers near
most pipes) the posterior is peaked and its best node is the likelihood's best. When they do not
(ky10: fifteen loggers on 430 km of main, where a leak of 20 m³/h lowers every pressure of a
zone by the same few metres through its tanks and pumps, and the local head loss is a few
centimetres), the posterior is flat over the zone, and the single node with the least expected
pipe distance to the leak (the posterior's graph median) is the honest point estimate: the
argmax would be a random pick among look-alikes. The confidence area is the smallest set of
candidates holding ``coverage`` of the posterior, with the junctions each stands for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from water.network import WaterNetwork

DEFAULT_COVERAGE = 0.8


def candidate_distances_m(network: WaterNetwork, candidates: Sequence[str]) -> np.ndarray:
    """(n, n) pipe distance (m) between candidates; unreachable pairs get twice the largest
    finite distance, so they are far but not infinite."""
    out = np.empty((len(candidates), len(candidates)))
    for i, a in enumerate(candidates):
        dist = network.distances_from(a)
        out[i] = [dist.get(b, np.inf) for b in candidates]
    finite = out[np.isfinite(out)]
    out[~np.isfinite(out)] = 2.0 * (finite.max() if finite.size else 1.0)
    return out


@dataclass(frozen=True)
class Posterior:
    """Posterior over candidate leak nodes.

    Attributes:
        probability: (n_candidates,) summing to 1.
        best: index of the posterior graph median (least expected pipe distance).
        expected_distance_m: that least expected distance (m): the spread of the location.
        area: indices of the smallest set holding ``coverage`` of the probability, most
            probable first.
    """

    probability: np.ndarray
    best: int
    expected_distance_m: float
    area: tuple[int, ...]


def posterior(
    stat: np.ndarray,
    prior: np.ndarray,
    distances_m: np.ndarray,
    *,
    coverage: float = DEFAULT_COVERAGE,
    temperature: float = 1.0,
) -> Posterior:
    """Posterior, its graph median and its credible area.

    Args:
        stat: likelihood-ratio statistic per candidate (chi-square with one degree of freedom
            under no leak there); candidates with a non-finite statistic get no mass.
        prior: prior weight per candidate (e.g. junctions it stands for).
        distances_m: (n, n) pipe distances between candidates.
        coverage: posterior mass the confidence area holds.
        temperature: the statistic is divided by this (over 1: the model and the data agree
            less well than the noise model says).

    Example:
        >>> d = np.array([[0.0, 100.0, 900.0], [100.0, 0.0, 800.0], [900.0, 800.0, 0.0]])
        >>> p = posterior(np.array([40.0, 39.0, 0.0]), np.ones(3), d)
        >>> p.area
        (0, 1)
    """
    log_p = np.where(np.isfinite(stat), 0.5 * stat / max(temperature, 1e-9), -np.inf)
    log_p = log_p + np.log(np.maximum(prior, 1e-12))
    log_p -= log_p.max()
    prob = np.exp(log_p)
    prob /= prob.sum()
    expected = distances_m @ prob
    best = int(np.argmin(expected))
    order = np.argsort(-prob)
    n_area = int(np.searchsorted(np.cumsum(prob[order]), coverage) + 1)
    return Posterior(prob, best, float(expected[best]), tuple(int(i) for i in order[:n_area]))
