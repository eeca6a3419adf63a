"""Sample a live gunicorn worker with py-spy while wrk drives one endpoint; print where time goes.

    .venv/bin/python bench/run.py --only throughput --keep      # once: builds bench/out/bench.db
    .venv/bin/python bench/spy_worker.py check                  # or: save
    .venv/bin/python bench/spy_worker.py check --seconds 15 --top 40

Reads the existing bench/out/bench.db (SQLite), starts the portal under the benchmark's gunicorn
settings, signs in as the benchmark's 50-row editor, and records both workers with
`py-spy record --format raw`. Prints the share of samples whose stack passes through each
package or function ("inclusive"), which is what tells you what a request pays for.
"""

from __future__ import annotations

import argparse
import collections
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import run  # noqa: E402
import seed  # noqa: E402

PY_SPY = Path(sys.executable).parent / "py-spy"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("endpoint", choices=["check", "save"])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args()
    db_path = run.OUT / "bench.db"
    if not db_path.exists():
        raise SystemExit("bench/out/bench.db is missing: run `bench/run.py --only throughput --keep` first")

    from peewee import SqliteDatabase

    from dspt_portal.models import PlanRow, User

    database = SqliteDatabase(str(db_path))
    with database.bind_ctx([User, PlanRow]):
        user = User.get(User.email == "editor3@example.org")
        row = PlanRow.select().where(PlanRow.plan == user.organisation_id).order_by(PlanRow.id).first()
        plan_id, row_id, ref = row.plan_id, row.id, row.evidence_item.ref
    key, cert = run.OUT / "signing" / "signing-key.pem", run.OUT / "signing" / "signing-cert.pem"
    env = {
        "DATABASE_URL": f"sqlite:///{db_path}",
        "SECRET_KEY": "spy",
        "PORTAL_TODAY": run.PORTAL_TODAY,
        "SIGNING_KEY": str(key),
        "SIGNING_CERT": str(cert),
        "PORTAL_ENV": "development",
    }
    portal = run.start_server("portal", "wsgi:app", ROOT, env)
    try:
        session = run.Session(portal.port).sign_in(user.email, seed.PASSWORD)
        status, body = session.request("GET", f"/plans/{plan_id}")
        version = int(
            re.search(rf'id="row-{ref.replace(".", "-")}-version" value="(\d+)"', body.decode()).group(1)
        )
        form = run.row_form(
            seed.row_values(ref), version, csrf=session.csrf, autosave=args.endpoint == "save"
        )
        path = f"/plans/{plan_id}/rows/{row_id}" + ("/check" if args.endpoint == "check" else "")
        for _ in range(20):
            session.request("POST", path, form, {"HX-Request": "true", "X-CSRFToken": session.csrf})
        outs = []
        spies = []
        for pid in portal.workers():
            out = run.OUT / f"spy-{pid}.txt"
            outs.append(out)
            spies.append(
                subprocess.Popen(
                    [
                        str(PY_SPY),
                        "record",
                        "--pid",
                        str(pid),
                        "--duration",
                        str(args.seconds),
                        "--rate",
                        "500",
                        "--format",
                        "raw",
                        "--nonblocking",
                        "-o",
                        str(out),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        result = run.wrk(
            portal, path, run.post_script(session, form, {"HX-Request": "true"}), seconds=args.seconds
        )
        for spy in spies:
            spy.wait()
        print(f"{result.rps:.0f} req/s, {result.cpu_ms:.2f} ms CPU/request, non-2xx {result.bad_status}")
        report(outs, args.top)
    finally:
        portal.stop()


def report(paths: list[Path], top: int) -> None:
    inclusive: collections.Counter = collections.Counter()
    leaf: collections.Counter = collections.Counter()
    total = 0
    for path in paths:
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            n = int(count)
            total += n
            frames = stack.split(";")
            seen = set()
            for frame in frames:
                name = _name(frame)
                if name not in seen:
                    seen.add(name)
                    inclusive[name] += n
            leaf[_name(frames[-1])] += n
    print(f"{total} samples; inclusive share by function (package:function)")
    for name, n in inclusive.most_common(top):
        print(f"  {n / total:6.1%}  {name}")
    print("self share")
    for name, n in leaf.most_common(20):
        print(f"  {n / total:6.1%}  {name}")


def _name(frame: str) -> str:
    # "function (path/to/file.py:123)"
    func, _, where = frame.partition(" (")
    where = where.rstrip(")")
    filename = where.rsplit(":", 1)[0]
    if "site-packages/" in filename:
        filename = filename.split("site-packages/")[1]
    elif str(ROOT) in filename:
        filename = filename.removeprefix(str(ROOT) + "/")
    else:
        filename = Path(filename).name
    return f"{filename}:{func}"


if __name__ == "__main__":
    main()
