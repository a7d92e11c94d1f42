# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Fuzzers and sanitizer builds, with clang; included by the top-level
# Makefile (which defines BUILD, ALL_CFLAGS, CFLAGS, DEP_LIBS, LIB_SRC,
# TEST_LIB_SRC, UNIT_TESTS, BPF_TESTS, SKEL, Q and msg).
#
#   make fuzz         every fuzzer for FUZZ_SECONDS (60) on a scratch copy of
#                     its corpus; fails on a crash and says where the input is
#   make check-fuzz   the fuzzers briefly (10 s each), then every input of
#                     their corpora and regressions, as TAP
#   make check-asan   the unit and BPF suites under ASan and UBSan
#
# The agent's sources are compiled again for each flavour (build/libhyperion.a
# is gcc's, without sanitizers or coverage) into an archive of their own,
# from which the linker takes what each program needs.

FUZZ_TARGETS := fuzz_config fuzz_pattern fuzz_sigcompile fuzz_format fuzz_decode
FUZZ_BINS    := $(addprefix $(BUILD)/fuzz/,$(FUZZ_TARGETS))
FUZZ_SECONDS ?= 60
FUZZ_HELPERS := tests/fuzz/check_format.c
ASAN_UNIT    := $(addprefix $(BUILD)/asan/,$(UNIT_TESTS))
ASAN_BPF     := $(addprefix $(BUILD)/asan/,$(BPF_TESTS))
ASAN_TESTS   := $(ASAN_UNIT) $(ASAN_BPF)

# The project's flags with the optimisation level of CFLAGS swapped for one
# that keeps stack traces readable.
SAN_FLAGS     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_BASEFLAGS  = -O1 -g $(filter-out $(CFLAGS),$(ALL_CFLAGS)) -Itests/lib -Wno-format-nonliteral
ASAN_CFLAGS    = $(SAN_BASEFLAGS) $(SAN_FLAGS)
FUZZ_CFLAGS    = $(SAN_BASEFLAGS) $(SAN_FLAGS) -fsanitize=fuzzer-no-link

SAN_HDRS := $(SKEL) $(wildcard agent/*.h tests/lib/*.h tests/fuzz/*.h) ebpf/hyperion.h

.PHONY: fuzz check-fuzz check-asan

$(BUILD)/asan/obj/%.o: %.c $(SAN_HDRS)
	$(call msg,CC-ASAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(ASAN_CFLAGS) -c $< -o $@

$(BUILD)/fuzz/obj/%.o: %.c $(SAN_HDRS)
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

$(BUILD)/asan/libhyperion.a: $(LIB_SRC:%.c=$(BUILD)/asan/obj/%.o)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/fuzz/libhyperion.a: $(LIB_SRC:%.c=$(BUILD)/fuzz/obj/%.o)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

ASAN_TEST_LIB_OBJ := $(TEST_LIB_SRC:%.c=$(BUILD)/asan/obj/%.o) \
		     $(BUILD)/asan/obj/tests/fuzz/asan_options.o

$(ASAN_UNIT): $(BUILD)/asan/%: tests/unit/%.c $(ASAN_TEST_LIB_OBJ) $(BUILD)/asan/libhyperion.a
	$(call msg,CCLD,$@)
	$(Q)$(CLANG) $(ASAN_CFLAGS) $< $(ASAN_TEST_LIB_OBJ) $(BUILD)/asan/libhyperion.a \
		$(DEP_LIBS) -o $@

$(ASAN_BPF): $(BUILD)/asan/%: tests/bpf/%.c $(ASAN_TEST_LIB_OBJ) $(BUILD)/asan/libhyperion.a
	$(call msg,CCLD,$@)
	$(Q)$(CLANG) $(ASAN_CFLAGS) $< $(ASAN_TEST_LIB_OBJ) $(BUILD)/asan/libhyperion.a \
		$(DEP_LIBS) -o $@

FUZZ_HELPER_OBJ := $(FUZZ_HELPERS:%.c=$(BUILD)/fuzz/obj/%.o)

$(FUZZ_BINS): $(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_HELPER_OBJ) $(BUILD)/fuzz/libhyperion.a
	$(call msg,CCLD,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_HELPER_OBJ) \
		$(BUILD)/fuzz/libhyperion.a $(DEP_LIBS) -o $@

# Long runs keep their scratch corpus in build/fuzz/work/ from one run to
# the next (the committed corpus is only read).
fuzz: $(FUZZ_BINS)
	$(Q)BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_WORK=$(BUILD)/fuzz/work \
		tests/fuzz/run-fuzz.sh

check-fuzz: $(FUZZ_BINS)
	$(Q)BUILD=$(BUILD) tests/run-tests.sh tests/fuzz/run-fuzz.sh

# The BPF suites load programs: they run as root and skip otherwise. The
# sanitizer options are in the binaries (tests/fuzz/asan_options.c).
check-asan: $(ASAN_TESTS)
	$(Q)tests/run-tests.sh $(ASAN_TESTS)
