# cac.proget developer targets.  `make test` is what CI runs (.ci/run).
#
# The ansible-core matrix: every core from 2.16 to 2.22, on the Pythons it runs on.
#   host (Debian 12, Python 3.11)       2.16 2.17 2.18 2.19
#   rootfs (Debian 13, Python 3.13)     2.20 2.21 2.22  (2.20+ need Python >= 3.12; run through
#                                        scripts/chroot.sh, the rootfs is built once by scripts/rootfs.sh
#                                        in ~/.cache/cac-proget, the repository is seen at the same path)
#   sanity       every core               integration (all of tests/integration)  2.16 2.22 (oldest, newest)
#   smoke        2.17 2.18 2.19 2.20 2.21 (test_examples, test_state + reliability/test_secrets)
#   reliability  2.22      doc-check  every core
#
#   make venv          cached virtualenvs .venv/core-2.16 ... .venv/core-2.22 (scripts/venv.sh; 2.20+
#                      are built inside the rootfs)
#   make rootfs        the Debian 13 rootfs (~250 MB, ~500 MB with ansible-test's venvs; a minute to ten;
#                      rebuilt when scripts/rootfs.sh changes; remove: rm -rf ~/.cache/cac-proget)
#   make venv-tools    .venv/tools (linters / doc builders: tests/requirements/tools.txt)
#   make collection    build/collections/ansible_collections/cac/proget -> repo root
#   make unit          pytest tests/unit            (CORE=2.19; `make unit CORE=2.22`)
#   make contract      pytest tests/contract and tests/contract_real (the sim, pure HTTP)
#   make contract-real PROGET_URL=... PROGET_API_KEY=...   tests/contract_real against a real ProGet
#                      (System key, Full Control; cleans up after itself; not in make test)
#                      -> build/contract-real/report.{json,md}
#   make integration   integration-2.16 and integration-2.22, in parallel
#   make integration-2.16   all of tests/integration, then tests/reliability/test_secrets.py, on one
#                      core (any core of the matrix: integration-2.18 works too)
#   make smoke         smoke-2.17 ... smoke-2.21, in parallel (JOBS)
#   make smoke-2.20    test_examples.py, test_state.py, then reliability/test_secrets.py, on one core
#   make secrets-2.19  tests/reliability/test_secrets.py alone, on one core
#   make reliability   tests/reliability on 2.22 (RELIABILITY_CORE; faults, bad input, concurrency,
#                      check mode, TLS, a faulty proxy, killed runs, a restarted server, fuzzed documents
#                      through ansible-playbook) except test_secrets.py, which every integration-X/smoke-X runs
#   make fuzz-long     the property-based tests (tests/unit/test_properties.py, hypothesis) with a random seed
#                      and FUZZ_SCALE times the examples of make unit (default 20: ~46,000 cases, ~10 min),
#                      then the killed-run test with a random seed (CAC_KILL_SEED)
#   make sanity        ansible-test sanity on the built tarball, every core: sanity-host (2.16 .. 2.19,
#                      one after the other) and sanity-chroot (2.20 .. 2.22) in parallel
#   make sanity-2.21   one core
#   make doc-check     ansible-doc renders every module, with every core (doc-check-2.16: one)
#   make docs          the docs site (antsibull-docs + Sphinx) -> build/docs/html/index.html
#   make docs-lint     antsibull-docs lint-collection-docs --plugin-docs
#   make lint          ansible-lint (production profile) + antsibull-changelog lint
#   make packaging     galaxy tarball contents, install it and run the demo play, EE, AWX files
#   make awx           pytest tests/awx (tools venv): configure.yml and drift.yml through ansible_runner.run(), as
#                      AWX runs a job: the credential type injected, the collection from the built tarball, every
#                      event and artifact searched for the planted secrets
#   make awx-ee        the same jobs inside an execution environment image that ansible-builder builds here from
#                      a locally made Debian base image (tests/awx/eeimage.py; Docker; ~30 min the first time,
#                      then reused while its inputs do not change: ~2 min; not in make test)
#   make fleet         pytest tests/fleet (core 2.19): N sims in one inventory, configure.yml with forks N, drift
#                      summary of all (CAC_FLEET_SERVERS=5; `make fleet CAC_FLEET_SERVERS=20`)
#   make bench         benchmarks/bench_scale.py: fleets, 5,000-object documents, parallel writes and asset syncs
#                      at 25 ms latency, ratios side by side (~4 min; numbers in benchmarks/README.md)
#   make bench-smoke   the same at small sizes (~1 min; part of make test: it runs, it does not judge the numbers)
#   make docker-test   pytest tests/docker: the proget_server role against a real Docker engine
#                      (root; starts Debian's docker.io daemon if none runs; .venv/docker)
#   make test          all of the above, suites in parallel (JOBS=4, longest first), summary, fails if
#                      any fails; logs in build/logs/SUITE.log
#   make demo          sim on :8624 + examples/site.yml twice; the 2nd run must be changed=0
#   make schema        write schemas/proget_state.schema.json from the code (a unit test checks it)
#   make build         ansible-galaxy collection build -> build/cac-proget-<version>.tar.gz
#   make changelog     regenerate CHANGELOG.md/.rst from changelogs/ (release: see README.md)
#   make clean         remove build/, .progetsim/, tests/output/  (distclean: also .venv/)
#   make shell-2.22    a shell in the rootfs (the repository at the same path) for core 2.20+ debugging
#
# Pass extra pytest options with PYTEST_ARGS="-k feed -x".

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# ---- the matrix (tests/requirements/core-X.txt each; "# chroot: trixie" in the file = rootfs)
HOST_CORES       := 2.16 2.17 2.18 2.19
CHROOT_CORES     := 2.20 2.21 2.22
CORES            := $(HOST_CORES) $(CHROOT_CORES)
FULL_CORES       := 2.16 2.22
SMOKE_CORES      := 2.17 2.18 2.19 2.20 2.21
RELIABILITY_CORE := 2.22
SMOKE_TESTS      := tests/integration/test_examples.py tests/integration/test_state.py
SECRETS_TESTS    := tests/reliability/test_secrets.py

