# The two commands a new user runs: `make quickstart` and `make test`.
# Both install missing Debian packages first (scripts/setup.sh), then build once with CMake.

BUILD_DIR ?= build
JOBS      ?= 2
BUILD_TYPE ?= RelWithDebInfo
VLFORGE   := $(BUILD_DIR)/bin/vlforge

.PHONY: all setup configure build test test-unit test-integration quickstart install bench docs clean help

all: build

help:
	@echo "make quickstart   set up, build, run recipes/quickstart.toml"
	@echo "make test         set up, build, run every test (ctest)"
	@echo "make build        configure and build into $(BUILD_DIR)/"
	@echo "make install PREFIX=/opt/vlforge   install host, SDK and plugins"
	@echo "make bench        build and run the benchmarks in bench/"
	@echo "make docs         regenerate docs/components.md from the plugins' schemas"

setup:
	@bash scripts/setup.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

configure: setup $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

test-unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -L unit

test-integration: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -L integration

quickstart: build
	$(VLFORGE) run recipes/quickstart.toml

PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD_DIR) --prefix $(PREFIX)

bench: build
	cmake --build $(BUILD_DIR) -j $(JOBS) --target benchmarks
	@for b in $(BUILD_DIR)/bin/bench_*; do [ -x "$$b" ] || continue; echo "== $$b"; "$$b"; done

docs: build
	VLFORGE_PLUGIN_PATH= $(VLFORGE) describe --all --markdown > docs/components.md

clean:
	rm -rf $(BUILD_DIR)
