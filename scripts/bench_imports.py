"""make bench (and make bench-imports alone): big files, each imported in a process of its own so its time and
peak memory (VmHWM) are its own: health-code snapshots as GB18030 CSVs of several sizes, and an XLSX whose
sheet expands to 36 MB, each tried as a check (checked, merged, rolled back: the database is left as it was).

BENCH_BASELINE=<another checkout> runs the same files through that checkout's code too, interleaved (its
line first), for before/after ratios from one run. BENCH_IMPORT_SIZES (default 250000,1000000) are the
snapshot sizes in rows. Needs the full-scale demo (make bench loads it; BENCH_REUSE=1 reuses it): the rows
are persons of the registers.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from sqlalchemy import text

from data_access.engine import get_engine

ROOT = Path(__file__).resolve().parent.parent
SIZES = [int(s) for s in os.environ.get("BENCH_IMPORT_SIZES", "250000,1000000").split(",") if s]
LABELS = {"green": "绿码", "yellow": "黄码", "red": "红码"}
FLIP = {"green": "黄码", "yellow": "绿码", "red": "绿码"}

# One import in a process of its own: its seconds and peak memory, printed as JSON. Written for the code of
# any checkout: one whose ImportRequest takes a path streams the file from disk; an older one reads it whole.
CHILD = """
import json, sys, time
from pathlib import Path
from data_access.engine import get_engine
from data_access.importing.load import ImportRequest, run_import
kind, file, mode = sys.argv[1:4]
started = time.perf_counter()
by_path = "path" in ImportRequest.__dataclass_fields__
content = b"" if by_path else Path(file).read_bytes()
request = ImportRequest(kind, Path(file).name, content, "bench", "330105000000", mode=mode, check_only=True,
                        **({"path": Path(file)} if by_path else {}))
result = run_import(get_engine(), request)
seconds = time.perf_counter() - started
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1]
print(json.dumps({"seconds": seconds, "peak_mib": int(peak) / 1024, "result": result.result,
                  "rows": result.rows_read, "written": result.rows_written, "message": result.message}))
"""


def main() -> None:
    """The import lines of make bench (called by scripts/bench.py, or alone by make bench-imports)."""
    checkouts = {"this": ROOT}
    if os.environ.get("BENCH_BASELINE"):
        checkouts = {"baseline": Path(os.environ["BENCH_BASELINE"]).resolve(), **checkouts}
    with get_engine().connect() as conn:
        people = conn.execute(text(
            "SELECT id_number, colour, md5(id_number) < '05000000' FROM health_code ORDER BY id_number LIMIT :n"),
            {"n": max(SIZES, default=0)}).all()
    peaks: dict[str, dict[int, float]] = {name: {} for name in checkouts}
    print("big files, each in a process of its own (time from the request to the result; peak memory VmHWM):")
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            if size > len(people):
                print(f"  snapshot of {size:,} rows: the registers hold only {len(people):,} with a colour")
                continue
            path = Path(folder) / f"snapshot-{size}.csv"
            _write_csv(path, ["身份证号码", "健康码颜色"],
                       ([p, FLIP[c] if change else LABELS[c]] for p, c, change in people[:size]))
            for name, checkout in checkouts.items():
                run = _child(checkout, "health_codes", path, "snapshot")
                peaks[name][size] = run["peak_mib"]
                print(f"  [{name}] health-code snapshot, {size:,} rows ({path.stat().st_size / 1e6:.0f} MB GB18030"
                      f" CSV): {run['seconds']:.1f} s ({run['seconds'] / size * 100_000:.1f} s per 100k rows),"
                      f" peak {run['peak_mib']:.0f} MiB; {run['result']}, {run['rows']:,} read")
        for name, by_size in peaks.items():
            if len(by_size) >= 2:
                small, large = min(by_size), max(by_size)
                print(f"  [{name}] peak memory, {large:,} rows / {small:,} rows: x{by_size[large] / by_size[small]:.2f}"
                      f" ({by_size[small]:.0f} -> {by_size[large]:.0f} MiB for x{large / small:.0f} the rows)")
        rows = 36 * 1_000_000 // 140
        path = Path(folder) / "sheet.xlsx"
        with open(path, "wb") as file:
            write_xlsx(file, (("身份证号码", "健康码颜色"), *((p, "绿码") for p, _, _ in people[:rows])))
        with zipfile.ZipFile(path) as archive:
            expanded = archive.getinfo("xl/worksheets/sheet1.xml").file_size
        for name, checkout in checkouts.items():
            run = _child(checkout, "health_codes", path, "snapshot")
            print(f"  [{name}] XLSX whose sheet expands to {expanded / 1e6:.0f} MB ({min(rows, len(people)):,} rows,"
                  f" {path.stat().st_size / 1e6:.0f} MB on disk): {run['seconds']:.1f} s, peak {run['peak_mib']:.0f}"
                  f" MiB; {run['result']}, {run['rows']:,} read")


def _child(checkout: Path, kind: str, path: Path, mode: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run([sys.executable, "-c", CHILD, kind, str(path), mode], cwd=checkout, env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _write_csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", encoding="gb18030", newline="") as file:
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


XLSX_PARTS = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml'
    '.worksheet+xml"/></Types>',
    "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r='
    '"http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="健康码" sheetId="1"'
    ' r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}


def write_xlsx(file, rows) -> None:
    """A minimal XLSX of one sheet, streamed into the archive (openpyxl would take minutes to write it)."""
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in XLSX_PARTS.items():
            archive.writestr(name, body)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            for number, row in enumerate(rows, start=1):
                cells = "".join(f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                                for i, v in enumerate(row))
                sheet.write(f'<row r="{number}">{cells}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "scripts"))
    main()
