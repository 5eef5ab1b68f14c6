"""Long operations (re-plan) in a background thread, with progress the page polls.

One runner per Flask app (``app.extensions["kof_ops_jobs"]``); one job per kind at a time:
asking again while a job runs returns the running one.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace

logger = logging.getLogger(__name__)

Work = Callable[[Callable[[str, float], None]], object]


@dataclass(frozen=True)
class JobState:
    """Where a job is: stage text, fraction done, and its result or error when finished."""

    job_id: str
    kind: str
    stage: str = "queued"
    done: float = 0.0
    finished: bool = False
    result: object = None
    error: str | None = None
    started_monotonic: float = field(default_factory=time.monotonic)

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self.started_monotonic


class JobRunner:
    """Runs jobs in daemon threads and keeps their state."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, JobState] = {}

    def start(self, kind: str, work: Work) -> JobState:
        """Start ``work(progress)`` unless a job of ``kind`` is already running."""
        with self._lock:
            for job in self._jobs.values():
                if job.kind == kind and not job.finished:
                    return job
            job = JobState(job_id=uuid.uuid4().hex, kind=kind)
            self._jobs[job.job_id] = job
        thread = threading.Thread(target=self._run, args=(job.job_id, work), daemon=True)
        thread.start()
        return job

    def get(self, job_id: str) -> JobState | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _update(self, job_id: str, **changes: object) -> None:
        with self._lock:
            self._jobs[job_id] = replace(self._jobs[job_id], **changes)  # type: ignore[arg-type]

    def _run(self, job_id: str, work: Work) -> None:
        try:
            result = work(lambda stage, done: self._update(job_id, stage=stage, done=done))
        except Exception as err:  # a failed job is reported on the page, not raised in a thread
            logger.exception("background job %s failed", job_id)
            self._update(job_id, finished=True, error=f"{type(err).__name__}: {err}")
        else:
            self._update(job_id, finished=True, result=result, done=1.0, stage="done")
