# Shared by scripts/demo and scripts/test: make .venv with Parallax installed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${PARALLAX_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

ensure_venv() {
  local extras="$1"
  if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating a virtual environment in $VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
  fi
  # Re-install when pyproject.toml changed since the last install.
  local stamp="$VENV/.parallax-installed-$extras"
  if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
    echo "Installing Parallax${extras:+ with [$extras]} into $VENV (a minute or two the first time)"
    # setuptools warns on every editable install of a flat layout that a
    # folder named like a package could shadow it; that is this checkout
    # itself, so the warning only alarms a new user: it is filtered here.
    PYTHONWARNINGS="ignore:Editable installation" \
      "$VENV/bin/python" -m pip install --quiet -e "$ROOT${extras:+[$extras]}"
    touch "$stamp"
  fi
}
