"""Checks of one freshly decoded value against the register's limits and its previous value.

The poller runs these on every value before it is stored: a value the device sent is always
stored, flagged ``invalid`` with the reason when it is garbage, implausible or a spike.
A cumulative register that falls is a rollover when the fall is explained by the register's
width, else a reset (a meter replacement): the value is valid and starts a new register series.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from core.enums import Quality
from metering.profiles import RegisterSpec, ValueKind


class RegisterEventKind(StrEnum):
    ROLLOVER = "rollover"
    RESET = "reset"


@dataclass(frozen=True)
class Previous:
    """The last valid value of a cumulative register, and when it was read."""

    value: float
    ts_s: float  # epoch seconds


@dataclass(frozen=True)
class Checked:
    """A value with its quality flag, the reason, and a register event if one happened."""

    value: float | None
    quality: Quality
    reason: str | None = None
    event: RegisterEventKind | None = None
    spike_candidate: bool = False


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def check_value(
    spec: RegisterSpec,
    value: float,
    ts_s: float,
    previous: Previous | None,
    *,
    max_rate_per_h: float | None = None,
    spike_candidate: Previous | None = None,
) -> Checked:
    """Validate one decoded value.

    Args:
        spec: the register.
        value: the decoded value (may be NaN or infinite: garbage).
        ts_s: when it was read (epoch seconds).
        previous: the register's last valid value (cumulative registers).
        max_rate_per_h: the fastest a cumulative register can grow, in its unit per hour;
            a larger step is a spike. None disables the spike check.
        spike_candidate: the value refused as a spike last time; a value consistent with it
            confirms that the register really jumped (a reset to a higher index).

    Example:
        >>> from metering.profiles import builtin_profiles
        >>> spec = builtin_profiles()["eastron_sdm630"].register("voltage_l1_v")
        >>> check_value(spec, float("nan"), 0.0, None).reason
        'garbage: voltage_l1_v is not a number'
    """
    if not math.isfinite(value):
        return Checked(None, Quality.INVALID, f"garbage: {spec.quantity} is not a number")
    if spec.kind is ValueKind.CUMULATIVE and previous is not None:
        delta = value - previous.value
        dt_h = max(ts_s - previous.ts_s, 1.0) / 3600.0
        allowed = None if max_rate_per_h is None else max_rate_per_h * dt_h * 1.5 + abs(spec.scale)
        if delta < 0:
            wrapped = delta + spec.raw_span() if spec.type.is_integer else None
            if wrapped is not None and wrapped >= 0 and (allowed is None or wrapped <= allowed):
                return Checked(
                    value,
                    Quality.MEASURED,
                    f"rollover: {spec.quantity} wrapped at its width "
                    f"({_fmt(spec.raw_span())} {spec.unit}) from {_fmt(previous.value)}",
                    RegisterEventKind.ROLLOVER,
                )
            return Checked(
                value,
                Quality.MEASURED,
                f"reset: {spec.quantity} fell from {_fmt(previous.value)} to {_fmt(value)}; "
                "meter reset or replaced, a new register series starts",
                RegisterEventKind.RESET,
            )
        if allowed is not None and delta > allowed:
            if spike_candidate is not None:
                step = value - spike_candidate.value
                dt2_h = max(ts_s - spike_candidate.ts_s, 1.0) / 3600.0
                if 0 <= step <= max_rate_per_h * dt2_h * 1.5 + abs(spec.scale):  # type: ignore[operator]
                    return Checked(
                        value,
                        Quality.MEASURED,
                        f"reset: {spec.quantity} jumped from {_fmt(previous.value)} and stayed; "
                        "a new register series starts",
                        RegisterEventKind.RESET,
                    )
            return Checked(
                value,
                Quality.INVALID,
                f"spike: {spec.quantity} rose by {_fmt(delta)} {spec.unit} in "
                f"{dt_h * 60:.0f} min; at most {_fmt(allowed)} is plausible",
                spike_candidate=True,
            )
        return Checked(value, Quality.MEASURED)
    if spec.min_value is not None and value < spec.min_value:
        return Checked(
            value,
            Quality.INVALID,
            f"implausible: {spec.quantity} {_fmt(value)} {spec.unit} below {_fmt(spec.min_value)}",
        )
    if spec.max_value is not None and value > spec.max_value:
        return Checked(
            value,
            Quality.INVALID,
            f"implausible: {spec.quantity} {_fmt(value)} {spec.unit} above {_fmt(spec.max_value)}",
        )
    return Checked(value, Quality.MEASURED)
