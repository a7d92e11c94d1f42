# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Hyperion: XDP signature filter and its agent.
#
#   make            build everything into build/
#   make demo       install what is missing, build, show Hyperion working (root)
#   make check      install what is missing, build, run every test (as root)
#   make check-unit / check-bpf / check-e2e / check-kernel / check-package /
#        check-fuzz / check-asan       quicker subsets; make fuzz fuzzes longer
#   make install    honours DESTDIR and PREFIX
#   V=1             show the commands
#
# Dependencies come from pkg-config; scripts/install-deps.sh installs what is
# missing (apt-get) before the first build.

VERSION  := 0.1.0
PREFIX   ?= /usr
DESTDIR  ?=
SBINDIR  ?= $(PREFIX)/sbin
SYSCONFDIR ?= /etc
MANDIR   ?= $(PREFIX)/share/man
UNITDIR  ?= /lib/systemd/system
CATALOGDIR ?= $(PREFIX)/lib/systemd/catalog
BUILD    ?= build

CC       ?= gcc
CLANG    ?= clang
PKG_CONFIG ?= pkg-config
PKGS     := libbpf libelf zlib yaml-0.1 libsystemd

.DEFAULT_GOAL := all

V ?= 0
ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-8s %s\n' $(1) $(2)
endif

# Everything but clean needs the dependencies: build/config.mk records the
# flags pkg-config gives once they are installed (make rebuilds it first).
ifeq ($(filter clean,$(MAKECMDGOALS)),)
-include $(BUILD)/config.mk
endif

$(BUILD)/config.mk: scripts/install-deps.sh Makefile
	$(Q)scripts/install-deps.sh build
	$(Q)mkdir -p $(BUILD)
	$(Q){ echo "DEP_CFLAGS := $$($(PKG_CONFIG) --cflags $(PKGS))"; \
	      echo "DEP_LIBS := $$($(PKG_CONFIG) --libs $(PKGS))"; \
	      echo "BPFTOOL := $$(command -v bpftool || echo /usr/sbin/bpftool)"; \
	      echo "MULTIARCH := $$($(CC) -print-multiarch)"; } > $@

WARN     := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wshadow -Wformat=2 -Wmissing-prototypes
CFLAGS   ?= -O2 -g
ALL_CFLAGS = $(CPPFLAGS) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -DHYP_VERSION='"$(VERSION)"' \
	     -Iebpf -Iagent -I$(BUILD) $(DEP_CFLAGS)
BPF_CFLAGS = -O2 -g -Wall -Werror -target bpf -mcpu=v3 -I/usr/include/$(MULTIARCH) -Iebpf

BPF_SRC  := ebpf/hyperion.bpf.c
BPF_HDRS := $(wildcard ebpf/*.h)
LIB_SRC  := $(filter-out agent/main.c,$(wildcard agent/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
SKEL     := $(BUILD)/hyperion.skel.h

TEST_LIB_SRC := tests/lib/pkt.c tests/lib/xdp_run.c tests/lib/ref.c
TEST_LIB_OBJ := $(TEST_LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_TESTS   := test_sigcompile test_pattern test_config test_console test_outputs
BPF_TESTS    := test_xdp test_diff test_clock
E2E_TESTS    := $(sort $(wildcard tests/e2e/test_*.sh))
TEST_BINS    := $(addprefix $(BUILD)/tests/,$(UNIT_TESTS) $(BPF_TESTS))
TOOLS        := $(BUILD)/tests/netpeer $(BUILD)/tests/corpus
# The BPF suites again, in qemu on Debian 12's own kernel (6.1).
KERNEL_TESTS := tests/kernel/vm-test_xdp.sh tests/kernel/vm-test_diff.sh tests/kernel/vm-attach.sh
# The unit (offline, and under systemd in a container), the .deb (built,
# linted, installed, purged) and the RPMs (built, linted).
PACKAGE_TESTS := tests/package/test_unit.sh tests/package/test_deb.sh tests/package/test_rpm.sh

C_SOURCES := $(wildcard ebpf/*.[ch] agent/*.[ch] tests/*/*.[ch])

.PHONY: bench deb rpm check-package check-fuzz check-asan fuzz all demo check check-unit check-bpf check-e2e check-kernel format-check test-deps \
	install clean
.DELETE_ON_ERROR:
.SECONDARY:

all: $(BUILD)/hyperion

