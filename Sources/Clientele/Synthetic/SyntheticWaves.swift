import Dispatch
import Foundation

/// Produces items 0..<`count` on `width` threads at a time and hands them to `consume` in item
/// order on the calling thread. While one wave is consumed (written to disk) the next is produced
/// in the background, so memory holds two waves and writing overlaps the work.
///
/// An error thrown by `produce` reaches the caller when its item's turn comes; on any error the
/// wave being produced is waited for before this returns.
package func syntheticWaves<Item: Sendable>(count: Int, width: Int,
                                    produce: @escaping @Sendable (Int) throws -> Item,
                                    consume: (Item) throws -> Void) throws {
    let wave = max(1, width)
    func launch(_ first: Int) -> (slots: SyntheticSlots<Item>, done: DispatchGroup, next: Int) {
        let last = min(count, first + wave)
        let slots = SyntheticSlots<Item>(count: last - first)
        let done = DispatchGroup()
        done.enter()
        DispatchQueue.global().async {
            DispatchQueue.concurrentPerform(iterations: last - first) { k in
                slots.store(Result { try produce(first + k) }, at: k)
            }
            done.leave()
        }
        return (slots, done, last)
    }
    guard count > 0 else { return }
    var pending: (slots: SyntheticSlots<Item>, done: DispatchGroup, next: Int)? = launch(0)
    defer { pending?.done.wait() }  // on an error, let the background wave finish first
    while let current = pending {
        current.done.wait()
        pending = current.next < count ? launch(current.next) : nil
        for result in current.slots.take() {
            guard let result else { continue }
            try consume(result.get())
        }
    }
}

/// Results of one wave, filled from several threads (each index once) under a lock.
package final class SyntheticSlots<Item: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Result<Item, any Error>?]

    package init(count: Int) { items = Array(repeating: nil, count: count) }

    package func store(_ item: Result<Item, any Error>, at index: Int) {
        lock.lock()
        defer { lock.unlock() }
        items[index] = item
    }

    /// The results in index order; call after every `store` has returned. The slots are emptied.
    package func take() -> [Result<Item, any Error>?] {
        lock.lock()
        defer { lock.unlock() }
        defer { items = [] }
        return items
    }
}
