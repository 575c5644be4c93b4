#!/usr/bin/env bash
# Make sure the machine has what Sansetu needs outside Python: Python's venv module, a reachable
# PostgreSQL with PostGIS (installed and started when it is local, missing and we are root), and with
# --browser the Chromium and CJK fonts the browser tests use. Idempotent: installs only what is missing.
set -euo pipefail

want_browser=no
[ "${1:-}" = "--browser" ] && want_browser=yes
url="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/sansetu}"
say() { echo "ensure_system: $*" >&2; }
is_root() { [ "$(id -u)" = 0 ]; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
apt_updated=no
apt_install() {
  local missing=()
  for p in "$@"; do have_pkg "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! is_root || ! command -v apt-get >/dev/null; then
    say "缺少系统软件包：${missing[*]}。请以 root 身份安装（apt-get install -y ${missing[*]}）后重试。"
    exit 1
  fi
  if [ "$apt_updated" = no ]; then apt-get update -qq; apt_updated=yes; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Python 3.11+ with venv (Debian splits ensurepip into python3-venv).
if ! python3 -c 'import sys, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  if python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    apt_install python3-venv
  else
    say "需要 Python 3.11 或更新版本（当前：$(python3 --version 2>&1)）。"
    exit 1
  fi
fi

# The database server: only a local one is ours to install or start.
host=$(python3 - "$url" <<'PY'
import sys, urllib.parse
print(urllib.parse.urlsplit(sys.argv[1].replace("+psycopg2", "")).hostname or "localhost")
PY
)
case "$host" in
  127.0.0.1|localhost|::1)
    if ! have_pkg postgresql && ! command -v pg_ctlcluster >/dev/null; then
      apt_install postgresql
      fresh_install=yes
    fi
    if command -v pg_lsclusters >/dev/null; then
      version=$(pg_lsclusters -h | awk 'NR==1 {print $1}')
      [ -n "$version" ] && apt_install "postgresql-${version}-postgis-3"
      if [ -n "$version" ] && ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
        if is_root; then
          pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || pg_ctlcluster "$version" main start
        else
          say "PostgreSQL ${version} 未启动：请启动它（pg_ctlcluster ${version} main start）或设置 DATABASE_URL。"
          exit 1
        fi
      fi
      if [ "${fresh_install:-no}" = yes ]; then
        # A server we just installed: let the local postgres role in over loopback, as the default URL does.
        hba=$(ls /etc/postgresql/"$version"/main/pg_hba.conf)
        sed -i '1i host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust' "$hba"
        pg_ctlcluster --skip-systemctl-redirect "$version" main reload 2>/dev/null || pg_ctlcluster "$version" main reload
      fi
    fi
    ;;
esac

if [ "$want_browser" = yes ]; then
  apt_install chromium fonts-noto-cjk
fi
