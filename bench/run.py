"""The portal's benchmarks side by side with the framework's floor, in one run: `make bench`.

Builds a fresh database with 5,000 plans (SQLite under bench/out/, or PostgreSQL when DATABASE_URL
is set), serves the portal and a bare Flask "hello" app under identical gunicorn settings
(2 sync workers), drives both with wrk, and prints one table: metric, value, target, PASS/FAIL.
Results also go to bench/out/results.json. See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = BENCH / "out"
sys.path[:0] = [str(ROOT), str(BENCH)]

import seed  # noqa: E402

PORTAL_TODAY = seed.TODAY.isoformat()
USER_AGENT = "dspt-bench"  # Flask-Login's strong session protection hashes it: keep it constant
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
GUNICORN = [
    str(Path(sys.executable).parent / "gunicorn"),
    "--workers",
    "2",
    "--worker-class",
    "sync",
    "--log-level",
    "warning",
]


# ---- Servers --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen

    def workers(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def cpu_seconds(self) -> float:
        """User + system CPU time of the workers so far: per-request cost, unlike wall time, barely
        depends on what else the shared machine is doing."""
        total = 0
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_server(name: str, app: str, chdir: Path, env: dict) -> Server:
    port = free_port()
    log = (OUT / f"{name}.log").open("w")
    process = subprocess.Popen(
        [*GUNICORN, "--bind", f"127.0.0.1:{port}", "--chdir", str(chdir), app],
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} did not start: see {OUT / (name + '.log')}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz" if name == "portal" else "/")
            if conn.getresponse().status == 200 and len(Server(name, port, process).workers()) == 2:
                return Server(name, port, process)
        except OSError:
            pass  # not listening yet: gunicorn is still starting, so poll again
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{name} did not answer within 30 s")


# ---- A signed-in client (http.client, no dependencies) ---------------------------------------


class Session:
    """One signed-in user: the session cookie and the CSRF token, as a browser would hold them."""

    def __init__(self, port: int):
        self.port = port
        self.cookie = ""
        self.csrf = ""

    def request(self, method: str, path: str, form: dict | list | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        head = {"User-Agent": USER_AGENT, **(headers or {})}
        if self.cookie:
            head["Cookie"] = self.cookie
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            head["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=head)
        response = conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        if response.getheader("Content-Type", "").startswith("text/html"):
            match = CSRF_META.search(data.decode("utf-8", "replace"))
            if match:
                self.csrf = match.group(1)
        conn.close()
        return response.status, data

    def sign_in(self, email: str, password: str) -> Session:
        self.request("GET", "/sign-in")
        status, _ = self.request(
            "POST", "/sign-in", {"csrf_token": self.csrf, "email": email, "password": password}
        )
        if status != 302:
            raise SystemExit(f"could not sign in as {email} (HTTP {status})")
        status, _ = self.request("GET", "/accessibility")  # the new session's CSRF token
        assert status == 200 and self.csrf
        return self


def row_form(ref_values: dict, version: int | None = None, *, csrf: str = "", autosave: bool = False) -> list:
    """The fields the editor's row form posts (htmx sends the whole form)."""
    form = [("csrf_token", csrf)] if csrf else []
    if version is not None:
        form.append(("version", str(version)))
    form += [("current_position", ref_values["current_position"]), ("actions", ref_values["actions"])]
    for i, (description, text, _) in enumerate(ref_values["milestones"]):
        form += [(f"milestones-{i}-description", description), (f"milestones-{i}-date", text)]
    form += [
        ("completion_date", ref_values["completion_date_text"]),
        ("owner", ref_values["owner"]),
        ("covid_impact", ref_values["covid_impact"]),
        ("covid_note", ref_values["covid_note"]),
        ("exceptional_circumstances", ""),
    ]
    if autosave:
        form.append(("autosave", "1"))
    return form


# ---- wrk -----------------------------------------------------------------------------------

