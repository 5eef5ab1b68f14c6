"""Detection of new leaks: windowed likelihood-ratio tests on the hourly residuals.

Every hour and for every candidate node, the residuals of the last 1, 3 and 7 days are tested
for a constant leak there, with one demand factor per day fitted and removed (a leak adds the
same flow day and night; a warm day scales demand, most at the peaks). The leak's z-score
(flow estimate over its standard error), divided by its spread on the calibration part of the
training period, raises an alarm above the threshold calibrated there. A burst passes on the
1-day window within hours; a slowly growing leak passes on the longer ones. After an alarm the
leak is located on the evidence window, its start and kind come from a change-point fit (a
step or a ramp) of its hourly flow estimate, and its signature is projected out so the test
looks for the next one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.exceptions import InputError
from water.config import LeakDetectorSettings
from water.dma import area_inflows, area_sensitivity, metered_areas
from water.leaks.features import NormalModel, fit_normal, hourly_means
from water.leaks.locate import Locator, Sensitivity, Whitened, day_adjusted, locate
from water.model import LeakDetection, LeakKind, Sensor
from water.network import WaterNetwork

logger = logging.getLogger(__name__)

Z_CLIP = 4.0  # standardised residuals clipped to +-4: a pump or valve doing something rare
Y_CLIP = 5.0  # moves one sensor a lot; a leak moves several a little
MERGE_AREA_MAX_RADIUS_M = 1500.0  # an alarm inside a confidence area this small is the same leak


@dataclass(frozen=True)
class DetectionRun:
    """Result of ``detect_leaks``.

    Attributes:
        detections: the leaks found, in order of detection.
        threshold: the alarm threshold on the scaled z-score.
        train_until: the end of the training period.
        model: the normal model.
        windows_days: the test windows used.
        calibration_peak: the largest scaled z-score on the training period.
        test_peak: the largest scaled z-score after training, before the first alarm.
    """

    detections: tuple[LeakDetection, ...]
    threshold: float
    train_until: pd.Timestamp
    model: NormalModel
    windows_days: tuple[int, ...]
    calibration_peak: float = 0.0
    test_peak: float = 0.0


def _rolling(values: np.ndarray, width: int) -> np.ndarray:
    """Sum over the last ``width`` rows (fewer at the start)."""
    csum = np.cumsum(values, axis=0)
    out = csum.copy()
    out[width:] = csum[width:] - csum[:-width]
    return out


NIGHT_HOURS = (1, 5)  # local [first, last): the minimum-night-flow hours


def _shift_sum(values: np.ndarray, k: int) -> np.ndarray:
    """values(t) + values(t - 24) + ... + values(t - 24 (k - 1))."""
    out = values.copy()
    for i in range(1, k):
        if 24 * i < len(values):
            out[24 * i :] += values[: -24 * i]
    return out


def window_z(
    terms: dict[str, np.ndarray], days: tuple[int, ...], hod: np.ndarray
) -> dict[tuple[str, int], tuple[np.ndarray, np.ndarray]]:
    """Per test: z-score and flow estimate of a leak, per hour and candidate.

    Two tests per window length k (days): ``("day", k)`` uses every hour with one demand factor
    fitted per day; ``("night", k)`` (k of 2 or more) uses the night hours only, when demand is
    low and steady and a leak stands out most (minimum night flow), without a demand factor.
    """
    daily = {k: _rolling(v, 24) for k, v in terms.items()}
    num, den = day_adjusted(daily)
    night = ((hod >= NIGHT_HOURS[0]) & (hod < NIGHT_HOURS[1]))[:, None]
    night_num = _rolling(terms["ay"] * night, 24)
    night_den = np.maximum(_rolling(terms["aa"] * night, 24), 1e-12)
    out = {}
    for k in days:
        for mode, (n, d) in (("day", (num, den)), ("night", (night_num, night_den))):
            if mode == "night" and k < 2:
                continue  # one night is four hours: too few to judge on
            n_k, d_k = _shift_sum(n, k), _shift_sum(d, k)
            out[(mode, k)] = (n_k / np.sqrt(d_k), n_k / d_k)
    return out


def change_point(
    q: np.ndarray, w: np.ndarray, last_start: int | None = None
) -> tuple[int, LeakKind, float]:
    """Best start and kind for an hourly leak flow series (weighted least squares).

    A step (constant flow from t0) and a ramp (flow growing linearly from t0) are fitted for
    every t0 up to ``last_start``; the best fit wins.

    Returns:
        (t0, kind, flow at the end of the series in m³/h).
    """
    n = len(q)
    best = (np.inf, 0, LeakKind.ABRUPT, 0.0)
    t = np.arange(n, dtype=float)
    latest = n - 1 if last_start is None else min(last_start, n - 1)
    for t0 in range(max(latest + 1, 1)):
        on = t >= t0
        level = (w[on] * q[on]).sum() / max(w[on].sum(), 1e-12)
        ramp_x = np.maximum(t - t0 + 1, 0.0) * on
        slope = (w * q * ramp_x).sum() / max((w * ramp_x**2).sum(), 1e-12)
        for kind, fit, end_flow in (
            (LeakKind.ABRUPT, np.where(on, level, 0.0), level),
            (LeakKind.INCIPIENT, slope * ramp_x, slope * ramp_x[-1]),
        ):
            sse = float((w * (q - fit) ** 2).sum())
            if sse < best[0]:
                best = (sse, t0, kind, float(end_flow))
    return best[1], best[2], best[3]


def hourly_flow(terms: dict[str, np.ndarray], candidate: int) -> tuple[np.ndarray, np.ndarray]:
    """Hourly flow estimate of one candidate (the demand factor of the surrounding day removed)
    and its weights."""
    centred = {k: np.roll(_rolling(v, 24), -12, axis=0) for k, v in terms.items()}
    aa, ab = centred["aa"][:, candidate], centred["ab"][:, candidate]
    ay, by, bb = centred["ay"][:, candidate], centred["by"], np.maximum(centred["bb"], 1e-12)
    det = np.maximum(aa * bb - ab**2, 1e-12)
    f = (aa * by - ab * ay) / det
    w = np.maximum(terms["aa"][:, candidate], 1e-12)
    q = (terms["ay"][:, candidate] - terms["ab"][:, candidate] * f) / w
    return q, w


def with_metered_areas(
    network: WaterNetwork, wide: pd.DataFrame, sensitivity: Sensitivity
) -> tuple[pd.DataFrame, Sensitivity]:
    """Replace the flow meters around each DMA by the DMA's net inflow.

    The net inflow is consumption plus leakage of the area, exactly; the single meters around
    it mostly show pumps and tanks taking turns, and with the sum beside them they would be
    linearly dependent.
    """
    flows = [Sensor.parse(c).element for c in wide.columns if c.startswith("flow:")]
    areas = metered_areas(network, flows)
    if not areas:
        return wide, sensitivity
    extra = area_inflows(wide, areas)
    boundary = {Sensor.parse(f"flow:{link}").name for area in areas for link, _ in area.inflows}
    keep = [i for i, name in enumerate(sensitivity.sensors) if name not in boundary]
    matrix = np.vstack([sensitivity.matrix[keep], area_sensitivity(areas, sensitivity.candidates)])
    response = sensitivity.demand_response
    if response is not None:
        cols = []
        for area in areas:
            col = np.zeros(24)
            for link, sign in area.inflows:
                col += (
                    sign * response[:, sensitivity.sensors.index(Sensor.parse(f"flow:{link}").name)]
                )
            cols.append(col)
        response = np.column_stack([response[:, keep], *cols])
    names = tuple(sensitivity.sensors[i] for i in keep) + tuple(extra.columns)
    kept_wide = wide[[c for c in wide.columns if c not in boundary]]
    check = sensitivity.check_matrix
    if check is not None:
        checked = [sensitivity.candidates[i] for i in sensitivity.check_index]
        check = np.vstack([check[keep], area_sensitivity(areas, checked)])
    return pd.concat([kept_wide, extra], axis=1), Sensitivity(
        names,
        sensitivity.candidates,
        matrix,
        sensitivity.cells,
        response,
        check_index=sensitivity.check_index,
        check_matrix=check,
    )


def _statistics(
    white: Whitened,
    model: NormalModel,
    index: pd.DatetimeIndex,
    residuals: np.ndarray,
    days: tuple[int, ...],
) -> tuple[dict[str, np.ndarray], dict[tuple[str, int], tuple[np.ndarray, np.ndarray]], np.ndarray]:
    hod = model.hours_of_day(index)
    z = np.clip(model.standardise(residuals, index), -Z_CLIP, Z_CLIP)
    y = np.clip(white.project(white.whiten(z), hod), -Y_CLIP, Y_CLIP)
    terms = white.hourly_terms(y, hod)
    return terms, window_z(terms, days, hod), y


def _night_step(
    model: NormalModel,
    sensitivity: Sensitivity,
    residuals: np.ndarray,
    hod: np.ndarray,
    candidate: int,
    start: int,
    end: int,
) -> float | None:
    """Leak flow as the step of the night inflow of the candidate's DMA (m³/h), the way a
    utility reads it off the minimum night flow; None without a metered area or nights."""
    for i, name in enumerate(model.sensors):
        row = sensitivity.sensors.index(name)
        if name.startswith("dma_inflow:") and sensitivity.matrix[row, candidate] > 0.5:
            night = (hod >= 1) & (hod < 5)
            idx = np.arange(len(residuals))
            after = night & (idx >= start) & (idx < end)
            before = night & (idx < start) & (idx >= start - 72)
            if after.sum() < 2 or before.sum() < 2:
                return None
            return float(np.nanmean(residuals[after, i]) - np.nanmean(residuals[before, i]))
    return None


def _rebaseline(residuals: np.ndarray, start: int, alarm: int, settle_h: int) -> None:
    """A detected leak becomes part of normal until it is repaired: shift the baseline from its
    start by its mean effect over the ``settle_h`` hours after the alarm (tanks and pumps
    settle to the leak; the alarms of that time are the same leak)."""
    after = residuals[alarm + 1 : alarm + 1 + max(settle_h, 24)]
    if not len(after):
        after = residuals[start : alarm + 1]
    residuals[start:] -= np.nan_to_num(np.nanmean(after, axis=0))


def detect_leaks(
    network: WaterNetwork,
    wide: pd.DataFrame,
    sensitivity: Sensitivity,
    *,
    train_until: pd.Timestamp | None = None,
    tz: str = "UTC",
    settings: LeakDetectorSettings | None = None,
    locator: Locator | str = Locator.POSTERIOR,
) -> DetectionRun:
    """Find new leaks in telemetry after the training period.

    Args:
        network: the network model (for pipe distances and pipes).
        wide: telemetry, one column per sensor (pressure m, flow m³/h), UTC index.
        sensitivity: the sensors' leak sensitivity (``locate.leak_sensitivity``).
        train_until: end of the normal period (default: ``default_training_days`` after start).
        tz: the clock the demand follows.
        settings: detector settings.
        locator: how the node and the confidence area are chosen (``locate.Locator``).

    Raises:
        InputError: a training period that is too short or leaves nothing to test.
    """
    cfg = settings or LeakDetectorSettings()
    if cfg.use_metered_areas:
        wide, sensitivity = with_metered_areas(network, wide, sensitivity)
    hourly = hourly_means(wide)
    if train_until is None:
        train_until = hourly.index[0] + pd.Timedelta(days=cfg.default_training_days)
        logger.warning(
            "no train_until given: the first %.1f days are taken as normal",
            cfg.default_training_days,
        )
    train = hourly[hourly.index < train_until]
    test = hourly[hourly.index >= train_until - pd.Timedelta(days=max(cfg.windows_days))]
    first_test = int(np.searchsorted(test.index, train_until))
    if first_test >= len(test):
        raise InputError(
            f"train_until {train_until.isoformat()} leaves no telemetry to examine",
            field="train_until",
            value=train_until.isoformat(),
        )
    model, oos = fit_normal(train, tz)
    days = tuple(k for k in cfg.windows_days if 24 * k + 48 <= len(train)) or (1,)
    _, cal_z, _ = _statistics(Whitened(model, sensitivity), model, train.index, oos, days)
    scale, peak = {}, 0.0
    for key, (z_all, _) in cal_z.items():
        k = key[1]
        z = z_all[24 * k :]
        mad = 1.4826 * np.median(np.abs(z - np.median(z, axis=0)), axis=0)
        scale[key] = np.maximum(np.maximum(mad, z.std(axis=0)), 1.0)
        peak = max(peak, float((z / scale[key]).max()))
    threshold = max(cfg.threshold_min, cfg.threshold_margin * peak)
    inflow_cols = [c for c in train.columns if c.startswith("dma_inflow:")]
    system_m3_per_h = float(train[inflow_cols].sum(axis=1).mean()) if inflow_cols else 0.0
    min_flow = max(cfg.min_flow_m3_per_h, cfg.min_flow_share * system_m3_per_h)
    logger.debug(
        "z scales %s", {k: np.round(np.percentile(v, [10, 50, 90]), 2) for k, v in scale.items()}
    )
    logger.info(
        "leak detector: threshold %.2f on windows %s days (training %s to %s)",
        threshold,
        days,
        train.index[0],
        train_until,
    )
    white = Whitened(model, sensitivity)
    hod = model.hours_of_day(test.index)
    detections: list[LeakDetection] = []
    residuals = model.residuals(test)
    test_peak = 0.0
    pos = first_test
    while pos < len(test):
        terms, zs, y = _statistics(white, model, test.index, residuals, days)
        score = np.max(
            [
                np.where(zs[key][1][pos:] >= min_flow, zs[key][0][pos:] / scale[key], 0.0)
                for key in zs
            ],
            axis=0,
        )
        if not detections:
            test_peak = max(test_peak, float(score.max())) if score.size else test_peak
        over = np.flatnonzero(score.max(axis=1) > threshold)
        if not len(over):
            break
        t_alarm = pos + int(over[0])
        j_alarm = int(np.argmax(score[over[0]]))
        q, w = hourly_flow(terms, j_alarm)
        lo = max(0, t_alarm - cfg.lookback_h)
        t0, _, _ = change_point(q[lo : t_alarm + 1], w[lo : t_alarm + 1])
        t_start = lo + t0
        hi = min(len(test), t_alarm + 1 + cfg.evidence_h)
        where = locate(
            network,
            white,
            y[t_start:hi],
            hod[t_start:hi],
            method=locator,
            margin_rel=cfg.confidence_margin_rel,
            margin_abs=cfg.confidence_margin_abs,
            inflation=float(np.median(scale[("day", days[0])]) ** 2),
        )
        q, w = hourly_flow(terms, where.index)
        lo = max(0, min(t_start, t_alarm) - 24)
        t0, kind, flow = change_point(q[lo:hi], w[lo:hi], t_alarm - lo)
        start = test.index[lo + t0]
        detected_at = test.index[t_alarm] + pd.Timedelta(hours=1)
        settling = bool(detections) and detected_at <= detections[-1].detected_at + pd.Timedelta(
            hours=cfg.settle_h * (3 if detections[-1].kind is LeakKind.INCIPIENT else 1)
        )
        # the same leak: close by, or each inside the other's confidence area (the sensors
        # cannot tell the two places apart: a zone-wide area on ky10); one node inside a
        # wide area alone does not make every later alarm in the zone the same leak
        merged = settling or any(
            network.pipe_distance_m(where.node, d.location)
            <= max(cfg.merge_radius_m, min(d.confidence_radius_m, MERGE_AREA_MAX_RADIUS_M))
            or (where.node in d.confidence_nodes and d.location in where.confidence_nodes)
            for d in detections
        )
        # the fits share the leak with the day's demand factor and read low; the step of the
        # DMA's night inflow over the settling days does not (noisier, but unbiased)
        settled = min(len(test), t_alarm + 1 + int(max(cfg.settle_h, cfg.evidence_h)))
        night_flow = _night_step(model, sensitivity, residuals, hod, where.index, lo + t0, settled)
        logger.debug("flow estimates: fit %.1f, night %s", flow, night_flow)
        if night_flow is not None and night_flow > 0:
            flow = night_flow if kind is LeakKind.ABRUPT else max(flow, night_flow)
        white.add_detected(where.index)
        _rebaseline(residuals, lo + t0, t_alarm, int(cfg.settle_h))
        if merged:
            logger.info(
                "alarm at %s near an earlier detection (%s): same leak", detected_at, where.node
            )
        else:
            detections.append(
                LeakDetection(
                    start=start,
                    detected_at=detected_at,
                    location=where.node,
                    pipe=where.pipe,
                    kind=kind,
                    estimated_flow_m3_per_h=max(flow, 0.0),
                    score=float(score[t_alarm - pos].max()),
                    confidence_nodes=where.confidence_nodes,
                    confidence_radius_m=where.confidence_radius_m,
                )
            )
            logger.info(
                "leak at %s (%s), start %s, detected %s", where.node, kind, start, detected_at
            )
        pos = t_alarm + 1
    return DetectionRun(
        tuple(detections), threshold, pd.Timestamp(train_until), model, days, peak, test_peak
    )
