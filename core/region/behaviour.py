"""Per-premise behaviour shared by all of a premise's meters: routine, absences, leaks.

Drawn from the premise's own "traits" stream, so a household that is away on holiday uses no
electricity, water or gas in those days, and its routine is equally late for all of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from core.region import figures as fig
from core.region.drivers import RegionContext
from core.region.plans import PremisePlan

# Absences (assumption): a summer trip of 7-14 days (60 % of households) starting between
# 25 June and 20 August, and a winter trip of 3-7 days (30 %) starting 20 Dec - 5 Jan.
_SUMMER_TRIP = (0.6, (7, 15), (dt.date(2001, 6, 25), dt.date(2001, 8, 20)))
_WINTER_TRIP = (0.3, (3, 8), (dt.date(2001, 12, 20), dt.date(2002, 1, 5)))
EXPECTED_AWAY_SHARE = (0.6 * 10.5 + 0.3 * 5.0) / 365.0
_ROUTINE_SHIFT_SLOTS = 4  # routine later/earlier by up to 1 h (in quarter-hours)


@dataclass(frozen=True)
class Traits:
    """Behaviour of one premise over the period.

    Attributes:
        away_days: (n_days,) True on days the household is away.
        shift_slots: delay of the daily routine in quarter-hours (negative = earlier).
        leak_start_h: index of the hour a continuous leak starts (None: no leak).
        leak_l_per_h: leak flow.
    """

    away_days: np.ndarray
    shift_slots: int
    leak_start_h: int | None
    leak_l_per_h: float


def _trips(rng: np.random.Generator, ordinals: np.ndarray, trip: tuple) -> np.ndarray:
    probability, (min_len, max_len), (first, last) = trip
    away = np.zeros(len(ordinals), dtype=bool)
    first_year = dt.date.fromordinal(int(ordinals[0])).year
    last_year = dt.date.fromordinal(int(ordinals[-1])).year
    for year in range(first_year - 1, last_year + 1):
        go, length = rng.random() < probability, int(rng.integers(min_len, max_len))
        earliest = first.replace(year=year)
        span = (last.replace(year=year + (last.year - first.year)) - earliest).days
        begin = earliest.toordinal() + int(rng.integers(0, span + 1))
        if go:
            away |= (ordinals >= begin) & (ordinals < begin + length)
    return away


def draw_traits(premise: PremisePlan, rng: np.random.Generator, ctx: RegionContext) -> Traits:
    """Draw the behaviour of one premise from its traits stream.

    Non-residential premises are never away; any premise may have a leak.
    """
    ordinals = ctx.grid_h.ordinals
    if premise.activity == "household":
        away = _trips(rng, ordinals, _SUMMER_TRIP) | _trips(rng, ordinals, _WINTER_TRIP)
    else:
        away = np.zeros(len(ordinals), dtype=bool)
    shift = int(rng.integers(-_ROUTINE_SHIFT_SLOTS, _ROUTINE_SHIFT_SLOTS + 1))
    # A leak starts anywhere from 30 days before the period to its end.
    leak = rng.random() < fig.LEAK_SHARE
    n_hours = ctx.grid_h.n_steps
    start_h = int(rng.integers(-30 * 24, n_hours))
    flow = float(rng.uniform(*fig.LEAK_FLOW_L_PER_H))
    return Traits(
        away, shift, max(start_h, 0) if leak and start_h < n_hours else None, flow if leak else 0.0
    )
