#ifndef CLIENTELE_CSUPPORT_H
#define CLIENTELE_CSUPPORT_H

/// Atomically exchanges two paths (Linux renameat2 with RENAME_EXCHANGE).
/// Returns 0 on success, -1 with errno set otherwise (EINVAL or ENOSYS where unsupported).
int clientele_exchange_paths(const char *from, const char *to);

#endif
