import Foundation

// The session note (issue 4, PRODUCT.md step 5): a structured SOAP note with interventions, trigger points treated,
// pain before and after, home care and time in and out; its validation; the canonical text a signature hash is
// computed over (the hash itself is computed outside Core, which has no crypto); late entries and overdue notes.
//
// The reference gives no numbers for a session note except the NRS 0–10 (§1.1 [S4][S10]); the minute and hour
// limits are issue 4's; the 24-hour late-entry rule is issue 4's; other limits are marked "our choice".

/// Pressure of one intervention (issue 4).
public enum Pressure: String, Codable, Sendable, CaseIterable, Equatable {
    case light, moderate, deep
}

/// The patient's report of change since the last visit: the structured part of the subjective section.
/// Optional on a first visit.
public enum ChangeSinceLast: String, Codable, Sendable, CaseIterable, Equatable {
    case better, same, worse
}

/// One technique applied to one or more regions for a number of minutes.
public struct Intervention: Codable, Sendable, Equatable {
    /// A technique from the clinic's list (as the list spells it).
    public var technique: String
    /// At least one region, no repeats.
    public var regions: [BodyRegion]
    /// 0–480. Billing units are computed from these minutes elsewhere (§3.3/§3.4).
    public var minutes: Int
    public var pressure: Pressure
    public var response: String

    public init(technique: String, regions: [BodyRegion], minutes: Int, pressure: Pressure, response: String = "") {
        self.technique = technique
        self.regions = regions
        self.minutes = minutes
        self.pressure = pressure
        self.response = response
    }
}

/// A catalog trigger point treated in the session, with tenderness before and after (0–3, the same grading as
/// `TriggerPointFinding`; §5 gives no scale of its own).
public struct TreatedTriggerPoint: Codable, Sendable, Equatable {
    public var muscle: String
    public var side: Side
    public var tendernessBefore: Int
    public var tendernessAfter: Int

    public init(muscle: String, side: Side, tendernessBefore: Int, tendernessAfter: Int) {
        self.muscle = muscle
        self.side = side
        self.tendernessBefore = tendernessBefore
        self.tendernessAfter = tendernessAfter
    }
}

public struct SessionNote: Codable, Sendable, Equatable {
    public struct Subjective: Codable, Sendable, Equatable {
        /// NRS 0–10 on arrival (§1.1).
        public var painToday: Int
        public var changesSinceLast: ChangeSinceLast?
        public var text: String

        public init(painToday: Int, changesSinceLast: ChangeSinceLast? = nil, text: String = "") {
            self.painToday = painToday
            self.changesSinceLast = changesSinceLast
            self.text = text
        }
    }

    public struct Objective: Codable, Sendable, Equatable {
        /// Short findings, one per line.
        public var findings: [String]
        public var text: String

        public init(findings: [String] = [], text: String = "") {
            self.findings = findings
            self.text = text
        }
    }

    public struct Assessment: Codable, Sendable, Equatable {
        public var text: String
        /// Progress toward the plan's goals in the therapist's words.
        public var progressNote: String

        public init(text: String = "", progressNote: String = "") {
            self.text = text
            self.progressNote = progressNote
        }
    }

    public struct Plan: Codable, Sendable, Equatable {
        public var text: String
        public var nextVisit: CalendarDate?

        public init(text: String = "", nextVisit: CalendarDate? = nil) {
            self.text = text
            self.nextVisit = nextVisit
        }
    }

    public var subjective: Subjective
    public var objective: Objective
    public var assessment: Assessment
    public var plan: Plan
    /// In the order they were given.
    public var interventions: [Intervention]
    public var triggerPointsTreated: [TreatedTriggerPoint]
    /// NRS 0–10 after the session; nil only when no intervention was given (a session stopped at the pre-check).
    public var painAfter: Int?
    public var homeCare: [String]
    public var timeIn: Date
    public var timeOut: Date
    /// Safety-rule keys of the standing precautions acknowledged before treatment.
    public var precautionsAcknowledged: [String]
    /// Why treatment went ahead while a hold was in force.
    public var holdOverrideReason: String?

