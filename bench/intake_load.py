"""Intake load benchmark: the public submit endpoint against a bare one-insert baseline.

    .venv/bin/python bench/intake_load.py [--db sqlite|postgresql|both] [--seconds 20]
        [--clients 64] [--workers N] [--repeat 3] [--rate R | --slo-p99 MS] [--restart]
        [--distinct-clients]

For each database it makes a throwaway data dir (and for PostgreSQL a throwaway
database), migrates, creates the demo campaign, and starts the production server with
`zhongzhi serve` itself (gunicorn, same worker count, WhiteNoise, the task worker)
under DJANGO_SETTINGS_MODULE=bench.load.settings, which only adds the baseline URL
and lifts the API rate limit. Then it drives `POST /api/campaigns/{id}/suggestions`
(unique Idempotency-Key per submission, generated Chinese text) and the baseline
`POST /bench/baseline/{id}/` with N concurrent closed-loop clients, alternating the
order on each repeat, and prints requests/s, p50/p99 latency, errors and CPU use. The
endpoints take turns in slices of 3 s (`--slice`) that add up to each phase, so that
the background work of the growing campaign (the follower indexing what came in, a
triage run, a checkpoint) weighs on both alike.

`--slo-p99 100` searches instead, for each endpoint, the highest arrival rate (open
loop: Poisson arrivals over the N client connections) at which p99 stays under 100 ms
with no errors, growing the rate by half until it fails (twice in a row: one stall of
the background work fails a few seconds' p99 by itself), then bisecting; both
endpoints' searches are interleaved and the ratio of the two capacities is printed.

`--restart` runs the restart test instead: during load, the server is stopped
(SIGTERM to gunicorn's master; SIGKILL of the master; SIGKILL of master and workers)
and started again while every client retries its submission with the same key until
it gets a 2xx; then the database must hold exactly one suggestion per key sent.
"""

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.load.client import (  # noqa: E402
    LoadResult,
    make_payloads,
    percentile,
    run_load,
    run_retrying,
)

HOST = "127.0.0.1"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- processes ---------------------------------------------------------------------