LUA_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status, latency.max))
end
"""


def lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def lua_headers(headers: dict) -> str:
    return "\n".join(f"wrk.headers[ {lua_string(k)} ] = {lua_string(v)}" for k, v in headers.items())


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    socket_errors: int
    bad_status: int
    cpu_ms: float  # worker CPU per request

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def wrk(
    server: Server, path: str, script: str, *, threads: int = 2, connections: int = 8, seconds: int = 10
) -> WrkResult:
    port = server.port
    cpu = server.cpu_seconds()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", dir=OUT, delete=False) as handle:
        handle.write(script + LUA_DONE)
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "30s",
                "-s",
                handle.name,
                f"http://127.0.0.1:{port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        )
    finally:
        os.unlink(handle.name)
    if out.stderr.strip():
        raise SystemExit(f"wrk failed on {path}: {out.stderr.strip()}")
    out = out.stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    n, us, p50, p90, p99, sock, status, _ = (int(v) for v in line.split()[1:])
    cpu_ms = (server.cpu_seconds() - cpu) * 1000 / max(n, 1)
    return WrkResult(n, us / 1e6, p50 / 1000, p90 / 1000, p99 / 1000, sock, status, cpu_ms)


def get_script(session: Session | None, headers: dict | None = None) -> str:
    head = {"User-Agent": USER_AGENT, **(headers or {})}
    if session:
        head["Cookie"] = session.cookie
    return lua_headers(head)


def post_script(session: Session, form: list, headers: dict | None = None) -> str:
    head = {
        "User-Agent": USER_AGENT,
        "Cookie": session.cookie,
        "X-CSRFToken": session.csrf,
        "Content-Type": "application/x-www-form-urlencoded",
        **(headers or {}),
    }
    return f'wrk.method = "POST"\nwrk.body = {lua_string(urllib.parse.urlencode(form))}\n' + lua_headers(head)


SAVE_SCRIPT = r"""
-- One thread per connection, each on its own plan and row: the thread alternates the row's text
-- (every save is a real change) and posts the version the previous response handed back.
local targets = {TARGETS}
local counter = 0
setup = function(thread)
  thread:set("idx", counter)
  counter = counter + 1