    public init(subjective: Subjective, objective: Objective = .init(), assessment: Assessment = .init(), plan: Plan = .init(),
                interventions: [Intervention], triggerPointsTreated: [TreatedTriggerPoint] = [], painAfter: Int?,
                homeCare: [String] = [], timeIn: Date, timeOut: Date, precautionsAcknowledged: [String] = [],
                holdOverrideReason: String? = nil) {
        self.subjective = subjective
        self.objective = objective
        self.assessment = assessment
        self.plan = plan
        self.interventions = interventions
        self.triggerPointsTreated = triggerPointsTreated
        self.painAfter = painAfter
        self.homeCare = homeCare
        self.timeIn = timeIn
        self.timeOut = timeOut
        self.precautionsAcknowledged = precautionsAcknowledged
        self.holdOverrideReason = holdOverrideReason
    }

    /// Session length in whole minutes (rounded down).
    public var sessionMinutes: Int { Int(self.timeOut.timeIntervalSince(self.timeIn) / 60) }

    public var interventionMinutes: Int { self.interventions.reduce(0) { $0 + $1.minutes } }

    /// Pain before and after, for `ImmediateRelief`; nil when there is no pain-after score.
    /// - Parameter timeZone: the clinic's time zone, which decides the session's calendar date.
    public func reliefPair(timeZone: TimeZone) -> ReliefPair? {
        self.painAfter.map { ReliefPair(before: self.subjective.painToday, after: $0, date: SessionNoteTime.localDate(self.timeIn, timeZone)) }
    }
}

// MARK: - Limits

public struct SessionNoteSettings: Sendable, Equatable, Codable {
    /// One intervention: 0–480 minutes (issue 4: "negative minutes or a session longer than 8 hours" are errors).
    public var maxInterventionMinutes: Int
    /// Time in to time out: at most 8 hours (issue 4).
    public var maxSessionMinutes: Int
    /// How far past `now` a time in or out may be, for clock skew between the tablet and the server. Our choice: 5 minutes.
    public var futureAllowance: TimeInterval

    public init(maxInterventionMinutes: Int = 480, maxSessionMinutes: Int = 480, futureAllowance: TimeInterval = 300) {
        self.maxInterventionMinutes = maxInterventionMinutes
        self.maxSessionMinutes = maxSessionMinutes
        self.futureAllowance = futureAllowance
    }

    public static let standard = SessionNoteSettings()
    /// NRS 0–10 (§1.1 [S4][S10]).
    public static let painRange: ClosedRange<Int> = 0...10
    /// Our choice: a bound against runaway input (a session has a handful of interventions).
    public static let maxInterventions = 30
}

// MARK: - Input

/// What a form or the API sends: everything optional; `validated` names every missing or bad value.
public struct SessionNoteInput: Codable, Sendable, Equatable {
    public struct SubjectiveInput: Codable, Sendable, Equatable {
        public var painToday: Int?
        public var changesSinceLast: String?
        public var text: String?

        public init(painToday: Int? = nil, changesSinceLast: String? = nil, text: String? = nil) {
            self.painToday = painToday
            self.changesSinceLast = changesSinceLast
            self.text = text
        }
    }

    public struct ObjectiveInput: Codable, Sendable, Equatable {
        public var findings: [String]?
        public var text: String?

        public init(findings: [String]? = nil, text: String? = nil) {
            self.findings = findings
            self.text = text
        }
    }

    public struct AssessmentInput: Codable, Sendable, Equatable {
        public var text: String?
        public var progressNote: String?

        public init(text: String? = nil, progressNote: String? = nil) {
            self.text = text
            self.progressNote = progressNote
        }
    }

    public struct PlanInput: Codable, Sendable, Equatable {
        public var text: String?
        /// `YYYY-MM-DD`.
        public var nextVisit: String?

        public init(text: String? = nil, nextVisit: String? = nil) {
            self.text = text
            self.nextVisit = nextVisit
        }
    }

    public struct InterventionInput: Codable, Sendable, Equatable {
        public var technique: String?
        /// Region codes (`lowback.left`, `sacrum`).
        public var regions: [String]?
        public var minutes: Int?
        public var pressure: String?
        public var response: String?

        public init(technique: String? = nil, regions: [String]? = nil, minutes: Int? = nil, pressure: String? = nil, response: String? = nil) {
            self.technique = technique
            self.regions = regions
            self.minutes = minutes
            self.pressure = pressure
            self.response = response
        }
    }