CORE        ?= 2.19
VENV        := .venv/core-$(CORE)
PY          := $(VENV)/bin/python
COLLECTIONS := $(CURDIR)/build/collections
PYTEST_ARGS ?=
JOBS        ?= 4
export ANSIBLE_COLLECTIONS_PATH  := $(COLLECTIONS)
export ANSIBLE_COLLECTIONS_PATHS := $(COLLECTIONS)
export JOBS

# $(call IN,CORE): the command prefix that runs a core's venv where its Python is
IN = $(if $(filter $(1),$(CHROOT_CORES)),scripts/chroot.sh )
# $(call PYTEST,VENV,BASETEMP[,EXPECTED CORE]) for the host venvs (tools, docker, ...)
# (the venv's ansible-playbook is chosen by CAC_ANSIBLE_VENV, set on the same command as pytest)
PYTEST = mkdir -p build/tmp && CAC_ANSIBLE_VENV=$(1) CAC_EXPECT_CORE=$(3) $(1)/bin/python -m pytest --basetemp=build/tmp/$(2) $(PYTEST_ARGS)
# $(call PYTEST_CORE,CORE,BASETEMP): pytest with .venv/core-CORE, in the rootfs for 2.20+; the suite
# asserts it runs that core (CAC_EXPECT_CORE)
PYTEST_CORE = mkdir -p build/tmp && $(call IN,$(1))env CAC_ANSIBLE_VENV=.venv/core-$(1) CAC_EXPECT_CORE=$(1) \
              .venv/core-$(1)/bin/python -m pytest --basetemp=build/tmp/$(2) $(PYTEST_ARGS)

.PHONY: help venv rootfs venv-tools venv-docker $(addprefix venv-core-,$(CORES)) collection unit contract awx fleet \
        bench bench-smoke fuzz-long \
        contract-real integration $(addprefix integration-,$(CORES)) smoke $(addprefix smoke-,$(CORES)) \
        $(addprefix secrets-,$(CORES)) reliability sanity sanity-host sanity-chroot $(addprefix sanity-,$(CORES)) \
        doc-check $(addprefix doc-check-,$(CORES)) docs docs-lint lint packaging changelog docker-test test demo \
        schema build clean distclean $(addprefix shell-,$(CHROOT_CORES))

help:
	@sed -n '2,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

# ---------------------------------------------------------------- environments
# the rootfs first (once), then the venvs, JOBS at a time (venv.sh serialises per venv with flock)
venv: rootfs
	@$(MAKE) --no-print-directory -j$(JOBS) $(addprefix venv-core-,$(CORES))

