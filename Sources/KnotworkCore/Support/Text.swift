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

    /// The problem with a phone number as typed, or nil: 7 to 15 digits, and only digits, spaces, + - ( ) or dots.
    public static func phoneProblem(_ phone: String) -> String? {
        let ok = (7...15).contains(self.digits(phone).count) && !phone.contains(where: { !($0.isNumber || " +-().".contains($0)) })
        return ok ? nil : "must have 7 to 15 digits and only digits, spaces, + - ( ) or dots."
    }

    /// The problem with an e-mail address as typed, or nil (one @, a dotted domain, no spaces).
    public static func emailProblem(_ email: String) -> String? {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        let ok = parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !email.contains(" ")
        return ok ? nil : "must look like name@example.org."
    }
}
