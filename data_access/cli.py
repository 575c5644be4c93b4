"""Command line: python -m data_access.cli setup-db | load-demo. Errors are one line, never a traceback."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from data_access import users
from data_access.config import database_url
from data_access.demo.load import load_demo
from data_access.engine import get_engine
from data_access.setup_db import ensure_database, migrate, postgis_available
from data_access.users import ROLES
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
    create = sub.add_parser("create-user", help="create a user (prints a generated password unless given)")
    create.add_argument("username")
    create.add_argument("--name", required=True, help="display name")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--org", required=True, help="12-digit code of the district, street or community")
    create.add_argument("--password", help="at least 10 characters; generated when left out")
    reset = sub.add_parser("reset-password", help="set a new password (generated unless given)")
    reset.add_argument("username")
    reset.add_argument("--password")
    for name in ("disable-user", "enable-user"):
        sub.add_parser(name).add_argument("username")
    args = parser.parse_args(argv)
    url = database_url()
    shown = url.render_as_string(hide_password=True)
    try:
        if args.command == "setup-db":
            return _setup(url)
        if args.command in USER_COMMANDS:
            return _users(args)
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
    print(t("cli.demo_users"))
    for username, role, org, password in report.users:
        print(f"  {username:<14} {t('role.' + role):<8} {org}  {password}")
    return 0


USER_COMMANDS = ("create-user", "reset-password", "disable-user", "enable-user")


def _users(args) -> int:
    try:
        with get_engine().begin() as conn:
            if args.command == "create-user":
                user, password = users.create_user(conn, args.username, args.name, args.role, args.org,
                                                   args.password)
                users.record(conn, "cli", None, "user_created", user.org_code, {"user": user.username})
                print(t("cli.user_created", username=user.username, role=t("role." + user.role),
                        org=user.org_code, password=password))
            elif args.command == "reset-password":
                password = users.reset_password(conn, args.username, args.password)
                users.record(conn, "cli", None, "password_reset", None, {"user": args.username})
                print(t("cli.password_reset", username=args.username, password=password))
            else:
                active = args.command == "enable-user"
                users.set_active(conn, args.username, active)
                users.record(conn, "cli", None, "user_enabled" if active else "user_disabled", None,
                             {"user": args.username})
                print(t("cli.user_enabled" if active else "cli.user_disabled", username=args.username))
    except users.UserError as exc:
        return _fail(t(str(exc)))
    return 0


def _first_line(exc: SQLAlchemyError) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _fail(message: str, code: int = 2) -> int:
    print(message, file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
