"""The load generator: N concurrent clients posting suggestions back to back.

asyncio with raw HTTP/1.1 over `asyncio.open_connection`: one connection per client,
kept alive when the server allows it (gunicorn's sync workers close it after every
answer, so in practice every request is a new TCP connection, as for real clients
behind no proxy). Latency is measured from the connect (or the write, on a kept
connection) to the last byte of the answer, so it includes the wait in the listen
backlog.

Two modes:
- `run_load`: every logical submission is tried once; errors are counted.
- `run_retrying`: every logical submission is retried with the same Idempotency-Key
  until it gets a 2xx (the restart test); the answer's receipt code is kept per key.
"""

import asyncio
import contextlib
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

# --- realistic (generated) Chinese suggestions ------------------------------------

_PLACES = [
    "红岛路社区",
    "金口路社区",
    "福山路社区",
    "太平角社区",
    "八大关景区",
    "居民楼下",
    "老旧小区",
    "菜市场门口",
    "小学门前",
    "公交站台",
    "海边步道",
    "社区卫生服务站",
    "街道便民服务中心",
    "停车场",
]
_PROBLEMS = [
    "路灯经常不亮，晚上出行很不安全",
    "停车位太少，车辆乱停乱放堵塞消防通道",
    "垃圾分类桶经常满溢，夏天气味很大",
    "人行道砖块松动，老人容易绊倒",
    "办事要跑好几个窗口，材料还要重复提交",
    "早晚高峰车辆拥堵，孩子上学过马路危险",
    "游客太多，噪音影响居民休息",
    "缺少适合老年人活动的场地和健身器材",
    "下水道容易堵塞，下雨天积水严重",
    "电动车充电不方便，有人私拉电线",
    "公共厕所太少，而且卫生条件不好",
    "通知只贴在公告栏，很多人看不到",
]
_PROPOSALS = [
    "建议尽快安排维修，并建立定期巡查制度",
    "建议利用闲置空地增设临时停车位，实行错时共享",
    "建议增加清运频次，并在高峰季节加派人手",
    "建议推行“一窗受理、一次办好”，能网上办的尽量网上办",
    "建议在上下学时段安排志愿者和交警疏导",
    "建议设立安静时段，并在景区入口加强引导",
    "建议在社区增设老年活动室，配备适老化健身设施",
    "建议对排水管网进行全面排查和清淤",
    "建议集中建设电动车充电棚，统一管理",
    "建议通过微信群和小程序同步发布通知",
]
_CLOSINGS = [
    "希望街道能够重视。",
    "谢谢！",
    "这是很多居民共同的心声。",
    "盼早日解决。",
    "愿意参与志愿服务，一起把社区建设好。",
    "",
]
_NAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"]


