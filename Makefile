# netplan: make demo runs the seed example in a sandbox; make test runs every test.
GO      ?= go
BIN     := bin
PKGS    := ./...
FUZZ_N  ?= 300x

.PHONY: all build test unit race fuzz-short fuzz demo lint bench clean

all: build

# A static binary (no dynamic loader to run) without urfave/cli's man page
# and markdown generators (their package init): 1-1.5 ms less at every start.
build:
	CGO_ENABLED=0 $(GO) build -tags urfave_cli_no_docs -o $(BIN)/netplan ./cmd/netplan
	$(GO) build -o $(BIN)/peer ./e2e/peer

# Every test: unit tests, kernel integration tests and end-to-end tests (these
# run inside their own sandboxes and need root), the race detector over the
# packages that run goroutines of their own, then short fuzz runs.
test: lint
	$(GO) test -count=1 -timeout 40m $(PKGS)
	$(MAKE) race
	$(MAKE) fuzz-short

# Parsing and decoding in parallel, the planner's goroutines, apply's
# workers and the namespace readers, under the race detector (cgo: gcc is
# on the machine image).
race:
	$(GO) test -race -count=1 -timeout 20m ./config/... ./planner/... ./apply/... ./drivers/...

fuzz-short:
	$(GO) test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZ_N) ./config
	$(GO) test -run '^$$' -fuzz '^FuzzParseInParts$$' -fuzztime $(FUZZ_N) ./config
	$(GO) test -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $(FUZZ_N) ./planfile
	$(GO) test -run '^$$' -fuzz '^FuzzRecordCodec$$' -fuzztime $(FUZZ_N) ./drivers/linux

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime 5m ./config
	$(GO) test -run '^$$' -fuzz '^FuzzParseInParts$$' -fuzztime 5m ./config
	$(GO) test -run '^$$' -fuzz '^FuzzRead$$' -fuzztime 5m ./planfile
	$(GO) test -run '^$$' -fuzz '^FuzzRecordCodec$$' -fuzztime 5m ./drivers/linux

demo: build
	scripts/sandbox.sh scripts/demo.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

bench: build
	scripts/sandbox.sh scripts/bench.sh

clean:
	rm -rf $(BIN)