    public struct TriggerPointInput: Codable, Sendable, Equatable {
        public var muscle: String?
        public var side: String?
        public var tendernessBefore: Int?
        public var tendernessAfter: Int?

        public init(muscle: String? = nil, side: String? = nil, tendernessBefore: Int? = nil, tendernessAfter: Int? = nil) {
            self.muscle = muscle
            self.side = side
            self.tendernessBefore = tendernessBefore
            self.tendernessAfter = tendernessAfter
        }
    }

    public var subjective: SubjectiveInput?
    public var objective: ObjectiveInput?
    public var assessment: AssessmentInput?
    public var plan: PlanInput?
    public var interventions: [InterventionInput]?
    public var triggerPointsTreated: [TriggerPointInput]?
    public var painAfter: Int?
    public var homeCare: [String]?
    public var timeIn: Date?
    public var timeOut: Date?
    public var precautionsAcknowledged: [String]?
    public var holdOverrideReason: String?

    public init(subjective: SubjectiveInput? = nil, objective: ObjectiveInput? = nil, assessment: AssessmentInput? = nil,
                plan: PlanInput? = nil, interventions: [InterventionInput]? = nil, triggerPointsTreated: [TriggerPointInput]? = nil,
                painAfter: Int? = nil, homeCare: [String]? = nil, timeIn: Date? = nil, timeOut: Date? = nil,
                precautionsAcknowledged: [String]? = nil, holdOverrideReason: String? = nil) {
        self.subjective = subjective
        self.objective = objective
        self.assessment = assessment
        self.plan = plan
        self.interventions = interventions
        self.triggerPointsTreated = triggerPointsTreated
        self.painAfter = painAfter
        self.homeCare = homeCare
        self.timeIn = timeIn
        self.timeOut = timeOut
        self.precautionsAcknowledged = precautionsAcknowledged
        self.holdOverrideReason = holdOverrideReason
    }

