import Foundation

// The clinic's own settings for plans and progress (issue 4): the plateau and re-evaluation rules, whether plans need a
// provider's certification, and the technique list. The reference gives none of these numbers (§1 has no plateau or
// re-evaluation rule), so each is the clinic's to set; the defaults are issue 4's.

public struct ClinicSettings: Sendable, Equatable, Codable {
    public var progress: ProgressSettings
    public var certification: CertificationPolicy
    /// The techniques offered on plans and notes, in display order.
    public var techniques: [Technique]
    /// Techniques no longer offered. Kept, never deleted: plans and signed notes still name them.
    public var retiredTechniques: [Technique]
    /// When visit counters warn (issue 11).
    public var counters: CounterSettings
    /// The clinic's letterhead (issue 11).
    public var identity: ClinicIdentity
    /// What an e-mail notice of a progress report may say about the patient (issue 11).
    public var reportNotice: ReportNoticeDetail
    /// The clinic's IANA time zone (issue 13): every time people type or read is local to it; instants stay UTC.
    public var timeZone: String
    /// How many hours before a visit the patient is reminded by e-mail; 0 sends no reminders.
    public var reminderHours: Int
    /// Whether clinicians' calendar feeds show the patient's initials (otherwise only "Visit").
    public var feedShowsInitials: Bool
    /// A cancellation later than this many hours before the visit counts as late.
    public var cancellationNoticeHours: Int

    public init(progress: ProgressSettings = .standard, certification: CertificationPolicy = CertificationPolicy(required: true),
                techniques: [Technique] = TechniqueCatalog.standard, retiredTechniques: [Technique] = [], counters: CounterSettings = .standard,
                identity: ClinicIdentity = ClinicIdentity(), reportNotice: ReportNoticeDetail = .none,
                timeZone: String = "UTC", reminderHours: Int = 0, feedShowsInitials: Bool = true, cancellationNoticeHours: Int = 24) {
        self.cancellationNoticeHours = cancellationNoticeHours
        self.timeZone = timeZone
        self.reminderHours = reminderHours
        self.feedShowsInitials = feedShowsInitials
        self.progress = progress
        self.certification = certification
        self.techniques = techniques
        self.retiredTechniques = retiredTechniques
        self.counters = counters
        self.identity = identity
        self.reportNotice = reportNotice
    }

    enum CodingKeys: String, CodingKey { case progress, certification, techniques, retiredTechniques, counters, identity, reportNotice, timeZone, reminderHours, feedShowsInitials, cancellationNoticeHours }

    /// Versions saved before a setting existed read with its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.progress = try c.decode(ProgressSettings.self, forKey: .progress)
        self.certification = try c.decode(CertificationPolicy.self, forKey: .certification)
        self.techniques = try c.decode([Technique].self, forKey: .techniques)
        self.retiredTechniques = try c.decode([Technique].self, forKey: .retiredTechniques)
        self.counters = try c.decodeIfPresent(CounterSettings.self, forKey: .counters) ?? .standard
        self.identity = try c.decodeIfPresent(ClinicIdentity.self, forKey: .identity) ?? ClinicIdentity()
        self.reportNotice = try c.decodeIfPresent(ReportNoticeDetail.self, forKey: .reportNotice) ?? .none
        self.timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone) ?? "UTC"
        self.reminderHours = try c.decodeIfPresent(Int.self, forKey: .reminderHours) ?? 0
        self.feedShowsInitials = try c.decodeIfPresent(Bool.self, forKey: .feedShowsInitials) ?? true
        self.cancellationNoticeHours = try c.decodeIfPresent(Int.self, forKey: .cancellationNoticeHours) ?? 24
    }

    /// Issue 4's defaults: plateau over 4 sessions or 4 weeks, re-evaluation every 10 visits or 30 days, certification
    /// asked for, the standard technique list.
    public static let standard = ClinicSettings()

    /// The clinic's clock (UTC if a stored name ever stopped loading, rather than failing every page).
    public var clock: ClinicClock { ClinicClock(identifier: self.timeZone) ?? .utc }

    /// Every technique a plan or note may name when it is read back (offered and retired), for labels.
    public var knownTechniques: [Technique] { self.techniques + self.retiredTechniques }

    public func techniqueLabel(_ code: String) -> String {
        TechniqueCatalog.technique(code, in: self.knownTechniques)?.label ?? code
    }
}

