# tutor — the two commands: `make demo` and `make test`. Both do all the set-up.
.PHONY: setup test test-fast test-convex lint typecheck demo clean bench web web-test

VENV := .venv
PY := $(VENV)/bin/python
export PYTHONDONTWRITEBYTECODE := 1

setup:
	@bash scripts/setup.sh

lint: setup
	$(VENV)/bin/ruff check packages tests bench examples scripts
	$(VENV)/bin/ruff format --check packages tests bench examples scripts
	$(VENV)/bin/mypy packages/*/src
	cd frontend && NEXT_TELEMETRY_DISABLED=1 npx --no-install next typegen >/dev/null && npx --no-install tsc --noEmit

# The web app's unit tests (vitest); its browser tests run in pytest (tests/web).
web-test: setup
	cd frontend && npx --no-install vitest run

test: lint test-convex web-test
	$(VENV)/bin/pytest

# Convex functions: TypeScript typecheck, then the vitest + convex-test suite.
test-convex: setup
	cd convex && npm test

test-fast: setup
	$(VENV)/bin/pytest -m "not slow"

clean:
	rm -rf $(VENV) out convex/node_modules frontend/node_modules frontend/.next frontend/test-artifacts

# The web app: the server and the app on loopback, one URL to open (Ctrl-C stops both).
web: setup
	@bash scripts/web.sh

# The main job: a real narrated video from a prompt, embedded defaults, no services, no API key.
DEMO_PROMPT ?= explain the Pythagorean theorem in 4 scenes
DEMO_QUALITY ?= final
demo: setup
	@mkdir -p out
	@# A video from an earlier run (maybe edited) is kept, never silently replaced.
	@if [ -f out/demo.mp4 ]; then \
		kept=out/demo-$$(date +%Y%m%d-%H%M%S); \
		mv out/demo.mp4 $$kept.mp4; [ ! -f out/demo.vtt ] || mv out/demo.vtt $$kept.vtt; \
		echo "Kept your previous video as $$kept.mp4"; \
	fi
	TUTOR_HOME=$(CURDIR)/out/.tutor $(VENV)/bin/tutor generate "$(DEMO_PROMPT)" \
		--quality $(DEMO_QUALITY) --out out/demo.mp4
	@echo
	@echo "Your video: $(CURDIR)/out/demo.mp4 (subtitles: out/demo.vtt and inside the mp4)"
	@echo "After an edit, join it up again: TUTOR_HOME=out/.tutor .venv/bin/tutor export --out out/demo.mp4"

bench: setup
	$(PY) bench/pipeline.py
	$(PY) bench/render_overhead.py
	$(PY) bench/server.py