    /// Validates a complete note; every problem is reported at once, in form order, and nothing is written.
    /// - Parameters:
    ///   - techniques: the clinic's technique codes (e.g. `TechniqueCatalog` codes); matched ignoring case, accents and
    ///     separators, stored as the list spells it.
    ///   - now: the server's clock; a time in or out more than `settings.futureAllowance` ahead of it is an error.
    ///   - timeZone: the clinic's time zone, which decides the session's date (the next visit cannot be before it).
    ///   - standingPrecautions: the patient's standing precaution keys; when given, each must be acknowledged and no
    ///     other key may be. nil: keys are only checked for form.
    ///   - holdActive: a stop-and-refer hold is in force; treatment then needs `holdOverrideReason`.
    public func validated(techniques: Set<String>, now: Date, timeZone: TimeZone = TimeZone(identifier: "UTC")!,
                          standingPrecautions: Set<String>? = nil, holdActive: Bool = false,
                          settings: SessionNoteSettings = .standard) throws(ValidationFailure) -> SessionNote {
        var v = AssessmentValidator()
        let pain = SessionNoteSettings.painRange
        func painScore(_ value: Int?, _ field: String, _ label: String, required: Bool) -> Int? {
            guard let value else {
                if required { v.add(field, "\(label) is required (0–10).") }
                return nil
            }
            if !pain.contains(value) { v.add(field, "\(label) must be between \(pain.lowerBound) and \(pain.upperBound).") }
            return value
        }

        // S
        let s = self.subjective ?? SubjectiveInput()
        let painToday = painScore(s.painToday, "subjective.painToday", "Pain today", required: true)
        let change: ChangeSinceLast? = v.choice(s.changesSinceLast, "subjective.changesSinceLast", "Change since the last visit")
        let sText = v.text(s.text, "subjective.text", "Subjective notes") ?? ""
        // O
        let o = self.objective ?? ObjectiveInput()
        let findings = v.lines(o.findings, "objective.findings", "A finding", max: AssessmentLimits.statement)
        let oText = v.text(o.text, "objective.text", "Objective notes") ?? ""
        // A
        let a = self.assessment ?? AssessmentInput()
        let aText = v.text(a.text, "assessment.text", "Assessment notes") ?? ""
        let progressNote = v.text(a.progressNote, "assessment.progressNote", "Progress note") ?? ""
        // P
        let p = self.plan ?? PlanInput()
        let pText = v.text(p.text, "plan.text", "Plan notes") ?? ""
        var nextVisit: CalendarDate?
        let nextText = Text.clean(p.nextVisit)
        if !nextText.isEmpty {
            nextVisit = CalendarDate(nextText)
            if nextVisit == nil { v.add("plan.nextVisit", "Next visit must be a real date written YYYY-MM-DD.") }
        }

        // Interventions
        let lookup = Dictionary(techniques.map { (Self.key($0), $0) }, uniquingKeysWith: { a, b in min(a, b) })
        var interventions: [Intervention] = []
        var minutesComplete = true
        let inputs = self.interventions ?? []
        if inputs.count > SessionNoteSettings.maxInterventions {
            v.add("interventions", "At most \(SessionNoteSettings.maxInterventions) interventions.")
        }
        for (i, input) in inputs.prefix(SessionNoteSettings.maxInterventions).enumerated() {
            let f = "interventions[\(i)]"
            let techniqueText = Text.clean(input.technique)
            var technique = techniqueText
            if techniqueText.isEmpty {
                v.add("\(f).technique", "Technique is required.")
            } else if let known = lookup[Self.key(techniqueText)] {
                technique = known
            } else {
                v.add("\(f).technique", "“\(techniqueText)” is not a known technique.")
            }
            var regions: [BodyRegion] = []
            let regionTexts = input.regions ?? []
            if regionTexts.allSatisfy({ Text.clean($0).isEmpty }) { v.add("\(f).regions", "At least one region is required.") }
            for (j, text) in regionTexts.enumerated() where !Text.clean(text).isEmpty {
                let code = Text.clean(text).lowercased()
                if let region = BodyRegion(code: code) {
                    if regions.contains(region) { v.add("\(f).regions[\(j)]", "“\(code)” is listed twice.") } else { regions.append(region) }
                } else {
                    v.add("\(f).regions[\(j)]", "“\(code)” is not a known body region.")
                }
            }
            let minutes = input.minutes
            if let m = minutes {
                if m < 0 { v.add("\(f).minutes", "Minutes cannot be negative.") }
                if m > settings.maxInterventionMinutes { v.add("\(f).minutes", "Minutes must be at most \(settings.maxInterventionMinutes) (\(Self.duration(settings.maxInterventionMinutes))).") }
                if m < 0 || m > settings.maxInterventionMinutes { minutesComplete = false }
            } else {
                v.add("\(f).minutes", "Minutes are required.")
                minutesComplete = false
            }
            let pressure: Pressure? = v.requiredChoice(input.pressure, "\(f).pressure", "Pressure")
            let response = v.text(input.response, "\(f).response", "Response", max: AssessmentLimits.statement) ?? ""
            interventions.append(Intervention(technique: technique, regions: regions, minutes: minutes ?? 0,
                                              pressure: pressure ?? .light, response: response))
        }

        // Trigger points treated
        var treated: [TreatedTriggerPoint] = []
        let tpInputs = self.triggerPointsTreated ?? []
        if tpInputs.count > AssessmentLimits.listItems { v.add("triggerPointsTreated", "At most \(AssessmentLimits.listItems) entries.") }
        let tenderness = TriggerPointFinding.tendernessRange
        for (i, input) in tpInputs.prefix(AssessmentLimits.listItems).enumerated() {
            let f = "triggerPointsTreated[\(i)]"
            let code = Text.clean(input.muscle).lowercased()
            let muscle = TriggerPointCatalog.muscle(code)
            if code.isEmpty { v.add("\(f).muscle", "Muscle is required.") } else if muscle == nil {
                v.add("\(f).muscle", "“\(code)” is not a muscle in the trigger-point catalog.")
            }
            let side: Side? = v.requiredChoice(input.side, "\(f).side", "Side")
            for (field, value) in [("tendernessBefore", input.tendernessBefore), ("tendernessAfter", input.tendernessAfter)] {
                if let value {
                    if !tenderness.contains(value) { v.add("\(f).\(field)", "Tenderness must be between \(tenderness.lowerBound) and \(tenderness.upperBound).") }
                } else {
                    v.add("\(f).\(field)", "Tenderness is required (\(tenderness.lowerBound)–\(tenderness.upperBound)).")
                }
            }
            if let muscle, let side, treated.contains(where: { $0.muscle == muscle.code && $0.side == side }) {
                v.add("\(f).muscle", "\(muscle.name), \(side.rawValue), is listed twice.")
            }
            treated.append(TreatedTriggerPoint(muscle: muscle?.code ?? code, side: side ?? .left,
                                               tendernessBefore: input.tendernessBefore ?? 0, tendernessAfter: input.tendernessAfter ?? 0))
        }

        let painAfter = painScore(self.painAfter, "painAfter", "Pain after the session", required: !inputs.isEmpty)
        let homeCare = v.lines(self.homeCare, "homeCare", "A home-care item", max: AssessmentLimits.statement)

        // Time in and out
        if self.timeIn == nil { v.add("timeIn", "Time in is required.") }
        if self.timeOut == nil { v.add("timeOut", "Time out is required.") }
        if let t = self.timeIn, t.timeIntervalSince(now) > settings.futureAllowance { v.add("timeIn", "Time in cannot be in the future.") }
        if let t = self.timeOut, t.timeIntervalSince(now) > settings.futureAllowance { v.add("timeOut", "Time out cannot be in the future.") }
        if let tIn = self.timeIn, let tOut = self.timeOut {
            let seconds = tOut.timeIntervalSince(tIn)
            if seconds <= 0 {
                v.add("timeOut", "Time out must be after time in.")
            } else if seconds > Double(settings.maxSessionMinutes) * 60 {
                v.add("timeOut", "A session cannot be longer than \(Self.duration(settings.maxSessionMinutes)).")
            } else if minutesComplete, case let total = interventions.reduce(0, { $0 + $1.minutes }), Double(total) * 60 > seconds {
                v.add("interventions", "The interventions add up to \(total) minutes, more than the session's \(Int(seconds / 60)) minutes.")
            }
            if let nextVisit, nextVisit < SessionNoteTime.localDate(tIn, timeZone) {
                v.add("plan.nextVisit", "Next visit cannot be before the session.")
            }
        }

        // Safety
        var acknowledged: [String] = []
        for (i, raw) in (self.precautionsAcknowledged ?? []).enumerated() {
            let key = Text.clean(raw).lowercased()
            if key.isEmpty { continue }
            let kebab = key.split(separator: "-", omittingEmptySubsequences: false)
                .allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) } }
            if !kebab || key.count > AssessmentLimits.name {
                v.add("precautionsAcknowledged[\(i)]", "“\(key)” is not a safety-rule key.")
            } else if let standing = standingPrecautions, !standing.contains(key) {
                v.add("precautionsAcknowledged[\(i)]", "“\(key)” is not a standing precaution for this patient.")
            } else if !acknowledged.contains(key) {
                acknowledged.append(key)   // a repeat is harmless: kept once
            }
        }
        if let standing = standingPrecautions {
            for key in standing.sorted() where !acknowledged.contains(key) {
                v.add("precautionsAcknowledged.\(key)", "The precaution “\(key)” must be acknowledged before treatment.")
            }
        }
        let holdReason = v.text(self.holdOverrideReason, "holdOverrideReason", "Reason for treating during a hold", max: AssessmentLimits.statement)
        if holdActive, holdReason == nil, !inputs.isEmpty {
            v.add("holdOverrideReason", "Treatment is on hold: give the reason for going ahead.")
        }

        try v.finish()
        return SessionNote(subjective: .init(painToday: painToday!, changesSinceLast: change, text: sText),
                           objective: .init(findings: findings, text: oText),
                           assessment: .init(text: aText, progressNote: progressNote),
                           plan: .init(text: pText, nextVisit: nextVisit),
                           interventions: interventions, triggerPointsTreated: treated, painAfter: painAfter, homeCare: homeCare,
                           timeIn: self.timeIn!, timeOut: self.timeOut!, precautionsAcknowledged: acknowledged,
                           holdOverrideReason: holdReason)
    }

    /// "8 hours", "45 minutes", "1 h 30 min" for messages.
    static func duration(_ minutes: Int) -> String {
        switch (minutes / 60, minutes % 60) {
        case (0, let m): "\(m) minutes"
        case (1, 0): "1 hour"
        case (let h, 0): "\(h) hours"
        case (let h, let m): "\(h) h \(m) min"
        }
    }

    /// Case, accents and separators ignored, so "Myofascial Release" finds "myofascial-release".
    static func key(_ technique: String) -> String { Text.searchKey(technique).filter { $0.isLetter || $0.isNumber } }
}

