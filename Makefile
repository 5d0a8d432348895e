# kubelite: the two commands a new user runs are `make up` and `make test`.
SHELL := /bin/bash
NODE_MODULES_STAMP := node_modules/.package-lock.json
# kubelite runs on the Node.js LTS that `npm ci` installs (package.json's "node"
# dependency): every recipe finds it first. The machine's own node only has to run npm.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: all deps build up down test test-unit test-e2e bench clean docker node-image cluster-up cluster-down

all: build

$(NODE_MODULES_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: $(NODE_MODULES_STAMP)

build: deps
	npx tsc -p tsconfig.json

docker:
	bash scripts/ensure-docker.sh

# Brings up a local cluster and runs the demo scenario (see README.md).
up: build docker
	bash scripts/up.sh

down:
	bash scripts/down.sh

test: build docker
	bash scripts/test.sh

test-unit: build
	node --test --test-reporter=spec $$(find dist -name '*.test.js' -not -path 'dist/test/*' | sort)

test-e2e: build docker
	node --test --test-concurrency=1 --test-reporter=spec $$(find dist/test/e2e -name '*.test.js' | sort)

# docker-compose multi-node cluster (deploy/compose, README.md): one control-plane and
# WORKERS workers as Docker-in-Docker node containers. COMPOSE_PROJECT_NAME names a cluster.
WORKERS ?= 2
node-image: docker
	bash scripts/build-node-image.sh

cluster-up: build docker
	WORKERS=$(WORKERS) bash scripts/cluster-up.sh

cluster-down:
	bash scripts/cluster-down.sh

# Usage: make bench B=apiserver
bench: build
	node dist/bench/$(B).js

clean:
	rm -rf dist
