# groupdeck — the two everyday commands are `make run` and `make test`.
# Both install what they need on a fresh Debian machine (run as root, or
# with sudo available for apt).

SHELL := /bin/bash
GO ?= go
CHROMIUM ?= /usr/bin/chromium
VENDOR := static/vendor/htmx.min.js static/vendor/sse.min.js

# Sandbox defaults for `make run`; override on the command line or in the environment.
GROUPDECK_DB ?= groupdeck-sandbox.db
GROUPDECK_ADMIN_EMAIL ?= admin@example.com
GROUPDECK_ADMIN_PASSWORD ?= sandbox-password
export GROUPDECK_DB GROUPDECK_ADMIN_EMAIL GROUPDECK_ADMIN_PASSWORD

.PHONY: run test build bench soak vendor generate check-generated deps chromium unit e2e fuzz fuzz-short race

run: vendor
	$(GO) build -o bin/groupdeck .
	@echo "Sign in as $(GROUPDECK_ADMIN_EMAIL) / $(GROUPDECK_ADMIN_PASSWORD) (sandbox mode unless WA_ACCESS_TOKEN is set)"
	./bin/groupdeck serve

build: vendor
	$(GO) build -o bin/groupdeck .

test: deps vendor chromium check-generated
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -tags e2e ./e2e/
	$(MAKE) --no-print-directory fuzz-short

unit: vendor
	$(GO) test -count=1 ./...

e2e: deps vendor chromium
	$(GO) test -count=1 -tags e2e -v ./e2e/

race: vendor
	$(GO) test -race -count=1 ./...

# One table of measured figures next to the design's targets (about six
# minutes): cmd/loadgen seeds a database, runs bin/groupdeck as a child
# process and drives it like Meta and browsers do. Stops by itself.
bench: build
	$(GO) build -o bin/loadgen ./cmd/loadgen
	./bin/loadgen -bin bin/groupdeck

# Thirty minutes of mixed webhook load at 1,000 deliveries/s with 200 open
# event streams while retention prunes; prints RSS, goroutines, open
# files, database size and p99 acknowledgement at the start and the end.
# Stops by itself; SOAK=6m SOAK_WARMUP=1m for a short try.
SOAK ?= 30m
SOAK_WARMUP ?= 3m
soak: build
	$(GO) build -o bin/loadgen ./cmd/loadgen
	./bin/loadgen -bin bin/groupdeck -only soak -soak-duration $(SOAK) -soak-warmup $(SOAK_WARMUP)

# Fuzz targets, as "package:Target"; fuzz-short runs each briefly (part of
# make test), fuzz longer. Committed seeds: <pkg>/testdata/fuzz/.
# ingest:FuzzApply is left out on purpose: it runs SQLite, and under the
# fuzzer's coverage instrumentation that manages about one run a second, so
# a short run ends mid-input and Go reports "context deadline exceeded". Its
# seeds still run with every `go test`; fuzz it alone with
# `go test -run '^$$' -fuzz FuzzApply -fuzztime 10m ./ingest/`.
FUZZ_TARGETS := whatsapp:FuzzParseWebhook whatsapp:FuzzVerifySignature whatsapp:FuzzWireDecoding \
	handlers:FuzzValidateGroup handlers:FuzzSafeFilename
FUZZTIME ?= 30s

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz $$t for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) ./$${t%%:*}/; \
	done

# fuzz-short counts executions instead of seconds: Go 1.26's fuzz
# coordinator can fail a clean run with "context deadline exceeded" when a
# timed -fuzztime ends while a worker is mid-input (golang/go#75804, fixed
# in Go 1.27); a count has no deadline to race.
fuzz-short:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=3000x

# npm ci only when node_modules is missing or older than the lockfile.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { apt-get update && apt-get install -y nodejs npm; }
	npm ci --no-audit --no-fund
	@touch $@

# The one copy step from npm into the git-ignored static/vendor/.
vendor: node_modules/.package-lock.json
	@mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/htmx-ext-sse/dist/sse.min.js static/vendor/sse.min.js

deps: node_modules/.package-lock.json
	$(GO) mod download

chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	fi

generate:
	$(GO) tool templ generate

# Generated templ code is committed; fail when it is out of date.
check-generated:
	$(GO) tool templ generate
	@if command -v git >/dev/null && git rev-parse --git-dir >/dev/null 2>&1; then \
		if ! git diff --quiet -- '*_templ.go' || [ -n "$$(git ls-files --others --exclude-standard -- '*_templ.go')" ]; then \
			echo "generated templ code is stale: run 'make generate' and commit the *_templ.go files"; \
			git status --short -- '*_templ.go'; exit 1; \
		fi; \
	fi
