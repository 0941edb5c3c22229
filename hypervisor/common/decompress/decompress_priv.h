/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal interfaces between the decompressor pieces: the LZMA2 decoder
 * (lzma2.c) and the x86 BCJ filter (bcj_x86.c) that xz.c chains together,
 * and the DEFLATE decoder (inflate.c) that gunzip.c wraps.
 */
#ifndef KEEL_DECOMPRESS_PRIV_H
#define KEEL_DECOMPRESS_PRIV_H

#include <keel/types.h>

/*
 * Decodes one LZMA2 stream (chunks up to and including the end marker) from
 * in[0 .. in_len) into out[out_start .. out_cap).  The dictionary is the
 * output itself: matches may reach back to out_start but not before it.
 * in_off is in[0]'s offset in the whole file, for error messages only.
 * On success *in_used is the LZMA2 stream's length and *out_end the first
 * output position not written.
 */
int lzma2_decode(const uint8_t *in, size_t in_len, size_t in_off,
                 uint8_t *out, size_t out_start, size_t out_cap,
                 size_t *in_used, size_t *out_end);

/* LZMA2 filter property byte -> dictionary size; false if invalid (> 40). */
bool lzma2_dict_size(uint8_t prop, uint32_t *dict_size);

/*
 * Decodes one raw DEFLATE stream (RFC 1951) from in[0 .. in_len) into
 * out[0 .. out_cap); in_off as for lzma2_decode().  *in_used counts the bytes
 * up to and including the one holding the final block's last bit.
 */
int inflate_raw(const uint8_t *in, size_t in_len, size_t in_off,
                uint8_t *out, size_t out_cap, size_t *in_used, size_t *out_len);

/*
 * Undoes the x86 BCJ filter in place over one whole block's output, whose
 * first byte had the filter position start_offset.
 */
void bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start_offset);

#endif