def _proc_table() -> dict[int, tuple[int, float, str]]:
    """pid -> (parent pid, CPU seconds, command line) for every process we can read."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        table[int(entry.name)] = (int(fields[1]), cpu, cmdline)
    return table


def _descendants(root: int, table: dict[int, tuple[int, float, str]]) -> list[int]:
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, _cpu, _cmd) in table.items():
            if ppid == parent:
                found.append(pid)
                frontier.append(pid)
    return found


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


def _schedstat(pids: list[int]) -> dict[int, tuple[float, float]]:
    """pid -> (seconds on a CPU, seconds runnable but waiting for a CPU)."""
    found = {}
    for pid in pids:
        with contextlib.suppress(OSError, ValueError):
            on_cpu, waiting, _slices = Path(f"/proc/{pid}/schedstat").read_text().split()
            found[pid] = (int(on_cpu) / 1e9, int(waiting) / 1e9)
    return found


# Where the server's CPU goes: web workers (gunicorn), the task worker (the follower
# indexing new suggestions, triage runs), database backends (PostgreSQL), the rest.
ROLES = ("web", "tasks", "db", "other")


def _role(cmdline: str) -> str:
    if "gunicorn" in cmdline:
        return "web"
    if "zhongzhi.cli worker" in cmdline:
        return "tasks"
    if cmdline.startswith("postgres"):
        return "db"
    return "other"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def default_workers() -> int:
    """The worker count `zhongzhi serve` picks (zhongzhi/cli.py)."""
    return int(os.environ.get("ZHONGZHI_WORKERS", str(max(2, (os.cpu_count() or 1) + 1))))


# --- the database under test -------------------------------------------------------------


class Database:
    def __init__(self, kind: str, data_dir: Path, pg_url: str) -> None:
        self.kind = kind
        self.data_dir = data_dir
        self.pg_admin_url = pg_url.rstrip("/") + "/postgres"
        self.pg_name = f"zhongzhi_bench_{os.getpid()}"
        if kind == "postgresql":
            self.url = f"{pg_url.rstrip('/')}/{self.pg_name}"
        else:
            self.url = f"sqlite:///{data_dir / 'zhongzhi.sqlite3'}"

    def create(self) -> None:
        if self.kind == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self.pg_name}"')

    def drop(self) -> None:
        if self.kind == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.pg_admin_url, autocommit=True) as conn:
            conn.execute(sql.encode())

    @contextlib.contextmanager
    def cursor(self) -> Iterator[Any]:
        if self.kind == "postgresql":
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as conn, conn.cursor() as cur:
                yield cur
        else:
            lite = sqlite3.connect(self.data_dir / "zhongzhi.sqlite3", timeout=60)
            try:
                yield lite.cursor()
            finally:
                lite.close()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        with self.cursor() as cur:
            cur.execute(sql)
            return list(cur.fetchall())

    def backend_pids(self) -> list[int]:
        """PostgreSQL server processes serving our database (their CPU is the server's too)."""
        if self.kind != "postgresql":
            return []
        return [
            pid
            for (pid,) in self.rows(
                "SELECT pid FROM pg_stat_activity "
                f"WHERE datname = '{self.pg_name}' AND pid <> pg_backend_pid()"
            )
        ]


# --- the server ------------------------------------------------------------------------------


class Server:
    """`zhongzhi serve` in a child process, with its gunicorn master and workers."""

    def __init__(self, env: dict[str, str], port: int, workers: int | None, log: Path) -> None:
        self.env, self.port, self.workers, self.log_path = env, port, workers, log
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        command = [sys.executable, "-m", "zhongzhi.cli", "serve", "--port", str(self.port)]
        if self.workers is not None:
            command += ["--workers", str(self.workers)]
        with self.log_path.open("ab") as log:
            log.write(f"\n=== start {time.strftime('%X')} ===\n".encode())
            self.process = subprocess.Popen(
                command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.starts += 1

    def tree(self) -> list[int]:
        if self.process is None:
            return []
        return [self.process.pid, *_descendants(self.process.pid, _proc_table())]

    def gunicorn_master(self) -> int | None:
        if self.process is None:
            return None
        table = _proc_table()
        for pid in _descendants(self.process.pid, table):
            ppid, _cpu, cmd = table[pid]
            if ppid == self.process.pid and "gunicorn" in cmd:
                return pid
        return None

    def wait_ready(self, campaign_id: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"server exited ({self.process.returncode}); see {self.log_path}"
                )
            if self.gunicorn_master() is not None and _get_ok(self.port, campaign_id):
                return
            time.sleep(0.2)
        raise RuntimeError(f"server not ready after {timeout}s; see {self.log_path}")

    def stop(self, how: str = "term", timeout: float = 60) -> None:
        """term: SIGTERM to gunicorn's master (graceful); kill-master: SIGKILL to the
        master only; kill-all: SIGKILL to master and workers at once."""
        if self.process is None or self.process.poll() is not None:
            return
        table = _proc_table()
        master = self.gunicorn_master()
        if master is not None:
            if how == "term":
                os.kill(master, signal.SIGTERM)
            elif how == "kill-master":
                os.kill(master, signal.SIGKILL)
            elif how == "kill-all":
                workers = _descendants(master, table)
                for pid in [master, *workers]:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
        else:
            self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            for pid in reversed(self.tree()):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def leftovers(self, old_tree: list[int]) -> list[int]:
        """Processes of an old server tree still alive (e.g. orphaned gunicorn workers)."""
        table = _proc_table()
        return [pid for pid in old_tree if pid in table and "gunicorn" in table[pid][2]]


def _get_ok(port: int, campaign_id: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=10) as conn:
            conn.sendall(
                f"GET /api/campaigns/{campaign_id} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            return conn.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


# --- one database: set up, load, tear down ---------------------------------------------------


@dataclass
class Phase:
    endpoint: str
    db: str
    load: LoadResult
    server_cpu: float  # seconds of CPU used by the server tree (+ PG backends) in the window
    machine_busy: float  # seconds of CPU the whole machine used in the window
    # Gunicorn workers' time in the window, as fractions of their wall time: on a CPU,
    # runnable but waiting for a CPU (the machine is busy), blocked (database, locks).
    worker_split: tuple[float, float, float] = (float("nan"),) * 3
    # The server's CPU seconds in the window by role (see ROLES).
    cpu_by_role: dict[str, float] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.load.ok / self.load.window

    def cores(self, seconds: float) -> float:
        return seconds / self.load.window


@dataclass
class Bench:
    kind: str
    args: argparse.Namespace
    data_dir: Path = field(init=False)
    db: Database = field(init=False)
    server: Server = field(init=False)
    campaign_id: int = 0
    port: int = 0

    def __post_init__(self) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"zhongzhi-bench-{self.kind}-"))
        self.db = Database(self.kind, self.data_dir, self.args.pg_url)
        self.port = self.args.port or _free_port()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DATABASE_URL", "DJANGO_", "ZHONGZHI_DATA_DIR"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="bench.load.settings",
            ZHONGZHI_DATA_DIR=str(self.data_dir),
            DATABASE_URL=self.db.url,
            PYTHONPATH=str(REPO),
            # gunicorn ≥ 25 opens a control socket in $XDG_RUNTIME_DIR (default
            # ~/.gunicorn/): keep ours apart from any other gunicorn on this machine.
            XDG_RUNTIME_DIR=str(self.data_dir),
            BENCH_DISTINCT_CLIENTS="1" if self.args.distinct_clients else "",
        )
        self.env = env
        self.server = Server(env, self.port, self.args.workers, self.data_dir / "server.log")

    def manage(self, *command: str) -> None:
        with (self.data_dir / "setup.log").open("ab") as log:
            subprocess.run(
                [sys.executable, "-m", "zhongzhi.cli", *command],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
            )

    def setup(self) -> None:
        self.db.create()
        self.manage("migrate")
        self.manage("demo")
        self.campaign_id = self.db.rows("SELECT MIN(id) FROM campaigns_campaign")[0][0]
        self.server.start()
        self.server.wait_ready(self.campaign_id)

    def teardown(self) -> None:
        try:
            self.server.stop("term")
        finally:
            try:
                self.db.drop()
            finally:
                if self.args.keep:
                    print(f"  (kept {self.data_dir})")
                else:
                    shutil.rmtree(self.data_dir, ignore_errors=True)

    def path(self, endpoint: str) -> str:
        if endpoint == "submit":
            return f"/api/campaigns/{self.campaign_id}/suggestions"
        return f"/bench/baseline/{self.campaign_id}/"

    def _server_cpu(self, pg_pids: list[int]) -> dict[int, tuple[str, float]]:
        """pid -> (role, CPU seconds) for the server's processes and database backends."""
        table = _proc_table()
        pids = set(self.server.tree()) | set(pg_pids)
        return {pid: (_role(table[pid][2]), table[pid][1]) for pid in pids if pid in table}

    def phase(
        self, endpoint: str, seconds: float, warmup: float, rate: float | None = None
    ) -> Phase:
        payloads = make_payloads(997)
        prefix = f"{endpoint[:3]}{uuid.uuid4().hex[:8]}"
        cpu_box: dict[str, Any] = {}

        def sample(at: float, name: str) -> None:
            time.sleep(max(0.0, at - time.perf_counter()))
            pg = self.db.backend_pids()
            cpu_box[name] = (self._server_cpu(pg), _machine_busy())
            master = self.server.gunicorn_master()
            workers = _descendants(master, _proc_table()) if master else []
            cpu_box[f"{name}-sched"] = _schedstat(workers)

        begin = time.perf_counter()
        samplers = [
            threading.Thread(target=sample, args=(begin + warmup, "from")),
            threading.Thread(target=sample, args=(begin + warmup + seconds, "to")),
        ]
        for sampler in samplers:
            sampler.start()
        load = asyncio.run(
            run_load(
                host=HOST,
                port=self.port,
                path=self.path(endpoint),
                clients=self.args.clients,
                seconds=seconds,
                warmup=warmup,
                payloads=payloads,
                key_prefix=prefix,
                distinct_clients=self.args.distinct_clients,
                rate=rate,
            )
        )
        for sampler in samplers:
            sampler.join()
        (cpu_from, busy_from), (cpu_to, busy_to) = cpu_box["from"], cpu_box["to"]
        by_role: dict[str, float] = dict.fromkeys(ROLES, 0.0)
        for pid, (role, cpu) in cpu_to.items():
            by_role[role] += cpu - cpu_from.get(pid, (role, 0.0))[1]
        server_cpu = sum(by_role.values())
        sched_from, sched_to = cpu_box["from-sched"], cpu_box["to-sched"]
        both = [pid for pid in sched_to if pid in sched_from]
        split: tuple[float, float, float] = (float("nan"),) * 3
        if both:
            wall = len(both) * seconds
            on_cpu = sum(sched_to[p][0] - sched_from[p][0] for p in both) / wall
            waiting = sum(sched_to[p][1] - sched_from[p][1] for p in both) / wall
            split = (on_cpu, waiting, max(0.0, 1 - on_cpu - waiting))
        return Phase(
            endpoint, self.kind, load, server_cpu, busy_to[0] - busy_from[0], split, by_role
        )

    def sliced(
        self, plan: dict[str, float | None], seconds: float, warmup: float, slice_seconds: float
    ) -> dict[str, Phase]:
        """Each endpoint of `plan` (endpoint -> open-loop rate, or None for back to back)
        for `seconds` in all, in alternating slices, so that background work (the
        follower, a triage run of the growing campaign, a checkpoint) falls on all of
        them alike instead of on whichever phase happens to be running."""
        if slice_seconds <= 0 or slice_seconds >= seconds:
            return {e: self.phase(e, seconds, warmup, rate) for e, rate in plan.items()}
        parts: dict[str, list[Phase]] = {endpoint: [] for endpoint in plan}
        endpoints = list(plan)
        slices = max(1, round(seconds / slice_seconds))
        for index in range(slices):
            order = endpoints if index % 2 == 0 else endpoints[::-1]
            for endpoint in order:
                # A short warm-up: the clients connect and the backlog fills again.
                part = self.phase(endpoint, seconds / slices, min(warmup, 0.5), plan[endpoint])
                parts[endpoint].append(part)
        return {endpoint: combine(phases) for endpoint, phases in parts.items()}

    # --- the restart test ---

    def restart_run(self, how: str, seconds: float) -> dict[str, Any]:
        payloads = make_payloads(997, seed=11)
        prefix = f"rst{uuid.uuid4().hex[:8]}"
        restart_at = seconds * 0.3
        timeline: dict[str, Any] = {"starts": 0}

        def restart() -> None:
            time.sleep(restart_at)
            old_tree = self.server.tree()
            timeline["stopped_at"] = time.perf_counter()
            self.server.stop(how)
            timeline["leftovers"] = len(self.server.leftovers(old_tree))
            for _attempt in range(10):
                self.server.start()
                timeline["starts"] += 1
                try:
                    self.server.wait_ready(self.campaign_id, timeout=90)
                    break
                except RuntimeError:  # e.g. the port still held by orphaned workers
                    time.sleep(1)
            else:
                raise RuntimeError(f"server did not come back; see {self.server.log_path}")
            timeline["ready_at"] = time.perf_counter()

        worker = threading.Thread(target=restart)
        result = asyncio.run(
            run_retrying(
                host=HOST,
                port=self.port,
                path=self.path("submit"),
                clients=self.args.clients,
                seconds=seconds,
                payloads=payloads,
                key_prefix=prefix,
                on_start=worker.start,
                distinct_clients=self.args.distinct_clients,
            )
        )
        worker.join()
        stored = dict(
            self.db.rows(
                "SELECT idempotency_key, receipt_code FROM intake_suggestion "
                f"WHERE idempotency_key LIKE '{prefix}-%'"
            )
        )
        per_key = self.db.rows(
            "SELECT idempotency_key, COUNT(*) FROM intake_suggestion "
            f"WHERE idempotency_key LIKE '{prefix}-%' GROUP BY idempotency_key HAVING COUNT(*) > 1"
        )
        # The worker restarted too: every stored suggestion must still reach the
        # duplicate index (a minute at most for the follower to catch up).
        unindexed_sql = (
            "SELECT COUNT(*) FROM intake_suggestion WHERE idempotency_key LIKE "
            f"'{prefix}-%' AND NOT in_duplicate_index"
        )
        deadline = time.perf_counter() + 60
        while (unindexed := self.db.rows(unindexed_sql)[0][0]) and time.perf_counter() < deadline:
            time.sleep(1)
        rows = self.db.rows(
            f"SELECT COUNT(*) FROM intake_suggestion WHERE idempotency_key LIKE '{prefix}-%'"
        )[0][0]
        acked = result.acknowledged
        return {
            "how": how,
            "db": self.kind,
            "keys_sent": result.keys_sent,
            "acknowledged": len(acked),
            "stored": rows,
            "lost": sum(1 for key in acked if key not in stored),
            "doubled": sum(count - 1 for _key, count in per_key),
            "unacked_stored": sum(1 for key in stored if key not in acked),
            "receipt_mismatch": sum(1 for key, code in acked.items() if stored.get(key) != code),
            "unindexed": unindexed,
            "given_up": len(result.given_up),
            "retries": result.retries,
            "replayed": result.replayed,
            "failures": dict(result.failures),
            "down_s": timeline.get("ready_at", float("nan")) - timeline.get("stopped_at", 0.0),
            "starts": timeline["starts"],
            "orphans": timeline.get("leftovers", 0),
        }


