import Foundation

// Referrals (a provider's order for massage therapy) and payer authorizations, each with its own visit counter. What an
// order holds follows the typical prescription content of the payer policies (Premera/LifeWise 8.03.502 and the state
// workers' comp guidance): diagnoses with ICD-10-CM codes, the ordered service, frequency and duration, the number of
// visits, goals, precautions, and the prescriber's name and NPI. A payer authorization names the payer, its number and
// the visits it allows in a date range.

public enum ReferralKind: String, Codable, CaseIterable, Sendable {
    /// The referring provider's order.
    case order
    /// A payer's authorization of visits.
    case authorization

    public var label: String {
        switch self {
        case .order: "Referral"
        case .authorization: "Payer authorization"
        }
    }
}

/// `received`, `active` and `cancelled` are set by people; `exhausted` and `expired` follow from the counter and the
/// date (`VisitCounter.status`), so they can never disagree with the visits counted.
public enum ReferralStatus: String, Codable, CaseIterable, Sendable {
    case received
    case active
    case exhausted
    case expired
    case cancelled

    public var label: String {
        switch self {
        case .received: "Received"
        case .active: "Active"
        case .exhausted: "Exhausted"
        case .expired: "Expired"
        case .cancelled: "Cancelled"
        }
    }

    /// The statuses kept in the database; the other two are derived.
    public static let stored: [ReferralStatus] = [.received, .active, .cancelled]

    public func mayMove(to next: ReferralStatus) -> Bool {
        switch (self, next) {
        case (.received, .active), (.received, .cancelled), (.active, .cancelled): true
        default: false
        }
    }
}

/// A provider outside Knotwork: who the progress reports go back to.
public struct ExternalProvider: Codable, Sendable, Equatable {
    public var name: String
    public var npi: String
    public var practice: String?
    public var phone: String?
    public var fax: String?
    /// A secure (direct or encrypted) e-mail address, for notifications.
    public var email: String?

    public init(name: String, npi: String, practice: String? = nil, phone: String? = nil, fax: String? = nil, email: String? = nil) {
        self.name = name
        self.npi = npi
        self.practice = practice
        self.phone = phone
        self.fax = fax
        self.email = email
    }
}

public struct Referral: Codable, Sendable, Equatable {
    public var kind: ReferralKind
    /// An order's referring provider when they are a Knotwork user (a medical provider).
    public var providerUserID: UUID?
    /// The referring provider's name as shown (the user's display name, or the external provider's name).
    public var providerName: String?
    public var external: ExternalProvider?
    /// An authorization's payer and number.
    public var payer: String?
    public var authorizationNumber: String?
    /// ICD-10-CM codes, each valid on `receivedOn`.
    public var diagnoses: [String]
    /// The ordered service ("Medical massage: myofascial release, trigger-point therapy (97140)").
    public var service: String?
    public var frequencyPerWeek: Double?
    public var durationWeeks: Int?
    public var authorizedVisits: Int
    /// The referral's date (the order was written, or the authorization issued).
    public var receivedOn: CalendarDate
    public var start: CalendarDate
    /// The last day a visit may count against it.
    public var expiry: CalendarDate
    public var goals: String?
    public var notes: String?

    public init(kind: ReferralKind, providerUserID: UUID? = nil, providerName: String? = nil, external: ExternalProvider? = nil,
                payer: String? = nil, authorizationNumber: String? = nil, diagnoses: [String] = [], service: String? = nil,
                frequencyPerWeek: Double? = nil, durationWeeks: Int? = nil, authorizedVisits: Int, receivedOn: CalendarDate,
                start: CalendarDate, expiry: CalendarDate, goals: String? = nil, notes: String? = nil) {
        self.kind = kind
        self.providerUserID = providerUserID
        self.providerName = providerName
        self.external = external
        self.payer = payer
        self.authorizationNumber = authorizationNumber
        self.diagnoses = diagnoses
        self.service = service
        self.frequencyPerWeek = frequencyPerWeek
        self.durationWeeks = durationWeeks
        self.authorizedVisits = authorizedVisits
        self.receivedOn = receivedOn
        self.start = start
        self.expiry = expiry
        self.goals = goals
        self.notes = notes
    }

