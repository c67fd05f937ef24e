# Two commands on a fresh machine: `make run` and `make test`. Each sets up the
# virtual environment first when it is missing or older than the dependency pins.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 3000
# Local-only webhook secret (the template's PaymentWebhookSecret has no default); sign test webhooks with it.
PAYMENT_WEBHOOK_SECRET ?= whsec_local

.PHONY: run test bench lint format schemas package requirements clean

$(STAMP): pyproject.toml constraints.txt local_runtime/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Tandem needs Python >= 3.11 (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]' -e ./local_runtime
	@touch $(STAMP)

run: $(STAMP)
	PORT=$(PORT) $(PY) -m local_runtime --template template.yaml --port $(PORT) \
		--param PaymentWebhookSecret=$(PAYMENT_WEBHOOK_SECRET) \
		--on-ready "$(PY) scripts/demo_data.py"

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) bench/run.py

lint: $(STAMP)
	$(VENV)/bin/cfn-lint template.yaml
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy -p tandem -p local_runtime
	cd /tmp && $(CURDIR)/$(VENV)/bin/lint-imports $(CURDIR)/.importlinter

# One format for the whole tree (make test checks it).
format: $(STAMP)
	$(VENV)/bin/ruff format .

# What `sam build` ships, built for the template's platform (python3.13 on arm64) into .aws-sam/build with
# each artifact's unzipped size against Lambda's 250 MB; `sam deploy` deploys that folder as it is.
package: $(STAMP)
	$(PY) -m local_runtime.sam_build --template template.yaml --out .aws-sam/build --target lambda --locked

# The layer's requirements.txt, from pyproject.toml's dependencies (the one list), pinned by constraints.txt.
requirements: $(STAMP)
	$(PY) scripts/layer_requirements.py

schemas: $(STAMP)
	$(PY) -m tandem.shared.schemas export events/schemas

clean:
	rm -rf $(VENV) .pytest_cache .aws-sam