def combine(parts: list[Phase]) -> Phase:
    """One phase out of slices of the same endpoint: counts and CPU added up."""
    load = LoadResult(window=sum(p.load.window for p in parts))
    for part in parts:
        load.latencies.extend(part.load.latencies)
        load.statuses.update(part.load.statuses)
        load.client_cpu += part.load.client_cpu
    by_role: dict[str, float] = dict.fromkeys(ROLES, 0.0)
    for part in parts:
        for role, cpu in part.cpu_by_role.items():
            by_role[role] += cpu
    split = tuple(
        sum(p.worker_split[i] * p.load.window for p in parts) / load.window for i in range(3)
    )
    return Phase(
        parts[0].endpoint,
        parts[0].db,
        load,
        sum(p.server_cpu for p in parts),
        sum(p.machine_busy for p in parts),
        (split[0], split[1], split[2]),
        by_role,
    )


# --- capacity at a latency target (open loop) -------------------------------------------


@dataclass
class Search:
    """One endpoint's search for the highest arrival rate that keeps p99 under target."""

    endpoint: str
    next_rate: float
    passed: float = 0.0  # highest rate that passed
    failed: float | None = None  # lowest rate that failed
    best: Phase | None = None  # the phase at `passed`
    steps: int = 0
    unconfirmed: float | None = None  # a rate that failed once, to be tried again

    def done(self, precision: float, max_steps: int) -> bool:
        if self.steps >= max_steps:
            return True
        return self.failed is not None and self.failed - self.passed <= precision * self.failed

    def record(self, phase: Phase, rate: float, ok: bool) -> None:
        self.steps += 1
        if not ok and self.unconfirmed != rate:
            # One stall (a triage run storing its results, a checkpoint) fails a p99 over
            # seconds by itself: a rate fails when it fails twice in a row.
            self.unconfirmed = rate
            return
        self.unconfirmed = None
        if ok:
            self.passed, self.best = rate, phase
        else:
            self.failed = rate if self.failed is None else min(self.failed, rate)
        # Grow by half until a rate fails, then bisect.
        self.next_rate = rate * 1.5 if self.failed is None else (self.passed + self.failed) / 2


