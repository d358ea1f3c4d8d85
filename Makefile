# Nurse helpline assistant. `make run` and `make test` work from a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
FUZZ_VENV   := .venv-fuzz
PY          := $(VENV)/bin/python
RASA        := $(VENV)/bin/rasa
DATA_DIR    ?= var
SPACY_MODEL := build/spacy/helpline_en
MODEL_DIR   := models
TRAIN_DATA  := data/nlu data/stories data/rules
RASA_PORT   ?= 5005
ACTIONS_PORT ?= 5055

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONPATH := $(CURDIR)
export HELPLINE_DATA_DIR ?= $(CURDIR)/$(DATA_DIR)
export ACTION_ENDPOINT_URL ?= http://localhost:$(ACTIONS_PORT)/webhook
export TRACKER_DB_DIALECT ?= sqlite
export TRACKER_DB ?= $(HELPLINE_DATA_DIR)/tracker.db

NLU_FILES    := $(shell find data/nlu data/stories data/rules -name '*.yml' 2>/dev/null)
CONTENT_FILES := $(wildcard data/content/*.yml)
BOT_SOURCES  := $(shell find bot -name '*.py' 2>/dev/null)

.PHONY: help run test fuzz lint install browser widget spacy migrate content train validate test-stories bench bench-profile bench-locks bench-nlu bench-ranking eval lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

run: install widget spacy content train ## Install, build, train if needed; start Rasa (5005), actions (5055) and the nurse console (5006)
	@scripts/run.sh

test: install browser scale-deps widget spacy content train ## Run the whole suite: unit, NLU accuracy, data validation, conversation tests, end to end, fuzzing
	$(PY) -m pytest -q
	$(MAKE) --no-print-directory test-stories
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(or $(FUZZ_SECONDS),20)

fuzz: install $(FUZZ_VENV)/.installed ## schemathesis on the nurse console's OpenAPI document, 3 runs of FUZZ_SECONDS (40); any finding fails
	$(PY) -m ops.fuzz_console --seconds $(or $(FUZZ_SECONDS),40)

$(FUZZ_VENV)/.installed: requirements-fuzz.txt $(VENV)/.installed
	@test -x $(FUZZ_VENV)/bin/python || $(PY) -m venv $(FUZZ_VENV)
	$(FUZZ_VENV)/bin/python -m pip install -q --upgrade "pip==24.0"
	$(FUZZ_VENV)/bin/python -m pip install -q -r requirements-fuzz.txt
	@touch $@

scale-deps: ## Install Debian's postgresql, redis-server and nginx for the scale profile (only if missing)
	@scripts/install-scale.sh

run-scaled: install scale-deps widget spacy train ## Scale profile: PostgreSQL, Redis, 2 Rasa replicas, 2 action servers, console, nginx (:5080)
	$(PY) scripts/scale.py run

stop: ## Stop everything `make run-scaled` started, and only that
	$(PY) scripts/scale.py stop

lint: install ## ruff (check and format) on all code, mypy on bot/, actions/ and ops/
	$(VENV)/bin/ruff check bot actions tests bench ops scripts
	$(VENV)/bin/ruff format --check bot actions tests bench ops scripts
	$(VENV)/bin/mypy bot actions ops

install: $(VENV)/.installed ## Create .venv with Python 3.10 and the pinned requirements

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || { p=$$(PYTHON="$(PYTHON)" scripts/find-python.sh) && echo "Creating $(VENV) with $$p" && $$p -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade "pip==24.0"
	$(PY) -m pip install -q -r requirements.txt
	@touch $@

browser: ## Install Debian's chromium for the browser tests (only if missing)
	@scripts/install-browser.sh

widget: ## Install the rasa-webchat widget from npm (package-lock.json) when missing or outdated
	@scripts/install-widget.sh

spacy: $(SPACY_MODEL)/.built ## Build the project's spaCy pipeline from blank("en") and data/spacy patterns

$(SPACY_MODEL)/.built: $(VENV)/.installed data/spacy/entity_patterns.jsonl bot/nlu/pipeline.py
	$(PY) -m bot.nlu build $(SPACY_MODEL)
	@touch $@

migrate: $(HELPLINE_DATA_DIR)/.migrated ## Apply the Alembic migrations to the project's database

$(HELPLINE_DATA_DIR)/.migrated: $(VENV)/.installed $(wildcard bot/migrations/versions/*.py)
	$(PY) -m bot.db upgrade
	@touch $@

content: $(HELPLINE_DATA_DIR)/.content-imported ## Validate and import data/content into the database

$(HELPLINE_DATA_DIR)/.content-imported: $(HELPLINE_DATA_DIR)/.migrated $(CONTENT_FILES)
	$(PY) -m bot.content import data/content
	@touch $@

train: $(MODEL_DIR)/.trained ## Train the Rasa model when data, domain or config changed

$(MODEL_DIR)/.trained: $(VENV)/.installed $(SPACY_MODEL)/.built config.yml domain.yml $(NLU_FILES) $(wildcard bot/nlu/*.py)
	@mkdir -p $(HELPLINE_DATA_DIR)
	$(RASA) train --data $(TRAIN_DATA) --out $(MODEL_DIR) --fixed-model-name helpline > $(HELPLINE_DATA_DIR)/train.log 2>&1 \
		|| { tail -40 $(HELPLINE_DATA_DIR)/train.log; exit 1; }
	@echo "Model trained: $(MODEL_DIR)/helpline.tar.gz (log: $(HELPLINE_DATA_DIR)/train.log)"
	@touch $@

validate: install ## rasa data validate
	$(RASA) data validate --data $(TRAIN_DATA)

test-stories: train ## Conversation tests in tests/test_stories.yml
	$(RASA) test core --stories tests/test_stories.yml --model $(MODEL_DIR)/helpline.tar.gz \
		--e2e --fail-on-prediction-errors --out $(HELPLINE_DATA_DIR)/results/core

bench: install scale-deps spacy migrate content ## Stock `rasa init` vs ours in one run: latency, load, memory, start, training, handoff; writes BENCHMARKS.md
	$(PY) -m bench.run

bench-profile: install spacy train ## Sample the Rasa process with py-spy under load; prints where the time goes
	$(PY) -m bench.profile

bench-locks: install scale-deps ## Rasa's Redis lock store vs ours on a real Redis: turn cost, and turns under contention; writes BENCHMARKS.md
	$(PY) -m bench.locks

bench-nlu: install spacy ## Compare NLU pipelines on the held-out set; writes BENCHMARKS.md's NLU table
	$(PY) -m bench.nlu_compare

bench-ranking: install ## Compare ways of ranking content entries (cross-validation on asked_as); writes BENCHMARKS.md
	$(PY) -m bench.answer_ranking

eval: install train ## Scores on the five pairs of blind sets in tests/nlu/ (intents, then answers)
	$(PY) -m bot.nlu score $(MODEL_DIR)/helpline.tar.gz
	$(PY) -m bot.nlu score $(MODEL_DIR)/helpline.tar.gz --data tests/nlu/second_blind.yml
	$(PY) -m bot.nlu score $(MODEL_DIR)/helpline.tar.gz --data tests/nlu/third_blind.yml
	$(PY) -m bot.nlu score $(MODEL_DIR)/helpline.tar.gz --data tests/nlu/fourth_blind.yml
	$(PY) -m bot.nlu score $(MODEL_DIR)/helpline.tar.gz --data tests/nlu/fifth_blind.yml
	$(PY) -m bot.nlu answers $(MODEL_DIR)/helpline.tar.gz
	$(PY) -m bot.nlu answers $(MODEL_DIR)/helpline.tar.gz --data tests/nlu/second_answers.yml
	$(PY) -m bot.nlu answers $(MODEL_DIR)/helpline.tar.gz --data tests/nlu/third_answers.yml
	$(PY) -m bot.nlu answers $(MODEL_DIR)/helpline.tar.gz --data tests/nlu/fourth_answers.yml
	$(PY) -m bot.nlu answers $(MODEL_DIR)/helpline.tar.gz --data tests/nlu/fifth_answers.yml

lock: ## Re-pin requirements.txt from requirements.in
	$(PY) -m pip install -q -r requirements.in
	{ echo "# Generated by \`make lock\` from requirements.in: the exact versions of every package in .venv."; \
	  echo "# Edit requirements.in, then run \`make lock\`."; $(PY) -m pip freeze --exclude-editable; } > requirements.txt

clean: ## Remove build output, models and data (keeps .venv and .venv-fuzz)
	rm -rf build $(MODEL_DIR) $(DATA_DIR) .pytest_cache .mypy_cache .ruff_cache
