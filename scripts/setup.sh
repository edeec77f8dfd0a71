#!/usr/bin/env bash
# Everything a fresh machine needs: uv, the Python environment, and the system packages for PNG
# export and browser tests (Chromium, a CJK font), and PostgreSQL for the DuckLake tests' catalog
# server. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v uv >/dev/null 2>&1; then
  echo "setup: installing uv (from PyPI)"
  python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv
  export PATH="$HOME/.local/bin:$PATH"
fi

missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
# (no `fc-list | grep -q` here: with pipefail, grep's early exit fails the pipe)
[ -n "$(fc-list :lang=zh family 2>/dev/null)" ] || missing+=(fonts-noto-cjk)
# the DuckLake tests start a real PostgreSQL from Debian's package (tests/servers/postgres.py)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1; }; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    echo "setup: installing ${missing[*]} with apt-get"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
    # the package starts a default cluster; the tests start their own server (initdb in a temp folder)
    if [[ " ${missing[*]} " == *" postgresql "* ]] && command -v pg_ctlcluster >/dev/null 2>&1; then
      for cluster in /etc/postgresql/*/main; do
        [ -d "$cluster" ] || continue
        v=$(basename "$(dirname "$cluster")")
        $SUDO pg_ctlcluster "$v" main stop 2>/dev/null || true
      done
    fi
  else
    echo "setup: please install ${missing[*]} (Debian/Ubuntu: apt-get install ${missing[*]});" \
         "PNG export, browser and DuckLake tests need them." >&2
  fi
fi

uv sync --quiet  # compiles the packages' bytecode ([tool.uv] compile-bytecode in pyproject.toml)
# and Pulse's own: where PYTHONDONTWRITEBYTECODE is set nothing writes it, and every `pulse` process
# would compile etl/ and dashboard/ again on start (docs/benchmarks.md, `pulse sql` start-up)
uv run --no-sync python -m compileall -q etl dashboard >/dev/null