    /// "Dr Name (referral)" or "Payer #123 (payer authorization)": how a counter is named on the chart and the schedule.
    public var title: String {
        switch self.kind {
        case .order: "Referral from \(self.providerName ?? "an unnamed provider")"
        case .authorization: "\(self.payer ?? "Payer") authorization" + (self.authorizationNumber.map { " \($0)" } ?? "")
        }
    }

    /// "2×/week for 6 weeks".
    public var frequencyText: String? {
        guard let f = self.frequencyPerWeek else { return nil }
        let times = f == f.rounded() ? String(Int(f)) : String(f)
        return "\(times)×/week" + (self.durationWeeks.map { " for \($0) weeks" } ?? "")
    }
}

public enum ReferralLimits {
    /// Our bound against typing errors (a year of daily visits); the reference is silent.
    public static let visits = 1...366
    public static let frequencyPerWeek = 0.25...7.0
    public static let durationWeeks = 1...104
    /// How long one order or authorization may run: two years.
    public static let maxDays = 2 * 366
    public static let diagnoses = 12
    /// A scanned order (PDF or image).
    public static let documentBytes = 10 * 1024 * 1024
}

/// A referral or authorization as the form or the API sends it; `validated` names every problem at once.
public struct ReferralInput: Codable, Sendable, Equatable {
    public struct ExternalInput: Codable, Sendable, Equatable {
        public var name: String?
        public var npi: String?
        public var practice: String?
        public var phone: String?
        public var fax: String?
        public var email: String?

        public init(name: String? = nil, npi: String? = nil, practice: String? = nil, phone: String? = nil, fax: String? = nil, email: String? = nil) {
            self.name = name
            self.npi = npi
            self.practice = practice
            self.phone = phone
            self.fax = fax
            self.email = email
        }

        var isBlank: Bool { [self.name, self.npi, self.practice, self.phone, self.fax, self.email].allSatisfy { Text.clean($0).isEmpty } }
    }

    public var kind: String?
    public var status: String?
    public var providerUserId: UUID?
    public var external: ExternalInput?
    public var payer: String?
    public var authorizationNumber: String?
    public var diagnoses: [String]?
    public var service: String?
    public var frequencyPerWeek: Double?
    public var durationWeeks: Int?
    public var authorizedVisits: Int?
    public var receivedOn: String?
    public var start: String?
    public var expiry: String?
    public var goals: String?
    public var notes: String?

    public init(kind: String? = nil, status: String? = nil, providerUserId: UUID? = nil, external: ExternalInput? = nil, payer: String? = nil,
                authorizationNumber: String? = nil, diagnoses: [String]? = nil, service: String? = nil, frequencyPerWeek: Double? = nil,
                durationWeeks: Int? = nil, authorizedVisits: Int? = nil, receivedOn: String? = nil, start: String? = nil, expiry: String? = nil,
                goals: String? = nil, notes: String? = nil) {
        self.kind = kind
        self.status = status
        self.providerUserId = providerUserId
        self.external = external
        self.payer = payer
        self.authorizationNumber = authorizationNumber
        self.diagnoses = diagnoses
        self.service = service
        self.frequencyPerWeek = frequencyPerWeek
        self.durationWeeks = durationWeeks
        self.authorizedVisits = authorizedVisits
        self.receivedOn = receivedOn
        self.start = start
        self.expiry = expiry
        self.goals = goals
        self.notes = notes
    }