def slo_passes(phase: Phase, rate: float, target_ms: float) -> bool:
    """No errors, the offered rate sustained (Poisson: within 5 %), p99 under target."""
    load = phase.load
    p99_ms = percentile(load.latencies, 0.99) * 1000 if load.latencies else float("inf")
    return load.errors == 0 and phase.rps >= 0.95 * rate and p99_ms < target_ms


def capacity_search(bench: "Bench", args: argparse.Namespace, repeat: int) -> dict[str, Search]:
    """Interleave both endpoints' searches so that they share the machine's moods."""
    searches = {e: Search(e, args.slo_start) for e in ("submit", "baseline")}
    round_ = repeat
    while not all(s.done(args.slo_precision, args.slo_max_steps) for s in searches.values()):
        order = ("submit", "baseline") if round_ % 2 == 0 else ("baseline", "submit")
        round_ += 1
        plan: dict[str, float | None] = {
            endpoint: searches[endpoint].next_rate
            for endpoint in order
            if not searches[endpoint].done(args.slo_precision, args.slo_max_steps)
        }
        found = bench.sliced(plan, args.seconds, args.warmup, args.slice)
        for endpoint, phase in found.items():
            rate = plan[endpoint]
            assert rate is not None
            ok = slo_passes(phase, rate, args.slo_p99)
            searches[endpoint].record(phase, rate, ok)
            verdict = "pass" if ok else "once" if searches[endpoint].unconfirmed else "FAIL"
            print(f"{rate:>7.1f} {verdict:<5} {_fmt_phase(phase)}", flush=True)
    return searches


