"""Prophet's Stan backend, made fast and observable: JSON I/O, whole-or-nothing warm starts.

Prophet hands the Stan data and inits to cmdstanpy as dicts, serialised value by value in
Python; ``fast_stan_io`` wraps a model's backend so they go to CmdStan as JSON files written by
the C encoder, uses a warm start whole or not at all, and records what CmdStan did (``StanCall``:
whether the warm start was used, the iterations, the log density at the start).

Used by ``forecasting.prophet_adapter``; imports cmdstanpy only when a fit runs.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forecasting.prophet_warm_start import shape_mismatch

_ITERATION_LINE = re.compile(r"^\s*(\d+)\s+[-+0-9.eE]+\s")
_QUIET_LOGGERS = ("cmdstanpy", "prophet", "prophet.models", "prophet.forecaster")


def quiet_third_party_logs() -> None:
    """cmdstanpy configures its logger (DEBUG, own handler) on first use; quieten it after."""
    from cmdstanpy.utils.logging import get_logger

    get_logger()
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


@dataclass
class StanCall:
    """What the wrapped Stan backend did with the warm start it was handed (set by the fit)."""

    init_used: bool = False
    refused: str = ""
    n_iterations: int | None = None
    initial_log_prob: float | None = None


def _progress(stan_fit: Any) -> tuple[float | None, int | None]:
    """The log density at the start and the L-BFGS iterations, from CmdStan's console output.

    CmdStan prints the initial log joint probability and the iteration line at which it
    stops; (None, None) when the output is not there.
    """
    try:
        text = Path(stan_fit.runset.stdout_files[0]).read_text()
    except (AttributeError, IndexError, OSError):
        return None, None
    _, found, progress = text.partition("Initial log joint probability =")
    if not found:
        return None, None
    first, _, rest = progress.partition("\n")
    try:
        initial = float(first.strip())
    except ValueError:
        initial = None
    last = None
    for line in rest.splitlines():
        if line.startswith("Optimization terminated"):
            break
        match = _ITERATION_LINE.match(line)
        if match:
            last = int(match.group(1))
    return initial, last


def fast_stan_io(model: Any) -> StanCall:
    """Hand the Stan data and inits to CmdStan as JSON files written by the C JSON encoder.

    Prophet passes them as dicts, which cmdstanpy serialises value by value in Python: for a
    few thousand rows that takes several times longer than the L-BFGS fit itself. The
    instance's backend is wrapped; the data and the optimiser are unchanged. A warm start
    (``init=``) is used whole or not at all (Prophet would silently mix it with its defaults
    where a shape differs); the returned record says which, and the iterations run.
    """
    backend = model.stan_backend
    original_fit = backend.fit
    call = StanCall()

    def fit(stan_init: dict[str, Any], stan_data: dict[str, Any], **kwargs: Any) -> Any:
        if "init" in kwargs:
            custom = kwargs.pop("init")
            call.refused = shape_mismatch(stan_init, custom)
            if not call.refused:
                stan_init = backend.sanitize_custom_inits(stan_init, custom)
                call.init_used = True
        inits, data = backend.prepare_data(stan_init, stan_data)
        with tempfile.TemporaryDirectory(prefix="kof-prophet-") as folder:
            data_path = Path(folder) / "data.json"
            init_path = Path(folder) / "inits.json"
            data_path.write_text(json.dumps(data))
            init_path.write_text(json.dumps(inits))
            params = original_fit(
                stan_init, stan_data, data=str(data_path), inits=str(init_path), **kwargs
            )
        call.initial_log_prob, call.n_iterations = _progress(backend.stan_fit)
        return params

    backend.fit = fit
    return call
