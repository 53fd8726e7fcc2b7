/* hash.h: SHA-256 (libcrypto) as lowercase hex. */
#ifndef HASH_H
#define HASH_H

#include <stddef.h>

#define SHA256_HEX 65	/* 64 hex digits and a NUL */

void sha256hex(const void *data, size_t n, char out[SHA256_HEX]);
/* The same of n pieces one after another: len[i] bytes at data[i]. */
void sha256hexv(const void *const *data, const size_t *len, size_t n, char out[SHA256_HEX]);

#endif