    /// - Parameters:
    ///   - providers: the active medical-provider users, by id, with the name a referral shows.
    ///   - today: a referral may not be dated in the future.
    /// - Returns: the referral and the status it starts in (`active` unless told `received`).
    public func validated(providers: [UUID: String], today: CalendarDate) throws(ValidationFailure) -> (Referral, ReferralStatus) {
        var v = AssessmentValidator()
        let kind = self.kind.map { ReferralKind(rawValue: $0) } ?? .order
        if kind == nil { v.add("kind", "Kind must be order or authorization.") }
        var status = ReferralStatus.active
        if let s = self.status, !s.isEmpty {
            if let parsed = ReferralStatus(rawValue: s), parsed == .active || parsed == .received { status = parsed } else {
                v.add("status", "A new referral is received or active.")
            }
        }
        func date(_ text: String?, _ field: String, _ label: String) -> CalendarDate? {
            guard let text, !text.isEmpty else { v.add(field, "\(label) is required, as YYYY-MM-DD."); return nil }
            guard let d = CalendarDate(text) else { v.add(field, "\(label) must be a date written YYYY-MM-DD."); return nil }
            return d
        }
        let received = date(self.receivedOn, "receivedOn", "The referral's date")
        let start = date(self.start, "start", "Start")
        let expiry = date(self.expiry, "expiry", "Expiry")
        if let received, received > today { v.add("receivedOn", "The referral's date cannot be in the future.") }
        if let start, let expiry {
            if expiry < start {
                v.add("expiry", "Expiry cannot be before the start.")
            } else if expiry.dayNumber - start.dayNumber > ReferralLimits.maxDays {
                v.add("expiry", "A referral may run at most two years.")
            }
        }
        if let visits = self.authorizedVisits {
            if !ReferralLimits.visits.contains(visits) {
                v.add("authorizedVisits", "Authorized visits must be \(ReferralLimits.visits.lowerBound)–\(ReferralLimits.visits.upperBound).")
            }
        } else {
            v.add("authorizedVisits", "Authorized visits is required.")
        }
        if let f = self.frequencyPerWeek, !ReferralLimits.frequencyPerWeek.contains(f) {
            v.add("frequencyPerWeek", "Frequency must be 0.25–7 visits a week.")
        }
        if let w = self.durationWeeks, !ReferralLimits.durationWeeks.contains(w) {
            v.add("durationWeeks", "Duration must be 1–104 weeks.")
        }

        // Diagnoses: ICD-10-CM codes valid on the referral's date (an order needs one; an authorization may name them).
        var codes: [String] = []
        let typed = (self.diagnoses ?? []).map { Text.clean($0) }
        if typed.count > ReferralLimits.diagnoses { v.add("diagnoses", "At most \(ReferralLimits.diagnoses) diagnoses.") }
        for (i, text) in typed.enumerated() where !text.isEmpty && i < ReferralLimits.diagnoses {
            switch ICD10Catalog.validate(code: text, on: received ?? today) {
            case .success(let code):
                if codes.contains(code.code) { v.add("diagnoses[\(i)]", "\(code.code) is listed twice.") } else { codes.append(code.code) }
            case .failure(let refusal):
                v.add("diagnoses[\(i)]", refusal.message)
            }
        }

        var providerName: String?
        var external: ExternalProvider?
        var payer: String?
        var number: String?
        if kind == .order {
            if codes.isEmpty && !typed.contains(where: { !$0.isEmpty }) { v.add("diagnoses[0]", "A referral names at least one diagnosis.") }
            let ext = self.external.flatMap { $0.isBlank ? nil : $0 }
            switch (self.providerUserId, ext) {
            case (let id?, nil):
                if let name = providers[id] { providerName = name } else { v.add("providerUserId", "Choose an active medical provider of the clinic.") }
            case (nil, let e?):
                let name = v.requiredLine(e.name, "external.name", "The provider's name")
                let npi = Text.clean(e.npi)
                if npi.isEmpty { v.add("external.npi", "The provider's NPI is required.") } else if let problem = NPI.problem(npi) {
                    v.add("external.npi", problem)
                }
                let practice = v.line(e.practice, "external.practice", "Practice")
                let phone = v.line(e.phone, "external.phone", "Phone", max: 30)
                if let phone, let problem = Text.phoneProblem(phone) { v.add("external.phone", "Phone \(problem)") }
                let fax = v.line(e.fax, "external.fax", "Fax", max: 30)
                if let fax, let problem = Text.phoneProblem(fax) { v.add("external.fax", "Fax \(problem)") }
                let email = v.line(e.email, "external.email", "Secure e-mail", max: 254)
                if let email, let problem = Text.emailProblem(email) { v.add("external.email", "Secure e-mail \(problem)") }
                providerName = name
                external = ExternalProvider(name: name, npi: NPI.normalize(npi) ?? npi, practice: practice, phone: phone, fax: fax, email: email)
            case (.some, .some):
                v.add("providerUserId", "Choose a clinic provider or enter an outside provider, not both.")
            case (nil, nil):
                v.add("providerUserId", "Choose the referring provider, or enter an outside provider with their NPI.")
            }
        } else if kind == .authorization {
            payer = v.requiredLine(self.payer, "payer", "Payer")
            number = v.requiredLine(self.authorizationNumber, "authorizationNumber", "Authorization number", max: 60)
        }
        let service = v.line(self.service, "service", "Ordered service", max: AssessmentLimits.statement)
        let goals = v.text(self.goals, "goals", "The provider's goals")
        let notes = v.text(self.notes, "notes", "Notes")
        try v.finish()
        let referral = Referral(kind: kind!, providerUserID: kind == .order ? self.providerUserId : nil, providerName: providerName, external: external,
                                payer: payer, authorizationNumber: number, diagnoses: codes, service: service, frequencyPerWeek: self.frequencyPerWeek,
                                durationWeeks: self.durationWeeks, authorizedVisits: self.authorizedVisits!, receivedOn: received!, start: start!,
                                expiry: expiry!, goals: goals, notes: notes)
        return (referral, status)
    }
}

