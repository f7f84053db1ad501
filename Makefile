# Pantau: `make run` serves the demo on :8080, `make test` runs every test.
GO      ?= go
export PATH := $(PATH):/usr/local/go/bin

.PHONY: all build run test bench fuzz vet clean

all: build

build:
	$(GO) build -trimpath -o bin/pantau ./cmd/pantau

# Serves the Kabupaten Banyuasin demo from a SQLite file (created, migrated
# and loaded on first start) on PANTAU_ADDR (default :8080).
run: build
	./bin/pantau serve

vet:
	$(GO) vet ./...

# Every test, against a real SQLite file and a real PostgreSQL server (started
# by the tests from /usr/lib/postgresql/*/bin, or PANTAU_TEST_DATABASE_URL).
test: vet
	$(GO) test -count=1 -timeout 15m ./...

# Benchmarks print their figures as ratios against a baseline measured in the
# same run (e.g. import rows/s vs a plain COPY of the same rows).
bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 30m ./...

clean:
	rm -rf bin
