#include "hash.h"
#include "tap.h"

int
main(void)
{
	char h[SHA256_HEX];

	sha256hex("", 0, h);
	is(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    "sha256 of nothing");
	sha256hex("abc", 3, h);
	is(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "sha256 of abc (FIPS 180-2)");
	return tap_done();
}
