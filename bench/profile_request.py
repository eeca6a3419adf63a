"""Profile one request in-process: time per request, SQL queries per request, and cProfile's top functions.

    .venv/bin/python bench/profile_request.py --db bench/out/profile.db --user editor3@example.org /plans/3
    .venv/bin/python bench/profile_request.py --user editor3@example.org --post check /plans/3/rows/401/check

Build the database once with `bench/run.py --keep` (bench/out/bench.db) or:
    .venv/bin/python -c "import sys; sys.path[:0]=['bench']; import run; \
        run.build_database('sqlite:///bench/out/profile.db', 5000)"
For a live worker under load use py-spy instead (see bench/README.md).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import seed  # noqa: E402

from dspt_portal import create_app  # noqa: E402
from dspt_portal.extensions import db  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("path")
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "profile.db"))
    parser.add_argument("--user", default="editor3@example.org")
    parser.add_argument("--post", choices=["check", "save"], help="post the row form (htmx) instead of GET")
    parser.add_argument("--htmx", action="store_true")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--by-package", action="store_true", help="add up own time per package")
    parser.add_argument("--pool", action="store_true", help="use a pooled SQLite connection")
    parser.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="KEY=JSON",
        help="override a setting, e.g. --config SESSION_REFRESH_EACH_REQUEST=false",
    )
    args = parser.parse_args()

    overrides = {k: json.loads(v) for k, v in (item.split("=", 1) for item in args.config)}
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{args.db}",
            "SECRET_KEY": "profile",
            "PORTAL_TODAY": seed.TODAY.isoformat(),
            **overrides,
        }
    )
    if args.pool:  # what a connection pool would save: pragmas and connect/close per request
        from playhouse.pool import PooledSqliteDatabase

        db.initialize(
            PooledSqliteDatabase(
                args.db,
                pragmas={"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 10000},
                lock_type="IMMEDIATE",
            )
        )
    client = app.test_client()
    token = _sign_in(client, args.user)
    headers = {"HX-Request": "true"} if args.htmx or args.post else {}
    headers["X-CSRFToken"] = token

    def one():
        if args.post:
            ref = _ref_for(client, args.path)
            values = seed.row_values(ref)
            form = {
                "csrf_token": token,
                "version": "2",
                "current_position": values["current_position"],
                "actions": values["actions"],
                "completion_date": values["completion_date_text"],
                "owner": values["owner"],
                "covid_impact": values["covid_impact"],
                "covid_note": values["covid_note"],
                "exceptional_circumstances": "",
            }
            for i, (description, text, _) in enumerate(values["milestones"]):
                form[f"milestones-{i}-description"], form[f"milestones-{i}-date"] = description, text
            if args.post == "save":
                form["autosave"] = "1"
            response = client.post(args.path, data=form, headers=headers)
        else:
            response = client.get(args.path, headers=headers)
        assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:500])
        return response

    response = one()  # warm-up: templates compiled, imports done
    queries = Counter()
    real = db.obj.execute_sql

    def counting(sql, *a, **k):
        queries[re.sub(r"\s+", " ", sql)[:110]] += 1
        return real(sql, *a, **k)

    db.obj.execute_sql = counting
    one()
    db.obj.execute_sql = real
    print(f"{len(response.get_data())} bytes; {sum(queries.values())} SQL queries per request")
    for sql, n in queries.most_common(8):
        print(f"  {n:4} x {sql}")

    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.runs):
        one()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"{wall / args.runs * 1000:.1f} ms per request, {cpu / args.runs * 1000:.1f} ms CPU "
        f"(mean of {args.runs}; CPU time is the figure to compare on a shared machine)"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.runs):
        one()
    profiler.disable()
    stats = pstats.Stats(profiler)
    if args.by_package:
        _print_by_package(stats, args.runs)
    else:
        stats.sort_stats(args.sort).print_stats(args.top)


def _print_by_package(stats: pstats.Stats, runs: int) -> None:
    """Own time per package (site-packages name, our module, or builtins), per request."""
    totals: Counter = Counter()
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
        if "site-packages/" in filename:
            name = filename.split("site-packages/")[1].split("/")[0].removesuffix(".py")
        elif str(ROOT) in filename:
            name = filename.removeprefix(str(ROOT) + "/")
        else:
            name = "builtins/stdlib"
        totals[name] += tottime
    total = sum(totals.values())
    for name, seconds in totals.most_common(25):
        print(f"{seconds / runs * 1000:8.3f} ms  {seconds / total:5.1%}  {name}")


_ref_cache: dict[str, str] = {}


def _ref_for(client, path: str) -> str:
    """The evidence item ref of the row being posted to."""
    if path not in _ref_cache:
        plan_id, row_id = re.match(r"/plans/(\d+)/rows/(\d+)", path).groups()
        body = client.get(f"/plans/{plan_id}").get_data(as_text=True)
        match = re.search(rf'action="/plans/{plan_id}/rows/{row_id}"[^>]*>.*?<h4[^>]*>([\d.]+) ', body, re.S)
        _ref_cache[path] = match.group(1)
    return _ref_cache[path]


def _sign_in(client, email: str) -> str:
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post("/sign-in", data={"csrf_token": token, "email": email, "password": seed.PASSWORD})
    assert response.status_code == 302, response.status_code
    page = client.get("/accessibility").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


if __name__ == "__main__":
    main()
