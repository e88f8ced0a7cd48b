#!/usr/bin/env bash
# Idempotent set-up: system packages (apt-get, when root and missing), .venv, the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  libcairo2-dev libpango1.0-dev pkg-config   # build pycairo / manimpango for Manim
  espeak-ng                                  # fallback narrator
  texlive-latex-base dvisvgm                 # LaTeX for equations (MathTex)
  util-linux                                 # unshare: network isolation of renders
  bubblewrap                                 # bwrap: the OS boundary around every render
  chromium                                   # the web app's browser tests (driven by playwright-core)
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing system packages: ${missing[*]}" >&2
    echo "setup: install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi

# Node dependencies of convex/ (Convex functions and their vitest suite), from the
# committed lock file; reinstalled only when the lock file changed.
NODE_MAJOR_MIN=20
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "setup: Node.js $NODE_MAJOR_MIN+ with npm is needed for convex/ and frontend/ (install it from your distribution or nodejs.org)" >&2
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt "$NODE_MAJOR_MIN" ]; then
  echo "setup: convex/ needs Node.js $NODE_MAJOR_MIN+, found $(node --version)" >&2
  exit 1
fi
node_stamp=convex/node_modules/.tutor-setup-stamp
node_digest=$(cat convex/package.json convex/package-lock.json | sha256sum | cut -d' ' -f1)
if [ ! -f "$node_stamp" ] || [ "$(cat "$node_stamp")" != "$node_digest" ]; then
  echo "setup: installing convex/ node modules (npm ci)"
  (cd convex && npm ci --no-audit --no-fund --loglevel=error)
  echo "$node_digest" > "$node_stamp"
fi

# The web app's packages (frontend/), exactly as locked (no registry addresses in the lock file).
web_stamp=frontend/node_modules/.tutor-setup-stamp
web_digest=$(cat frontend/package.json frontend/package-lock.json | sha256sum | cut -d' ' -f1)
if [ ! -f "$web_stamp" ] || [ "$(cat "$web_stamp")" != "$web_digest" ]; then
  echo "setup: installing the web app's packages (npm ci)"
  (cd frontend && NEXT_TELEMETRY_DISABLED=1 npm ci --no-audit --no-fund --loglevel=error)
  echo "$web_digest" > "$web_stamp"
fi

# Reinstall only when a dependency declaration changed.
stamp=.venv/.tutor-setup-stamp
digest=$(cat constraints.txt requirements-dev.txt packages/*/pyproject.toml | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
  exit 0
fi
echo "setup: installing the workspace into .venv (first time takes a few minutes)"
# tutor-core comes first: pip 23 cannot match a later package's plain "tutor-core"
# dependency to the editable "tutor-core[piper]" when that one is listed after it.
editables=(-e "packages/tutor-core/[piper]")
for pkg in packages/*/; do
  [ "$pkg" = "packages/tutor-core/" ] || editables+=(-e "$pkg")
done
.venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt \
  "${editables[@]}" -r requirements-dev.txt
echo "$digest" > "$stamp"
echo "setup: done"