rootfs:
	@scripts/rootfs.sh >/dev/null

$(addprefix venv-core-,$(CORES)): venv-core-%:
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
	$(call PYTEST_CORE,$(CORE),unit-$(CORE)) tests/unit

# tests/contract_real starts its own sim when PROGET_URL is unset (a separate pytest run: both
# suites have a conftest.py)
contract: venv-core-$(CORE)
	@rc=0; $(call PYTEST_CORE,$(CORE),contract) tests/contract || rc=1; \
	unset PROGET_URL PROGET_API_KEY PROGET_VALIDATE_CERTS PROGET_CA_PATH; \
	$(call PYTEST_CORE,$(CORE),contract-real-sim) tests/contract_real || rc=1; exit $$rc

# read-only and self-cleaning checks of a real ProGet 2025/2026; never starts a sim
contract-real: venv-core-$(CORE)
	@if [ -z "$${PROGET_URL:-}" ] || [ -z "$${PROGET_API_KEY:-}" ]; then \
	  echo "contract-real: set PROGET_URL and PROGET_API_KEY (a System API key with Full Control), e.g." >&2; \
	  echo "  make contract-real PROGET_URL=https://proget.example.com/ PROGET_API_KEY=..." >&2; exit 2; fi
	export CAC_CONTRACT_REAL=1; $(call PYTEST_CORE,$(CORE),contract-real) tests/contract_real

integration: venv collection
	@scripts/run-suites.sh $(addprefix integration-,$(FULL_CORES))

FUZZ_SCALE ?= 20
fuzz-long: venv-core-$(CORE) venv-core-$(RELIABILITY_CORE) collection
	export HYPOTHESIS_PROFILE=long CAC_FUZZ_SCALE=$(FUZZ_SCALE); \
	  $(call PYTEST_CORE,$(CORE),fuzz-long) -p no:cacheprovider -s tests/unit/test_properties.py
	export CAC_KILL_SEED=$${CAC_KILL_SEED:-$$RANDOM}; echo "CAC_KILL_SEED=$$CAC_KILL_SEED"; \
	  $(call PYTEST_CORE,$(RELIABILITY_CORE),fuzz-long-kill) -s tests/reliability/test_interrupted.py

# tests/reliability has a conftest.py of its own: test_secrets.py is a second pytest run
$(addprefix integration-,$(CORES)): integration-%: venv-core-% collection
	@rc=0; $(call PYTEST_CORE,$*,integration-$*) --durations=10 tests/integration || rc=1; \
	$(call PYTEST_CORE,$*,secrets-$*) $(SECRETS_TESTS) || rc=1; exit $$rc

smoke: venv collection
	@scripts/run-suites.sh $(addprefix smoke-,$(SMOKE_CORES))

$(addprefix smoke-,$(CORES)): smoke-%: venv-core-% collection
	@rc=0; $(call PYTEST_CORE,$*,smoke-$*) --durations=5 $(SMOKE_TESTS) || rc=1; \
	$(call PYTEST_CORE,$*,secrets-$*) $(SECRETS_TESTS) || rc=1; exit $$rc

$(addprefix secrets-,$(CORES)): secrets-%: venv-core-% collection
	$(call PYTEST_CORE,$*,secrets-$*) $(SECRETS_TESTS)

# faults, bad input, concurrency, check mode, TLS, permissions on the newest core (where the
# controller changes: templating, deprecations that became errors); figures:
# build/reliability-figures.json. test_secrets.py is left to integration-X/smoke-X (every core).
reliability: venv-core-$(RELIABILITY_CORE) collection
	$(call PYTEST_CORE,$(RELIABILITY_CORE),reliability) --durations=10 --ignore=$(SECRETS_TESTS) tests/reliability

# ansible-test's venv cache (~/.ansible/test/venv) is not safe for concurrent use: the cores of one
# HOME run one after the other (scripts/sanity.sh also takes a lock). The host and the rootfs have
# a HOME each, so the two chains run in parallel.
sanity: venv
	@$(MAKE) --no-print-directory -j2 -O sanity-host sanity-chroot

