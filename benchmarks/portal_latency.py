"""Latency of the resident portal under 50 concurrent users, against a trivial endpoint.

Builds (or reuses, --store) a reference region with a year of 15-minute electricity data,
creates a resident, starts ``kof serve`` on 127.0.0.1 in its own process, logs 50 users in
and sends a bounded number of requests per endpoint (--requests, --max-seconds), 50 at a time:

- ``health``: GET /api/v1/health (trivial: the server's own overhead, the baseline);
- ``page month``: GET /consumption/<meter> (the month view: chart, table, costs);
- ``api month`` / ``api year``: GET /api/v1/meters/<meter>/consumption?period=...

Prints p50 and p95 latency, throughput, errors, and each endpoint's p50/p95 as a ratio to the
trivial endpoint's. Traffic goes to 127.0.0.1 only; every loop is bounded in count and time.

    .venv/bin/python benchmarks/portal_latency.py [--users 50] [--requests 600] [--days 365]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Benchmark hasło 2026"
EMAIL = "mieszkaniec@example.pl"


def build_store(folder: Path, premises: int, days: int) -> Path:
    from core.db.engine import make_engine
    from core.db.migrate import upgrade
    from core.region import generate_region
    from core.settings import Settings
    from core.timeseries import TimeSeriesStore

    db = folder / "kof.db"
    engine = make_engine(Settings(database_url=f"sqlite:///{db}", var_dir=folder))
    upgrade(engine)
    start = dt.date(2025, 1, 1)
    began = time.perf_counter()
    generate_region(
        engine, TimeSeriesStore(engine), premises=premises, days=days, seed=2030, start=start
    )
    print(f"region: {premises} premises x {days} days in {time.perf_counter() - began:.0f} s")
    engine.dispose()
    return db


def make_resident(db: Path, folder: Path) -> int:
    """A resident of the largest building; returns its electricity meter id."""
    from sqlalchemy import text

    from core.accounts import Role
    from core.accounts import service as accounts
    from core.db.engine import make_engine
    from core.settings import Settings

    engine = make_engine(Settings(database_url=f"sqlite:///{db}", var_dir=folder))
    with engine.connect() as conn:
        premise, meter = conn.execute(
            text(
                "SELECT p.id, m.id FROM premises p JOIN meters m ON m.premise_id = p.id "
                "WHERE p.premise_kind = 'residential' AND m.medium = 'electricity' "
                "ORDER BY (SELECT count(*) FROM premises q WHERE q.building_id = p.building_id) "
                "DESC, p.id LIMIT 1"
            )
        ).one()
        exists = conn.execute(
            text("SELECT count(*) FROM users WHERE email = :e"), {"e": EMAIL}
        ).scalar_one()
    if not exists:
        accounts.create_user(
            engine, email=EMAIL, password=PASSWORD, role=Role.RESIDENT, premise_id=premise
        )
    engine.dispose()
    return int(meter)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, folder: Path, port: int, threads: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "KOF_DATABASE_URL": f"sqlite:///{db}",
        "KOF_VAR_DIR": str(folder),
        "KOF_LOGIN_MAX_FAILURES_PER_IP": "1000",
    }
    kof = Path(sys.executable).with_name("kof")
    proc = subprocess.Popen(
        [str(kof), "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", str(threads)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                return proc
        except requests.ConnectionError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start within 60 s")


def logged_in(base: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    response = session.post(
        f"{base}/login",
        timeout=30,
        allow_redirects=False,
        data={"csrf_token": token, "email": EMAIL, "password": PASSWORD},
    )
    if response.status_code != 302:
        raise SystemExit(f"login failed: HTTP {response.status_code}")
    return session


def run_phase(
    sessions: list[requests.Session], url: str, total: int, max_s: float
) -> tuple[list[float], int, float]:
    """``total`` GETs of ``url``, one worker per session; returns latencies (ms), errors, s."""
    lock = threading.Lock()
    state = {"left": total, "errors": 0}
    latencies: list[float] = []
    deadline = time.monotonic() + max_s

    def worker(session: requests.Session) -> None:
        while time.monotonic() < deadline:
            with lock:
                if state["left"] <= 0:
                    return
                state["left"] -= 1
            began = time.perf_counter()
            try:
                ok = session.get(url, timeout=60).status_code == 200
            except requests.RequestException:
                ok = False
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    state["errors"] += 1

    began = time.perf_counter()
    with ThreadPoolExecutor(len(sessions)) as pool:
        list(pool.map(worker, sessions))
    return latencies, state["errors"], time.perf_counter() - began


def p(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=600, help="per endpoint")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="per endpoint")
    parser.add_argument("--premises", type=int, default=50)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--threads", type=int, default=8, help="server worker threads")
    parser.add_argument("--store", type=Path, help="reuse this folder (kof.db built before)")
    args = parser.parse_args()

    folder = args.store or Path(tempfile.mkdtemp(prefix="kof-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "kof.db"
    if not db.exists():
        build_store(folder, args.premises, args.days)
    meter = make_resident(db, folder)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(db, folder, port, args.threads)
    try:
        # One login (the portal limits logins per client address to 20 a minute), its session
        # cookie shared by every user's own connection.
        first = logged_in(base)
        sessions = [first]
        for _ in range(args.users - 1):
            session = requests.Session()
            session.cookies.update(first.cookies)
            sessions.append(session)
        phases = [
            ("health", f"{base}/api/v1/health"),
            ("page month", f"{base}/consumption/{meter}"),
            ("api month", f"{base}/api/v1/meters/{meter}/consumption?period=month"),
            ("api year", f"{base}/api/v1/meters/{meter}/consumption?period=year"),
        ]
        for _, url in phases:  # warm-up: one request each
            sessions[0].get(url, timeout=120)
        print(
            f"{args.users} users, {args.requests} requests per endpoint, server threads "
            f"{args.threads}, {os.cpu_count()} cores shared by server and load generator"
        )
        print(
            f"{'endpoint':<12} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} {'errors':>6} "
            f"{'p50 ratio':>9} {'p95 ratio':>9}"
        )
        baseline: tuple[float, float] | None = None
        for name, url in phases:
            lat, errors, seconds = run_phase(sessions, url, args.requests, args.max_seconds)
            if not lat:
                print(f"{name:<12} no successful request ({errors} errors)")
                continue
            p50, p95 = p(lat, 50), p(lat, 95)
            baseline = baseline or (p50, p95)
            print(
                f"{name:<12} {p50:8.1f} {p95:8.1f} {len(lat) / seconds:7.1f} {errors:6d} "
                f"{p50 / baseline[0]:9.1f} {p95 / baseline[1]:9.1f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
