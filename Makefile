# Pantau: `make run` serves the demo on :8080, `make test` runs every test.
GO      ?= go
export PATH := $(PATH):/usr/local/go/bin

.PHONY: all assets build run test bench bench-national bench-lighthouse fuzz vet loadtest clean

all: build

# ECharts comes from npm (pinned in package.json and package-lock.json) and is
# embedded in the binary: Pantau serves it itself and needs no CDN. esbuild
# (pinned there too) bundles only the parts Pantau uses, listed in
# internal/chart/echarts/index.js. Every embedded script is then compressed
# once, here, with brotli and gzip (X.br, X.gz beside it; all generated,
# not committed), and served so by negotiation.
ECHARTS_DIR := node_modules/echarts
CHART_ASSETS := internal/chart/assets

assets: $(CHART_ASSETS)/echarts.min.js $(CHART_ASSETS)/LICENSE-echarts
	$(GO) run ./internal/chart/precompress $(CHART_ASSETS)

$(ECHARTS_DIR)/dist/echarts.min.js $(ECHARTS_DIR)/LICENSE: package-lock.json
	npm ci --no-audit --no-fund
	touch $(ECHARTS_DIR)/dist/echarts.min.js $(ECHARTS_DIR)/LICENSE

$(CHART_ASSETS)/echarts.min.js: internal/chart/echarts/index.js $(ECHARTS_DIR)/dist/echarts.min.js
	node_modules/.bin/esbuild $< --bundle --minify --format=iife --target=es2017 --legal-comments=none \
		'--define:process.env.NODE_ENV="production"' --log-level=warning --outfile=$@

# echarts.min.js bundles zrender, so both licences travel with it.
$(CHART_ASSETS)/LICENSE-echarts: $(ECHARTS_DIR)/LICENSE
	cat $< node_modules/zrender/LICENSE > $@

build: assets
	$(GO) build -trimpath -o bin/pantau ./cmd/pantau

# Serves the Kabupaten Banyuasin demo from a SQLite file (created, migrated
# and loaded on first start) on PANTAU_ADDR (default :8080).
run: build
	./bin/pantau serve

vet:
	$(GO) vet ./...

# Every test, against a real SQLite file and a real PostgreSQL server (started
# by the tests from /usr/lib/postgresql/*/bin, or PANTAU_TEST_DATABASE_URL).
test: assets vet
	$(GO) test -count=1 -timeout 15m ./...
	$(MAKE) fuzz FUZZ_OBS=40000x FUZZ_TARGETS=50000x FUZZ_RECORDS=100000x FUZZ_WORKBOOK=1000x

# Coverage-guided fuzzing of the CSV and workbook readers. make test runs each
# target for a number of inputs (about 10 s each on an idle 2-core machine),
# not for a duration: with a duration, Go 1.26's fuzz coordinator can report
# "context deadline exceeded" at the deadline with no failing input
# (go.dev/issue/75804, fixed in Go 1.27). Fuzz longer with e.g.
# make fuzz FUZZTIME=5m (a duration may, rarely, fail with no failing input).
FUZZTIME      ?= 30s
FUZZ_OBS      ?= $(FUZZTIME)
FUZZ_TARGETS  ?= $(FUZZTIME)
FUZZ_RECORDS  ?= $(FUZZTIME)
FUZZ_WORKBOOK ?= $(FUZZTIME)
FUZZ = $(GO) test -run '^$$' -timeout 10m -fuzz
fuzz:
	$(FUZZ) '^FuzzReadObservations$$' -fuzztime $(FUZZ_OBS) ./internal/ingest
	$(FUZZ) '^FuzzReadTargets$$' -fuzztime $(FUZZ_TARGETS) ./internal/ingest
	$(FUZZ) '^FuzzRecordReader$$' -fuzztime $(FUZZ_RECORDS) ./internal/ingest
	$(FUZZ) '^FuzzReadWorkbook$$' -fuzztime $(FUZZ_WORKBOOK) ./internal/ingest

# Benchmarks print their figures as ratios against a baseline measured in the
# same run (e.g. import rows/s vs a plain COPY of the same rows).
bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./...
	$(MAKE) bench-lighthouse

# Issue 17's national benchmark alone (make bench runs it too): the official
# list and 7.56 million values on each engine, first-request p50/p99 and
# size of /i/, /d/, embeds, the scorecard and the region search beside the
# demo's, and the servers' RSS. About 10 minutes.
bench-national: assets
	$(GO) test -run '^$$' -bench '^BenchmarkNational$$' -benchtime 1x -timeout 60m ./internal/web

# Lighthouse (pinned in tools/lighthouse) in Debian's Chromium: mobile
# scores of the demo's pages (tools/lighthouse/run.mjs), this tree's build
# beside a build of LIGHTHOUSE_BASE measured in the same run (by default the
# commit before compression and the lean ECharts; LIGHTHOUSE_BASE= measures
# this tree alone).
LIGHTHOUSE_BASE ?= 88acf6e
CHROME_PATH ?= /usr/bin/chromium
bench-lighthouse: build tools/lighthouse/node_modules
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; targets="branch=$(CURDIR)/bin/pantau"; \
	if [ -n "$(LIGHTHOUSE_BASE)" ]; then \
		mkdir $$tmp/src; git archive $(LIGHTHOUSE_BASE) | tar -x -C $$tmp/src; cp -r node_modules $$tmp/src/; \
		touch $$tmp/src/node_modules/echarts/dist/echarts.min.js $$tmp/src/node_modules/echarts/LICENSE; \
		$(MAKE) -s -C $$tmp/src build >/dev/null; targets="base=$$tmp/src/bin/pantau $$targets"; \
	fi; \
	cd tools/lighthouse && CHROME_PATH=$(CHROME_PATH) node run.mjs $$targets

tools/lighthouse/node_modules: tools/lighthouse/package-lock.json
	cd tools/lighthouse && npm ci --no-audit --no-fund
	touch $@

# Bounded load test on loopback: readers on pages and the API while uploads
# run, on SQLite and PostgreSQL; prints req/s and p99, fails on any error or
# lost row.
loadtest:
	PANTAU_LOADTEST=1 $(GO) test -count=1 -run TestLoad -v ./internal/loadtest

clean:
	rm -rf bin $(CHART_ASSETS)/echarts.min.js $(CHART_ASSETS)/LICENSE-echarts $(CHART_ASSETS)/*.br $(CHART_ASSETS)/*.gz