def make_payloads(count: int, seed: int = 5) -> list[bytes]:
    """`count` JSON bodies of 60 to 400 characters of generated Chinese suggestions."""
    rng = random.Random(seed)
    bodies = []
    for _ in range(count):
        sentences = []
        for _part in range(rng.randint(1, 3)):
            place, problem, proposal = (
                rng.choice(_PLACES),
                rng.choice(_PROBLEMS),
                rng.choice(_PROPOSALS),
            )
            sentences.append(f"{place}{problem}。{proposal}。")
        text = "".join(sentences) + rng.choice(_CLOSINGS)
        payload: dict[str, object] = {"text": text}
        if rng.random() < 0.5:
            payload["title"] = text[:12]
        if rng.random() < 0.3:
            payload["submitter_name"] = rng.choice(_NAMES) + "先生"
            payload["submitter_phone"] = f"13{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"
        else:
            payload["anonymous"] = True
        bodies.append(json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    return bodies


# --- one HTTP/1.1 exchange ---------------------------------------------------------


class Connection:
    """One client's connection; reopened whenever the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def post(
        self, path: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            + "".join(f"{name}: {value}\r\n" for name, value in headers.items())
            + "\r\n"
        )
        self.writer.write(head.encode("latin-1") + body)
        try:
            raw = await self.reader.readuntil(b"\r\n\r\n")
            lines = raw.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            answer_headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    answer_headers[name.strip().lower()] = value.strip()
            if "content-length" in answer_headers:
                content = await self.reader.readexactly(int(answer_headers["content-length"]))
            else:
                content = await self.reader.read()
        except BaseException:
            await self.close()
            raise
        if answer_headers.get("connection", "").lower() == "close" or "content-length" not in (
            answer_headers
        ):
            await self.close()
        return status, answer_headers, content


# --- closed-loop load ----------------------------------------------------------------


@dataclass
class LoadResult:
    window: float  # seconds measured
    latencies: list[float] = field(default_factory=list)  # seconds, completions in window
    statuses: Counter[str] = field(default_factory=Counter)  # completions in window
    client_cpu: float = 0.0  # this process's CPU seconds during the window

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if status.startswith("2"))

    @property
    def errors(self) -> int:
        return sum(self.statuses.values()) - self.ok


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _client_headers(client: int, distinct_clients: bool) -> dict[str, str]:
    headers = {"Connection": "keep-alive"}
    if distinct_clients:
        headers["X-Forwarded-For"] = f"198.18.{client // 250}.{client % 250 + 1}"
    return headers


async def run_load(
    *,
    host: str,
    port: int,
    path: str,
    clients: int,
    seconds: float,
    warmup: float,
    payloads: list[bytes],
    key_prefix: str,
    distinct_clients: bool = False,
    rate: float | None = None,
) -> LoadResult:
    """`clients` loops posting for warmup + seconds; measure the last `seconds`.

    Closed loop (back to back) by default. With `rate` (requests/s in total), open
    loop: each client sends at Poisson times of rate/clients, and latency counts from
    the scheduled time, so a client held up by a slow answer is not under-counted.
    """
    start = time.perf_counter()
    measure_from = start + warmup
    measure_to = measure_from + seconds
    result = LoadResult(window=seconds)
    cpu_marks: dict[str, float] = {}

    async def mark_cpu() -> None:
        await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
        cpu_marks["from"] = time.process_time()
        await asyncio.sleep(max(0.0, measure_to - time.perf_counter()))
        cpu_marks["to"] = time.process_time()

    async def one_client(client: int) -> None:
        connection = Connection(host, port)
        headers = _client_headers(client, distinct_clients)
        sequence = 0
        rng = random.Random(client)
        scheduled = start + (rng.expovariate(rate / clients) if rate else 0.0)
        while time.perf_counter() < measure_to:
            sequence += 1
            headers["Idempotency-Key"] = f"{key_prefix}-{client}-{sequence}"
            body = payloads[(client * 7919 + sequence) % len(payloads)]
            if rate:
                await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
                if scheduled >= measure_to:
                    break
                began = scheduled
                scheduled += rng.expovariate(rate / clients)
            else:
                began = time.perf_counter()
            try:
                status, _headers, _content = await asyncio.wait_for(
                    connection.post(path, body, headers), timeout=60
                )
                outcome = str(status)
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as e:
                outcome = type(e).__name__
                await asyncio.sleep(0.01)
            ended = time.perf_counter()
            if measure_from <= ended <= measure_to:
                result.statuses[outcome] += 1
                if outcome.startswith("2"):
                    result.latencies.append(ended - began)
        await connection.close()

    await asyncio.gather(mark_cpu(), *(one_client(n) for n in range(clients)))
    result.client_cpu = cpu_marks.get("to", 0.0) - cpu_marks.get("from", 0.0)
    return result


# --- retrying load (the restart test) ----------------------------------------------------


@dataclass
class RetryResult:
    keys_sent: int = 0
    acknowledged: dict[str, str] = field(default_factory=dict)  # key -> receipt code
    given_up: list[str] = field(default_factory=list)  # keys refused with a 4xx
    attempts: int = 0
    retries: int = 0
    replayed: int = 0  # 200 answers with Idempotent-Replayed: true
    failures: Counter[str] = field(default_factory=Counter)  # what made a try fail
    first_failure: float | None = None  # perf_counter of the first failed try
    first_success_after: float | None = None  # first 2xx after the server came back


async def run_retrying(
    *,
    host: str,
    port: int,
    path: str,
    clients: int,
    seconds: float,
    payloads: list[bytes],
    key_prefix: str,
    on_start: Callable[[], None] | None = None,
    distinct_clients: bool = False,
    give_up_after: float = 120.0,
) -> RetryResult:
    """New logical submissions for `seconds`; each retried with its key until a 2xx."""
    result = RetryResult()
    stop_new_at = time.perf_counter() + seconds
    if on_start is not None:
        on_start()

    async def submit(connection: Connection, headers: dict[str, str], body: bytes) -> None:
        key = headers["Idempotency-Key"]
        deadline = time.perf_counter() + give_up_after
        backoff = 0.02
        first_try = True
        while True:
            result.attempts += 1
            if not first_try:
                result.retries += 1
            first_try = False
            try:
                status, answer_headers, content = await asyncio.wait_for(
                    connection.post(path, body, headers), timeout=30
                )
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as e:
                status, answer_headers, content = 0, {}, b""
                result.failures[type(e).__name__] += 1
            if 200 <= status < 300:
                result.acknowledged[key] = json.loads(content)["receipt_code"].replace("-", "")
                if answer_headers.get("idempotent-replayed") == "true":
                    result.replayed += 1
                if result.first_failure is not None and result.first_success_after is None:
                    result.first_success_after = time.perf_counter()
                return
            if status:
                result.failures[f"HTTP {status}"] += 1
            if status and 400 <= status < 500 and status not in (408, 429):
                result.given_up.append(key)  # a client error: retrying cannot help
                return
            if result.first_failure is None:
                result.first_failure = time.perf_counter()
            if time.perf_counter() > deadline:
                result.given_up.append(key)
                return
            await asyncio.sleep(backoff * (0.5 + random.random()))
            backoff = min(backoff * 2, 0.5)

    async def one_client(client: int) -> None:
        connection = Connection(host, port)
        headers = _client_headers(client, distinct_clients)
        sequence = 0
        while time.perf_counter() < stop_new_at:
            sequence += 1
            headers["Idempotency-Key"] = f"{key_prefix}-{client}-{sequence}"
            result.keys_sent += 1
            await submit(connection, headers, payloads[(client * 7919 + sequence) % len(payloads)])
        await connection.close()

    await asyncio.gather(*(one_client(n) for n in range(clients)))
    return result
