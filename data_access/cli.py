"""Command line: python -m data_access.cli setup-db | load-demo. Errors are one line, never a traceback."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from data_access.config import database_url
from data_access.demo.load import load_demo
from data_access.engine import get_engine
from data_access.setup_db import ensure_database, migrate, postgis_available
from i18n import t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data_access.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup-db", help="create the database and the postgis extension, apply migrations")
    demo = sub.add_parser("load-demo", help="load the demo district into an empty database")
    demo.add_argument("--scale", type=float, default=1.0, help="1 = full scale (about 1.1 million people)")
    demo.add_argument("--seed", type=int, default=2020)
    demo.add_argument("--as-of", type=date.fromisoformat, default=None, help="last day of history")
    demo.add_argument("--timings", action="store_true", help="print the time of each phase")
    args = parser.parse_args(argv)
    url = database_url()
    shown = url.render_as_string(hide_password=True)
    try:
        if args.command == "setup-db":
            return _setup(url)
        if not 0 < args.scale <= 1:
            return _fail(t("cli.bad_scale", value=args.scale))
        return _load(args)
    except OperationalError as exc:
        return _fail(t("cli.db_unreachable", url=shown, reason=_first_line(exc)))
    except SQLAlchemyError as exc:
        return _fail(t("cli.failed", reason=_first_line(exc)))


def _setup(url) -> int:
    if ensure_database(url):
        print(t("cli.db_created", name=url.database))
    if not postgis_available(url):
        return _fail(t("cli.no_postgis", url=url.render_as_string(hide_password=True)), code=3)
    print(t("cli.migrated", revision=migrate(url)))
    return 0


def _load(args) -> int:
    report = load_demo(get_engine(), scale=args.scale, seed=args.seed, as_of=args.as_of)
    if not report.loaded:
        print(t("cli.demo_skipped"))
        return 0
    rows = "，".join(f"{table} {count:,}" for table, count in report.rows.items())
    print(t("cli.demo_loaded", rows=rows, seconds=sum(report.seconds.values())))
    if args.timings:
        print(", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in report.seconds.items()))
    return 0


def _first_line(exc: SQLAlchemyError) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _fail(message: str, code: int = 2) -> int:
    print(message, file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
