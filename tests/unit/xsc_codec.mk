# SPDX-License-Identifier: GPL-2.0-only
# libxenstore's wire codec: message building, framing, reply decoding.
UNIT_TESTS += xsc_codec
xsc_codec_SRCS := xenstored/lib/xs_codec.c
xsc_codec_CFLAGS := -Ixenstored/include -Ixenstored/lib