sanity-host: $(addprefix venv-core-,$(HOST_CORES))
	@rc=0; for c in $(HOST_CORES); do scripts/sanity.sh core-$$c || { rc=1; echo "sanity: core-$$c FAILED"; }; done; exit $$rc

sanity-chroot: $(addprefix venv-core-,$(CHROOT_CORES))
	@rc=0; for c in $(CHROOT_CORES); do scripts/sanity.sh core-$$c || { rc=1; echo "sanity: core-$$c FAILED"; }; done; exit $$rc

$(addprefix sanity-,$(CORES)): sanity-%: venv-core-%
	scripts/sanity.sh core-$*

doc-check: venv collection
	@rc=0; for c in $(CORES); do scripts/ansible-doc.sh core-$$c || rc=1; done; exit $$rc

$(addprefix doc-check-,$(CORES)): doc-check-%: venv-core-% collection
	@scripts/ansible-doc.sh core-$*

docs: venv-tools collection
	@scripts/docs.sh

docs-lint: venv-tools collection
	@scripts/docs.sh lint

lint: venv-tools collection
	@scripts/lint.sh

packaging: venv-tools venv-core-2.19 collection
	$(call PYTEST,.venv/tools,packaging) tests/packaging

# AWX's job runner (ansible-runner, in the tools venv, as in an execution environment) and a fleet of sims
awx: venv-tools collection
	$(call PYTEST,.venv/tools,awx) --durations=5 tests/awx

# the same job inside an execution environment built with ansible-builder from a base image made here
# (tests/awx/eeimage.py; root and Docker: starts Debian's docker.io like docker-test; ~30 min the first
# time, the image is reused while its inputs do not change). Not part of make test.
awx-ee: venv-tools collection rootfs
	tag="$$(.venv/tools/bin/python tests/awx/eeimage.py | tail -1)"; \
	export CAC_EE_IMAGE="$$tag"; $(call PYTEST,.venv/tools,awx-ee) tests/awx/test_ee.py

CAC_FLEET_SERVERS ?= 5
export CAC_FLEET_SERVERS
fleet: venv-core-2.19 collection
	$(call PYTEST_CORE,2.19,fleet) --durations=5 tests/fleet

bench: venv-core-2.19 collection
	.venv/core-2.19/bin/python benchmarks/bench_scale.py

bench-smoke: venv-core-2.19 collection
	.venv/core-2.19/bin/python benchmarks/bench_scale.py --smoke

changelog: venv-tools
	.venv/tools/bin/antsibull-changelog generate

docker-test: venv-docker collection
	$(call PYTEST,.venv/docker,docker) --durations=5 tests/docker

$(addprefix shell-,$(CHROOT_CORES)): shell-%: venv-core-% collection
	@scripts/chroot.sh env CAC_ANSIBLE_VENV=.venv/core-$* PATH=$(CURDIR)/.venv/core-$*/bin:/usr/sbin:/usr/bin:/sbin:/bin bash -i

# venvs, the rootfs and the symlink first (serially: no two jobs build the same venv), then every
# independent suite in parallel, the longest first: the two full integration runs (the rootfs' one,
# newest core first, is the longest: ~13 min of ~15 warm), the two sanity chains (their first run
# also builds ansible-test's venvs: the longest when cold), reliability, docker-test, the smokes, ...
REVERSE = $(if $(1),$(call REVERSE,$(wordlist 2,$(words $(1)),$(1))) $(firstword $(1)))
SUITES := $(addprefix integration-,$(call REVERSE,$(FULL_CORES))) sanity-host sanity-chroot reliability docker-test \
          $(addprefix smoke-,$(SMOKE_CORES)) packaging awx fleet bench-smoke doc-check docs lint docs-lint contract unit
test: venv venv-docker venv-tools collection
	@scripts/run-suites.sh $(SUITES)

# ---------------------------------------------------------------- demo / build
demo: venv-core-$(CORE) collection
	@$(call IN,$(CORE))env CAC_ANSIBLE_VENV=$(VENV) scripts/demo.sh

schema: venv-core-$(CORE) collection
	$(call IN,$(CORE))$(PY) scripts/schema.py

build: venv-core-$(CORE)
	@mkdir -p build
	$(call IN,$(CORE))$(VENV)/bin/ansible-galaxy collection build --force --output-path build .

clean:
	rm -rf build .progetsim tests/output .pytest_cache

distclean: clean
	rm -rf .venv
