import Fluent
import Foundation
import SQLKit

/// UUID columns read in bulk. SQLite keeps a UUID as its 36-character text, and Foundation parses that text with
/// `sscanf` (a two-year chart decodes hundreds, and it showed in the profile); the text is parsed here instead.
/// PostgreSQL keeps UUIDs binary, and they decode as usual.
struct UUIDColumns {
    let text: Bool

    init(_ database: any Database) {
        self.text = Dialect(database) == .sqlite
    }

    func decode(_ row: any SQLRow, _ column: String) throws -> UUID? {
        guard self.text else { return try row.decode(column: column, as: UUID?.self) }
        guard let s = try row.decode(column: column, as: String?.self) else { return nil }
        guard let id = Self.parse(s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(column) is not a UUID: \(s)"))
        }
        return id
    }

    func required(_ row: any SQLRow, _ column: String) throws -> UUID {
        guard let id = try self.decode(row, column) else {
            throw DecodingError.valueNotFound(UUID.self, .init(codingPath: [], debugDescription: "\(column) is null"))
        }
        return id
    }

    /// `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX`, hex digits in either case.
    static func parse(_ s: String) -> UUID? {
        var bytes = [UInt8](repeating: 0, count: 16)
        var n = 0, high = true, i = 0
        for c in s.utf8 {
            defer { i += 1 }
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard c == UInt8(ascii: "-") else { return nil }
                continue
            }
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            guard n < 16 else { return nil }
            if high { bytes[n] = v << 4 } else { bytes[n] |= v; n += 1 }
            high.toggle()
        }
        guard i == 36, n == 16 else { return nil }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
