# cac.proget developer targets.  `make test` is what CI runs (.ci/run).
#
#   make venv          cached virtualenvs .venv/core-2.17, .venv/core-2.19 (scripts/venv.sh)
#   make venv-tools    .venv/tools (linters / doc builders: tests/requirements/tools.txt)
#   make collection    build/collections/ansible_collections/cac/proget -> repo root
#   make unit          pytest tests/unit            (CORE=2.19; `make unit CORE=2.17`)
#   make contract      pytest tests/contract and tests/contract_real (the sim, pure HTTP)
#   make contract-real PROGET_URL=... PROGET_API_KEY=...   tests/contract_real against a real ProGet
#                      (System key, Full Control; cleans up after itself; not in make test)
#                      -> build/contract-real/report.{json,md}
#   make integration   pytest tests/integration under core 2.17 and 2.19, in parallel
#   make reliability   pytest tests/reliability (faults, bad input, secrets, concurrency, check mode; core 2.19)
#   make sanity        ansible-test sanity on the built tarball, cores 2.17, 2.18, 2.19 (sanity-2.18: one)
#   make doc-check     ansible-doc renders every module
#   make docs          the docs site (antsibull-docs + Sphinx) -> build/docs/html/index.html
#   make docs-lint     antsibull-docs lint-collection-docs --plugin-docs
#   make lint          ansible-lint (production profile) + antsibull-changelog lint
#   make packaging     galaxy tarball contents, install it and run the demo play, EE, AWX files
#   make docker-test   pytest tests/docker: the proget_server role against a real Docker engine
#                      (root; starts Debian's docker.io daemon if none runs; .venv/docker)
#   make test          all of the above, suites in parallel (JOBS=4), summary, fails if any fails
#   make demo          sim on :8624 + examples/site.yml twice; the 2nd run must be changed=0
#   make schema        write schemas/proget_state.schema.json from the code (a unit test checks it)
#   make build         ansible-galaxy collection build -> build/cac-proget-<version>.tar.gz
#   make changelog     regenerate CHANGELOG.md/.rst from changelogs/ (release: see README.md)
#   make clean         remove build/, .progetsim/, tests/output/  (distclean: also .venv/)
#
# Pass extra pytest options with PYTEST_ARGS="-k feed -x".

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CORES       := 2.17 2.19
# every ansible-core that meta/runtime.yml claims (requires_ansible >=2.17.0)
SANITY_CORES := 2.17 2.18 2.19
CORE        ?= 2.19
VENV        := .venv/core-$(CORE)
PY          := $(VENV)/bin/python
COLLECTIONS := $(CURDIR)/build/collections
PYTEST_ARGS ?=
JOBS        ?= 4
export ANSIBLE_COLLECTIONS_PATH  := $(COLLECTIONS)
export ANSIBLE_COLLECTIONS_PATHS := $(COLLECTIONS)
export JOBS

# (the venv's ansible-playbook is chosen by CAC_ANSIBLE_VENV, set on the same command as pytest)
PYTEST = mkdir -p build/tmp && CAC_ANSIBLE_VENV=$(1) CAC_EXPECT_CORE=$(3) $(1)/bin/python -m pytest --basetemp=build/tmp/$(2) $(PYTEST_ARGS)

.PHONY: help venv venv-tools venv-docker $(addprefix venv-core-,$(SANITY_CORES)) collection unit contract \
        contract-real integration $(addprefix integration-,$(CORES)) reliability sanity $(addprefix sanity-,$(SANITY_CORES)) \
        doc-check docs docs-lint lint packaging changelog docker-test test demo schema build clean distclean

help:
	@sed -n '2,28p' Makefile | sed 's/^# \{0,1\}//'

# ---------------------------------------------------------------- environments
venv:
	@$(MAKE) --no-print-directory -j$(words $(CORES)) $(addprefix venv-core-,$(CORES))

$(addprefix venv-core-,$(SANITY_CORES)): venv-core-%:
	@scripts/venv.sh core-$*

venv-tools:
	@scripts/venv.sh tools

# ansible-core 2.19 + the `ansible` package (community.docker, ansible.windows; no Galaxy here)
venv-docker:
	@scripts/venv.sh docker

