import Foundation

/// The one JSON form for validated values kept in `body` columns: sorted keys, so equal values are
/// equal text (and hash the same when notes are signed later).
public enum StoredJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// One decoder for every row: making a decoder per row was a measurable share of a long record's time.
    private static let decoder = JSONDecoder()

    public static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try Self.decoder.decode(type, from: Data(text.utf8))
    }
}
