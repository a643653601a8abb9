import Foundation

/// Who the clinic is, as its letterhead and (later) its claims say: the legal name, the address, the phone and fax, the
/// organization's NPI and its federal tax id (EIN). A new clinic has none; each printed report shows what is set.
public struct ClinicIdentity: Sendable, Equatable, Codable {
    public var legalName: String?
    public var addressLine1: String?
    public var addressLine2: String?
    public var city: String?
    /// The USPS two-letter code.
    public var state: String?
    /// ZIP or ZIP+4.
    public var postalCode: String?
    public var phone: String?
    public var fax: String?
    /// The organization's (type 2) NPI, check digit verified.
    public var npi: String?
    /// The Employer Identification Number, `NN-NNNNNNN`.
    public var taxID: String?

    public init(legalName: String? = nil, addressLine1: String? = nil, addressLine2: String? = nil, city: String? = nil, state: String? = nil,
                postalCode: String? = nil, phone: String? = nil, fax: String? = nil, npi: String? = nil, taxID: String? = nil) {
        self.legalName = legalName
        self.addressLine1 = addressLine1
        self.addressLine2 = addressLine2
        self.city = city
        self.state = state
        self.postalCode = postalCode
        self.phone = phone
        self.fax = fax
        self.npi = npi
        self.taxID = taxID
    }

    public var isEmpty: Bool { self == ClinicIdentity() }

    /// The letterhead's address lines: street lines, then "City, ST 12345".
    public var addressLines: [String] {
        let place = [self.city, [self.state, self.postalCode].compactMap { $0 }.joined(separator: " ")].compactMap { $0 }
            .filter { !$0.isEmpty }.joined(separator: ", ")
        return [self.addressLine1, self.addressLine2, place].compactMap { $0 }.filter { !$0.isEmpty }
    }

    /// USPS state and territory codes (USPS Publication 28, appendix B).
    public static let stateCodes: Set<String> = [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD",
        "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
        "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI",
    ]

    /// Every field as typed, cleaned and checked; errors on `identity.<field>`. Blank fields are left unset.
    public static func validated(_ input: ClinicIdentity) throws(ValidationFailure) -> ClinicIdentity {
        var v = AssessmentValidator()
        func f(_ name: String) -> String { "identity." + name }
        var out = ClinicIdentity()
        out.legalName = v.line(input.legalName, f("legalName"), "Legal name", max: 120)
        out.addressLine1 = v.line(input.addressLine1, f("addressLine1"), "Address", max: 100)
        out.addressLine2 = v.line(input.addressLine2, f("addressLine2"), "Address line 2", max: 100)
        out.city = v.line(input.city, f("city"), "City", max: 60)
        if let state = v.line(input.state, f("state"), "State", max: 2)?.uppercased() {
            if Self.stateCodes.contains(state) { out.state = state } else { v.add(f("state"), "Use the two-letter USPS code (e.g. IL).") }
        }
        if let zip = v.line(input.postalCode, f("postalCode"), "ZIP code", max: 12) {
            let digits = zip.filter(\.isNumber)
            let shaped = zip.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "-") } && (digits.count == 5 || digits.count == 9)
            if shaped { out.postalCode = digits.count == 9 ? digits.prefix(5) + "-" + digits.suffix(4) : digits } else { v.add(f("postalCode"), "A ZIP code is 5 digits or ZIP+4 (60601-1234).") }
        }
        for (key, label) in [("phone", "Phone"), ("fax", "Fax")] {
            let raw = key == "phone" ? input.phone : input.fax
            if let number = v.line(raw, f(key), label, max: 30) {
                if let problem = Text.phoneProblem(number) { v.add(f(key), "\(label) \(problem)") } else if key == "phone" { out.phone = number } else { out.fax = number }
            }
        }
        if let npi = v.line(input.npi, f("npi"), "NPI", max: 14) {
            if let problem = NPI.problem(npi) { v.add(f("npi"), problem) } else { out.npi = NPI.normalize(npi) }
        }
        if let ein = v.line(input.taxID, f("taxID"), "Tax id", max: 12) {
            let digits = ein.filter(\.isNumber)
            if digits.count == 9, ein.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) {
                out.taxID = digits.prefix(2) + "-" + digits.suffix(7)
            } else {
                v.add(f("taxID"), "The tax id (EIN) is 9 digits, written 12-3456789.")
            }
        }
        try v.finish()
        return out
    }
}
