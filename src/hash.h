/* hash.h: SHA-256 (libcrypto) as lowercase hex. */
#ifndef HASH_H
#define HASH_H

#include <stddef.h>

#define SHA256_HEX 65	/* 64 hex digits and a NUL */

void sha256hex(const void *data, size_t n, char out[SHA256_HEX]);

#endif
