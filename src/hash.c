#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "hash.h"
#include "util.h"

void
sha256hex(const void *data, size_t n, char out[SHA256_HEX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len, i;
	static int ready;

	/* no openssl.cnf: a hash needs none, and every node would read it */
	if (!ready) {
		OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
		ready = 1;
	}
	if (!EVP_Digest(data, n, md, &len, EVP_sha256(), NULL))
		fatal("SHA-256 failed");
	for (i = 0; i < len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * len] = '\0';
}
