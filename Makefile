# Pantau: `make run` serves the demo on :8080, `make test` runs every test.
GO      ?= go
export PATH := $(PATH):/usr/local/go/bin

.PHONY: all assets build run test bench bench-national fuzz vet loadtest clean

all: build

# ECharts comes from npm (pinned in package.json and package-lock.json) and is
# embedded in the binary: Pantau serves it itself and needs no CDN.
ECHARTS_DIR := node_modules/echarts
CHART_ASSETS := internal/chart/assets

assets: $(CHART_ASSETS)/echarts.min.js $(CHART_ASSETS)/LICENSE-echarts

$(ECHARTS_DIR)/dist/echarts.min.js $(ECHARTS_DIR)/LICENSE: package-lock.json
	npm ci --no-audit --no-fund
	touch $(ECHARTS_DIR)/dist/echarts.min.js $(ECHARTS_DIR)/LICENSE

$(CHART_ASSETS)/echarts.min.js: $(ECHARTS_DIR)/dist/echarts.min.js
	cp $< $@

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
	$(MAKE) fuzz FUZZTIME=10s

# Coverage-guided fuzzing of the CSV reader, bounded in time (make test runs
# each target for 10 s; run longer with make fuzz FUZZTIME=5m).
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzReadObservations$$' -fuzztime $(FUZZTIME) ./internal/ingest
	$(GO) test -run '^$$' -fuzz '^FuzzReadTargets$$' -fuzztime $(FUZZTIME) ./internal/ingest
	$(GO) test -run '^$$' -fuzz '^FuzzRecordReader$$' -fuzztime $(FUZZTIME) ./internal/ingest

# Benchmarks print their figures as ratios against a baseline measured in the
# same run (e.g. import rows/s vs a plain COPY of the same rows).
bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./...

# Issue 17's national benchmark alone (make bench runs it too): the official
# list and 7.56 million values on each engine, first-request p50/p99 and
# size of /i/, /d/, embeds, the scorecard and the region search beside the
# demo's, and the servers' RSS. About 10 minutes.
bench-national: assets
	$(GO) test -run '^$$' -bench '^BenchmarkNational$$' -benchtime 1x -timeout 60m ./internal/web

# Bounded load test on loopback: readers on pages and the API while uploads
# run, on SQLite and PostgreSQL; prints req/s and p99, fails on any error or
# lost row.
loadtest:
	PANTAU_LOADTEST=1 $(GO) test -count=1 -run TestLoad -v ./internal/loadtest

clean:
	rm -rf bin $(CHART_ASSETS)/echarts.min.js $(CHART_ASSETS)/LICENSE-echarts
