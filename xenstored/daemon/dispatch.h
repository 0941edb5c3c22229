/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Request dispatch: validate one complete message from a connection and
 * queue its reply (or an XS_ERROR naming the errno).
 */
#ifndef XSD_DISPATCH_H
#define XSD_DISPATCH_H

#include <stdint.h>

#include "conn.h"

/* @payload holds hdr->len bytes followed by one extra NUL. */
void xsd_dispatch(struct xs_conn *c, const struct xsd_sockmsg *hdr,
                  const uint8_t *payload);

#endif
