# fuota: one non-recursive Makefile (see docs/architecture.md).
#   make            build $(BUILD)/fuota
#   make run        install missing packages, build, say where the binary
#                   is, start it
#   make test       install, build with -Werror, run every test; then again
#                   under AddressSanitizer + UBSan; a labelled line per pass,
#                   the skips with their reasons, then
#                   "total: N passed, M failed, K skipped"
#   make check T='test_task e2e_validate'   build and run only those tests
#   make check-asan T=...   the same under ASan + UBSan
#   make bench      measure speed and memory, write docs/benchmarks.md
#   make fuzz       run every libFuzzer target for FUZZ_SECONDS each
#   make install    PREFIX/DESTDIR install of binary, themes, scenarios,
#                   man page

PKG_CONFIG ?= pkg-config
PREFIX     ?= /usr/local
DESTDIR    ?=
BUILD      ?= build
CC         ?= cc
VERSION    := 0.1.0
FUZZ_SECONDS ?= 60

PKGS := ncursesw formw panelw libcurl libcjson libsodium libmicrohttpd sqlite3

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wformat=2 -Wwrite-strings -Wundef
OPT  ?= -O2 -g
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
             -DFUOTA_VERSION='"$(VERSION)"' \
             -DFUOTA_DATADIR='"$(PREFIX)/share/fuota"' \
             -DFUOTA_SRCDIR='"$(CURDIR)"' -I. $(WARN) $(OPT) \
             $(PKG_CFLAGS) $(EXTRA_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(EXTRA_LDFLAGS) $(LDFLAGS)
LIBS = $(PKG_LIBS) -lpthread -lm

LIB_SRC  := $(sort $(wildcard core/*.c sim/*.c aws/*.c tui/*.c))
CLI_SRC  := $(sort $(wildcard cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_HELPER_SRC := $(filter-out $(UNIT_SRC),$(sort $(wildcard tests/unit/*.c)))
BENCH_SRC := $(sort $(wildcard tests/bench/bench_*.c))
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_HELPER_OBJ := $(UNIT_HELPER_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/tools/%)
LIBFUOTA := $(BUILD)/libfuota.a

.PHONY: all run test test-one check check-asan bench fuzz install uninstall clean \
        format format-check deps tests
.DEFAULT_GOAL := all

all: $(BUILD)/fuota

deps:
	@scripts/install-deps

ifeq ($(V),1)
Q :=
else
Q := @
endif

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIBFUOTA): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/fuota: $(CLI_OBJ) $(LIBFUOTA)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(LIBFUOTA) $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(UNIT_HELPER_OBJ) $(LIBFUOTA)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -MMD -MP $(ALL_LDFLAGS) -o $@ $< \
	    $(UNIT_HELPER_OBJ) $(LIBFUOTA) $(CMOCKA_LIBS) $(LIBS)

$(BUILD)/bench/%: tests/bench/%.c $(LIBFUOTA)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP $(ALL_LDFLAGS) -o $@ $< $(LIBFUOTA) $(LIBS)

# Test programs the e2e scripts run (fake servers); libc and pthreads only.
$(BUILD)/tests/tools/%: tests/tools/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP $(ALL_LDFLAGS) -o $@ $< -lpthread

# Shared test helpers are built once, not treated as intermediate files.
.SECONDARY: $(UNIT_HELPER_OBJ)

tests: $(BUILD)/fuota $(UNIT_BIN) $(TOOL_BIN)

# One test pass over an already configured build directory.
test-one: tests
	@tests/run.sh $(BUILD) $(T)

check: deps
	@$(MAKE) --no-print-directory test-one T='$(T)'

# The same under AddressSanitizer + UBSan, in its own build directory.
check-asan: deps
	@$(MAKE) --no-print-directory BUILD=$(BUILD)-asan \
	    OPT='-O1 -g -fno-omit-frame-pointer' \
	    EXTRA_CFLAGS='-Werror -fsanitize=address,undefined -fno-sanitize-recover=all' \
	    EXTRA_LDFLAGS='-fsanitize=address,undefined' test-one T='$(T)'

test: deps
	@rm -f build/test/results build/asan/results
	@TEST_LABEL=-Werror $(MAKE) --no-print-directory BUILD=build/test \
	    EXTRA_CFLAGS=-Werror test-one \
	    || true
	@TEST_LABEL=asan $(MAKE) --no-print-directory BUILD=build/asan \
	    OPT='-O1 -g -fno-omit-frame-pointer' \
	    EXTRA_CFLAGS='-Werror -fsanitize=address,undefined -fno-sanitize-recover=all' \
	    EXTRA_LDFLAGS='-fsanitize=address,undefined' test-one \
	    || true
	@tests/summary.sh build/test build/asan

run: deps
	@$(MAKE) --no-print-directory all
	@echo "fuota is built at $(BUILD)/fuota: run it from here as $(BUILD)/fuota,"
	@echo "or 'make install' (PREFIX=$(PREFIX)) to have 'fuota' on your PATH."
	$(BUILD)/fuota

bench: deps
	@$(MAKE) --no-print-directory BUILD=build/bench-build all $(BENCH_SRC:tests/bench/%.c=build/bench-build/bench/%)
	@tests/bench/run.sh build/bench-build

fuzz: deps
	@mkdir -p build/fuzz
	@for f in $(FUZZ_SRC); do \
	    n=$$(basename $$f .c); \
	    clang -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	        -DFUOTA_VERSION='"$(VERSION)"' -I. -g -O1 \
	        -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) \
	        -o build/fuzz/$$n $$f $(LIB_SRC) $(LIBS) || exit 1; \
	    mkdir -p build/fuzz/$$n.corpus; \
	    seeds=tests/fuzz/corpus/$$n; [ -d $$seeds ] || seeds=; \
	    echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
	    build/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	        build/fuzz/$$n.corpus $$seeds || exit 1; \
	done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/fuota/themes \
	    $(DESTDIR)$(PREFIX)/share/fuota/scenarios \
	    $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/fuota $(DESTDIR)$(PREFIX)/bin/fuota
	for t in themes/*; do [ -f "$$t" ] && install -m 644 "$$t" \
	    $(DESTDIR)$(PREFIX)/share/fuota/themes/; done; true
	install -m 644 scenarios/*.scenario $(DESTDIR)$(PREFIX)/share/fuota/scenarios/
	install -m 644 docs/fuota.1 $(DESTDIR)$(PREFIX)/share/man/man1/fuota.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/fuota $(DESTDIR)$(PREFIX)/share/man/man1/fuota.1
	rm -rf $(DESTDIR)$(PREFIX)/share/fuota

FORMAT_SRC = $(wildcard core/*.[ch] sim/*.[ch] aws/*.[ch] tui/*.[ch] cli/*.[ch] \
             tests/unit/*.[ch] tests/fuzz/*.c tests/bench/*.c)
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
