# Two commands on a fresh machine: `make run` and `make test`. Each sets up the
# virtual environment first when it is missing or older than the dependency pins.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# checkov (make test runs it on the translated template) pins its own boto3 and more: it gets a venv of its own.
CHECKOV_VENV  := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
PORT   ?= 3000
# Local-only first value of the webhook secret in (moto's) Secrets Manager, via the template's PaymentWebhookSecret;
# sign test webhooks with it (scripts/pay.py does).
PAYMENT_WEBHOOK_SECRET ?= whsec_local
# Browser origins allowed to call the local API (CORS; the template's AllowedOrigins): a Vite dev server by default.
ALLOWED_ORIGINS ?= http://localhost:5173,http://127.0.0.1:5173

# The frontend's toolchain (Redocly, Spectral, openapi-typescript, tsc), pinned in clients/typescript.
CLIENT     := clients/typescript
NODE_STAMP := $(CLIENT)/node_modules/.installed
NODE_HELP  := Node.js >= 20.19 with npm is needed: make test lints docs/openapi.json with Redocly and Spectral and \
	compiles a generated TypeScript client (Debian/Ubuntu: apt-get install nodejs npm; or https://nodejs.org)

.PHONY: run test bench lint format schemas openapi api-examples package requirements clean

$(STAMP): pyproject.toml constraints.txt local_runtime/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Tandem needs Python >= 3.11 (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]' -e ./local_runtime
	@touch $(STAMP)

$(CHECKOV_STAMP): constraints-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r constraints-checkov.txt
	@touch $@

$(NODE_STAMP): $(CLIENT)/package.json $(CLIENT)/package-lock.json
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "$(NODE_HELP)" >&2; exit 1; }
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)' \
		|| { echo "Node.js $$(node --version) is too old. $(NODE_HELP)" >&2; exit 1; }
	cd $(CLIENT) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

run: $(STAMP)
	PORT=$(PORT) $(PY) -m local_runtime --template template.yaml --port $(PORT) \
		--param PaymentWebhookSecret=$(PAYMENT_WEBHOOK_SECRET) --param AllowedOrigins=$(ALLOWED_ORIGINS) \
		--on-ready "$(PY) scripts/demo_data.py"

test: $(STAMP) $(NODE_STAMP) $(CHECKOV_STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) bench/run.py $(if $(QUICK),--quick)

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

# The committed OpenAPI document (what GET /_local/openapi.json serves), from the handlers' resolvers.
openapi: $(STAMP)
	$(PY) -m local_runtime.openapi_export --template template.yaml --param PaymentWebhookSecret=$(PAYMENT_WEBHOOK_SECRET) \
		--examples docs/openapi-examples.json --out docs/openapi.json

# Re-record the document's response examples from what the end-to-end tests really get, then regenerate it.
api-examples: $(STAMP)
	TANDEM_RECORD_EXAMPLES=docs/openapi-examples.json $(PY) -m pytest -q tests/e2e -p no:cacheprovider
	$(MAKE) openapi

schemas: $(STAMP)
	$(PY) -m tandem.shared.schemas export events/schemas

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .pytest_cache .aws-sam $(CLIENT)/node_modules $(CLIENT)/src/generated