def summarise_capacity(found: list[tuple[str, dict[str, Search]]], target_ms: float) -> None:
    print(f"\ncapacity: highest arrival rate with p99 < {target_ms:g} ms (medians over repeats)")
    print(f"{'endpoint':<9} {'DB':<10} {'req/s':>7}  runs")
    for kind in dict.fromkeys(k for k, _ in found):
        capacity = {}
        for endpoint in ("submit", "baseline"):
            runs = [s[endpoint].passed for k, s in found if k == kind]
            capacity[endpoint] = statistics.median(runs)
            shown = ", ".join(f"{r:.0f}" for r in runs)
            print(f"{endpoint:<9} {kind:<10} {capacity[endpoint]:>7.1f}  {shown}")
        ratio = capacity["submit"] / capacity["baseline"] if capacity["baseline"] else float("nan")
        print(
            f"{kind}: submit/baseline throughput at p99 < {target_ms:g} ms = {ratio:.2f} "
            f"(target ≥ 0.80: {'met' if ratio >= 0.8 else 'MISSED'})"
        )


# --- reporting ---------------------------------------------------------------------------------


def _row(endpoint: str, kind: str, values: dict[str, float], errors: str = "") -> str:
    return (
        f"{endpoint:<9} {kind:<10} {values['rps']:>7.1f} {values['p50']:>7.0f} "
        f"{values['p99']:>7.0f} {values['errors']:>6.0f} {values['client']:>6.2f} "
        f"{values['server']:>6.2f} {values['machine']:>7.2f} {values['cpu_ms']:>7.1f} "
        f"{values['web_ms']:>5.1f} {values['tasks_ms']:>5.1f} {values['db_ms']:>5.1f}  "
        f"{values['on_cpu'] * 100:>3.0f}% {values['runq'] * 100:>3.0f}% "
        f"{values['blocked'] * 100:>3.0f}%  {errors}"
    ).rstrip()


