# Sourced by bin/lpa and bin/test: make sure .venv exists and matches pyproject.toml.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${LPA_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"
stamp="$VENV/.lpa-installed"
want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "lpa: preparing the virtual environment in $VENV (the first time takes a few minutes)" >&2
    [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
    log="$VENV/install.log"
    if ! { "$VENV/bin/python" -m pip install --upgrade pip &&
           "$VENV/bin/python" -m pip install -e "$ROOT[test]"; } >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        echo "lpa: installing into $VENV failed; the whole log is in $log" >&2
        exit 1
    fi
    echo "$want" >"$stamp"
fi
export PATH="$VENV/bin:$PATH"
