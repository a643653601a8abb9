import Foundation

public enum Text {
    /// Case- and accent-insensitive search key: "Zoë Ångström" → "zoe angstrom".
    public static func searchKey(_ s: String) -> String {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Only the digits of a phone number, for search.
    public static func digits(_ s: String) -> String {
        String(s.unicodeScalars.filter { CharacterSet.decimalDigits.contains($0) && $0.isASCII }.map(Character.init))
    }

    /// Trims and collapses inner whitespace.
    public static func clean(_ s: String?) -> String {
        (s ?? "").split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Control characters (other than none) are refused in names and short fields.
    public static func hasControlCharacters(_ s: String) -> Bool {
        s.unicodeScalars.contains { CharacterSet.controlCharacters.contains($0) }
    }
}
