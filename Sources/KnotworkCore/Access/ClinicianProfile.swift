import Foundation

/// A clinician's professional details for what they sign: credentials after the name, their individual (type 1) NPI,
/// and a signature block of up to four lines (license numbers, board certification, a practice line). Kept as
/// versions, so that a signed document shows the block that was in force when it was signed.
public struct ClinicianProfile: Sendable, Equatable, Codable {
    /// "LMT, BCTMB", "PT, DPT".
    public var credentials: String?
    public var npi: String?
    public var signatureBlock: [String]

    public init(credentials: String? = nil, npi: String? = nil, signatureBlock: [String] = []) {
        self.credentials = credentials
        self.npi = npi
        self.signatureBlock = signatureBlock
    }

    public static let maxBlockLines = 4

    /// The lines under a signature: "Name, credentials", "NPI …", then the block.
    public func signatureLines(name: String) -> [String] {
        [self.credentials.map { "\(name), \($0)" } ?? name] + (self.npi.map { ["NPI \($0)"] } ?? []) + self.signatureBlock
    }

    /// The input, cleaned and checked; errors on `credentials`, `npi`, `signatureBlock`.
    public static func validated(credentials: String?, npi: String?, signatureBlock: String?) throws(ValidationFailure) -> ClinicianProfile {
        var v = AssessmentValidator()
        var out = ClinicianProfile()
        out.credentials = v.line(credentials, "credentials", "Credentials", max: 60)
        if let typed = v.line(npi, "npi", "NPI", max: 14) {
            if let problem = NPI.problem(typed) { v.add("npi", problem) } else { out.npi = NPI.normalize(typed) }
        }
        let block = (v.text(signatureBlock, "signatureBlock", "Signature block", max: 400) ?? "")
            .split(whereSeparator: \.isNewline).map { Text.clean(String($0)) }.filter { !$0.isEmpty }
        if block.count > Self.maxBlockLines { v.add("signatureBlock", "At most \(Self.maxBlockLines) lines.") }
        out.signatureBlock = block
        try v.finish()
        return out
    }
}
