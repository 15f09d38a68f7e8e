import ClienteleStore

/// Formats a `SyntheticCustomer` as rows of `transactions.csv` and `interactions.csv`.
///
/// transactions: `C00000042,42-3,2024-05-17,12.30,1,P0137,web` — customer id, order id
/// (customer number, order ordinal from 1), day, line amount with two decimals (negative on a
/// return line), quantity, product id, channel. interactions:
/// `C00000042,2024-06-02,email,survey,4,9` — satisfaction and recommend blank when missing and
/// on every other kind. In `customer` row order orphan ids (`P00000042`) follow the customer's own
/// rows; `date` row order permutes whole orders and single interaction rows. LF endings,
/// no quoting needed (no field contains a comma, quote or line break).
package struct SyntheticCSVFormatter {
    /// Digits in the zero-padded customer number.
    package let customerWidth: Int
    /// Digits in the zero-padded product number.
    package let productWidth: Int

    /// Upper bounds on one row's length (ids ≤ 11 bytes, order id ≤ 21, amount ≤ 18, …).
    package static let maxTransactionRow = 128
    package static let maxInteractionRow = 64

    /// Every row of `customer`: its orders in time order, then its interactions, then its orphan
    /// id's interactions (the `customer` row order).
    package func append(_ customer: SyntheticCustomer,
                transactions: inout SyntheticByteBuffer, interactions: inout SyntheticByteBuffer) {
        for ordinal in customer.orders.indices { appendOrder(ordinal, of: customer, to: &transactions) }
        appendInteractions(customer.interactions, prefix: 67, number: customer.number, into: &interactions)
        appendInteractions(customer.orphanInteractions, prefix: 80, number: customer.number, into: &interactions)
    }

    /// The lines of `customer.orders[ordinal]`, one row each, in line order.
    package func appendOrder(_ ordinal: Int, of customer: SyntheticCustomer, to transactions: inout SyntheticByteBuffer) {
        let number = customer.number
        let order = customer.orders[ordinal]
        // The order's first line formats `C…,n-k,date,`; later lines copy those bytes back.
        let prefixStart = transactions.count
        var prefixLength = 0
        var measured = 0
        for line in customer.lines[order.lines] {
            let back = transactions.count - prefixStart
            let copy = prefixLength
            transactions.appendRow(maxBytes: Self.maxTransactionRow) { out in
                var n = 0
                if copy > 0 {
                    out.update(from: out - back, count: copy)
                    n = copy
                } else {
                    out[n] = 67; n += 1  // C
                    n += SyntheticBytes.write(number, width: customerWidth, at: out + n)
                    out[n] = 44; n += 1
                    n += SyntheticBytes.write(number, at: out + n)
                    out[n] = 45; n += 1  // -
                    n += SyntheticBytes.write(ordinal + 1, at: out + n)
                    out[n] = 44; n += 1
                    n += order.day.writeISO(into: out + n)
                    out[n] = 44; n += 1
                    measured = n
                }
                n += SyntheticBytes.writeCents(line.amountCents, at: out + n)
                out[n] = 44; n += 1
                n += SyntheticBytes.writeSigned(line.quantity, at: out + n)
                out[n] = 44; n += 1
                out[n] = 80; n += 1  // P
                n += SyntheticBytes.write(line.product, width: productWidth, at: out + n)
                out[n] = 44; n += 1
                n += SyntheticBytes.write(order.channel.name, at: out + n)
                out[n] = 10; n += 1
                return n
            }
            prefixLength = measured
        }
    }

    /// One `interactions.csv` row of id `prefix` + `number` (`C` 67 for a customer, `P` 80 for
    /// an orphan id).
    package func appendInteraction(_ row: SyntheticCustomer.Interaction, prefix: UInt8, number: Int,
                           to buffer: inout SyntheticByteBuffer) {
        buffer.appendRow(maxBytes: Self.maxInteractionRow) { out in
            var n = 0
            out[n] = prefix; n += 1
            n += SyntheticBytes.write(number, width: customerWidth, at: out + n)
            out[n] = 44; n += 1
            n += row.day.writeISO(into: out + n)
            out[n] = 44; n += 1
            n += SyntheticBytes.write(row.channel.name, at: out + n)
            out[n] = 44; n += 1
            n += SyntheticBytes.write(row.kind.name, at: out + n)
            out[n] = 44; n += 1
            if let satisfaction = row.satisfaction { n += SyntheticBytes.write(satisfaction, at: out + n) }
            out[n] = 44; n += 1
            if let recommend = row.recommend { n += SyntheticBytes.write(recommend, at: out + n) }
            out[n] = 10; n += 1
            return n
        }
    }

    private func appendInteractions(_ rows: [SyntheticCustomer.Interaction], prefix: UInt8, number: Int,
                                    into buffer: inout SyntheticByteBuffer) {
        for row in rows { appendInteraction(row, prefix: prefix, number: number, to: &buffer) }
    }
}