end
init = function(args)
  t = targets[(idx % #targets) + 1]
  version = t.version
  flip = false
  conflicts = 0
end
request = function()
  flip = not flip
  local body = (flip and t.a or t.b) .. "&version=" .. version
  return wrk.format("POST", t.path, {["Cookie"] = t.cookie, ["X-CSRFToken"] = t.csrf,
    ["HX-Request"] = "true", ["User-Agent"] = "dspt-bench",
    ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
response = function(status, headers, body)
  local v = string.match(body, 'name="version" id="[^"]*" value="(%d+)"')
  if v then version = v end
  if status ~= 200 then conflicts = conflicts + 1 end
end
"""


def save_script(targets: list[dict]) -> str:
    entries = ",\n".join(
        "{"
        + ", ".join(f"{k} = {lua_string(str(v)) if not isinstance(v, int) else v}" for k, v in t.items())
        + "}"
        for t in targets
    )
    return SAVE_SCRIPT.replace("{TARGETS}", "{" + entries + "}")


# ---- Measurements --------------------------------------------------------------------------


@dataclass
class Metric:
    name: str
    value: float
    unit: str
    target: str = ""
    passed: bool | None = None
    note: str = ""


def timed(session: Session, path: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        status, data = session.request("GET", path)
        times.append(time.perf_counter() - start)
        assert status == 200, (path, status, data[:300])
    return times


def both_workers(func, *args) -> None:
    """Run func twice at once: a sync worker busy with one request cannot accept the other."""
    threads = [threading.Thread(target=func, args=args) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def warm(session: Session, paths: list[str], times: int = 2) -> None:
    for path in paths:
        both_workers(lambda p=path: [session.request("GET", p) for _ in range(times)])


def mixed_requests(sessions: dict, data: seed.BenchData, total: int, ref_values: dict) -> dict:
    """Requests like a working day's mix, PDFs included, from two clients at once (one per worker)."""
    editor, reviewer = sessions["editor-50"], sessions["national"]
    big = sessions["editor-200"]
    plan50, plan200 = data.plan_ids["editor-50"], data.plan_ids["editor-200"]
    row50 = data.row_ids["editor-50"]
    mix = [
        (editor, "GET", f"/plans/{plan50}", None, {}),
        (editor, "GET", "/plans", None, {}),
        (editor, "POST", f"/plans/{plan50}/rows/{row50}/check", "check", {"HX-Request": "true"}),
        (editor, "POST", f"/plans/{plan50}/rows/{row50}", "save", {"HX-Request": "true"}),
        (reviewer, "GET", "/reviews", None, {}),
        (reviewer, "GET", "/reviews?tab=all&org_type=NHS+Trust", None, {}),
        (reviewer, "GET", "/reviews/dashboard", None, {}),
        (sessions["stored-50"], "GET", f"/plans/{data.plan_ids['stored-50']}/submissions/1.pdf", None, {}),
        (big, "GET", f"/plans/{plan200}", None, {}),
    ]
    pdfs = (
        [(sessions["pdf-10"], f"/plans/{data.plan_ids['pdf-10']}/plan.pdf")] * 12
        + [(editor, f"/plans/{plan50}/plan.pdf")] * 6
        + [(big, f"/plans/{plan200}/plan.pdf")] * 2
    )
    plan = []
    step = total // len(pdfs)
    for i in range(total):
        if i % step == step // 2 and i // step < len(pdfs):
            session, path = pdfs[i // step]
            plan.append((session, "GET", path, None, {}))
        else:
            plan.append(mix[i % len(mix)])
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def run(part):
        for session, method, path, body, headers in part:
            form = None
            if body:
                form = row_form(
                    ref_values,
                    int(session.version) if body == "save" else 2,
                    csrf=session.csrf,
                    autosave=body == "save",
                )
            status, _ = session.request(method, path, form, {"X-CSRFToken": session.csrf, **headers})
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=run, args=(plan[k::2],)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def run_exports_bench() -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, str(BENCH / "bench_exports.py"), "--runs", "3"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    figures = {}
    for line in out.splitlines():
        match = re.match(r"^(.{32}) +([\d.]+)s", line)
        if match:
            figures[match.group(1).strip()] = float(match.group(2))
    return figures


# ---- Database ------------------------------------------------------------------------------


def fresh_database() -> tuple[str, callable]:
    """A new, empty database URL and a function that removes it."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgresql://", "postgres://")):
        from dspt_portal.database import make_database

        name = f"dspt_bench_{uuid.uuid4().hex[:8]}"
        admin = make_database(base)
        admin.execute_sql(f'CREATE DATABASE "{name}"')
        admin.close()

        def drop():
            admin.connect(reuse_if_open=True)
            admin.execute_sql(f'DROP DATABASE IF EXISTS "{name}"')
            admin.close()

        return base.rsplit("/", 1)[0] + "/" + name, drop
    path = OUT / "bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path}", lambda: None


def build_database(url: str, plans: int) -> seed.BenchData:
    from dspt_portal import create_app
    from dspt_portal.extensions import db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context(), db.connection_context():
        if url.startswith("sqlite"):
            db.pragma("synchronous", "off")  # building only: the server runs with the normal settings
        data = seed.build(plans)
    db.close()
    # A pool keeps its connections open: PostgreSQL would refuse to drop the database later.
    getattr(db.obj, "close_all", lambda: None)()
    return data


# ---- Main ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--plans", type=int, default=5000)
    parser.add_argument("--seconds", type=int, default=10, help="duration of each throughput run")
    parser.add_argument("--latency-seconds", type=int, default=5, help="duration of each latency run")
    parser.add_argument("--mixed", type=int, default=1000, help="requests before reading worker memory")
    parser.add_argument("--skip-exports", action="store_true", help="do not run bench_exports.py")
    parser.add_argument(
        "--only",
        choices=["throughput"],
        help="measure only the throughput ratios (a quick check while optimising; not the full table)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the servers' logs and the PostgreSQL database"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    OUT.mkdir(exist_ok=True)
    started = time.time()
    metrics: list[Metric] = []

    url, drop = fresh_database()
    print(f"Building {args.plans} plans in {url.split('@')[-1]} ...", flush=True)
    t0 = time.time()
    data = build_database(url, args.plans)
    build_s = time.time() - t0
    print(
        f"  {data.plans} plans, {data.rows} rows, {data.submissions} submissions in {build_s:.0f} s",
        flush=True,
    )

    from dspt_portal.exports.signing import ensure_dev_signing_material

    key, cert = ensure_dev_signing_material(OUT / "signing")
    env = {
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(32),
        "PORTAL_TODAY": PORTAL_TODAY,
        "SIGNING_KEY": str(key),
        "SIGNING_CERT": str(cert),
        "PORTAL_ENV": "development",
    }
    portal = start_server("portal", "wsgi:app", ROOT, env)
    hello = start_server("hello", "hello:app", BENCH, {})
    try:
        metrics += measure(portal, hello, data, args)
    finally:
        portal.stop()
        hello.stop()
    if not args.skip_exports and not args.only:
        print("Exports (bench/bench_exports.py --runs 3) ...", flush=True)
        figures = run_exports_bench()
        for label, target in (
            ("XLSX export, 200 rows", 0.150),
            ("XLSX import, 200 rows", 0.300),
            ("PDF render+sign, 50 rows", 1.0),
            ("PDF render+sign, 200 rows", 3.0),
        ):
            if label in figures:
                metrics.append(
                    Metric(
                        f"{label} (function)",
                        figures[label] * 1000,
                        "ms",
                        f"< {target * 1000:.0f} ms",
                        figures[label] <= target,
                    )
                )
    if not args.keep:
        drop()
    report(metrics, data, build_s, time.time() - started, url)
    return 0 if all(m.passed is not False for m in metrics) else 1


def measure(portal: Server, hello: Server, data: seed.BenchData, args) -> list[Metric]:
    metrics = []
    pw = data.password
    sessions = {
        label: Session(portal.port).sign_in(data.editors[label], pw)
        for label in ("editor-50", "editor-200", "pdf-10", "stored-50", "home")
    }
    sessions["national"] = Session(portal.port).sign_in(data.national, pw)
    values = seed.row_values  # rows of the bench plans are complete: the same values for a ref

    plan50, row50 = data.plan_ids["editor-50"], data.row_ids["editor-50"]
    ref50 = _ref_of(sessions["editor-50"], plan50, row50)
    ref_values = values(ref50)
    sessions["editor-50"].version = 2

    # Warm both workers on every page measured below (templates compiled, imports done).
    warm(sessions["editor-50"], [f"/plans/{plan50}", "/plans"])
    warm(sessions["editor-200"], [f"/plans/{data.plan_ids['editor-200']}"])
    warm(sessions["national"], ["/reviews", "/reviews/dashboard"])
    both_workers(lambda: sessions["pdf-10"].request("GET", f"/plans/{data.plan_ids['pdf-10']}/plan.pdf"))

    print("Throughput against the floor (wrk -t2 -c8) ...", flush=True)
    hello_before = wrk(hello, "/", get_script(None), seconds=args.seconds)
    check_form = row_form(ref_values, 2, csrf=sessions["editor-50"].csrf)
    check = wrk(
        portal,
        f"/plans/{plan50}/rows/{row50}/check",
        post_script(sessions["editor-50"], check_form, {"HX-Request": "true"}),
        seconds=args.seconds,
    )
    # Saves: 8 editors, each on a 20-row plan of their own; see SAVE_SCRIPT.
    targets = []
    for email, plan_id, row_id in data.save_plans:
        s = Session(portal.port).sign_in(email, pw)
        rv = values(_ref_of(s, plan_id, row_id))
        a = urllib.parse.urlencode(row_form(rv, csrf=s.csrf, autosave=True))
        b = urllib.parse.urlencode(
            row_form({**rv, "actions": rv["actions"] + " Report to the board."}, csrf=s.csrf, autosave=True)
        )
        targets.append(
            {
                "path": f"/plans/{plan_id}/rows/{row_id}",
                "cookie": s.cookie,
                "csrf": s.csrf,
                "version": 2,
                "a": a,
                "b": b,
            }
        )
    save = wrk(portal, "/", save_script(targets), threads=8, connections=8, seconds=args.seconds)
    unchanged_form = row_form(ref_values, 2, csrf=sessions["editor-50"].csrf, autosave=True)
    unchanged = wrk(
        portal,
        f"/plans/{plan50}/rows/{row50}",
        post_script(sessions["editor-50"], unchanged_form, {"HX-Request": "true"}),
        seconds=args.seconds,
    )
    # What any signed-in request costs before it does anything (session, user, security headers):
    # no target, it shows how much of the ratios above the stack itself takes.
    signed_in_floor = wrk(portal, "/healthz", get_script(sessions["editor-50"]), seconds=args.seconds)
    hello_after = wrk(hello, "/", get_script(None), seconds=args.seconds)
    floor = (hello_before.rps + hello_after.rps) / 2
    metrics.append(
        Metric(
            "hello floor (bare Flask)",
            floor,
            "req/s",
            "",
            note=f"before {hello_before.rps:.0f}, after {hello_after.rps:.0f}; "
            f"{hello_before.cpu_ms:.2f} ms CPU/request",
        )
    )
    for name, result, target in (
        ("live row validation (POST check)", check, 0.40),
        ("row save, changed text (autosave)", save, 0.30),
        ("row save, unchanged (autosave)", unchanged, 0.30),
        ("signed-in floor (GET /healthz, session)", signed_in_floor, None),
    ):
        ratio = result.rps / floor
        clean = result.bad_status == 0 and result.socket_errors == 0
        metrics.append(
            Metric(
                name,
                result.rps,
                "req/s",
                f">= {target:.0%} of hello: {ratio:.0%}" if target else f"{ratio:.1%} of hello",
                (ratio >= target and clean) if target else (None if clean else False),
                note=f"p50 {result.p50_ms:.1f} ms; {result.cpu_ms:.2f} ms CPU/request; "
                f"non-2xx {result.bad_status}",
            )
        )

    if args.only == "throughput":
        return metrics

    print("Latency, one connection (wrk -t1 -c1) ...", flush=True)
    pages = [
        ("editor page, 50 rows", sessions["editor-50"], f"/plans/{plan50}", 60),
        ("editor page, 200 rows", sessions["editor-200"], f"/plans/{data.plan_ids['editor-200']}", 200),
        # Fetched by the editor once typing pauses after an autosave (readiness, sign-off, progress).
        (
            "status panels after autosave, 50 rows",
            sessions["editor-50"],
            f"/plans/{plan50}/status-panels",
            60,
        ),
        (
            "status panels after autosave, 200 rows",
            sessions["editor-200"],
            f"/plans/{data.plan_ids['editor-200']}/status-panels",
            200,
        ),
        ("organisation home", sessions["home"], "/plans", 60),
        ("queue: to review (default)", sessions["national"], "/reviews", 80),
        (
            "queue: all, sorted recent, page 10",
            sessions["national"],
            "/reviews?tab=all&sort=recent&page=10",
            80,
        ),
        (
            "queue: NHS Trust, London, 2022-23",
            sessions["national"],
            f"/reviews?tab=all&org_type=NHS+Trust&region={data.london_region}&year=2022-23",
            80,
        ),
        ("queue: agreed, overdue only", sessions["national"], "/reviews?tab=agreed&overdue=y", 80),
        ("queue: htmx fragment, all", sessions["national"], "/reviews?tab=all", 80),
        ("reviewer dashboard", sessions["national"], "/reviews/dashboard", None),
    ]
    for name, session, path, target in pages:
        headers = {"HX-Request": "true"} if "fragment" in name or "panels" in name else {}
        result = wrk(
            portal, path, get_script(session, headers), threads=1, connections=1, seconds=args.latency_seconds
        )
        ok = None if target is None else result.p50_ms < target and result.bad_status == 0
        metrics.append(
            Metric(
                name,
                result.p50_ms,
                "ms p50",
                f"< {target} ms" if target else "",
                ok,
                note=f"p90 {result.p90_ms:.0f} ms; {result.cpu_ms:.1f} ms CPU/request; "
                f"{result.requests} requests",
            )
        )

    print("PDF downloads ...", flush=True)
    stored = f"/plans/{data.plan_ids['stored-50']}/submissions/1.pdf"
    timed(sessions["stored-50"], stored, 1)  # first download renders, signs and stores it
    for name, session, path, target, runs in (
        ("draft PDF download, 50 rows", sessions["editor-50"], f"/plans/{plan50}/plan.pdf", 1000, 3),
        (
            "draft PDF download, 200 rows",
            sessions["editor-200"],
            f"/plans/{data.plan_ids['editor-200']}/plan.pdf",
            3000,
            3,
        ),
    ):
        median = statistics.median(timed(session, path, runs)) * 1000
        metrics.append(
            Metric(
                name,
                median,
                "ms median",
                f"< {target} ms",
                median < target,
                note=f"median of {runs}, warm worker",
            )
        )
    result = wrk(
        portal,
        stored,
        get_script(sessions["stored-50"]),
        threads=1,
        connections=1,
        seconds=args.latency_seconds,
    )
    metrics.append(
        Metric(
            "stored submission PDF, 50 rows",
            result.p50_ms,
            "ms p50",
            "< 30 ms",
            result.p50_ms < 30 and result.bad_status == 0,
            note=f"p90 {result.p90_ms:.0f} ms; {result.cpu_ms:.1f} ms CPU/request",
        )
    )

    print(f"{args.mixed} mixed requests, then worker memory ...", flush=True)
    rss_before = portal.rss_mb()
    statuses = mixed_requests(sessions, data, args.mixed, ref_values)
    rss = portal.rss_mb()
    metrics.append(
        Metric(
            f"worker RSS after {args.mixed} mixed requests",
            max(rss),
            "MB (max)",
            "< 200 MB",
            max(rss) < 200 and set(statuses) <= {200},
            note=f"workers {', '.join(f'{r:.0f}' for r in rss)} MB (before: "
            f"{', '.join(f'{r:.0f}' for r in rss_before)}); statuses {statuses}; "
            f"hello workers {', '.join(f'{r:.0f}' for r in hello.rss_mb())} MB",
        )
    )
    return metrics


def _ref_of(session: Session, plan_id: int, row_id: int) -> str:
    """The evidence item ref of a row, read from the editor page like a person would."""
    status, body = session.request("GET", f"/plans/{plan_id}")
    assert status == 200, status
    match = re.search(
        rf'action="/plans/{plan_id}/rows/{row_id}"[^>]*>.*?<h4[^>]*>([\d.]+) ', body.decode(), re.S
    )
    assert match, f"row {row_id} not found on the editor page"
    return match.group(1)


def report(metrics: list[Metric], data: seed.BenchData, build_s: float, total_s: float, url: str) -> None:
    width = max(len(m.name) for m in metrics)
    print()
    print(f"{'metric':{width}}  {'value':>10} {'unit':10} {'target / ratio':28} result  notes")
    for m in metrics:
        verdict = "" if m.passed is None else ("PASS" if m.passed else "FAIL")
        print(f"{m.name:{width}}  {m.value:10.1f} {m.unit:10} {m.target:28} {verdict:6}  {m.note}")
    database = "postgresql" if url.startswith("postgres") else "sqlite"
    print(
        f"\n{data.plans} plans, {data.rows} rows, {data.submissions} submissions ({database}); "
        f"built in {build_s:.0f} s; whole run {total_s:.0f} s. Results: {OUT / 'results.json'}"
    )
    (OUT / "results.json").write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
                "database": database,
                "plans": data.plans,
                "rows": data.rows,
                "submissions": data.submissions,
                "build_seconds": round(build_s, 1),
                "run_seconds": round(total_s, 1),
                "cpus": os.cpu_count(),
                "load_average": os.getloadavg(),
                "metrics": [m.__dict__ for m in metrics],
            },
            indent=2,
            default=str,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
