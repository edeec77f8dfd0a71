# The two commands a new user needs: `make run` and `make test`.
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)

.PHONY: setup run test lint bench

setup:
	@bash scripts/setup.sh

run: setup  ## load the bundled inbox into the warehouse, then serve the app on 127.0.0.1:8501
	$(UV) run pulse up

test: setup  ## the whole test suite, browser tests included
	$(UV) run pytest -q

lint:
	$(UV) run ruff check .

bench: setup  ## benchmarks; results go in docs/benchmarks.md
	$(UV) run python -m bench
