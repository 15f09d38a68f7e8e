#ifndef CLIENTELE_CSUPPORT_H
#define CLIENTELE_CSUPPORT_H

/// Atomically exchanges two paths (Linux renameat2 with RENAME_EXCHANGE).
/// Returns 0 on success, -1 with errno set otherwise (EINVAL or ENOSYS where unsupported).
int clientele_exchange_paths(const char *from, const char *to);

/// Asks the processor to start loading the cache line at `address` (GCC/Clang __builtin_prefetch):
/// for gathers in an order unrelated to memory, such as customers ranked by risk.
static inline void clientele_prefetch(const void *address) { __builtin_prefetch(address); }

/// glibc malloc settings for a batch process that allocates and frees many column-sized arrays:
/// one arena, blocks up to `threshold` bytes served from the heap instead of fresh mmaps, and the
/// heap never trimmed below `threshold` (mallopt M_ARENA_MAX, M_MMAP_THRESHOLD, M_TRIM_THRESHOLD).
/// Does nothing on other C libraries. Returns 1 when every setting was accepted.
int clientele_use_batch_malloc(int threshold);

#endif
