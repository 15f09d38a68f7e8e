import CPostgres
#if canImport(Glibc)
import Glibc
#endif

/// The CSV bytes of `COPY … TO STDOUT` from PostgreSQL (libpq's `PQgetCopyData`, one row at a
/// time, copied into the scanner's blocks). A failed connection, statement or transfer is an
/// unreadable input naming the source without its password.
package final class PostgresCopyStream: ByteStream {
    private let connection: OpaquePointer
    private let name: String
    private var row: UnsafeMutablePointer<CChar>?
    private var rowLength = 0, rowOffset = 0
    private var finished = false

    package init(_ source: DatabaseSource) throws(IngestError) {
        name = source.displayName
        guard let connection = PQconnectdb(source.url) else {
            throw IngestError.unreadable(path: name, reason: "cannot connect to PostgreSQL (out of memory)")
        }
        self.connection = connection
        if PQstatus(connection) != CONNECTION_OK {
            // Every property is set: deinit closes the connection.
            throw IngestError.unreadable(path: name, reason: "cannot connect to PostgreSQL: \(Self.message(connection))")
        }
        let result = PQexec(connection, source.copyStatement)
        let status = PQresultStatus(result)
        PQclear(result)
        guard status == PGRES_COPY_OUT else {
            throw IngestError.unreadable(path: name, reason: "PostgreSQL refused the export: \(Self.message(connection))")
        }
    }

    deinit {
        if let row { PQfreemem(row) }
        PQfinish(connection)
    }

    private static func message(_ connection: OpaquePointer) -> String {
        String(cString: PQerrorMessage(connection)).split(separator: "\n").map { String($0).trimmingSpaces() }.joined(separator: "; ")
    }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        var written = 0
        while written < buffer.count {
            if row == nil {
                if finished { break }
                var data: UnsafeMutablePointer<CChar>? = nil
                let n = PQgetCopyData(connection, &data, 0)
                if n == -1 {
                    finished = true
                    while let result = PQgetResult(connection) {
                        let status = PQresultStatus(result)
                        PQclear(result)
                        if status != PGRES_COMMAND_OK {
                            throw IngestError.unreadable(path: name, reason: "the export ended with an error: \(Self.message(connection))")
                        }
                    }
                    break
                }
                guard n >= 0, let data else {
                    throw IngestError.unreadable(path: name, reason: "the export broke off: \(Self.message(connection))")
                }
                row = data; rowLength = Int(n); rowOffset = 0
            }
            let take = min(rowLength - rowOffset, buffer.count - written)
            memcpy(buffer.baseAddress! + written, row! + rowOffset, take)
            written += take
            rowOffset += take
            if rowOffset == rowLength { PQfreemem(row); row = nil }
        }
        return written
    }
}
