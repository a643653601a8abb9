import Foundation

/// The National Provider Identifier: ten digits, the last a Luhn check digit computed over the first nine with the
/// prefix 80840 (the NPI's ISO 7812 issuer prefix). CMS, "Requirements for the NPI check digit" (the NPI final rule,
/// 45 CFR 162.406): the check digit of 123456789 is 3, so 1234567893 is well formed.
public enum NPI {
    /// Digits only, or nil when the text holds anything else than ten digits (spaces and dashes are dropped first).
    public static func normalize(_ text: String) -> String? {
        let compact = text.filter { !$0.isWhitespace && $0 != "-" }
        guard compact.count == 10, compact.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return compact
    }

    /// The check digit for nine digits: Luhn, doubling every second digit from the right of the nine, plus 24 for the
    /// prefix 80840 (its doubled digits add up to 24).
    public static func checkDigit(_ nine: String) -> Int? {
        let digits = nine.compactMap(\.wholeNumberValue)
        guard digits.count == 9, nine.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var sum = 24
        for (i, d) in digits.reversed().enumerated() {
            if i % 2 == 0 {
                let doubled = d * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += d
            }
        }
        return (10 - sum % 10) % 10
    }

    public static func isValid(_ text: String) -> Bool {
        guard let npi = self.normalize(text), let check = self.checkDigit(String(npi.prefix(9))) else { return false }
        return npi.last?.wholeNumberValue == check
    }

    /// The field error for a typed NPI, or nil when it is well formed.
    public static func problem(_ text: String) -> String? {
        guard let npi = self.normalize(text) else { return "An NPI is ten digits." }
        return self.isValid(npi) ? nil : "\(npi) is not a valid NPI: its check digit is wrong."
    }
}
