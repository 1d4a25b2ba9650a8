#include <windows.h>
#include <bcrypt.h>
/* Test harness only: Wine 8 lacks bcryptprimitives.dll, which Go >= 1.24
   loads for ProcessPrng; this forwards it to BCryptGenRandom. */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	while (len > 0) {
		ULONG n = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
		if (BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) return FALSE;
		data += n; len -= n;
	}
	return TRUE;
}