/// A move of a referral's status by a person: activation or cancellation (which says why).
public struct ReferralStatusChange: Codable, Sendable, Equatable {
    public var status: String?
    public var reason: String?

    public init(status: String? = nil, reason: String? = nil) {
        self.status = status
        self.reason = reason
    }

    public func validated(from current: ReferralStatus) throws(ValidationFailure) -> (ReferralStatus, String?) {
        var v = AssessmentValidator()
        let next = self.status.flatMap(ReferralStatus.init(rawValue:))
        if next == nil || !(next == .active || next == .cancelled) { v.add("status", "Status must be active or cancelled.") }
        let reason = v.line(self.reason, "reason", "Reason", max: AssessmentLimits.statement)
        if next == .cancelled && reason == nil { v.add("reason", "Say why the referral is cancelled.") }
        try v.finish()
        guard current.mayMove(to: next!) else {
            throw ValidationFailure([FieldError("status", "A \(current.label.lowercased()) referral cannot become \(next!.label.lowercased()).")])
        }
        return (next!, reason)
    }
}

/// A scanned order's type, from its first bytes (never from its name or the type the browser claims): PDF, PNG, JPEG.
public enum ScannedDocumentType: String, Sendable, CaseIterable {
    case pdf = "application/pdf"
    case png = "image/png"
    case jpeg = "image/jpeg"

    public var fileExtension: String {
        switch self {
        case .pdf: "pdf"
        case .png: "png"
        case .jpeg: "jpg"
        }
    }

    public static func sniff(_ bytes: some Collection<UInt8>) -> ScannedDocumentType? {
        let head = Array(bytes.prefix(8))
        if head.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        return nil
    }

    /// The document's type, or the field error to show: too large, empty, or not a PDF, PNG or JPEG whatever its name.
    public static func check(_ bytes: some Collection<UInt8>) -> Result<ScannedDocumentType, FieldError> {
        if bytes.isEmpty { return .failure(FieldError("document", "The file is empty.")) }
        if bytes.count > ReferralLimits.documentBytes { return .failure(FieldError("document", "The file is larger than 10 MB.")) }
        guard let type = self.sniff(bytes) else {
            return .failure(FieldError("document", "The file is not a PDF, PNG or JPEG (its content was checked, not its name)."))
        }
        return .success(type)
    }
}