def _values(phase: Phase) -> dict[str, float]:
    load = phase.load
    return {
        "rps": phase.rps,
        "p50": percentile(load.latencies, 0.5) * 1000,
        "p99": percentile(load.latencies, 0.99) * 1000,
        "errors": load.errors,
        "client": phase.cores(load.client_cpu),
        "server": phase.cores(phase.server_cpu),
        "machine": phase.cores(phase.machine_busy),
        "cpu_ms": phase.server_cpu / max(1, load.ok) * 1000,
        **{
            f"{role}_ms": phase.cpu_by_role.get(role, 0.0) / max(1, load.ok) * 1000
            for role in ("web", "tasks", "db")
        },
        "on_cpu": phase.worker_split[0],
        "runq": phase.worker_split[1],
        "blocked": phase.worker_split[2],
    }


def _fmt_phase(phase: Phase) -> str:
    errors = ",".join(f"{k}×{v}" for k, v in phase.load.statuses.items() if not k.startswith("2"))
    return _row(phase.endpoint, phase.db, _values(phase), errors)


HEADER = (
    f"{'endpoint':<9} {'DB':<10} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
    f"{'client':>6} {'server':>6} {'machine':>7} {'CPU ms':>7} "
    f"{'web':>5} {'tasks':>5} {'db':>5}  {'cpu':>4} {'runq':>4} {'blkd':>4}"
)
CPU_NOTE = (
    "client/server/machine = CPU cores used in the window by the load generator, by the server\n"
    "(serve, gunicorn, task worker, PostgreSQL backends) and by the whole 2-core machine;\n"
    "CPU ms = server CPU per answered request, of which web = gunicorn, tasks = the task\n"
    "worker (indexing new suggestions, triage runs), db = PostgreSQL; cpu/runq/blkd = share\n"
    "of the gunicorn workers' wall time on a CPU / runnable but waiting for a CPU / blocked\n"
    "(database, locks, accept)"
)


