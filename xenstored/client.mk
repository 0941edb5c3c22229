# SPDX-License-Identifier: GPL-2.0-only
# The xenstore client side: libxenstore (build/xenstored/libxenstore.a, and
# libxenstore.so for the pytest ctypes tests), the multi-call CLI
# build/xenstored/xenstore with its xenstore-<mode> symlinks, and the bench
# load generator build/xenstored/xs-bench.

XSC_OUT     := $(BUILD)/xenstored
XSC_CFLAGS  := $(HOST_CFLAGS) -pthread -Ixenstored/include -Ixenstored/lib \
               -Ihypervisor/include
XSC_HDRS    := xenstored/include/xenstore.h xenstored/lib/xs_codec.h \
               hypervisor/include/public/io/xs_wire.h
XSC_LIB_SRCS := xenstored/lib/xs_codec.c xenstored/lib/xs.c
XSC_LIB_OBJS := $(patsubst xenstored/lib/%.c,$(XSC_OUT)/lib/%.o,$(XSC_LIB_SRCS))
XSC_LIB     := $(XSC_OUT)/libxenstore.a
XSC_SO      := $(XSC_OUT)/libxenstore.so
XSC_CLI     := $(XSC_OUT)/xenstore
XSC_MODES   := read write rm exists list ls chmod watch
XSC_LINKS   := $(patsubst %,$(XSC_OUT)/xenstore-%,$(XSC_MODES))
XSC_BENCH   := $(XSC_OUT)/xs-bench

$(XSC_OUT)/lib/%.o: xenstored/lib/%.c $(XSC_HDRS)
	@mkdir -p $(@D)
	$(HOSTCC) $(XSC_CFLAGS) -fPIC -c -o $@ $<

$(XSC_LIB): $(XSC_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(XSC_SO): $(XSC_LIB_OBJS)
	@mkdir -p $(@D)
	$(HOSTCC) -shared -Wl,-soname,libxenstore.so.4 -o $@ $^ -pthread

$(XSC_CLI): xenstored/cli/xenstore.c $(XSC_LIB) $(XSC_HDRS)
	@mkdir -p $(@D)
	$(HOSTCC) $(XSC_CFLAGS) -o $@ $< $(XSC_LIB) -pthread

$(XSC_LINKS): $(XSC_CLI)
	ln -sf xenstore $@

$(XSC_BENCH): xenstored/bench/xs_bench.c $(XSC_LIB) $(XSC_HDRS)
	@mkdir -p $(@D)
	$(HOSTCC) $(XSC_CFLAGS) -o $@ $< $(XSC_LIB) -pthread

ALL_TARGETS += $(XSC_LIB) $(XSC_SO) $(XSC_CLI) $(XSC_LINKS) $(XSC_BENCH)
