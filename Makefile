# schedscope: GNU make. `sudo make run` and `sudo make test` are all a newcomer needs.
.DELETE_ON_ERROR:
.SUFFIXES:

VERSION      := 0.1.0
BUILD        := build
VMLINUX_BTF  ?= /sys/kernel/btf/vmlinux
CC           ?= gcc
CLANG        ?= clang
BPFTOOL      ?= bpftool
LLVM_STRIP   ?= llvm-strip
ARCH         := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

# Debian packages, by what needs them.
DEPS_BUILD := make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev pkg-config scdoc \
	      libmicrohttpd-dev
DEPS_TEST  := python3 libcmocka-dev valgrind cppcheck clang-tidy clang-format util-linux procps \
	      qemu-system-x86 seabios cpio prometheus
DEPS_BENCH := linux-perf bpftrace jq time

WARN     := -Wall -Wextra -Werror
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE $(WARN) -I$(BUILD) -Isrc -DSCHEDSCOPE_VERSION='"$(VERSION)"'
# NO_HTTP=1: no libmicrohttpd; the exporter command says it is not in this build.
CFLAGS   += $(if $(NO_HTTP),-DSCHEDSCOPE_NO_HTTP)
LIBBPF_CFLAGS = $(shell pkg-config --cflags libbpf 2>/dev/null)
LIBBPF_LIBS   = $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
# The exporter's HTTP side (src/cmd/exporter.c).
MHD_CFLAGS = $(shell pkg-config --cflags libmicrohttpd 2>/dev/null)
# The dynamic build does not link it: the exporter loads it by this name
# (the development library's SONAME), so other commands do not pay for GnuTLS.
MHD_SONAME = $(or $(shell readelf -d "$$($(CC) -print-file-name=libmicrohttpd.so)" 2>/dev/null | \
		sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p'),libmicrohttpd.so.12)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) $(WARN) -Wno-unused-function -Wno-unused-parameter \
	      -I$(BUILD) -Isrc

# Sources by folder, each folder a role (README's Layout): the analytics core,
# the writers and the option table are pure C without libbpf; the sessions
# and the commands are the rest of the binary.
CORE_SRCS := $(sort $(wildcard src/core/*.c src/out/*.c)) src/cli.c
APP_SRCS  := src/main.c $(sort $(wildcard src/session/*.c src/cmd/*.c))
BPF_SRCS  := $(sort $(wildcard src/bpf/*.bpf.c))
SKELS     := $(patsubst src/bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))

CORE_OBJS := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(CORE_SRCS))
APP_OBJS  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(APP_SRCS))

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
SAN        := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all deps deps-test deps-bench run test unit integration bench lint clean help
all: $(BUILD)/schedscope $(BUILD)/ssload $(BUILD)/ssprio $(BUILD)/forkstorm $(BUILD)/sysload $(BUILD)/schedscope.1

help:
	@echo "make deps | all | run | test | unit | integration | lint | bench | clean"
	@echo "make install | uninstall  [PREFIX=/usr/local] [DESTDIR=]"
	@echo "make static               build/schedscope-static, no shared library needed"

# Installs what is missing, and is quiet when everything is there.
define install_missing
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "schedscope: missing Debian packages: $$missing (run 'sudo make deps')" >&2; exit 1; fi; \
		echo "Installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null \
			|| { echo "schedscope: apt-get install failed" >&2; exit 1; }; \
	fi
endef

deps:
	$(call install_missing,$(DEPS_BUILD))
deps-test: deps
	$(call install_missing,$(DEPS_TEST))
deps-bench: deps
	$(call install_missing,$(DEPS_BENCH))

run: deps
	@$(MAKE) --no-print-directory all
	./$(BUILD)/schedscope top -d 5

test: deps-test
	@$(MAKE) --no-print-directory all unit-bins
	tests/run.sh

bench: deps-bench
	@$(MAKE) --no-print-directory all
	bench/bench.sh $(BUILD)/schedscope

$(BUILD)/vmlinux.h:
	@mkdir -p $(@D)
	@test -r $(VMLINUX_BTF) || { echo "schedscope: no BTF at $(VMLINUX_BTF): the kernel needs CONFIG_DEBUG_INFO_BTF=y, or set VMLINUX_BTF=path" >&2; exit 1; }
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

# DWARF is of no use to the loader (BTF and its line info stay): stripped,
# the objects the binary embeds shrink from 0.7 MB to 0.1 MB each.
$(BUILD)/%.bpf.o: src/bpf/%.bpf.c $(BUILD)/vmlinux.h
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@
	$(LLVM_STRIP) -g $@

# The object a skeleton embeds goes to a section of its own, .bpfobj, not
# .rodata, where each file's strings sat between the objects: the kernel
# maps up to 64 KiB around each page a process touches in a cached file,
# so reading a string made pages of objects the command never opens
# resident (`cpus -d 0.1` peaked at 3.3 MB, 2.9 MB with the section). awk
# fails the build if bpftool's form ever changes.
$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp
	awk '/^\treturn \(const void \*\)"\\$$/ { \
		print "\tstatic const char data[] __attribute__((section(\".bpfobj\"), aligned(8))) = \"\\"; \
		blob = 1; next } \
	     blob && /";$$/ { print; print "\treturn data;"; blob = 0; seen = 1; next } \
	     { print } END { exit !seen }' $@.tmp > $@
	rm -f $@.tmp

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# The session includes the generated skeletons.
SESSION_OBJS := $(filter $(BUILD)/obj/session/%,$(APP_OBJS))
$(SESSION_OBJS): CFLAGS += $(LIBBPF_CFLAGS)
$(SESSION_OBJS): $(SKELS)

$(BUILD)/obj/cmd/exporter.o: CFLAGS += $(MHD_CFLAGS) -DMHD_SONAME='"$(MHD_SONAME)"'

$(BUILD)/schedscope: $(APP_OBJS) $(CORE_OBJS)
	$(CC) $(CFLAGS) $^ -o $@ $(LIBBPF_LIBS) -lm

$(BUILD)/schedscope.1: docs/schedscope.1.scd
	@mkdir -p $(@D)
	scdoc < $< > $@

$(BUILD)/ssload $(BUILD)/ssprio $(BUILD)/forkstorm $(BUILD)/sysload: $(BUILD)/%: tests/workload/%.c tests/workload/wl_common.h
	@mkdir -p $(@D)
	$(CC) -std=c11 -O2 $(WARN) -pthread $< -o $@

# Unit tests: the core with sanitizers, against cmocka.
$(BUILD)/san/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -MMD -MP -c $< -o $@

# Each unit test links only what it tests (and what that needs), so a test
# cannot pass on code it never meant to use.
LINKS_test_acct     := core/acct core/hashtab
LINKS_test_evacct   := core/acct core/hashtab core/cpustat core/evacct core/sev core/probes core/tasktab core/tidmap
LINKS_test_evlogic  := core/sev core/probes
LINKS_test_counts   := core/counts out/count_out out/common_out out/json out/hist_out out/lat_out \
		       core/lathist core/hashtab
LINKS_test_cgstat   := core/cgstat core/cgwalk core/acct core/hashtab
LINKS_test_prom     := out/prom_out out/exporter_out core/cgstat core/acct core/hashtab
LINKS_test_export   := core/sev core/probes core/tasktab core/tidmap core/hashtab core/timehist out/chrome_out \
		       out/common_out out/json out/systrace_out
LINKS_test_io       := cli core/cpustat core/sev core/probes out/json
LINKS_test_lathist  := core/lathist core/hashtab out/json out/lat_out
LINKS_test_latlogic :=
LINKS_test_openlogic :=
LINKS_test_logic    :=
LINKS_test_probes   := core/probes core/sev
LINKS_test_syscnames := core/syscnames core/sysc
LINKS_test_recfile  := core/recfile core/sev core/probes
LINKS_test_replay   := core/acct core/hashtab core/reuse core/topview out/common_out out/json out/top_out
LINKS_test_tidmap   := core/tidmap core/hashtab
LINKS_test_hashtab  := core/hashtab
LINKS_test_reuse    := core/reuse core/hashtab
LINKS_test_btfscan  := core/btfscan
LINKS_test_taskfilter := core/topview core/reuse core/acct core/hashtab out/top_out out/common_out out/json
LINKS_test_stream_out := out/stream_out out/common_out out/json
LINKS_test_timehist := core/sev core/probes core/tidmap core/hashtab core/timehist out/common_out out/json out/timehist_out

.SECONDEXPANSION:
$(BUILD)/tests/%: tests/unit/%.c $$(addprefix $(BUILD)/san/,$$(addsuffix .o,$$(LINKS_$$*)))
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -MMD -MP $(filter %.c %.o,$^) -o $@ -lcmocka -lm

.PHONY: unit-bins
unit-bins: $(UNIT_TESTS)

unit: deps-test
	@$(MAKE) --no-print-directory unit-bins
	tests/run.sh unit

integration: deps-test
	@$(MAKE) --no-print-directory all
	tests/run.sh integration

lint: deps-test $(SKELS)
	tests/lint.sh

clean:
	rm -rf $(BUILD)

# ---- install (begin): `make install`, `make uninstall`, GNU's PREFIX and DESTDIR ----
# The unit runs BINDIR/schedscope: contrib/ holds it for the default PREFIX,
# and install writes the path of the PREFIX given (DESTDIR is only where the
# tree is staged, never part of a path inside it).
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR     ?= $(PREFIX)/lib/systemd/system
INSTALL     ?= install
UNIT        := schedscope-exporter.service
INSTALLED   := $(BINDIR)/schedscope $(MANDIR)/man1/schedscope.1 $(BASHCOMPDIR)/schedscope \
	       $(UNITDIR)/$(UNIT)

.PHONY: install uninstall
install: $(BUILD)/schedscope $(BUILD)/schedscope.1
	@sed 's|/usr/local/bin/schedscope|$(BINDIR)/schedscope|g' contrib/$(UNIT) >$(BUILD)/$(UNIT)
	@$(INSTALL) -D -m 755 $(BUILD)/schedscope $(DESTDIR)$(BINDIR)/schedscope
	@$(INSTALL) -D -m 644 $(BUILD)/schedscope.1 $(DESTDIR)$(MANDIR)/man1/schedscope.1
	@$(INSTALL) -D -m 644 contrib/schedscope.bash $(DESTDIR)$(BASHCOMPDIR)/schedscope
	@$(INSTALL) -D -m 644 $(BUILD)/$(UNIT) $(DESTDIR)$(UNITDIR)/$(UNIT)

uninstall:
	@rm -f $(addprefix $(DESTDIR),$(INSTALLED))
# ---- install (end) ----

# ---- static build (begin): `make static`, build/schedscope-static ----
# One static-pie ELF from Debian's archives (libbpf.a, libelf.a, libz.a and
# glibc's libc.a; Debian's libelf needs no libzstd) that runs on a host with
# none of the libraries, at the same address-space randomisation as the PIE
# dynamic build. Its objects are compiled apart, with -DSCHEDSCOPE_NO_HTTP:
# the dynamic build's exporter loads libmicrohttpd with dlopen(), which a
# static binary cannot do, and Debian 12 cannot link it statically either
# (libgnutls.a needs p11-kit, shipped only as a shared library). Its
# `exporter` says it is not in this build (NO_HTTP=1 does that to any build).
STATIC_OBJS := $(patsubst $(BUILD)/obj/%,$(BUILD)/static/obj/%,$(APP_OBJS) $(CORE_OBJS))
STATIC_LIBS  = $(shell pkg-config --static --libs libbpf) -lm

DEPS_STATIC := libc6-dev libbpf-dev libelf-dev zlib1g-dev

.PHONY: static
static: deps
	$(call install_missing,$(DEPS_STATIC))
	@$(MAKE) -q --no-print-directory $(BUILD)/schedscope-static || \
		$(MAKE) --no-print-directory $(BUILD)/schedscope-static

# tests/integration/test_static.py and the QEMU guest run it.
test integration: static

$(STATIC_OBJS): CFLAGS += $(LIBBPF_CFLAGS) -DSCHEDSCOPE_NO_HTTP
$(filter $(BUILD)/static/obj/session/%,$(STATIC_OBJS)): $(SKELS)
$(BUILD)/static/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/schedscope-static: $(STATIC_OBJS)
	$(CC) $(CFLAGS) -static-pie $^ -o $@ $(STATIC_LIBS)
# ---- static build (end) ----

# ---- fuzzing (begin): every parser of outside input under libFuzzer ----
# `make fuzz [FUZZ_SECONDS=60]` builds build/fuzz/NAME from each fuzz/NAME.c with the
# sources it tests, and runs each for FUZZ_SECONDS on build/fuzz/corpus/NAME, seeded
# from fuzz/corpus/NAME (tests/fuzz.sh). `make test` builds them; tests/run.sh runs them.
DEPS_FUZZ    := clang libclang-rt-14-dev
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -g -O1 -std=c11 -D_GNU_SOURCE $(WARN) -Isrc -fno-omit-frame-pointer \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_OBJ     := $(BUILD)/fuzz/obj
FUZZ_BINS    := $(BUILD)/fuzz/fuzz_recfile $(BUILD)/fuzz/fuzz_cli

.PHONY: deps-fuzz fuzz fuzz-bins
deps-fuzz: deps
	$(call install_missing,$(DEPS_FUZZ))

fuzz-bins: deps-fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BINS)

test: fuzz-bins

fuzz: fuzz-bins
	tests/fuzz.sh $(FUZZ_SECONDS)

$(FUZZ_OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/fuzz/fuzz_recfile: $(addprefix $(FUZZ_OBJ)/,fuzz/fuzz_recfile.o src/core/recfile.o \
				src/core/sev.o src/core/probes.o)
$(BUILD)/fuzz/fuzz_cli: $(addprefix $(FUZZ_OBJ)/,fuzz/fuzz_cli.o src/cli.o src/core/sev.o src/core/probes.o \
			    src/out/json.o)
$(FUZZ_BINS):
	$(CLANG) $(FUZZ_CFLAGS) $^ -o $@ -lm
# ---- fuzzing (end) ----

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
