# Two commands on a fresh machine: `make run` (set up, build the index if missing, start the app)
# and `make test` (set up, then the whole test suite). Everything else is a step of those two.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup browser index run test lint typecheck validate fuzz-long load bench clean

# torch is pinned in the same pip command as the rest, so pip takes the CPU build on disk
# instead of pulling a CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0 -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Debian's Chromium for the browser test; never a browser download.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "note: /usr/bin/chromium is missing (apt-get install chromium); browser tests will be skipped"; fi; \
	fi

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

validate: setup
	$(BIN)/kb validate

index: setup
	$(BIN)/kb ingest

run: setup index
	$(BIN)/kb lookup "gallium nitride"

lint: setup
	$(BIN)/ruff check kb tests
	$(BIN)/ruff format --check kb tests

typecheck: setup
	$(BIN)/mypy

test: setup browser validate lint typecheck
	$(BIN)/pytest

# Reliability: 10,000 random and adversarial examples per fuzz test (not part of make test).
fuzz-long: setup
	KB_FUZZ_PROFILE=long $(BIN)/pytest tests/test_fuzz.py -q

clean:
	rm -rf $(VENV) .kb .pytest_cache .mypy_cache .ruff_cache
