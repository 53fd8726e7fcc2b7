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
	static EVP_MD *sha;
	static EVP_MD_CTX *ctx;

	/* no openssl.cnf: a hash needs none, and every node would read it;
	 * the digest fetched once: EVP_sha256() would fetch it on each call */
	if (!sha) {
		OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
		if (!(sha = EVP_MD_fetch(NULL, "SHA256", NULL)) || !(ctx = EVP_MD_CTX_new()))
			fatal("SHA-256 failed");
	}
	if (!EVP_DigestInit_ex2(ctx, sha, NULL) || !EVP_DigestUpdate(ctx, data, n) ||
	    !EVP_DigestFinal_ex(ctx, md, &len))
		fatal("SHA-256 failed");
	for (i = 0; i < len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * len] = '\0';
}