// MARK: - Addenda

/// Text added to a signed note; the note itself never changes.
public struct SessionNoteAddendum: Codable, Sendable, Equatable {
    public var text: String

    public init(text: String) { self.text = text }
}

public struct SessionNoteAddendumInput: Codable, Sendable, Equatable {
    public var text: String?

    public init(text: String? = nil) { self.text = text }

    public func validated() throws(ValidationFailure) -> SessionNoteAddendum {
        var v = AssessmentValidator()
        let text = v.text(self.text, "text", "Addendum")
        if text == nil { v.add("text", "Addendum is required.") }
        try v.finish()
        return SessionNoteAddendum(text: text!)
    }
}

// MARK: - Canonical form

/// The text a note's electronic signature is computed over (SHA-256 outside Core).
///
/// Format, version 1 — never change it; a new format gets a new version tag and the old one stays verifiable:
/// - UTF-8; lines `key=value` joined by "\n", ending with "\n"; the first line is the version tag.
/// - Every field is always present, in a fixed order; a missing optional value is `null`.
/// - Strings are NFC-normalised and written in double quotes with `\"`, `\\`, `\n`, `\r`, `\t` and `\uXXXX` (other
///   control characters, U+2028, U+2029) escaped; everything else is literal.
/// - Integers in decimal; instants as `YYYY-MM-DDThh:mm:ssZ` in UTC, rounded down to the whole second (what every
///   store keeps); calendar dates `YYYY-MM-DD`; UUIDs in lower case.
/// - Lists: `name.count=n`, then each item's fields under `name[i]`. Sequences keep their order (interventions,
///   findings, home care); sets are sorted so entry order does not change the text: regions by code within an
///   intervention, trigger points by catalog order then side, precaution keys alphabetically.
public enum SessionNoteCanonical {
    public static let noteVersion = "knotwork-session-note/1"
    public static let addendumVersion = "knotwork-session-note-addendum/1"

