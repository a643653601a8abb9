import Foundation

/// The credentials a clinician of each role may hold. The raw values are stored and sent over the API.
public enum LicenseKind: String, Codable, Sendable, CaseIterable {
    case lmt = "LMT"
    /// North Carolina's licensed massage and bodywork therapist.
    case lmbt = "LMBT"
    /// California's voluntary CAMTC certification (there is no state license there).
    case cmt = "CMT"
    /// NCBTMB board certification: national, alongside a state license, never instead of one.
    case bctmb = "BCTMB"
    case pt = "PT"
    case pta = "PTA"
    case lcsw = "LCSW"
    case lpc = "LPC"
    case lmft = "LMFT"
    case psychologist = "PSY"
    case md = "MD"
    case doctorOfOsteopathy = "DO"
    case np = "NP"
    case pa = "PA"

    public var label: String {
        switch self {
        case .lmt: "Licensed massage therapist (LMT)"
        case .lmbt: "Licensed massage and bodywork therapist (LMBT)"
        case .cmt: "CAMTC certified massage therapist (CMT)"
        case .bctmb: "NCBTMB board certification (BCTMB)"
        case .pt: "Physical therapist (PT)"
        case .pta: "Physical therapist assistant (PTA)"
        case .lcsw: "Licensed clinical social worker (LCSW)"
        case .lpc: "Licensed professional counselor (LPC)"
        case .lmft: "Licensed marriage and family therapist (LMFT)"
        case .psychologist: "Psychologist"
        case .md: "Physician (MD)"
        case .doctorOfOsteopathy: "Physician (DO)"
        case .np: "Nurse practitioner (NP)"
        case .pa: "Physician assistant (PA)"
        }
    }

    /// A national certification, issued by a board rather than a state.
    public var isNational: Bool { self == .bctmb }

    /// The jurisdiction a national certification is recorded under.
    public static let nationalJurisdiction = "NCBTMB"

    /// The credentials that let a clinician of `role` treat in a state (a national certification is not one).
    public static func treating(_ role: Role) -> [LicenseKind] {
        switch role {
        case .massageTherapist: [.lmt, .lmbt, .cmt]
        case .physicalTherapist: [.pt, .pta]
        case .behavioralHealth: [.lcsw, .lpc, .lmft, .psychologist]
        case .medicalProvider: [.md, .doctorOfOsteopathy, .np, .pa]
        case .admin, .frontDesk: []
        }
    }

    /// The CE rule's credential name for this kind (the reference names the massage credentials only).
    public var ruleCredential: String? {
        switch self {
        case .lmt: "LMT"
        case .lmbt: "LMBT"
        case .cmt: "CAMTC CMT"
        case .bctmb: "BCTMB"
        default: nil
        }
    }
}

/// What the board's record says of the license.
public enum LicenseStatus: String, Codable, Sendable, CaseIterable {
    case active, inactive, suspended, revoked

    public var label: String { self.rawValue.capitalized }
}

/// How the clinic confirmed the license (ONC and payers' credentialing ask for the primary source).
public enum LicenseVerification: String, Codable, Sendable, CaseIterable {
    /// The board's own online lookup.
    case primarySource = "primary-source"
    /// The license document seen.
    case documentSeen = "document-seen"
    /// The clinician's word only.
    case selfReported = "self-reported"

    public var label: String {
        switch self {
        case .primarySource: "the board's online lookup (primary source)"
        case .documentSeen: "the license document seen"
        case .selfReported: "self-reported, not yet verified"
        }
    }
}

/// One license or certification of one clinician.
public struct License: Codable, Equatable, Sendable {
    public var kind: LicenseKind
    /// A USPS state code, or `NCBTMB` for the board certification.
    public var jurisdiction: String
    public var number: String
    public var issuedOn: CalendarDate
    public var expiresOn: CalendarDate
    public var status: LicenseStatus
    public var verification: LicenseVerification
    public var verifiedOn: CalendarDate?
    /// The renewal period after licensure: the rules that exempt it read this.
    public var firstRenewal: Bool

    public init(kind: LicenseKind, jurisdiction: String, number: String, issuedOn: CalendarDate, expiresOn: CalendarDate,
                status: LicenseStatus = .active, verification: LicenseVerification = .selfReported, verifiedOn: CalendarDate? = nil,
                firstRenewal: Bool = false) {
        self.kind = kind
        self.jurisdiction = jurisdiction
        self.number = number
        self.issuedOn = issuedOn
        self.expiresOn = expiresOn
        self.status = status
        self.verification = verification
        self.verifiedOn = verifiedOn
        self.firstRenewal = firstRenewal
    }

