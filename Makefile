# Two commands set everything up on a fresh machine:
#   make chat   - the bot in this terminal, on the bundled sample data (no token, no network)
#   make test   - the whole test suite and the linter
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: chat test lint run check-data messages diagrams clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

chat: $(STAMP)
	$(BIN)/lotse chat

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest -q

run: $(STAMP)
	$(BIN)/lotse run

check-data: $(STAMP)
	$(BIN)/lotse check-data

# After changing a user-visible text in bot/ or conversations/: update the template and
# every catalogue, then translate the new (empty) entries.
messages: $(STAMP)
	$(BIN)/pybabel extract -F pyproject.toml --no-location --sort-output --project Lotse \
		--copyright-holder "Lotse contributors" --msgid-bugs-address "" \
		-o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages \
		--no-fuzzy-matching --ignore-obsolete --no-wrap

diagrams: $(STAMP)
	$(BIN)/lotse flow-diagram

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
