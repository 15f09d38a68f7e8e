#ifndef CLIENTELE_CSUPPORT_H
#define CLIENTELE_CSUPPORT_H

/// Atomically exchanges two paths (Linux renameat2 with RENAME_EXCHANGE).
/// Returns 0 on success, -1 with errno set otherwise (EINVAL or ENOSYS where unsupported).
int clientele_exchange_paths(const char *from, const char *to);

/// Asks the processor to start loading the cache line at `address` (GCC/Clang __builtin_prefetch):
/// for gathers in an order unrelated to memory, such as customers ranked by risk.
static inline void clientele_prefetch(const void *address) { __builtin_prefetch(address); }

#endif