collection:
	@mkdir -p build/collections/ansible_collections/cac
	@ln -sfn ../../../.. build/collections/ansible_collections/cac/proget
	@test "$$(cd build/collections/ansible_collections/cac/proget && pwd -P)" = "$$(pwd -P)"

# ---------------------------------------------------------------- suites
unit: venv-core-$(CORE) collection
	$(call PYTEST,$(VENV),unit-$(CORE)) tests/unit

# tests/contract_real starts its own sim when PROGET_URL is unset (a separate pytest run: both
# suites have a conftest.py)
contract: venv-core-$(CORE)
	@rc=0; $(call PYTEST,$(VENV),contract) tests/contract || rc=1; \
	unset PROGET_URL PROGET_API_KEY PROGET_VALIDATE_CERTS PROGET_CA_PATH; \
	$(call PYTEST,$(VENV),contract-real-sim) tests/contract_real || rc=1; exit $$rc

# read-only and self-cleaning checks of a real ProGet 2025/2026; never starts a sim
contract-real: venv-core-$(CORE)
	@if [ -z "$${PROGET_URL:-}" ] || [ -z "$${PROGET_API_KEY:-}" ]; then \
	  echo "contract-real: set PROGET_URL and PROGET_API_KEY (a System API key with Full Control), e.g." >&2; \
	  echo "  make contract-real PROGET_URL=https://proget.example.com/ PROGET_API_KEY=..." >&2; exit 2; fi
	CAC_CONTRACT_REAL=1 $(call PYTEST,$(VENV),contract-real) tests/contract_real

integration: venv collection
	@scripts/run-suites.sh $(addprefix integration-,$(CORES))

$(addprefix integration-,$(CORES)): integration-%: venv-core-% collection
	$(call PYTEST,.venv/core-$*,integration-$*,$*) --durations=10 tests/integration

# faults, bad input, secrets, concurrency, check mode, permissions (figures: build/reliability-figures.json)
reliability: venv-core-2.19 collection
	$(call PYTEST,.venv/core-2.19,reliability,2.19) --durations=10 tests/reliability

# one after the other: ansible-test's venv cache (~/.ansible/test/venv) is shared by the
# cores and not safe for concurrent use (scripts/sanity.sh also takes a lock)
sanity: venv $(addprefix venv-core-,$(SANITY_CORES))
	@rc=0; for c in $(SANITY_CORES); do scripts/sanity.sh core-$$c || { rc=1; echo "sanity: core-$$c FAILED"; }; done; exit $$rc

$(addprefix sanity-,$(SANITY_CORES)): sanity-%: venv-core-%
	scripts/sanity.sh core-$*

doc-check: venv collection
	@for c in $(CORES); do scripts/ansible-doc.sh core-$$c; done

docs: venv-tools collection
	@scripts/docs.sh

docs-lint: venv-tools collection
	@scripts/docs.sh lint

lint: venv-tools collection
	@scripts/lint.sh

packaging: venv-tools venv-core-2.19 collection
	$(call PYTEST,.venv/tools,packaging) tests/packaging

changelog: venv-tools
	.venv/tools/bin/antsibull-changelog generate

docker-test: venv-docker collection
	$(call PYTEST,.venv/docker,docker) --durations=5 tests/docker

# venvs and the symlink first (serially: no two jobs build the same venv), then every
# independent suite in parallel, longest first.
test: venv venv-docker venv-tools $(addprefix venv-core-,$(SANITY_CORES)) collection
	@scripts/run-suites.sh docker-test $(addprefix integration-,$(CORES)) reliability sanity packaging docs lint docs-lint unit contract doc-check

# ---------------------------------------------------------------- demo / build
demo: venv-core-$(CORE) collection
	@CAC_ANSIBLE_VENV=$(VENV) scripts/demo.sh

schema: venv-core-$(CORE) collection
	$(PY) scripts/schema.py

build: venv-core-$(CORE)
	@mkdir -p build
	$(VENV)/bin/ansible-galaxy collection build --force --output-path build .

clean:
	rm -rf build .progetsim tests/output .pytest_cache

distclean: clean
	rm -rf .venv