$(BUILD)/hyperion: $(BUILD)/agent/main.o $(BUILD)/libhyperion.a
	$(call msg,CCLD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(DEP_LIBS) -o $@

$(BUILD)/hyperion.bpf.o: $(BPF_SRC) $(BPF_HDRS) $(BUILD)/config.mk
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(SKEL): $(BUILD)/hyperion.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name hyperion_bpf > $@

$(BUILD)/%.o: %.c $(SKEL) $(wildcard agent/*.h tests/lib/*.h) ebpf/hyperion.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libhyperion.a: $(LIB_OBJ)
	$(call msg,AR,$@)
	$(Q)$(AR) rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c $(TEST_LIB_OBJ) $(BUILD)/libhyperion.a
	$(call msg,CCLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $(ALL_CFLAGS) -Itests/lib $< $(TEST_LIB_OBJ) $(BUILD)/libhyperion.a \
		$(DEP_LIBS) -o $@

$(BUILD)/tests/%: tests/bpf/%.c $(TEST_LIB_OBJ) $(BUILD)/libhyperion.a
	$(call msg,CCLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $(ALL_CFLAGS) -Itests/lib $< $(TEST_LIB_OBJ) $(BUILD)/libhyperion.a \
		$(DEP_LIBS) -o $@

$(BUILD)/tests/%: tests/tools/%.c $(TEST_LIB_OBJ) $(BUILD)/libhyperion.a
	$(call msg,CCLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $(ALL_CFLAGS) -Itests/lib $< $(TEST_LIB_OBJ) $(BUILD)/libhyperion.a \
		$(DEP_LIBS) -o $@

$(BUILD)/tests/lib/%.o: ALL_CFLAGS += -Itests/lib

# Fuzzers and sanitizer builds (make fuzz, check-fuzz, check-asan).
-include tests/fuzz/fuzz.mk

# Benchmarks (tests/bench/): the BPF harness and its skeleton, the programs.
$(BUILD)/rotate.bpf.o: tests/bench/rotate.bpf.c $(BUILD)/config.mk
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/rotate.skel.h: $(BUILD)/rotate.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name rotate_bpf > $@

BENCH_LIB_OBJ := $(BUILD)/tests/bench/workload.o

$(BUILD)/tests/bench/%.o: tests/bench/%.c $(SKEL) $(BUILD)/rotate.skel.h $(wildcard tests/*/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/lib -Itests/bench -c $< -o $@

$(BUILD)/bench/%: $(BUILD)/tests/bench/%.o $(BENCH_LIB_OBJ) $(TEST_LIB_OBJ) $(BUILD)/libhyperion.a
	$(call msg,CCLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(DEP_LIBS) -o $@

test-deps:
	$(Q)scripts/install-deps.sh test package

demo: all test-deps $(TOOLS)
	$(Q)scripts/demo.sh

# Packages from a clean copy of the work tree, into build/packages/.
deb:
	$(Q)scripts/install-deps.sh package
	$(Q)packaging/build-deb.sh
rpm:
	$(Q)scripts/install-deps.sh package
	$(Q)packaging/build-rpm.sh

check-package: all
	$(Q)scripts/install-deps.sh package
	$(Q)BUILD=$(BUILD) tests/run-tests.sh $(PACKAGE_TESTS)

BENCHES := $(addprefix $(BUILD)/bench/,bench_match bench_pps rawsend match_stats)

# Benchmarks report, they never fail the suite: about 16 minutes here.
bench: all test-deps $(TOOLS) $(BENCHES)
	$(Q)scripts/install-deps.sh bench
	$(Q)BUILD=$(BUILD) tests/bench/run-bench.sh

check: all test-deps $(TEST_BINS) $(TOOLS) $(FUZZ_BINS) $(ASAN_TESTS) $(BUILD)/bench/bench_match \
	$(BUILD)/bench/match_stats
	$(Q)BUILD=$(BUILD) tests/run-tests.sh $(TEST_BINS) $(ASAN_TESTS) $(E2E_TESTS) \
		tests/bench/test_bench_smoke.sh \
		$(KERNEL_TESTS) $(PACKAGE_TESTS) tests/fuzz/run-fuzz.sh tests/format-check.sh

format-check:
	$(Q)tests/run-tests.sh tests/format-check.sh

check-unit: $(addprefix $(BUILD)/tests/,$(UNIT_TESTS))
	$(Q)tests/run-tests.sh $^

check-bpf: $(addprefix $(BUILD)/tests/,$(BPF_TESTS))
	$(Q)tests/run-tests.sh $^

check-e2e: all test-deps $(TOOLS)
	$(Q)tests/run-tests.sh $(E2E_TESTS)

# A suite that cannot get a VM here (no qemu, no network for the first
# kernel download) counts as skipped, saying why.
check-kernel: all test-deps $(addprefix $(BUILD)/tests/,test_xdp test_diff corpus)
	$(Q)BUILD=$(BUILD) tests/run-tests.sh $(KERNEL_TESTS)

# The BPF object is embedded in the binary (libbpf skeleton). The
# configuration is 0640: it says what gets dropped.
install: all
	install -D -m 0755 $(BUILD)/hyperion $(DESTDIR)$(SBINDIR)/hyperion
	install -D -m 0640 conf/hyperion.yaml $(DESTDIR)$(SYSCONFDIR)/hyperion.yaml
	install -D -m 0644 conf/hyperion.service $(DESTDIR)$(UNITDIR)/hyperion.service
	install -D -m 0644 conf/hyperion.catalog $(DESTDIR)$(CATALOGDIR)/hyperion.catalog
	install -D -m 0644 man/hyperion.8 $(DESTDIR)$(MANDIR)/man8/hyperion.8
	install -D -m 0644 man/hyperion.yaml.5 $(DESTDIR)$(MANDIR)/man5/hyperion.yaml.5

clean:
	rm -rf $(BUILD)
