# MOPS Kraków assistant. `make run` and `make test` are all a newcomer needs: both install what is
# missing and train when the model is stale.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6 needs Python 3.10: take the first interpreter that really is 3.10 (a pyenv shim that
# only names another version does not count).
PYTHON310 ?= $(shell for p in python3.10 $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.10*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { command -v "$$p" || echo "$$p"; } && break; done)
VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa
export TF_CPP_MIN_LOG_LEVEL ?= 3
export PYTHONUNBUFFERED := 1
# Development values for the Rasa API token, the action server's token (endpoints.yml) and the
# Messenger channel (credentials.yml); production sets real ones in the environment and
# MOPS_ENV=production, which refuses these (docs/operations.md).
export RASA_AUTH_TOKEN ?= dev-rasa-token
export ACTIONS_TOKEN ?= dev-actions-token
export FACEBOOK_VERIFY_TOKEN ?= dev-verify-token
export FACEBOOK_APP_SECRET ?= dev-app-secret
export FACEBOOK_PAGE_ACCESS_TOKEN ?= dev-page-access-token

# Which spaCy pipeline Rasa's SpacyNLP loads: ours (built from bot/nlp) or, for example,
# `make train SPACY_MODEL=pl_core_news_sm` once that package is installed.
DEFAULT_SPACY_MODEL := var/spacy/pl_morfeusz
SPACY_MODEL ?= $(DEFAULT_SPACY_MODEL)
ifeq ($(SPACY_MODEL),$(DEFAULT_SPACY_MODEL))
CONFIG := config.yml
SPACY_DEP := $(DEFAULT_SPACY_MODEL)/meta.json
else
CONFIG := var/config-$(notdir $(SPACY_MODEL)).yml
SPACY_DEP :=
endif

MODEL := models/mops.tar.gz
PY_SOURCES := bot actions tests benchmarks scripts
AXE_VERSION := 4.11.0
AXE := var/node/node_modules/axe-core/axe.min.js
export AXE_JS := $(CURDIR)/$(AXE)
# The folders too: a training file deleted changes its folder, and the model is trained again.
TRAINING_INPUTS := $(CONFIG) domain.yml data/nlu data/rules data/stories \
	$(shell find data/nlu data/rules data/stories -name '*.yml' 2>/dev/null)

.PHONY: help install system-deps train run shell test test-fast check eval eval-real format bench bench-address import-addresses clean

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

install: $(VENV)/.installed  ## create .venv (Python 3.10) and install the project with its pinned dependencies

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (Rasa 3.6 needs it). Set PYTHON310=/path/to/python3.10."; exit 1; }
	test -x $(BIN)/python || "$(PYTHON310)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip<25"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m pip check
	touch $@

# What the machine itself needs, in one place: Debian's PostgreSQL server (tests/test_postgresql.py
# starts a throwaway one from its binaries, under /usr/lib/postgresql/<version>/bin, off the PATH),
# Chromium and npm for the browser tests, and axe-core (accessibility rules) from the npm registry.
# Each is installed only when missing.
system-deps:  ## Debian packages (apt-get) and axe-core (npm) the tests and the stack need, when missing
	@missing=""; \
	command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	test -x /usr/bin/chromium || missing="$$missing chromium chromium-driver"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
		sudo=$$(test "$$(id -u)" -eq 0 || echo sudo); \
		$$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi
	@test -f $(AXE) || { mkdir -p var/node && \
		npm install --prefix var/node --no-save --no-audit --no-fund axe-core@$(AXE_VERSION); }

# `| $(VENV)/.installed`: installed first, but a new dependency of the gateway does not retrain.
# Only the files of the spaCy pipeline: the Rasa components beside them load at run time.
$(DEFAULT_SPACY_MODEL)/meta.json: bot/nlp/build.py bot/nlp/morfeusz_lemmatizer.py bot/polish/morfeusz.py bot/polish/text.py | $(VENV)/.installed
	$(BIN)/python -m bot.nlp.build $(DEFAULT_SPACY_MODEL)

var/config-%.yml: config.yml
	@mkdir -p var
	sed 's|model: $(DEFAULT_SPACY_MODEL)|model: $(SPACY_MODEL)|' config.yml > $@

train: $(MODEL)  ## train the Rasa model if data, domain, config or the Polish pipeline changed

