"""Time the plan exports: PDF render + sign, XLSX export and import, CSV export.

Run by hand: .venv/bin/python bench/bench_exports.py [--runs N]
Each figure is the median of N warm runs (one untimed warm-up first).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "exports")]

from sample import make_snapshot, with_progress  # noqa: E402

from dspt_portal.exports.csv_export import export_plan_csv  # noqa: E402
from dspt_portal.exports.pdf import render_plan_pdf  # noqa: E402
from dspt_portal.exports.signing import (  # noqa: E402
    PortalSigner,
    ensure_dev_signing_material,
    sign_pdf,
    verify_pdf,
)
from dspt_portal.exports.xlsx import export_plan_xlsx, read_plan_xlsx  # noqa: E402

TEMPLATES, STATIC = ROOT / "templates", ROOT / "static"
TARGETS = {  # seconds
    "PDF render+sign, 50 rows": 1.0,
    "PDF render+sign, 200 rows": 3.0,
    "XLSX export, 200 rows": 0.150,
    "XLSX import, 200 rows": 0.300,
}


def median_time(func, runs: int) -> tuple[float, object]:
    result = func()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as instance:
        key, cert = ensure_dev_signing_material(Path(instance))
        signer = PortalSigner.load(key, cert)
        rows = []

        for count in (10, 50, 200):
            snapshot = make_snapshot(count, draft=False)
            plan = snapshot["plan"]

            def render(snapshot=snapshot):
                return render_plan_pdf(snapshot, draft=False, templates_dir=TEMPLATES, static_dir=STATIC)

            render_s, pdf = median_time(render, args.runs)
            sign_s, signed = median_time(
                lambda pdf=pdf, plan=plan: sign_pdf(
                    pdf,
                    signer,
                    reference=plan["reference"],
                    version=plan["version"],
                    content_hash=plan["content_hash"],
                ),
                args.runs,
            )
            verify_s, result = median_time(lambda signed=signed: verify_pdf(signed, cert), args.runs)
            assert result.ok, result
            label = f"PDF render+sign, {count} rows"
            rows.append((label, render_s + sign_s, f"render {render_s:.2f} s + sign {sign_s * 1000:.0f} ms"))
            rows.append((f"PDF verify, {count} rows", verify_s, f"{len(signed) / 1024:.0f} KB"))

        snapshot = with_progress(make_snapshot(200))
        refs = {row["ref"] for row in snapshot["rows"]}
        export_s, data = median_time(lambda: export_plan_xlsx(snapshot), args.runs * 3)
        import_s, imported = median_time(lambda: read_plan_xlsx(data, known_refs=refs), args.runs * 3)
        assert not imported.problems and len(imported.rows) == 200
        csv_s, _ = median_time(lambda: export_plan_csv(snapshot), args.runs * 3)
        rows.append(("XLSX export, 200 rows", export_s, f"{len(data) / 1024:.0f} KB"))
        rows.append(("XLSX import, 200 rows", import_s, ""))
        rows.append(("CSV export, 200 rows", csv_s, ""))

    print(f"{'what':32} {'median':>9} {'target':>8}  notes")
    for label, seconds, note in rows:
        target = TARGETS.get(label)
        verdict = "" if target is None else ("ok" if seconds <= target else "OVER")
        target_text = f"{target:.2f} s" if target else ""
        print(f"{label:32} {seconds:8.3f}s {target_text:>8}  {verdict:4} {note}")


if __name__ == "__main__":
    main()
