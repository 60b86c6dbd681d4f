# hrlens — one entry point for build, serve and test.
#
#   make serve   build the wasm package and serve the page (sample data loaded)
#   make test    every test: lint, native, wasm (headless Chromium), Node + browser end-to-end
#   make build   only build pkg/ (the npm package)
#   make single  one offline HTML file, dist/hrlens.html (wasm, JS, ECharts, CSS inlined)
#   make bench   benchmarks (not part of make test), see BENCHMARKS.md
#   make fuzz    cargo-fuzz every target for FUZZ_SECONDS each (not part of make test), see FUZZING.md
#
# Each target first installs what it needs, idempotently and quietly when present.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
export PATH := $(HOME)/.cargo/bin:$(PATH)

# The wasm-bindgen CLI must match the crate exactly (Cargo.toml pins "=X").
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
WASM_TARGET := wasm32-unknown-unknown
WASM_OUT := target/$(WASM_TARGET)/release/hrlens.wasm
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 8080
CHROMIUM ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver
export CHROMIUM CHROMEDRIVER

.PHONY: help tools tools-rust tools-node tools-browser build single serve test lint test-native test-wasm test-js bench fuzz clean

help:
	@echo "make serve   build and serve the page at http://127.0.0.1:$(PORT)/ with the sample data"
	@echo "make test    run every test (lint, native, wasm in Chromium, Node + browser end-to-end)"
	@echo "make build   build pkg/ only"
	@echo "make single  write dist/hrlens.html, one file that works offline from disk"
	@echo "make bench   run the benchmarks and rewrite BENCHMARKS.md"

# ---- installs (idempotent) -------------------------------------------------

tools: tools-rust tools-node

tools-rust:
	@command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first"; exit 1; }
	@rustup target list --installed 2>/dev/null | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)
	@rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
	@rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (about 4 minutes, once)"; \
	  cargo install -q wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force; \
	fi

tools-node: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	@command -v node >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

tools-browser:
	@if [ ! -x $(CHROMIUM) ] || [ ! -x $(CHROMEDRIVER) ]; then \
	  echo "installing Chromium and ChromeDriver from apt"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi
	@# Chinese text in headless Chromium (screenshots, the zh interface) needs a CJK font.
	@if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  echo "installing fonts-noto-cjk from apt"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-noto-cjk >/dev/null; \
	fi

# ---- build -------------------------------------------------------------------

build: tools pkg/package.json

pkg/hrlens_bg.wasm: $(shell find src -name '*.rs') Cargo.toml Cargo.lock
	cargo build --release --target $(WASM_TARGET) --lib
	rm -rf pkg/snippets
	wasm-bindgen --target web --out-dir pkg --out-name hrlens $(WASM_OUT)
	node_modules/.bin/wasm-opt -O3 --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
	  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
	  pkg/hrlens_bg.wasm -o pkg/hrlens_bg.wasm
	@echo "wasm: $$(wc -c < pkg/hrlens_bg.wasm) bytes, $$(gzip -9 -c pkg/hrlens_bg.wasm | wc -c) gzipped"

# The package's JS (built from www/ by tools/pkg.mjs), types, schemas and README.
pkg/package.json: pkg/hrlens_bg.wasm tools/pkg.mjs tools/pkg-readme.md $(wildcard tools/pkg-types/*) \
                  $(wildcard schema/*.json) $(shell find www -name '*.js')
	node tools/pkg.mjs

single: build dist/hrlens.html

dist/hrlens.html: pkg/package.json tools/single.mjs $(shell find www -type f) node_modules/.installed
	node tools/single.mjs

serve: build
	node tools/serve.mjs --port $(PORT)

# ---- tests -------------------------------------------------------------------

test: tools tools-browser lint test-native test-wasm test-js
	@echo "make test: all suites passed"

lint:
	cargo fmt --check
	cargo clippy -q --all-targets -- -D warnings
	cargo clippy -q --target $(WASM_TARGET) --lib --tests -- -D warnings

test-native:
	cargo test -q

test-wasm: tools-browser
	CHROMEDRIVER=$(CHROMEDRIVER) cargo test --target $(WASM_TARGET) --test wasm

test-js: build single tools-browser
	node --test --test-concurrency=1 tests/js/

# ---- benchmarks ----------------------------------------------------------------

# BENCH_ARGS: --quick (small sizes), --no-native, --no-python, --no-scale.
bench: build tools-browser bench/node_modules/.installed
	node bench/run.mjs $(BENCH_ARGS)

bench/node_modules/.installed: bench/package.json bench/package-lock.json
	cd bench && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# ---- fuzzing -------------------------------------------------------------------

FUZZ_SECONDS ?= 60
fuzz: tools-rust
	FUZZ_SECONDS=$(FUZZ_SECONDS) tools/fuzz.sh

clean:
	rm -rf pkg dist target/$(WASM_TARGET)