    static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.precomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += String(format: "\\u%04X", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func optional(_ s: String?) -> String { s.map(string) ?? "null" }

    static func instant(_ date: Date) -> String {
        let seconds = Int(floor(date.timeIntervalSince1970))
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let rest = seconds - days * 86_400
        return "\(CalendarDate(dayNumber: days))T" + String(format: "%02d:%02d:%02dZ", rest / 3600, rest % 3600 / 60, rest % 60)
    }

    static func uuid(_ id: UUID) -> String { id.uuidString.lowercased() }

    static func text(_ lines: [(String, String)]) -> String {
        lines.map { "\($0.0)=\($0.1)" }.joined(separator: "\n") + "\n"
    }
}

extension SessionNote {
    /// The canonical text of this note as signed by `author` at `signedAt` (see `SessionNoteCanonical`).
    public func canonicalForm(patientID: UUID, noteID: UUID, author: UUID, signedAt: Date) -> String {
        typealias C = SessionNoteCanonical
        var l: [(String, String)] = [
            ("version", C.string(C.noteVersion)),
            ("patient", C.uuid(patientID)),
            ("note", C.uuid(noteID)),
            ("author", C.uuid(author)),
            ("signedAt", C.instant(signedAt)),
            ("timeIn", C.instant(self.timeIn)),
            ("timeOut", C.instant(self.timeOut)),
            ("subjective.painToday", String(self.subjective.painToday)),
            ("subjective.changesSinceLast", C.optional(self.subjective.changesSinceLast?.rawValue)),
            ("subjective.text", C.string(self.subjective.text)),
            ("objective.findings.count", String(self.objective.findings.count)),
        ]
        for (i, f) in self.objective.findings.enumerated() { l.append(("objective.findings[\(i)]", C.string(f))) }
        l += [
            ("objective.text", C.string(self.objective.text)),
            ("assessment.text", C.string(self.assessment.text)),
            ("assessment.progressNote", C.string(self.assessment.progressNote)),
            ("plan.text", C.string(self.plan.text)),
            ("plan.nextVisit", self.plan.nextVisit.map(\.description) ?? "null"),
            ("interventions.count", String(self.interventions.count)),
        ]
        for (i, x) in self.interventions.enumerated() {
            let regions = Set(x.regions.map(\.code)).sorted().map(C.string).joined(separator: ",")
            l += [
                ("interventions[\(i)].technique", C.string(x.technique)),
                ("interventions[\(i)].regions", "[\(regions)]"),
                ("interventions[\(i)].minutes", String(x.minutes)),
                ("interventions[\(i)].pressure", C.string(x.pressure.rawValue)),
                ("interventions[\(i)].response", C.string(x.response)),
            ]
        }
        let points = self.triggerPointsTreated.enumerated().sorted { a, b in
            let oa = TriggerPointCatalog.order[a.element.muscle] ?? Int.max
            let ob = TriggerPointCatalog.order[b.element.muscle] ?? Int.max
            return (oa, a.element.muscle, a.element.side.rawValue, a.offset) < (ob, b.element.muscle, b.element.side.rawValue, b.offset)
        }.map(\.element)
        l.append(("triggerPointsTreated.count", String(points.count)))
        for (i, t) in points.enumerated() {
            l += [
                ("triggerPointsTreated[\(i)].muscle", C.string(t.muscle)),
                ("triggerPointsTreated[\(i)].side", C.string(t.side.rawValue)),
                ("triggerPointsTreated[\(i)].tendernessBefore", String(t.tendernessBefore)),
                ("triggerPointsTreated[\(i)].tendernessAfter", String(t.tendernessAfter)),
            ]
        }
        l.append(("painAfter", self.painAfter.map(String.init) ?? "null"))
        l.append(("homeCare.count", String(self.homeCare.count)))
        for (i, h) in self.homeCare.enumerated() { l.append(("homeCare[\(i)]", C.string(h))) }
        let keys = Set(self.precautionsAcknowledged).sorted()
        l.append(("precautionsAcknowledged", "[\(keys.map(C.string).joined(separator: ","))]"))
        l.append(("holdOverrideReason", C.optional(self.holdOverrideReason)))
        return C.text(l)
    }
}

extension SessionNoteAddendum {
    /// The canonical text of an addendum, bound to the note it amends (and, when given, that note's signature hash).
    public func canonicalForm(patientID: UUID, addendumID: UUID, amends noteID: UUID, amendedNoteHash: String? = nil,
                              author: UUID, signedAt: Date) -> String {
        typealias C = SessionNoteCanonical
        return C.text([
            ("version", C.string(C.addendumVersion)),
            ("patient", C.uuid(patientID)),
            ("addendum", C.uuid(addendumID)),
            ("amends", C.uuid(noteID)),
            ("amendsHash", C.optional(amendedNoteHash?.lowercased())),
            ("author", C.uuid(author)),
            ("signedAt", C.instant(signedAt)),
            ("text", C.string(self.text)),
        ])
    }
}

// MARK: - Late entries and unsigned notes

enum SessionNoteTime {
    static func localDate(_ date: Date, _ timeZone: TimeZone) -> CalendarDate {
        CalendarDate(date.addingTimeInterval(TimeInterval(timeZone.secondsFromGMT(for: date))))
    }
}

public enum LateEntry {
    /// Issue 4: a note signed more than 24 hours after the session is a late entry. The reference is silent; configurable.
    public static let defaultThreshold: TimeInterval = 24 * 3600

    /// - Parameter sessionDate: the end of the session (time out), from which the threshold runs.
    /// Exactly the threshold is not late.
    public static func isLate(sessionDate: Date, signedAt: Date, threshold: TimeInterval = LateEntry.defaultThreshold) -> Bool {
        signedAt.timeIntervalSince(sessionDate) > threshold
    }
}

/// An unsigned note as the store lists it.
public struct UnsignedNote: Sendable, Equatable, Codable {
    public var id: UUID
    /// Time out of the session.
    public var sessionEnded: Date

    public init(id: UUID, sessionEnded: Date) {
        self.id = id
        self.sessionEnded = sessionEnded
    }
}

public enum UnsignedNotes {
    /// Notes still unsigned more than `threshold` (24 hours by default) after the session ended, oldest first.
    public static func overdue(_ notes: [UnsignedNote], now: Date, threshold: TimeInterval = LateEntry.defaultThreshold) -> [UnsignedNote] {
        notes.filter { now.timeIntervalSince($0.sessionEnded) > threshold }
            .sorted { ($0.sessionEnded, $0.id.uuidString) < ($1.sessionEnded, $1.id.uuidString) }
    }
}
