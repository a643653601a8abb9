# Knotwork developer / CI entry points. See docs/CONTRACT.md for commands and environment.
#
#   make deps          apt (postgresql chromium chromium-driver wrk) + pip (tests/requirements.txt)
#   make build         swift build --build-tests (debug)
#   make test          everything CI runs (scripts/test-all.sh): deps, build, PostgreSQL,
#                      swift test on SQLite and PostgreSQL, browser tests, API fuzzing
#   make test-browser  Selenium/axe tests against two fresh demo servers (SQLite)
#   make test-fuzz     schemathesis against a fresh demo server (SQLite)
#   make bench         release build + wrk benchmarks on SQLite and PostgreSQL (bench/run.sh)
#   make pg-up / pg-down   a throwaway PostgreSQL cluster described in .test-env

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help

TEST_ENV ?= .test-env

.PHONY: help deps build test test-browser test-fuzz bench pg-up pg-down

help:
	@sed -n '1,11p' Makefile | sed 's/^# \{0,1\}//'

deps:
	bash scripts/deps.sh

build:
	swift build --build-tests

test:
	bash scripts/test-all.sh

test-browser:
	bash scripts/test-browser.sh

test-fuzz:
	bash tests/api/run-schemathesis.sh

bench:
	bash bench/run.sh

pg-up:
	bash scripts/pg-up.sh $(TEST_ENV)
	cat $(TEST_ENV)

pg-down:
	bash scripts/pg-down.sh $(TEST_ENV)
