# Two commands on a fresh machine: `make run` (set up, build the index if missing, start the app)
# and `make test` (set up, then the whole test suite). Everything else is a step of those two.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup browser index run test test-fast lint typecheck validate fuzz-long load bench eval clean

# torch is pinned in the same pip command as the rest, so pip takes the CPU build on disk
# instead of pulling a CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0 -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Debian's Chromium for the browser test (and a CJK font so screenshots show Chinese); never a
# browser download.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi wqy; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	  else echo "note: apt-get install chromium fonts-wqy-microhei (without /usr/bin/chromium browser tests are skipped)"; fi; \
	fi

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

validate: setup
	$(BIN)/kb validate

index: setup
	$(BIN)/kb ingest

# The app at http://127.0.0.1:7860 (KB_HOST, KB_PORT, KB_AUTH change it; see README).
run: setup index
	$(BIN)/kb serve

lint: setup
	$(BIN)/ruff check kb tests tools app.py
	$(BIN)/ruff format --check kb tests tools app.py

typecheck: setup
	$(BIN)/mypy

test: setup browser validate lint typecheck
	$(BIN)/pytest

# The quick lane for development: no model, no index, no server, no browser (under a minute).
test-fast: setup
	$(BIN)/pytest -m "not slow and not browser" -q

# Reliability: 10,000 random and adversarial examples per fuzz test (not part of make test).
fuzz-long: setup
	KB_FUZZ_PROFILE=long $(BIN)/pytest tests/test_fuzz.py -q

# Evaluation: the shared development set (when ../shared is beside the checkout) and the project's
# own sets in evals/, each beside the llama-index baseline; reports land in evals/reports/.
DEV_SET ?= ../shared/evals/dev.yaml
eval: setup index
	@for set in $(wildcard $(DEV_SET)) $(sort $(wildcard evals/*.yaml)); do \
	  echo "== $$set"; $(BIN)/kb eval "$$set" --baseline || exit 1; \
	done

# Load: 20 simulated users for 60 s against the app on 127.0.0.1 (not part of make test).
load: setup index
	$(BIN)/python -m tools.loadtest --users 20 --seconds 60

clean:
	rm -rf $(VENV) .kb .pytest_cache .mypy_cache .ruff_cache
