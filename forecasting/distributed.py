"""Fan per-series work out: in process, on a local Dask cluster, or on a remote scheduler.

The work function must be a module-level function of picklable arguments; results come back in
the order of the inputs, so the result is the same whichever executor ran it.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from forecasting.exceptions import ForecastError

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

IN_PROCESS = "in-process"


def _progress_bar(total: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, disable=not enabled, unit="series", file=sys.stderr, leave=False)


def map_series(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    scheduler: str | None = None,
    n_workers: int | None = None,
    progress: bool = False,
) -> list[R]:
    """``[fn(item) for item in items]``, possibly on Dask.

    Args:
        fn: a module-level function (shipped to the workers by reference).
        items: the inputs, one task each.
        scheduler: ``"in-process"`` runs here, one after the other; ``tcp://HOST:PORT`` uses that
            Dask scheduler; None starts a local cluster with one single-threaded worker process
            per core (``n_workers``, default the machine's cores).
        progress: show a progress bar on stderr.

    Raises:
        ForecastError: the scheduler cannot be reached.
    """
    if not items:
        return []
    if scheduler == IN_PROCESS:
        bar = _progress_bar(len(items), progress)
        out = []
        for item in items:
            out.append(fn(item))
            bar.update(1)
        bar.close()
        return out
    from distributed import Client, LocalCluster, as_completed

    if not logger.isEnabledFor(logging.INFO):
        logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = None
    try:
        if scheduler is None:
            workers = n_workers or os.cpu_count() or 1
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                # the scheduler's HTTP endpoints (health, metrics) still listen: on a free
                # local port, not the shared default 8787 two runs would fight over
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                # a worker's heartbeat racing the scheduler's shutdown logs a traceback at
                # ERROR; task failures still reach us through future.result()
                silence_logs=logging.CRITICAL,
            )
            client = Client(cluster)
        else:
            try:
                client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as err:
                raise ForecastError(f"--scheduler {scheduler}: cannot connect ({err})") from err
        with client:
            logger.info("dask: %s", client)
            # ship the inputs once, as data, then map over them (not inside the task graph)
            scattered = client.scatter(list(items))
            futures = client.map(fn, scattered, pure=False)
            position = {f.key: i for i, f in enumerate(futures)}
            results: list[Any] = [None] * len(items)
            bar = _progress_bar(len(items), progress)
            for future in as_completed(futures):
                results[position[future.key]] = future.result()
                bar.update(1)
            bar.close()
            return results
    finally:
        if cluster is not None:
            cluster.close()
