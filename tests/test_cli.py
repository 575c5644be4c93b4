"""Bad set-up input gets one clear line and a non-zero exit, never a wall of traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from data_access import cli
from tests.helpers import head_revision

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )


def test_unreachable_database_is_one_line_and_exit_code_2():
    result = _run(["-m", "data_access.cli", "setup-db"],
                  DATABASE_URL="postgresql://postgres@127.0.0.1:9/sansetu_test")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "无法连接数据库" in lines[0] and "Traceback" not in result.stderr


def test_server_without_postgis_is_named(monkeypatch, capsys, demo):
    # This machine's server has PostGIS; the check itself is exercised by the fixtures. Here: the message.
    monkeypatch.setattr(cli, "postgis_available", lambda url: False)
    assert cli.main(["setup-db"]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "PostGIS" in err[0] and "postgresql-15-postgis-3" in err[0]


def test_port_in_use_is_one_line_and_a_non_zero_exit():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _run(["app.py"], PORT=str(port))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"端口 {port} 已被占用" in lines[0]


def test_loading_the_demo_twice_loads_nothing_the_second_time(demo):
    result = _run(["-m", "data_access.cli", "load-demo", "--scale", "0.001"])
    assert result.returncode == 0 and "未加载" in result.stdout


def test_setup_twice_does_no_harm(demo):
    result = _run(["-m", "data_access.cli", "setup-db"])
    assert result.returncode == 0 and head_revision() in result.stdout


def test_bad_scale_is_refused():
    result = _run(["-m", "data_access.cli", "load-demo", "--scale", "11"])
    assert result.returncode == 2 and "规模参数" in result.stderr


def test_a_token_without_or_with_an_unknown_api_is_one_line(demo):
    missing = _run(["-m", "data_access.cli", "create-token", "cli.no.api"])
    assert missing.returncode == 2 and "--api" in missing.stderr
    unknown = _run(["-m", "data_access.cli", "create-token", "cli.bad.api", "--api", "health_codes,everything"])
    assert unknown.returncode == 2 and unknown.stderr.strip().count("\n") == 0 and "可调用的接口" in unknown.stderr
    made = _run(["-m", "data_access.cli", "create-token", "cli.kp.feed", "--api", "keyperson_batches"])
    assert made.returncode == 0 and "sst_" in made.stdout


def test_a_bad_import_is_one_line_exit_4_and_a_report_beside_the_file(demo, tmp_path):
    template = tmp_path / "居民模板.csv"
    assert _run(["-m", "data_access.cli", "template", "residents", str(template)]).returncode == 0
    bad = tmp_path / "居民.csv"
    bad.write_bytes(template.read_bytes() + "3.30105E+17,张三,,户籍,台州路社区,,\r\n".encode())
    result = _run(["-m", "data_access.cli", "import", "residents", str(bad)])
    assert result.returncode == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "文件被拒绝" in lines[0] and "错误报告已写入" in lines[0]
    report = (tmp_path / "居民.csv.errors.csv").read_text(encoding="utf-8-sig")
    assert "2,身份证号码,3.30105E+17,身份证号被 Excel 当作数字保存" in report
    missing = _run(["-m", "data_access.cli", "import", "residents", str(tmp_path / "nothing.csv")])
    assert missing.returncode == 2 and "找不到文件" in missing.stderr
