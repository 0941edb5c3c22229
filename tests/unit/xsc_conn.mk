# SPDX-License-Identifier: GPL-2.0-only
# libxenstore against a scripted fake daemon: replies, errors, hostile input,
# watch events interleaved with replies, DIRECTORY_PART, threads.
UNIT_TESTS += xsc_conn
xsc_conn_SRCS := xenstored/lib/xs_codec.c xenstored/lib/xs.c
xsc_conn_CFLAGS := -Ixenstored/include -Ixenstored/lib -pthread