    /// Active, issued and not expired on `day` (a license is good through its expiry date).
    public func isCurrent(on day: CalendarDate) -> Bool {
        self.status == .active && self.issuedOn <= day && day <= self.expiresOn
    }

    /// "LMT IL 034.012345, expires 2027-12-31".
    public var summary: String { "\(self.kind.rawValue) \(self.jurisdiction) \(self.number), expires \(self.expiresOn)" }

    /// The CE rule in force for this license on `day`, if the reference (or the clinic's edit of it) has one.
    public func rule(on day: CalendarDate, in rules: [CERule]) -> CERule? {
        guard let credential = self.kind.ruleCredential else { return nil }
        return CERules.rule(for: self.jurisdiction, on: day, in: rules.filter { $0.credential == credential })
    }

    /// Where the license stands on `today` against its CE rule; without a rule on record only the expiry counts.
    public func compliance(courses: [CECourse], today: CalendarDate, rules: [CERule] = CERules.reference) -> (rule: CERule?, compliance: CECompliance) {
        let rule = self.rule(on: today, in: rules)
        let applied = rule ?? CERule(jurisdiction: self.jurisdiction, credential: self.kind.rawValue, effectiveFrom: self.issuedOn, cycleMonths: 24,
                                     hoursRequired: 0, source: "No CE rule on record")
        return (rule, CECompliance.evaluate(applied, expiry: self.expiresOn, courses: courses, today: today, firstRenewal: self.firstRenewal))
    }
}

/// A license as typed on the form or sent as JSON.
public struct LicenseInput: Codable, Sendable, Equatable {
    public var kind: String?
    public var jurisdiction: String?
    public var number: String?
    public var issuedOn: String?
    public var expiresOn: String?
    public var status: String?
    public var verification: String?
    public var verifiedOn: String?
    public var firstRenewal: Bool?

    public init(kind: String? = nil, jurisdiction: String? = nil, number: String? = nil, issuedOn: String? = nil, expiresOn: String? = nil,
                status: String? = nil, verification: String? = nil, verifiedOn: String? = nil, firstRenewal: Bool? = nil) {
        self.kind = kind
        self.jurisdiction = jurisdiction
        self.number = number
        self.issuedOn = issuedOn
        self.expiresOn = expiresOn
        self.status = status
        self.verification = verification
        self.verifiedOn = verifiedOn
        self.firstRenewal = firstRenewal
    }

    /// Every field's problem at once; nothing is saved while there is one. Only an administrator (`mayVerify`) records
    /// how a license was verified; a clinician's own entry is self-reported.
    public func validated(today: CalendarDate, mayVerify: Bool) throws(ValidationFailure) -> License {
        var errors: [FieldError] = []
        func date(_ text: String?, _ field: String, required: Bool) -> CalendarDate? {
            let text = Text.clean(text)
            guard !text.isEmpty else {
                if required { errors.append(FieldError(field, "Enter the date (YYYY-MM-DD).")) }
                return nil
            }
            guard let d = CalendarDate(text) else { errors.append(FieldError(field, "must be a date written YYYY-MM-DD")); return nil }
            return d
        }
        let kind = LicenseKind(rawValue: Text.clean(self.kind).uppercased())
        if kind == nil { errors.append(FieldError("kind", "Choose the kind of license: " + LicenseKind.allCases.map(\.rawValue).joined(separator: ", ") + ".")) }
        var jurisdiction = Text.clean(self.jurisdiction).uppercased()
        if kind?.isNational == true {
            jurisdiction = LicenseKind.nationalJurisdiction
        } else if !ClinicIdentity.stateCodes.contains(jurisdiction) {
            errors.append(FieldError("jurisdiction", "Use the issuing state's two-letter USPS code (e.g. IL)."))
        }
        let number = Text.clean(self.number)
        if number.isEmpty || number.count > 40 { errors.append(FieldError("number", "Enter the license number (at most 40 characters).")) }
        let issued = date(self.issuedOn, "issuedOn", required: true)
        let expires = date(self.expiresOn, "expiresOn", required: true)
        if let issued, issued > today { errors.append(FieldError("issuedOn", "A license is recorded once it is issued, not before.")) }
        if let issued, let expires, expires <= issued { errors.append(FieldError("expiresOn", "The expiry must be after the issue date.")) }
        let status = LicenseStatus(rawValue: Text.clean(self.status ?? "active").lowercased())
        if status == nil { errors.append(FieldError("status", "Use one of " + LicenseStatus.allCases.map(\.rawValue).joined(separator: ", ") + ".")) }
        var verification = LicenseVerification.selfReported
        var verifiedOn: CalendarDate?
        if case let text = Text.clean(self.verification), !text.isEmpty, text != LicenseVerification.selfReported.rawValue {
            if !mayVerify {
                errors.append(FieldError("verification", "Only an administrator records how a license was verified."))
            } else if let v = LicenseVerification(rawValue: text) {
                verification = v
                verifiedOn = date(self.verifiedOn, "verifiedOn", required: true)
                if let on = verifiedOn, on > today { errors.append(FieldError("verifiedOn", "A verification is recorded once it is done, not before.")) }
            } else {
                errors.append(FieldError("verification", "Use one of " + LicenseVerification.allCases.map(\.rawValue).joined(separator: ", ") + "."))
            }
        }
        guard errors.isEmpty, let kind, let issued, let expires, let status else { throw ValidationFailure(errors) }
        return License(kind: kind, jurisdiction: jurisdiction, number: number, issuedOn: issued, expiresOn: expires, status: status,
                       verification: verification, verifiedOn: verifiedOn, firstRenewal: self.firstRenewal ?? false)
    }
}