/// The settings form and the API body. Every field is optional so that a partial body changes only what it names;
/// `techniques`, when given, is the whole offered list.
public struct ClinicSettingsInput: Codable, Sendable, Equatable {
    public struct TechniqueInput: Codable, Sendable, Equatable {
        public var code: String?
        public var label: String?
        public var cpt: String?

        public init(code: String? = nil, label: String? = nil, cpt: String? = nil) {
            self.code = code
            self.label = label
            self.cpt = cpt
        }
    }

    public var plateauSessions: Int?
    public var plateauWeeks: Int?
    public var reEvaluationEveryVisits: Int?
    public var reEvaluationEveryDays: Int?
    public var certificationRequired: Bool?
    public var techniques: [TechniqueInput]?
    public var alertVisitsLeft: Int?
    public var alertDaysToExpiry: Int?
    /// The clinic's letterhead, whole when given (a blank field clears it).
    public var identity: ClinicIdentity?
    public var reportNotice: String?
    /// An IANA zone name (`America/Chicago`).
    public var timeZone: String?
    /// Hours before a visit to remind the patient; 0 turns reminders off.
    public var reminderHours: Int?
    public var feedShowsInitials: Bool?
    public var cancellationNoticeHours: Int?

    public init(plateauSessions: Int? = nil, plateauWeeks: Int? = nil, reEvaluationEveryVisits: Int? = nil, reEvaluationEveryDays: Int? = nil,
                certificationRequired: Bool? = nil, techniques: [TechniqueInput]? = nil, alertVisitsLeft: Int? = nil, alertDaysToExpiry: Int? = nil, identity: ClinicIdentity? = nil, reportNotice: String? = nil,
                timeZone: String? = nil, reminderHours: Int? = nil, feedShowsInitials: Bool? = nil, cancellationNoticeHours: Int? = nil) {
        self.cancellationNoticeHours = cancellationNoticeHours
        self.timeZone = timeZone
        self.reminderHours = reminderHours
        self.feedShowsInitials = feedShowsInitials
        self.identity = identity
        self.reportNotice = reportNotice
        self.alertVisitsLeft = alertVisitsLeft
        self.alertDaysToExpiry = alertDaysToExpiry
        self.plateauSessions = plateauSessions
        self.plateauWeeks = plateauWeeks
        self.reEvaluationEveryVisits = reEvaluationEveryVisits
        self.reEvaluationEveryDays = reEvaluationEveryDays
        self.certificationRequired = certificationRequired
        self.techniques = techniques
    }

    public static let maxTechniques = 60

