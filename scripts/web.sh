#!/usr/bin/env bash
# `make web`: build the web app, start the tutor server and the app on loopback, print one URL.
# Both processes are ours: they are stopped by PID when this script ends (Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

export NEXT_TELEMETRY_DISABLED=1
logs="$root/out/web"
mkdir -p "$logs"

free_port() {  # the wanted port if it is free on 127.0.0.1, else any free one
  .venv/bin/python - "$1" <<'PY'
import socket, sys
wanted = int(sys.argv[1])
for port in (wanted, 0):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(s.getsockname()[1])
        break
PY
}

# Build only when the app changed since the last build.
if [ ! -f frontend/.next/BUILD_ID ] || [ -n "$(find frontend/src frontend/package-lock.json frontend/next.config.mjs -newer frontend/.next/BUILD_ID -print -quit)" ]; then
  echo "web: building the app (first time takes a minute)"
  (cd frontend && npx --no-install next build >"$logs/build.log" 2>&1) || {
    tail -40 "$logs/build.log" >&2
    echo "web: the build failed; the whole log is in $logs/build.log" >&2
    exit 1
  }
fi

api_port=$(free_port "${TUTOR_API_PORT:-8000}")
web_port=$(free_port "${TUTOR_WEB_PORT:-3000}")
# One secret for this run, shared by the server (verifies tokens) and the app (mints them).
secret=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))')
export TUTOR_HOME="${TUTOR_HOME:-$root/out/.tutor}"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

TUTOR_SECRET_KEY="$secret" TUTOR_LOG_FORMAT=text \
  .venv/bin/tutor serve --port "$api_port" >"$logs/server.log" 2>&1 &
pids+=($!)

(
  cd frontend
  TUTOR_API_URL="http://127.0.0.1:$api_port" TUTOR_SECRET_KEY="$secret" TUTOR_LOCAL=1 \
    NEXTAUTH_URL="http://127.0.0.1:$web_port" \
    exec node node_modules/next/dist/bin/next start -H 127.0.0.1 -p "$web_port"
) >"$logs/app.log" 2>&1 &
pids+=($!)

wait_for() {  # url, name, log
  for _ in $(seq 1 300); do
    if .venv/bin/python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1" 2>/dev/null; then
      return 0
    fi
    for pid in "${pids[@]}"; do
      if ! kill -0 "$pid" 2>/dev/null; then
        tail -30 "$3" >&2
        echo "web: the $2 stopped; its log is in $3" >&2
        exit 1
      fi
    done
    sleep 0.2
  done
  echo "web: the $2 did not start within 60 s; its log is in $3" >&2
  exit 1
}
wait_for "http://127.0.0.1:$api_port/readyz" "tutor server" "$logs/server.log"
wait_for "http://127.0.0.1:$web_port/signin" "web app" "$logs/app.log"

echo
echo "tutor web app: http://127.0.0.1:$web_port/"
echo "(local mode: only this computer; logs in out/web/; Ctrl-C stops it)"
wait -n "${pids[@]}" || true
echo "web: a process stopped; see the logs in out/web/" >&2