$(MODEL): $(TRAINING_INPUTS) $(SPACY_DEP) | $(VENV)/.installed
	$(RASA) train --config $(CONFIG) --domain domain.yml --data data --out models \
		--fixed-model-name mops --force

run: $(MODEL) system-deps  ## start the action server (5055), Rasa (5005) and the gateway (8000) on loopback; Ctrl-C stops all
	scripts/run.sh

shell: $(MODEL)  ## chat with the assistant in the terminal
	scripts/shell.sh

test: $(MODEL) system-deps  ## the whole suite: unit tests, data validation, NLU floor, conversation and end-to-end tests
	$(BIN)/python -m pytest

test-fast: $(VENV)/.installed $(SPACY_DEP)  ## only the tests that need no trained model or Rasa process
	$(BIN)/python -m pytest -m "not slow"

eval: $(MODEL)  ## NLU report on the held-out tests/nlu: macro-F1 per intent and per response
	$(BIN)/python -m bot.nlu_eval --model $(MODEL) --out var/eval

eval-real: $(MODEL)  ## reply-level evaluation on tests/realistic through the real servers (var/eval/realistic.md)
	$(BIN)/python -m bot.evaluation.realistic --model $(MODEL) --out var/eval

bench: bench-address bench-gateway bench-outage  ## all benchmarks (speed and accuracy targets are checked here, not in tests)

bench-address: $(VENV)/.installed  ## address resolution: accuracy beside a naive baseline, time per address
	$(BIN)/python -m benchmarks.bench_address

import-addresses: $(VENV)/.installed  ## build data/gazetteer.yml from the city's register: make import-addresses FILE=adresy.geojson
	@test -n "$(FILE)" || { echo "usage: make import-addresses FILE=path/to/register.geojson|.csv"; exit 2; }
	$(BIN)/python -m bot.address.importer "$(FILE)" --out data/gazetteer.yml

check: $(VENV)/.installed  ## ruff format --check, ruff check (complexity <= 12, unused arguments) and mypy
	$(BIN)/ruff format --check $(PY_SOURCES)
	$(BIN)/ruff check $(PY_SOURCES)
	$(BIN)/mypy

format: $(VENV)/.installed  ## ruff: format and fix what can be fixed
	$(BIN)/ruff format $(PY_SOURCES)
	$(BIN)/ruff check --fix $(PY_SOURCES)

clean:  ## remove trained models and run-time files (keeps .venv)
	rm -rf models var .rasa

# ---- staff console (bot/console) -----------------------------------------------------------------
.PHONY: console-admin console-migrate retention bench-review

console-admin: $(VENV)/.installed  ## create the first console admin: make console-admin LOGIN=anna
	@test -n "$(LOGIN)" || { echo "usage: make console-admin LOGIN=name"; exit 2; }
	$(BIN)/python -m bot.console create-admin "$(LOGIN)"

console-migrate: $(VENV)/.installed  ## bring the console database (CONSOLE_DATABASE_URL) up to date
	$(BIN)/python -m bot.storage upgrade

retention: $(VENV)/.installed  ## delete conversations older than REVIEW_RETENTION_DAYS (default 90); run daily
	$(BIN)/python -m bot.review retention

bench-review: $(VENV)/.installed  ## conversation list with 100 000 generated conversations: time per page
	$(BIN)/python -m benchmarks.bench_review

# ---- web chat gateway (bot/gateway) -------------------------------------------------------------
.PHONY: gateway bench-gateway bench-outage

gateway: $(VENV)/.installed  ## only the web chat gateway on 8000 (Rasa must already run on 5005)
	$(BIN)/python -m bot.gateway

bench-gateway: $(MODEL)  ## web chat: latency through the gateway beside straight to Rasa (1 and 20 chats)
	$(BIN)/python -m benchmarks.bench_gateway

bench-outage: $(MODEL)  ## tracker database locked: time to answer residents writing at once (goal 1 s)
	$(BIN)/python -m benchmarks.bench_outage

# ---- dependencies ---------------------------------------------------------------------------------
.PHONY: audit

audit: $(VENV)/.installed  ## known vulnerabilities of .venv's packages (pip-audit); AUDIT_STRICT=1: not audited = failure
	scripts/audit.sh
