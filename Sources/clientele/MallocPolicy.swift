import CSupport

/// glibc malloc settings for a batch run that allocates, fills and frees many column-sized
/// arrays (8 MB for 10^6 doubles, tens of MB for order rows), applied once at start-up.
///
/// By default glibc serves each such array with a fresh `mmap` and unmaps it on `free`, so every
/// column is paid for again in page faults (about 400,000 in a whole run at 10^6 customers,
/// 0.65 s of system time), and each thread's arena keeps free memory of its own. One arena whose
/// heap serves blocks up to 1 GiB and is never trimmed lets a freed column's pages hold the next
/// one. The hot loops do not allocate, so a single arena costs no lock contention.
enum MallocPolicy {
    static let threshold: Int32 = 1 << 30

    static func apply() {
        _ = clientele_use_batch_malloc(threshold)
    }
}
