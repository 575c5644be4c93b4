"""Command line: python -m data_access.cli setup-db | load-demo. Errors are one line, never a traceback."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from data_access import audit_trail
from data_access.demo.city import MOST as CITY_SCALE
from data_access.demo.load import load_demo
from data_access.engine import get_engine
from data_access.health_services import intake as _appeals_kind  # noqa: F401  (registers the appeals kind)
from data_access.importing import registry
from data_access.importing.base import ImportRequest
from data_access.importing.load import run_import
from data_access.importing.reports import error_report, template
from data_access.keypersons import intake as _keypersons_kind  # noqa: F401  (registers the key-persons kind)
from data_access.policies import deaths as _deaths_kind  # noqa: F401  (registers the deaths_list kind)
from data_access.proxy import citylist as _proxy_kind  # noqa: F401  (registers the proxy_list kind)
from data_access.settings import database_url
from data_access.setup_db import ensure_database, migrate, postgis_available
from data_access.users import accounts as users
from data_access.users import integrations
from domain.divisions import DISTRICT_CODE
from domain.integrations import APIS
from domain.roles import ROLES
from i18n import t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data_access.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup-db", help="create the database and the postgis extension, apply migrations")
    demo = sub.add_parser("load-demo", help="load the demo district into an empty database")
    demo.add_argument("--scale", type=float, default=1.0, help="1 = full scale (about 1.1 million people);"
                      " up to 10, a city (about 11 million people, 272,000 enterprises)")
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
    _import_commands(sub)
    args = parser.parse_args(argv)
    url = database_url()
    shown = url.render_as_string(hide_password=True)
    try:
        if args.command == "setup-db":
            return _setup(url)
        if args.command in USER_COMMANDS:
            return _users(args)
        if args.command in DATA_COMMANDS:
            return DATA_COMMANDS[args.command](args)
        if not 0 < args.scale <= CITY_SCALE:
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
        if report.rows:  # a module's demo data, added to the existing demo
            print(t("cli.demo_modules", rows="，".join(f"{k} {v:,}" for k, v in report.rows.items())))
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
                audit_trail.record(conn, "cli", None, "user_created", user.org_code, {"user": user.username})
                print(t("cli.user_created", username=user.username, role=t("role." + user.role),
                        org=user.org_code, password=password))
            elif args.command == "reset-password":
                password = users.reset_password(conn, args.username, args.password)
                audit_trail.record(conn, "cli", None, "password_reset", None, {"user": args.username})
                print(t("cli.password_reset", username=args.username, password=password))
            else:
                active = args.command == "enable-user"
                users.set_active(conn, args.username, active)
                audit_trail.record(conn, "cli", None, "user_enabled" if active else "user_disabled", None,
                             {"user": args.username})
                print(t("cli.user_enabled" if active else "cli.user_disabled", username=args.username))
    except users.UserError as exc:
        return _fail(t(str(exc)))
    return 0


def _import_commands(sub) -> None:
    load = sub.add_parser("import", help="load a department's file, all or nothing (see README, Importing data)")
    load.add_argument("kind", choices=registry.names())
    load.add_argument("file", type=Path)
    load.add_argument("--mode", choices=("changes", "snapshot"), default="changes",
                      help="health codes: a batch of changes (each row with its time) or a full snapshot")
    load.add_argument("--as-of", type=datetime.fromisoformat, help="snapshot time for rows without one")
    datum = load.add_mutually_exclusive_group()
    datum.add_argument("--gcj02", action="store_true", help="coordinates are GCJ-02 (AMap, Tencent): convert")
    datum.add_argument("--bd09", action="store_true", help="coordinates are BD-09 (Baidu maps): convert")
    places = load.add_mutually_exclusive_group()
    places.add_argument("--point-wins", action="store_true",
                        help="enterprises: a point outside the named community moves the row to the point's")
    places.add_argument("--strict-places", action="store_true",
                        help="enterprises: refuse rows whose point lies outside the named community or street")
    load.add_argument("--crs", help="boundaries: the CRS when the file has none, e.g. EPSG:4549")
    load.add_argument("--sheet", help="XLSX: the sheet to read when several have the kind's header")
    load.add_argument("--skip-bad-rows", action="store_true", help="load the good rows, report the bad ones")
    load.add_argument("--check-only", action="store_true", help="a trial: check everything, write nothing")
    load.add_argument("--source", help="health codes: where they come from (default: the file name)")
    load.add_argument("--org", default=DISTRICT_CODE, help="the area the rows must lie in (default: district)")
    load.add_argument("--report", type=Path, help="where to write the error report (default: FILE.errors.csv)")
    template = sub.add_parser("template", help="write the empty template of a kind of file")
    template.add_argument("kind", choices=registry.table_kinds())
    template.add_argument("out", type=Path, help="a .csv or .xlsx path")
    token = sub.add_parser("create-token", help="a token for a system calling our APIs (shown once)")
    token.add_argument("name")
    token.add_argument("--api", required=True, help="the APIs the token may call, comma-separated: "
                       + ", ".join(APIS))
    token.add_argument("--description", default="")
    sub.add_parser("revoke-token").add_argument("name")


def _import(args) -> int:
    if not args.file.is_file():
        return _fail(t("cli.no_file", path=args.file))
    request = ImportRequest(args.kind, args.file.name, b"", "cli:" + getpass.getuser(), args.org, path=args.file,
                            role=None, mode=args.mode, as_of=args.as_of, gcj02=args.gcj02, bd09=args.bd09,
                            point_wins=args.point_wins, strict_places=args.strict_places, crs=args.crs,
                            sheet=args.sheet, skip_bad_rows=args.skip_bad_rows, source=args.source,
                            check_only=args.check_only)
    result = run_import(get_engine(), request)
    line = t("cli.import_loaded", message=result.message, file=args.file)
    if result.errors or result.warnings:
        path = args.report or args.file.with_name(args.file.name + ".errors.csv")
        path.write_bytes(error_report([e.as_dict() for e in result.errors + result.warnings], []))
        line += t("cli.import_report", path=path)
    if result.result not in ("loaded", "checked", "unchanged"):
        return _fail(line, code=4)  # one line: what happened and where the report is
    print("\n".join([line, *result.notes]))
    return 0


def _template(args) -> int:
    args.out.write_bytes(template(args.kind, "xlsx" if args.out.suffix.lower() == ".xlsx" else "csv"))
    print(args.out)
    return 0


def _tokens(args) -> int:
    try:
        with get_engine().begin() as conn:
            if args.command == "create-token":
                apis = [a.strip() for a in args.api.split(",") if a.strip()]
                token = integrations.create_token(conn, args.name, "cli:" + getpass.getuser(), args.description,
                                                  apis=apis)
                audit_trail.record(conn, "cli", None, "token_created", None, {"integration": args.name, "apis": apis})
                print(t("cli.token_created", name=args.name, token=token))
            else:
                integrations.revoke_token(conn, args.name)
                audit_trail.record(conn, "cli", None, "token_revoked", None, {"integration": args.name})
                print(t("cli.token_revoked", name=args.name))
    except integrations.TokenError as exc:
        return _fail(t(str(exc)))
    return 0


DATA_COMMANDS = {"import": _import, "template": _template, "create-token": _tokens, "revoke-token": _tokens}


def _first_line(exc: SQLAlchemyError) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _fail(message: str, code: int = 2) -> int:
    print(message, file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
