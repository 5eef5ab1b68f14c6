"""Settings of the water tools (pydantic, unknown keys refused)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LeakDetectorSettings(BaseModel):
    """How ``detect_leaks`` learns normal behaviour and when it raises an alarm.

    Attributes:
        windows_days: lengths of the test windows (days): short ones catch bursts, long ones
            slowly growing leaks.
        threshold_min: the lowest alarm threshold on the scaled leak z-score.
        threshold_margin: the threshold is this times the largest scaled z-score reached on
            the training period's out-of-sample residuals (leak-free by assumption).
        evidence_h: hours after an alarm whose data refine the location, start and size.
        lookback_h: hours before the alarm searched for the leak's start.
        merge_radius_m: an alarm this close (pipe distance) to an earlier detection, or inside
            its confidence area, is the same leak growing, not a new one.
        settle_h: hours after a detection while tanks and pumps settle to the leak: an alarm
            then is the same leak (the baseline is refreshed), not a new one; three times as
            long after a growing (incipient) leak, which goes on growing.
        confidence_margin_rel, confidence_margin_abs: the confidence area holds the nodes whose
            likelihood ratio is within max(abs, rel × best) of the best.
        default_training_days: training length when no ``train_until`` is given.
        use_metered_areas: add the net inflow of each DMA closed by the flow meters as a
            sensor (consumption plus leakage of the area, exactly).
        min_flow_m3_per_h, min_flow_share: no alarm for a leak estimated below the larger of
            this flow and this share of the metered system input (no crew for a dripping tap).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    windows_days: tuple[int, ...] = (1, 3, 7)
    threshold_min: float = Field(default=5.0, gt=0)
    threshold_margin: float = Field(default=1.3, ge=1.0)
    evidence_h: int = Field(default=24, ge=0)
    lookback_h: int = Field(default=96, ge=1)
    merge_radius_m: float = Field(default=300.0, ge=0)
    settle_h: float = Field(default=72.0, ge=0)
    confidence_margin_rel: float = Field(default=0.1, ge=0)
    confidence_margin_abs: float = Field(default=4.0, ge=0)
    default_training_days: float = Field(default=7.0, gt=1)
    use_metered_areas: bool = True
    min_flow_m3_per_h: float = Field(default=1.0, ge=0)
    min_flow_share: float = Field(default=0.01, ge=0)
