"""Pump health: energy per m³, efficiency against the pump curve, and anomalies.

From pump telemetry (flow m³/h, head m, electrical power kW; vibration mm/s and motor current A
where measured): the specific energy (kWh/m³), the wire-to-water efficiency
eta = rho g Q H / P, the head the pump's curve promises at the measured flow, and how both drift
after the reference period (a worn impeller delivers less head and less efficiency at the same
flow). Vibration and current go to the shared anomaly model of normal behaviour
(``core.maintenance.anomaly``) together with the hydraulic signals.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.exceptions import InputError
from core.maintenance.anomaly import fit_anomaly_model
from water.network import M3_PER_S_TO_M3_PER_H, WaterNetwork

logger = logging.getLogger(__name__)

RHO_G_KW_S_PER_M4 = 1000.0 * 9.81 / 1000.0  # rho*g in kW per (m³/s * m)
REQUIRED = ("flow_m3_per_h", "head_m", "power_kw")


@dataclass(frozen=True)
class PumpHealth:
    """Health of one pump over a period.

    Attributes:
        specific_energy_kwh_per_m3: reference and recent energy per m³ pumped.
        efficiency: reference and recent median wire-to-water efficiency.
        efficiency_drift_pct_per_30d: trend of efficiency after the reference period.
        head_deficit_m: recent median of (curve head - measured head) at the measured flow.
        anomaly_share: share of recent samples the anomaly model flags.
        degraded: whether it deserves a work order.
        reasons: why.
    """

    specific_energy_kwh_per_m3: tuple[float, float]
    efficiency: tuple[float, float]
    efficiency_drift_pct_per_30d: float
    head_deficit_m: float
    anomaly_share: float
    degraded: bool
    reasons: tuple[str, ...]


def pump_curve(network: WaterNetwork, pump: str) -> list[tuple[float, float]]:
    """The head curve of a pump in the model as (flow m³/h, head m) points."""
    link = network.wn.get_link(pump)
    if link.link_type != "Pump" or not hasattr(link, "get_pump_curve"):
        raise InputError(
            f"{pump} is not a head-curve pump in the network", field="pump", value=pump
        )
    points = link.get_pump_curve().points
    return [(q * M3_PER_S_TO_M3_PER_H, h) for q, h in points]


def curve_head_m(curve: Sequence[tuple[float, float]], flow_m3_per_h: np.ndarray) -> np.ndarray:
    """Head on the curve at the given flows (quadratic through the points; one point: EPANET's
    A - B Q² curve through it, shutoff at 4/3 of its head and zero head at twice its flow)."""
    q = np.array([p[0] for p in curve], dtype=float)
    h = np.array([p[1] for p in curve], dtype=float)
    if len(curve) == 1:
        q = np.array([0.0, q[0], 2 * q[0]])
        h = np.array([4 * h[0] / 3, h[0], 0.0])
    coeff = np.polyfit(q, h, deg=min(2, len(q) - 1))
    return np.polyval(coeff, flow_m3_per_h)


def pump_health(
    telemetry: pd.DataFrame,
    *,
    reference_until: pd.Timestamp,
    curve: Sequence[tuple[float, float]] | None = None,
    efficiency_drop_pct: float = 5.0,
    head_deficit_tolerance_m: float = 2.0,
) -> PumpHealth:
    """Assess a pump from its telemetry.

    Args:
        telemetry: aware index; columns flow_m3_per_h, head_m, power_kw and optionally
            vibration_mm_per_s, current_a.
        reference_until: end of the period the pump is taken as healthy.
        curve: the pump curve (flow m³/h, head m), e.g. ``pump_curve(network, name)``.
        efficiency_drop_pct: relative drop of efficiency (recent vs reference) that is degraded.
        head_deficit_tolerance_m: head below the curve that is degraded.

    Raises:
        InputError: a missing column or an empty period.
    """
    missing = [c for c in REQUIRED if c not in telemetry.columns]
    if missing:
        raise InputError(f"pump telemetry: missing column {missing[0]}", field=missing[0])
    running = telemetry[(telemetry["flow_m3_per_h"] > 0) & (telemetry["power_kw"] > 0)]
    ref = running[running.index < reference_until]
    recent = running[running.index >= reference_until]
    if ref.empty or recent.empty:
        raise InputError(
            "pump telemetry: the pump must run both before and after reference_until",
            field="reference_until",
            value=str(reference_until),
        )
    energy = running["power_kw"] / running["flow_m3_per_h"]
    eta = (
        RHO_G_KW_S_PER_M4
        * (running["flow_m3_per_h"] / 3600.0)
        * running["head_m"]
        / running["power_kw"]
    )
    eta_ref, eta_recent = float(eta[ref.index].median()), float(eta[recent.index].median())
    days = (recent.index - recent.index[0]).total_seconds().to_numpy() / 86400.0
    slope = np.polyfit(days, eta[recent.index].to_numpy(), 1)[0] if days[-1] > 0 else 0.0
    deficit = 0.0
    if curve:
        deficit = float(
            np.median(
                curve_head_m(curve, recent["flow_m3_per_h"].to_numpy())
                - recent["head_m"].to_numpy()
            )
        )
    columns = [
        c
        for c in ("flow_m3_per_h", "head_m", "power_kw", "vibration_mm_per_s", "current_a")
        if c in running.columns
    ]
    model = fit_anomaly_model(ref[columns], columns=columns)
    anomaly_share = float(model.score(recent[columns])["is_anomaly"].mean())
    reasons = []
    drop = 100.0 * (eta_ref - eta_recent) / eta_ref if eta_ref > 0 else 0.0
    if drop >= efficiency_drop_pct:
        reasons.append(
            f"efficiency {eta_recent:.2f} is {drop:.1f} % below the reference {eta_ref:.2f}"
        )
    if deficit >= head_deficit_tolerance_m:
        reasons.append(f"head {deficit:.1f} m below the pump curve")
    if anomaly_share >= 0.05:
        reasons.append(f"{100 * anomaly_share:.0f} % of recent samples are anomalous")
    return PumpHealth(
        specific_energy_kwh_per_m3=(
            float(energy[ref.index].median()),
            float(energy[recent.index].median()),
        ),
        efficiency=(eta_ref, eta_recent),
        efficiency_drift_pct_per_30d=float(100.0 * slope * 30.0 / eta_ref) if eta_ref > 0 else 0.0,
        head_deficit_m=deficit,
        anomaly_share=anomaly_share,
        degraded=bool(reasons),
        reasons=tuple(reasons),
    )