def summarise(phases: list[Phase], dbs: list[str], rate: float | None) -> None:
    print("\nmedians over repeats")
    print(HEADER)
    medians: dict[tuple[str, str], dict[str, float]] = {}
    for kind in dbs:
        for endpoint in ("submit", "baseline"):
            runs = [_values(p) for p in phases if p.db == kind and p.endpoint == endpoint]
            if not runs:
                continue
            median = {name: statistics.median(run[name] for run in runs) for name in runs[0]}
            medians[(kind, endpoint)] = median
            print(_row(endpoint, kind, median))
    print(CPU_NOTE)
    for kind in dbs:
        if (kind, "submit") in medians and (kind, "baseline") in medians:
            real, base = medians[(kind, "submit")], medians[(kind, "baseline")]
            ratio = real["rps"] / base["rps"] if base["rps"] else float("nan")
            throughput = (
                f"throughput set by --rate {rate:g} (open loop), ratio not meaningful"
                if rate
                else f"submit/baseline throughput = {ratio:.2f} (target ≥ 0.80: "
                f"{'met' if ratio >= 0.8 else 'MISSED'})"
            )
            print(
                f"{kind}: {throughput}; submit p99 = {real['p99']:.0f} ms "
                f"(target < 100 ms: {'met' if real['p99'] < 100 else 'MISSED'})"
            )
    if not rate:
        print(
            "note: closed loop, so mean latency ≈ clients / throughput (Little's law): "
            "p99 < 100 ms at 64 back-to-back clients needs > 640 req/s"
        )


