"""Prophet's warm start: the layout its Stan parameters belong to, and inits from a stored fit.

A fit starts from an earlier fit's parameters (a ``forecasting.warm_start.ModelState``, from
this process or from a previous run's store) only when the model's layout (seasonalities,
holidays, regressors, changepoints) is the same and the parameter vectors have the shapes the
new model needs; otherwise these functions say why, and the fit starts cold.

Used by ``forecasting.prophet_adapter`` and ``forecasting.prophet_stan``; imports neither, nor
Prophet (the models are passed in).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from forecasting.config import ProphetConfig
from forecasting.warm_start import ModelState, layout_difference

# Prophet's Stan parameters that a warm start carries: scalars and vectors
INIT_SCALARS = ("k", "m", "sigma_obs")
INIT_VECTORS = ("delta", "beta")


def model_layout(model: Any) -> dict[str, Any]:
    """What the Stan parameters of an unfitted ``model`` mean: changepoints, beta's columns."""
    holidays = model.holidays
    return {
        "growth": model.growth,
        "n_changepoints": int(model.n_changepoints),
        "auto_seasonalities": [
            model.yearly_seasonality,
            model.weekly_seasonality,
            model.daily_seasonality,
        ],
        "seasonalities": [
            [name, float(p["period"]), int(p["fourier_order"]), p["mode"], p["condition_name"]]
            for name, p in model.seasonalities.items()
        ],
        "holidays": sorted({str(h) for h in holidays["holiday"]}) if holidays is not None else [],
        "regressors": [[name, p["mode"]] for name, p in model.extra_regressors.items()],
    }


def shape_mismatch(default: dict[str, Any], custom: dict[str, Any]) -> str:
    """Why ``custom`` cannot replace Prophet's default inits ("" when it can, whole)."""
    for name in INIT_VECTORS:
        want, got = np.shape(default[name]), np.shape(custom[name])
        if want != got:
            return f"{name} has shape {got}, the model needs {want}"
    return ""


def init_of(state: ModelState) -> dict[str, Any] | str:
    """Prophet's ``init`` dict from a state, or why the state cannot give one."""
    params = state.params
    for name in INIT_SCALARS:
        if not isinstance(params.get(name), float):
            return f"the state has no scalar {name}"
    for name in INIT_VECTORS:
        if not isinstance(params.get(name), tuple):
            return f"the state has no vector {name}"
    init: dict[str, Any] = {name: params[name] for name in INIT_SCALARS}
    init |= {name: np.asarray(params[name], dtype=float) for name in INIT_VECTORS}
    return init


def warm_init(
    config: ProphetConfig, state: ModelState | None, fingerprint: str, layout: dict[str, Any]
) -> dict[str, Any] | str:
    """Prophet's ``init`` from the state on offer, or why the fit starts cold."""
    if not (config.speed_tuned and config.warm_start):
        return "warm start is off"
    if state is None:
        return "no previous fit"
    if state.fingerprint != fingerprint:
        return "the model layout changed: " + layout_difference(state.layout, layout)
    return init_of(state)


def fitted_state(
    model: Any, name: str, fingerprint: str, layout: dict[str, Any], history_end: pd.Timestamp
) -> ModelState:
    """The warm-start state of a fitted Prophet ``model`` (what the next fit may start from)."""
    params = model.params
    return ModelState(
        model=name,
        fingerprint=fingerprint,
        layout=layout,
        params={
            **{key: float(params[key][0][0]) for key in INIT_SCALARS},
            **{
                key: tuple(float(v) for v in np.asarray(params[key][0]).ravel())
                for key in INIT_VECTORS
            },
        },
        history_end=history_end,
        fitted_at=pd.Timestamp.now(tz="UTC"),
    )