    /// The settings after this change. Errors: `plateauSessions`, `plateauWeeks`, `reEvaluationEveryVisits`,
    /// `reEvaluationEveryDays`, `techniques`, `techniques[i].label|code|cpt`. A technique left out of the list is retired,
    /// not deleted; one given again comes back (its code is kept).
    public func applied(to current: ClinicSettings) throws(ValidationFailure) -> ClinicSettings {
        var next = current
        next.progress = ProgressSettings(plateauSessions: self.plateauSessions ?? current.progress.plateauSessions,
                                         plateauWeeks: self.plateauWeeks ?? current.progress.plateauWeeks,
                                         reEvaluationEveryVisits: self.reEvaluationEveryVisits ?? current.progress.reEvaluationEveryVisits,
                                         reEvaluationEveryDays: self.reEvaluationEveryDays ?? current.progress.reEvaluationEveryDays)
        var errors: [FieldError] = []
        do { try next.progress.validate() } catch { errors += error.errors }
        if let required = self.certificationRequired { next.certification = CertificationPolicy(required: required) }
        next.counters = CounterSettings(alertVisitsLeft: self.alertVisitsLeft ?? current.counters.alertVisitsLeft,
                                        alertDaysToExpiry: self.alertDaysToExpiry ?? current.counters.alertDaysToExpiry)
        do { try next.counters.validate() } catch { errors += error.errors }
        if let notice = self.reportNotice {
            if let detail = ReportNoticeDetail(rawValue: notice) { next.reportNotice = detail } else {
                errors.append(FieldError("reportNotice", "Use one of " + ReportNoticeDetail.allCases.map(\.rawValue).joined(separator: ", ") + "."))
            }
        }
        if let zone = self.timeZone.map({ Text.clean($0) }) {
            if ClinicClock(identifier: zone) != nil { next.timeZone = zone } else {
                errors.append(FieldError("timeZone", "Use an IANA time-zone name such as America/Chicago (not an abbreviation like CST)."))
            }
        }
        if let shows = self.feedShowsInitials { next.feedShowsInitials = shows }
        if let notice = self.cancellationNoticeHours {
            if (0...AppointmentReminder.maxHours).contains(notice) { next.cancellationNoticeHours = notice } else {
                errors.append(FieldError("cancellationNoticeHours", "The notice is 0 to \(AppointmentReminder.maxHours) hours."))
            }
        }
        if let hours = self.reminderHours {
            if (0...AppointmentReminder.maxHours).contains(hours) { next.reminderHours = hours } else {
                errors.append(FieldError("reminderHours", "Remind 1 to \(AppointmentReminder.maxHours) hours before a visit, or 0 for no reminders."))
            }
        }
        if let identity = self.identity {
            do { next.identity = try ClinicIdentity.validated(identity) } catch { errors += error.errors }
        }
        if let list = self.techniques {
            var v = AssessmentValidator()
            if list.isEmpty { v.add("techniques", "Offer at least one technique.") }
            if list.count > Self.maxTechniques { v.add("techniques", "At most \(Self.maxTechniques) techniques.") }
            var offered: [Technique] = []
            for (i, t) in list.enumerated() {
                let f = "techniques[\(i)]"
                let label = v.requiredLine(t.label, "\(f).label", "Technique name", max: 80)
                if label.isEmpty { continue }
                let given = Text.clean(t.code)
                let code = given.isEmpty ? Self.code(for: label) : given
                if !given.isEmpty, !Self.isCode(given) {
                    v.add("\(f).code", "Use lower-case letters, digits and hyphens (e.g. myofascial-release).")
                    continue
                }
                if code.isEmpty { v.add("\(f).label", "The name needs at least one letter or digit."); continue }
                if offered.contains(where: { $0.code == code || TechniqueCatalog.key($0.label) == TechniqueCatalog.key(label) }) {
                    v.add("\(f).label", "“\(label)” is already in the list.")
                    continue
                }
                let cpt = Text.clean(t.cpt)
                if !cpt.isEmpty, !(cpt.count == 5 && cpt.allSatisfy(\.isASCII) && cpt.allSatisfy(\.isNumber)) {
                    v.add("\(f).cpt", "A CPT code is five digits (e.g. 97140).")
                    continue
                }
                let known = current.knownTechniques.first { $0.code == code }
                offered.append(Technique(code: code, label: label, cpt: cpt.isEmpty ? nil : cpt, source: known?.source))
            }
            errors += v.errors
            let kept = Set(offered.map(\.code))
            next.techniques = offered
            next.retiredTechniques = current.knownTechniques.filter { !kept.contains($0.code) }
        }
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        return next
    }

    /// "Cross-fiber friction (CFF)" → "cross-fiber-friction-cff".
    static func code(for label: String) -> String {
        let folded = Text.searchKey(label)
        var out = ""
        for ch in folded {
            if ch.isASCII && (ch.isLetter || ch.isNumber) { out.append(ch) } else if !out.hasSuffix("-") && !out.isEmpty { out.append("-") }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return String(out.prefix(60))
    }

    static func isCode(_ s: String) -> Bool {
        s.count <= 60 && !s.hasPrefix("-") && !s.hasSuffix("-") && s.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }
}

/// What an e-mail notice of a signed progress report says about the patient. E-mail is not a secure channel, so the
/// report itself never travels by e-mail; the notice says where to get it. HIPAA 164.312(e)(1) leaves the choice to the
/// clinic's risk analysis: the default names no patient at all.
public enum ReportNoticeDetail: String, Sendable, Codable, CaseIterable {
    /// "A progress report for a patient you referred is ready."
    case none
    /// The patient's record number as well (no name, no date of birth).
    case recordNumber

    public var label: String {
        switch self {
        case .none: "Nothing about the patient"
        case .recordNumber: "The patient's record number only"
        }
    }
}