def _load_shape(args: argparse.Namespace) -> str:
    if args.slo_p99:
        return f"open loop, rate searched for p99 < {args.slo_p99:g} ms"
    if args.rate:
        return f"open loop, {args.rate:g} req/s in total"
    return "back to back"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=20, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured seconds per phase")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help=f"gunicorn workers (default: as `zhongzhi serve`, here {default_workers()})",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="open loop: total requests/s (Poisson) instead of back-to-back clients; "
        "latency then shows what a resident waits at that load",
    )
    parser.add_argument(
        "--slo-p99",
        type=float,
        default=None,
        metavar="MS",
        help="capacity search instead: for each endpoint the highest open-loop rate "
        "(Poisson, --clients connections) whose p99 stays under MS ms, side by side",
    )
    parser.add_argument("--slo-start", type=float, default=100, help="first rate tried")
    parser.add_argument(
        "--slo-precision", type=float, default=0.04, help="stop when pass/fail rates are this close"
    )
    parser.add_argument("--slo-max-steps", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=1, help="phases per endpoint (medians)")
    parser.add_argument(
        "--slice",
        type=float,
        default=3.0,
        help="measure the endpoints in alternating slices of this many seconds (0: one "
        "phase each, one after the other)",
    )
    parser.add_argument("--restart", action="store_true", help="run the restart test instead")
    parser.add_argument(
        "--restart-modes",
        default="term,kill-master,kill-all",
        help="comma-separated: term (SIGTERM master), kill-master, kill-all (SIGKILL master "
        "and workers)",
    )
    parser.add_argument(
        "--distinct-clients",
        action="store_true",
        help="each client its own address (X-Forwarded-For, trusted in bench settings), so the "
        "rate limiter keeps one counter row per client instead of one shared hot row",
    )
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--keep", action="store_true", help="keep the data dir (logs, SQLite)")
    args = parser.parse_args(argv)

    dbs = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    workers = args.workers or default_workers()
    print(
        f"intake load: {args.clients} clients "
        f"({_load_shape(args)}), "
        f"{workers} gunicorn sync workers, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} before start"
    )
    phases: list[Phase] = []
    restarts: list[dict[str, Any]] = []
    capacities: list[tuple[str, dict[str, Search]]] = []
    for kind in dbs:
        bench = Bench(kind, args)
        try:
            started = time.perf_counter()
            bench.setup()
            print(f"\n[{kind}] ready in {time.perf_counter() - started:.0f}s on port {bench.port}")
            # Warm every worker (imports, first queries), unmeasured.
            for endpoint in ("submit", "baseline"):
                bench.phase(endpoint, seconds=1, warmup=2)
            if args.restart:
                for how in args.restart_modes.split(","):
                    outcome = bench.restart_run(how, args.seconds)
                    restarts.append(outcome)
                    print(
                        f"  {how:<12} keys sent {outcome['keys_sent']}, stored "
                        f"{outcome['stored']}, lost {outcome['lost']}, doubled "
                        f"{outcome['doubled']}, receipt mismatches {outcome['receipt_mismatch']}, "
                        f"not indexed {outcome['unindexed']}, gave up {outcome['given_up']}; "
                        f"down {outcome['down_s']:.1f}s, starts {outcome['starts']}, "
                        f"orphaned workers {outcome['orphans']}, retries {outcome['retries']}, "
                        f"replayed {outcome['replayed']}, failed tries {outcome['failures']}",
                        flush=True,
                    )
                continue
            if args.slo_p99:
                print(f"{'rate':>7} {'p99<':<5} {HEADER}")
                for repeat in range(args.repeat):
                    capacities.append((kind, capacity_search(bench, args, repeat)))
                continue
            print(HEADER)
            for repeat in range(args.repeat):
                order = ("submit", "baseline") if repeat % 2 == 0 else ("baseline", "submit")
                plan = dict.fromkeys(order, args.rate)
                for phase in bench.sliced(plan, args.seconds, args.warmup, args.slice).values():
                    phases.append(phase)
                    print(_fmt_phase(phase), flush=True)
        finally:
            bench.teardown()
    if phases:
        summarise(phases, dbs, args.rate)
    if capacities:
        print(CPU_NOTE)
        summarise_capacity(capacities, args.slo_p99)
    if restarts:
        print("\nrestart test: one suggestion per key sent?")
        print(f"{'DB':<10} {'stop':<12} {'keys':>6} {'stored':>7} {'lost':>5} {'doubled':>8}")
        for r in restarts:
            print(
                f"{r['db']:<10} {r['how']:<12} {r['keys_sent']:>6} {r['stored']:>7} "
                f"{r['lost']:>5} {r['doubled']:>8}"
            )
        bad = [
            r
            for r in restarts
            if r["lost"]
            or r["doubled"]
            or r["receipt_mismatch"]
            or r["unindexed"]
            or r["given_up"]
            or r["stored"] != r["keys_sent"]
        ]
        print("restart test:", "FAILED" if bad else "passed (none lost, none doubled)")
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
