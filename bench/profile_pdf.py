"""Profile one plan PDF render (+ signing) in a warm process, to see where the time goes.

Usage (from the repository root):

    .venv/bin/python bench/profile_pdf.py                  # 200 rows, cProfile, top 35 by cumulative
    .venv/bin/python bench/profile_pdf.py --rows 50 --sort tottime --top 50
    .venv/bin/python bench/profile_pdf.py --no-sign --out /tmp/pdf.prof   # raw profile for pstats
    .venv/bin/python bench/profile_pdf.py --time-only --runs 5   # timings only, no profiler
    .venv/bin/python bench/profile_pdf.py --phases --runs 5      # Jinja / layout / draw+write / sign

It uses the test fixture ``tests/exports/sample.py::make_snapshot`` (the same rows as
``bench/bench_exports.py``), renders once untimed to warm up (WeasyPrint import, fonts, caches),
then profiles one render (``--draft`` and ``--progress`` pick the other variants). Timings give
wall and CPU time: on this shared machine CPU time is the steadier figure for comparing two
versions. cProfile roughly doubles the time and inflates Python-heavy parts; for a sampling
profile without that distortion run it under py-spy (in requirements-dev.txt):

    .venv/bin/py-spy record --format raw -o /tmp/pdf.txt -- \
        .venv/bin/python bench/profile_pdf.py --time-only --runs 4
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "exports")]

from sample import make_snapshot, with_progress  # noqa: E402

from dspt_portal.exports import pdf as pdf_module  # noqa: E402
from dspt_portal.exports.signing import PortalSigner, ensure_dev_signing_material, sign_pdf  # noqa: E402

TEMPLATES, STATIC = ROOT / "templates", ROOT / "static"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--draft", action="store_true", help="render as a draft (banner, header)")
    parser.add_argument("--progress", action="store_true", help="rows with progress (eighth column)")
    parser.add_argument("--no-sign", action="store_true", help="render only")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime, ...)")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--out", help="also dump the raw profile to this file")
    parser.add_argument("--time-only", action="store_true", help="no profiler: time --runs renders")
    parser.add_argument("--phases", action="store_true", help="time HTML, layout, write and signing apart")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    snapshot = make_snapshot(args.rows, draft=args.draft)
    if args.progress:
        snapshot = with_progress(snapshot)
    plan = snapshot["plan"]

    with tempfile.TemporaryDirectory() as instance:
        key, cert = ensure_dev_signing_material(Path(instance))
        signer = PortalSigner.load(key, cert)

        def once() -> bytes:
            data = pdf_module.render_plan_pdf(
                snapshot, draft=args.draft, templates_dir=TEMPLATES, static_dir=STATIC
            )
            if not args.no_sign:
                data = sign_pdf(
                    data,
                    signer,
                    reference=plan["reference"],
                    version=plan["version"],
                    content_hash=plan["content_hash"],
                )
            return data

        data = once()  # warm-up
        print(f"{args.rows} rows, {len(data) / 1024:.0f} KB")

        if args.phases:
            phases(snapshot, args, signer, data)
            return
        if args.time_only:
            times, cpu = [], []
            for _ in range(args.runs):
                start, start_cpu = time.perf_counter(), time.process_time()
                once()
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            # CPU time is steadier than wall time on a shared machine.
            print(
                "runs (ms):",
                ", ".join(f"{t * 1000:.0f}" for t in times),
                f"median {statistics.median(times) * 1000:.0f} ms;",
                f"CPU median {statistics.median(cpu) * 1000:.0f} ms",
            )
            return

        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        once()
        profiler.disable()
        print(f"profiled run: {(time.perf_counter() - start) * 1000:.0f} ms (with profiler overhead)")
        if args.out:
            profiler.dump_stats(args.out)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())


def phases(snapshot, args, signer, data) -> None:
    """Median wall and CPU time of each phase over --runs runs."""
    results: dict[str, list[tuple[float, float]]] = {}

    def timed(name, func, *args, **kwargs):
        start, start_cpu = time.perf_counter(), time.process_time()
        value = func(*args, **kwargs)
        results.setdefault(name, []).append((time.perf_counter() - start, time.process_time() - start_cpu))
        return value

    plan = snapshot["plan"]
    for _ in range(args.runs):
        html = timed(
            "jinja html", pdf_module.render_plan_html, snapshot, draft=args.draft, templates_dir=TEMPLATES
        )
        with pdf_module._gc_paused():  # as render_plan_pdf does
            document = timed(
                "parse+style+layout",
                pdf_module.layout_plan_html,
                html,
                templates_dir=TEMPLATES,
                static_dir=STATIC,
            )
            pdf = timed("draw+write pdf", pdf_module.write_plan_pdf, document, plan)
        timed(
            "sign",
            sign_pdf,
            pdf,
            signer,
            reference=plan["reference"],
            version=plan["version"],
            content_hash=plan["content_hash"],
        )
    print(f"{len(document.pages)} pages")
    for name, values in results.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        print(f"{name:20} {wall * 1000:7.0f} ms wall {cpu * 1000:7.0f} ms CPU")


if __name__ == "__main__":
    main()
