# bulletin — the two set-up commands of the README:
#   make demo   installs what is missing and builds the example issue 2018-48 into build/
#   make test   installs what the tests need and runs them
PYTHON ?= python3
export PIP_ROOT_USER_ACTION := ignore
export PIP_DISABLE_PIP_VERSION_CHECK := 1
EXAMPLE := examples/guangxi-fupin
OUT ?= build

.PHONY: setup setup-test demo test bench lint clean messages

setup:
	bash scripts/install-deps.sh
	$(PYTHON) -m pip install -q -e .

setup-test:
	bash scripts/install-deps.sh --test
	$(PYTHON) -m pip install -q -e '.[test]'

demo: setup
	$(PYTHON) -m bulletin.cli build 2018-48 --root $(EXAMPLE) --out $(OUT)

test: setup-test
	$(PYTHON) -m pytest -q

bench:
	bash scripts/install-deps.sh --bench
	$(PYTHON) -m pip install -q -e '.[test,bench]'
	$(PYTHON) benchmarks/run.py

# refresh the Chinese catalogue: new texts arrive untranslated (tests/test_i18n.py lists
# them); write their msgstr in bulletin/locale/zh_CN/LC_MESSAGES/bulletin.po, run this again
messages:
	$(PYTHON) -m pip install -q -e '.[dev]'
	$(PYTHON) scripts/messages.py

lint:
	ruff check bulletin tests benchmarks

clean:
	rm -rf $(OUT) .pytest_cache