/// Whether a clinician may treat in the clinic's state on a day: a treating role needs a current license of its kind
/// issued by that state. The gate applies only once the clinic has recorded its state (its letterhead's address);
/// before that there is nothing to check a license against.
public enum LicenseGate {
    public enum Outcome: Equatable, Sendable {
        /// The role treats no one, or the clinic has no state on record.
        case notApplicable
        case licensed(License)
        /// Why not, in words for the person booking or signing.
        case refused(String)
    }

    public static func check(_ licenses: [License], role: Role, clinicState: String?, on day: CalendarDate) -> Outcome {
        let kinds = LicenseKind.treating(role)
        guard let state = clinicState, !kinds.isEmpty else { return .notApplicable }
        let held = licenses.filter { kinds.contains($0.kind) && $0.jurisdiction == state }
        if let current = held.filter({ $0.isCurrent(on: day) }).max(by: { $0.expiresOn < $1.expiresOn }) { return .licensed(current) }
        let names = kinds.map(\.rawValue).joined(separator: " or ")
        guard let latest = held.max(by: { $0.expiresOn < $1.expiresOn }) else {
            return .refused("No \(names) license for \(state) is on record for \(day).")
        }
        if latest.status != .active { return .refused("The \(latest.summary) is \(latest.status.rawValue).") }
        if day < latest.issuedOn { return .refused("The \(latest.kind.rawValue) \(state) \(latest.number) is issued from \(latest.issuedOn), after \(day).") }
        return .refused("The \(latest.kind.rawValue) \(state) \(latest.number) expired on \(latest.expiresOn).")
    }
}

/// An administrator's exception to the license gate for one clinician over a few days (a renewal filed and not yet
/// posted by the board, say): booking and signing go ahead, and every exception is reported on the compliance page.
public struct LicenseException: Codable, Equatable, Sendable {
    public var startsOn: CalendarDate
    public var endsOn: CalendarDate
    public var reason: String

    /// At most this many days: an exception bridges a gap, it does not replace a license.
    public static let maxDays = 30

    public init(startsOn: CalendarDate, endsOn: CalendarDate, reason: String) {
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.reason = reason
    }

    public func covers(_ day: CalendarDate) -> Bool { self.startsOn <= day && day <= self.endsOn }
}

public struct LicenseExceptionInput: Codable, Sendable, Equatable {
    public var startsOn: String?
    public var endsOn: String?
    public var reason: String?

    public init(startsOn: String? = nil, endsOn: String? = nil, reason: String? = nil) {
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.reason = reason
    }

    public func validated(today: CalendarDate) throws(ValidationFailure) -> LicenseException {
        var errors: [FieldError] = []
        let startText = Text.clean(self.startsOn)
        let start = startText.isEmpty ? today : CalendarDate(startText) ?? today
        if !startText.isEmpty, CalendarDate(startText) == nil { errors.append(FieldError("startsOn", "must be a date written YYYY-MM-DD")) }
        let end = CalendarDate(Text.clean(self.endsOn))
        if end == nil { errors.append(FieldError("endsOn", "Enter the last day of the exception (YYYY-MM-DD).")) }
        if let end {
            if end < start { errors.append(FieldError("endsOn", "The last day must be on or after the first.")) }
            if end.dayNumber - start.dayNumber >= LicenseException.maxDays {
                errors.append(FieldError("endsOn", "An exception lasts at most \(LicenseException.maxDays) days."))
            }
            if end < today { errors.append(FieldError("endsOn", "An exception cannot end in the past.")) }
        }
        let reason = Text.clean(self.reason)
        if reason.count < 10 { errors.append(FieldError("reason", "Say why (at least 10 characters): it is kept and reported.")) }
        guard errors.isEmpty, let end else { throw ValidationFailure(errors) }
        return LicenseException(startsOn: start, endsOn: end, reason: reason)
    }
}
