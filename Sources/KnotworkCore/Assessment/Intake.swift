import Foundation

// Intake: health history, presenting complaint and goals (PRODUCT.md episode step 2). The input has no
// clinician-only fields, so the patient portal can send the same form before the first visit.

/// How the problem began.
public enum OnsetMechanism: String, Codable, Sendable, CaseIterable {
    case gradual, injury, repetitiveStrain, surgery, postural, unknown, other

    public var label: String {
        switch self {
        case .gradual: "Came on gradually"
        case .injury: "Injury"
        case .repetitiveStrain: "Repetitive strain"
        case .surgery: "After surgery"
        case .postural: "Posture"
        case .unknown: "Unknown"
        case .other: "Other"
        }
    }
}

/// A surgery or injury, with its date when the patient knows it.
public struct DatedEvent: Codable, Sendable, Equatable {
    public var description: String
    public var date: CalendarDate?

    public init(description: String, date: CalendarDate?) {
        self.description = description
        self.date = date
    }
}

public struct DatedEventInput: Codable, Sendable, Equatable {
    public var description: String?
    /// `YYYY-MM-DD`, optional.
    public var date: String?

    public init(description: String? = nil, date: String? = nil) {
        self.description = description
        self.date = date
    }
}

public struct Medication: Codable, Sendable, Equatable {
    public var name: String
    public var dose: String?
    /// Anticoagulant or antiplatelet: a bleeding risk (§4.1 [S50][S50b]).
    public var anticoagulant: Bool
    /// Systemic corticosteroid: a fracture risk factor (§4.2 [S52b]).
    public var corticosteroid: Bool

    public init(name: String, dose: String?, anticoagulant: Bool, corticosteroid: Bool) {
        self.name = name
        self.dose = dose
        self.anticoagulant = anticoagulant
        self.corticosteroid = corticosteroid
    }
}

public struct MedicationInput: Codable, Sendable, Equatable {
    public var name: String?
    public var dose: String?
    /// nil = not said: the flag suggested from the name is used.
    public var anticoagulant: Bool?
    public var corticosteroid: Bool?

    public init(name: String? = nil, dose: String? = nil, anticoagulant: Bool? = nil, corticosteroid: Bool? = nil) {
        self.name = name
        self.dose = dose
        self.anticoagulant = anticoagulant
        self.corticosteroid = corticosteroid
    }
}

/// The safety-relevant flags of a medication, suggested from its name.
public struct MedicationFlags: Sendable, Equatable {
    public var anticoagulant: Bool
    public var corticosteroid: Bool

    public init(anticoagulant: Bool, corticosteroid: Bool) {
        self.anticoagulant = anticoagulant
        self.corticosteroid = corticosteroid
    }

    /// Common oral and injected anticoagulants (generic names, from the issue; the reference names only warfarin).
    /// Clopidogrel is an antiplatelet, included on purpose: for massage it is the same bleeding risk.
    /// Brand names are not recognised.
    public static let anticoagulants: Set<String> = [
        "warfarin", "apixaban", "rivaroxaban", "dabigatran", "edoxaban", "heparin", "enoxaparin", "clopidogrel",
    ]
    /// Systemic corticosteroids (generic names, from the issue).
    public static let corticosteroids: Set<String> = [
        "prednisone", "prednisolone", "methylprednisolone", "dexamethasone", "hydrocortisone",
    ]
    /// Words that mark a local (not systemic) form: hydrocortisone cream or heparin gel is not flagged.
    public static let localForms: Set<String> = [
        "topical", "cream", "ointment", "lotion", "gel", "drops", "spray", "inhaler", "inhaled", "nasal", "eye", "ear",
    ]

    /// Whole-word, case-insensitive match of the name ("Warfarin 5 mg" → anticoagulant).
    public static func suggest(name: String) -> MedicationFlags {
        let words = Set(Text.searchKey(name).split(whereSeparator: { !$0.isLetter }).map(String.init))
        guard words.isDisjoint(with: Self.localForms) else { return MedicationFlags(anticoagulant: false, corticosteroid: false) }
        return MedicationFlags(anticoagulant: !words.isDisjoint(with: Self.anticoagulants),
                               corticosteroid: !words.isDisjoint(with: Self.corticosteroids))
    }
}

public enum PregnancyStatus: Codable, Sendable, Equatable {
    case no
    case yes(weeks: Int?)
    case notApplicable

    public var label: String {
        switch self {
        case .no: "Not pregnant"
        case .yes(let weeks?): "Pregnant, \(weeks) weeks"
        case .yes(nil): "Pregnant"
        case .notApplicable: "Not applicable"
        }
    }

    private enum CodingKeys: String, CodingKey { case status, weeks }

    // Stored as {"status":"yes","weeks":20}: the same words the input takes.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .status) {
        case "no": self = .no
        case "yes": self = .yes(weeks: try c.decodeIfPresent(Int.self, forKey: .weeks))
        case "notApplicable": self = .notApplicable
        default: throw DecodingError.dataCorruptedError(forKey: .status, in: c, debugDescription: "expected no, yes or notApplicable")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .no: try c.encode("no", forKey: .status)
        case .yes(let weeks):
            try c.encode("yes", forKey: .status)
            try c.encodeIfPresent(weeks, forKey: .weeks)
        case .notApplicable: try c.encode("notApplicable", forKey: .status)
        }
    }
}

public struct PresentingComplaint: Codable, Sendable, Equatable {
    public var summary: String
    public var onset: CalendarDate
    public var mechanism: OnsetMechanism
    /// How it happened, in the patient's words; required when the mechanism is `other`.
    public var mechanismDetail: String?
    public var aggravating: [String]
    public var easing: [String]
    public var earlierTreatments: [String]

    public init(summary: String, onset: CalendarDate, mechanism: OnsetMechanism, mechanismDetail: String? = nil,
                aggravating: [String] = [], easing: [String] = [], earlierTreatments: [String] = []) {
        self.summary = summary
        self.onset = onset
        self.mechanism = mechanism
        self.mechanismDetail = mechanismDetail
        self.aggravating = aggravating
        self.easing = easing
        self.earlierTreatments = earlierTreatments
    }
}

public struct ComplaintInput: Codable, Sendable, Equatable {
    public var summary: String?
    /// `YYYY-MM-DD`.
    public var onset: String?
    /// One of `OnsetMechanism`; missing means `unknown`.
    public var mechanism: String?
    public var mechanismDetail: String?
    public var aggravating: [String]?
    public var easing: [String]?
    public var earlierTreatments: [String]?

    public init(summary: String? = nil, onset: String? = nil, mechanism: String? = nil, mechanismDetail: String? = nil,
                aggravating: [String]? = nil, easing: [String]? = nil, earlierTreatments: [String]? = nil) {
        self.summary = summary
        self.onset = onset
        self.mechanism = mechanism
        self.mechanismDetail = mechanismDetail
        self.aggravating = aggravating
        self.easing = easing
        self.earlierTreatments = earlierTreatments
    }
}

/// A validated intake.
public struct Intake: Codable, Sendable, Equatable {
    public var conditions: [String]
    public var surgeries: [DatedEvent]
    public var injuries: [DatedEvent]
    public var medications: [Medication]
    public var allergies: [String]
    public var lotionOrOilAllergy: Bool
    /// Which lotion or oil, when known.
    public var lotionOrOilAllergyDetail: String?
    public var pregnancy: PregnancyStatus
    public var implantedDevices: [String]
    public var complaint: PresentingComplaint
    /// In the patient's own words; at least one.
    public var goals: [String]

    public init(conditions: [String] = [], surgeries: [DatedEvent] = [], injuries: [DatedEvent] = [], medications: [Medication] = [],
                allergies: [String] = [], lotionOrOilAllergy: Bool = false, lotionOrOilAllergyDetail: String? = nil,
                pregnancy: PregnancyStatus, implantedDevices: [String] = [], complaint: PresentingComplaint, goals: [String]) {
        self.conditions = conditions
        self.surgeries = surgeries
        self.injuries = injuries
        self.medications = medications
        self.allergies = allergies
        self.lotionOrOilAllergy = lotionOrOilAllergy
        self.lotionOrOilAllergyDetail = lotionOrOilAllergyDetail
        self.pregnancy = pregnancy
        self.implantedDevices = implantedDevices
        self.complaint = complaint
        self.goals = goals
    }

    /// Pain lasting this many months or more is chronic. The number comes from the issue: the reference
    /// (§1.12) defines no chronicity threshold and does not quote IASP.
    public static let chronicAfterMonths = 3
    /// A surgery dated within this many weeks is "recent" for the safety screen (§4.1 "recent surgery" gives no
    /// period). Our choice; pass another value to `facts(asOf:recentSurgeryWeeks:)`.
    public static let recentSurgeryWeeks = 12
    /// Plausibility bound for the weeks of a pregnancy (our choice; the reference is silent).
    public static let maxPregnancyWeeks = 45

    /// Whole months from onset to `date`, counting a month as reached on the same day of the month (or the
    /// month's last day when it is shorter: 31 January reaches one month on 28 or 29 February). 0 before onset.
    public func durationMonths(asOf date: CalendarDate) -> Int {
        let onset = self.complaint.onset
        var months = (date.year - onset.year) * 12 + (date.month - onset.month)
        let anniversaryDay = min(onset.day, AssessmentDateMath.daysInMonth(year: date.year, month: date.month))
        if date.day < anniversaryDay { months -= 1 }
        return max(0, months)
    }

    public func isChronic(asOf date: CalendarDate, afterMonths: Int = Intake.chronicAfterMonths) -> Bool {
        self.durationMonths(asOf: date) >= afterMonths
    }

    /// The intake facts that fire safety rules (`SafetyTrigger.intake`).
    public func facts(asOf date: CalendarDate, recentSurgeryWeeks: Int = Intake.recentSurgeryWeeks) -> Set<IntakeFact> {
        var facts: Set<IntakeFact> = []
        if self.medications.contains(where: \.anticoagulant) { facts.insert(.anticoagulant) }
        if self.medications.contains(where: \.corticosteroid) { facts.insert(.corticosteroid) }
        if case .yes = self.pregnancy { facts.insert(.pregnancy) }
        if !self.implantedDevices.isEmpty { facts.insert(.implantedDevice) }
        let today = date.dayNumber
        let recent = self.surgeries.contains { surgery in
            guard let d = surgery.date.map(\.dayNumber) else { return false }
            return d <= today && today - d <= recentSurgeryWeeks * 7
        }
        if recent { facts.insert(.recentSurgery) }
        return facts
    }
}

/// What the intake form (clinic or patient portal) sends, before validation. Field errors use these names:
/// `conditions[0]`, `surgeries[1].date`, `medications[1].name`, `complaint.onset`, `goals`.
public struct IntakeInput: Codable, Sendable, Equatable {
    public var conditions: [String]?
    public var surgeries: [DatedEventInput]?
    public var injuries: [DatedEventInput]?
    public var medications: [MedicationInput]?
    public var allergies: [String]?
    public var lotionOrOilAllergy: Bool?
    public var lotionOrOilAllergyDetail: String?
    /// `no`, `yes` or `notApplicable`.
    public var pregnancy: String?
    public var pregnancyWeeks: Int?
    public var implantedDevices: [String]?
    public var complaint: ComplaintInput?
    public var goals: [String]?

    public init(conditions: [String]? = nil, surgeries: [DatedEventInput]? = nil, injuries: [DatedEventInput]? = nil,
                medications: [MedicationInput]? = nil, allergies: [String]? = nil, lotionOrOilAllergy: Bool? = nil,
                lotionOrOilAllergyDetail: String? = nil, pregnancy: String? = nil, pregnancyWeeks: Int? = nil,
                implantedDevices: [String]? = nil, complaint: ComplaintInput? = nil, goals: [String]? = nil) {
        self.conditions = conditions
        self.surgeries = surgeries
        self.injuries = injuries
        self.medications = medications
        self.allergies = allergies
        self.lotionOrOilAllergy = lotionOrOilAllergy
        self.lotionOrOilAllergyDetail = lotionOrOilAllergyDetail
        self.pregnancy = pregnancy
        self.pregnancyWeeks = pregnancyWeeks
        self.implantedDevices = implantedDevices
        self.complaint = complaint
        self.goals = goals
    }

    /// - Parameters:
    ///   - today: the clinic's current date; no date may be after it.
    ///   - birthDate: the patient's date of birth; no date may be before it.
    public func validated(today: CalendarDate, birthDate: CalendarDate) throws(ValidationFailure) -> Intake {
        var v = AssessmentValidator()

        func events(_ inputs: [DatedEventInput]?, _ field: String, _ label: String) -> [DatedEvent] {
            let inputs = inputs ?? []
            guard inputs.count <= AssessmentLimits.listItems else {
                v.add(field, "At most \(AssessmentLimits.listItems) entries.")
                return []
            }
            return inputs.enumerated().compactMap { i, input in
                let f = "\(field)[\(i)]"
                let date = v.date(input.date, "\(f).date", "Date", required: false, today: today, birthDate: birthDate)
                guard let description = v.line(input.description, "\(f).description", "Description") else {
                    // An empty form row is skipped; a date without a description is not.
                    if date != nil || !Text.clean(input.date).isEmpty { v.add("\(f).description", "\(label) needs a description.") }
                    return nil
                }
                return DatedEvent(description: description, date: date)
            }
        }

        let conditions = v.lines(self.conditions, "conditions", "Condition")
        let surgeries = events(self.surgeries, "surgeries", "A surgery")
        let injuries = events(self.injuries, "injuries", "An injury")

        var medications: [Medication] = []
        let medicationInputs = self.medications ?? []
        if medicationInputs.count > AssessmentLimits.listItems {
            v.add("medications", "At most \(AssessmentLimits.listItems) entries.")
        } else {
            for (i, input) in medicationInputs.enumerated() {
                let f = "medications[\(i)]"
                let dose = v.line(input.dose, "\(f).dose", "Dose", max: 100)
                guard let name = v.line(input.name, "\(f).name", "Medication name") else {
                    if dose != nil { v.add("\(f).name", "Medication name is required.") }
                    continue
                }
                // Unsaid flags default to the suggestion, so a portal form without the boxes still flags warfarin.
                let suggested = MedicationFlags.suggest(name: name)
                medications.append(Medication(name: name, dose: dose, anticoagulant: input.anticoagulant ?? suggested.anticoagulant,
                                              corticosteroid: input.corticosteroid ?? suggested.corticosteroid))
            }
        }

        let allergies = v.lines(self.allergies, "allergies", "Allergy")
        let lotionAllergy = self.lotionOrOilAllergy ?? false
        let lotionDetail = v.line(self.lotionOrOilAllergyDetail, "lotionOrOilAllergyDetail", "Lotion or oil allergy detail")
        if lotionDetail != nil && !lotionAllergy {
            v.add("lotionOrOilAllergyDetail", "Tick the lotion or oil allergy when describing one.")
        }

        var pregnancy = PregnancyStatus.notApplicable
        switch Text.clean(self.pregnancy).lowercased() {
        case "": v.add("pregnancy", "Pregnancy is required (no, yes or notApplicable).")
        case "no": pregnancy = .no
        case "yes": pregnancy = .yes(weeks: self.pregnancyWeeks)
        case "notapplicable": pregnancy = .notApplicable
        default: v.add("pregnancy", "Pregnancy must be one of: no, yes, notApplicable.")
        }
        if let weeks = self.pregnancyWeeks {
            if pregnancy != .yes(weeks: weeks) {
                v.add("pregnancyWeeks", "Weeks only apply to a pregnancy.")
            } else if !(1...Intake.maxPregnancyWeeks).contains(weeks) {
                v.add("pregnancyWeeks", "Weeks of pregnancy must be from 1 to \(Intake.maxPregnancyWeeks).")
            }
        }
        let devices = v.lines(self.implantedDevices, "implantedDevices", "Implanted device")

        let c = self.complaint ?? ComplaintInput()
        let summary = v.text(c.summary, "complaint.summary", "Summary")
        if summary == nil { v.add("complaint.summary", "Summary is required.") }
        let onset = v.date(c.onset, "complaint.onset", "Onset", required: true, today: today, birthDate: birthDate)
        let mechanism: OnsetMechanism = v.choice(c.mechanism, "complaint.mechanism", "Mechanism") ?? .unknown
        let detail = v.text(c.mechanismDetail, "complaint.mechanismDetail", "How it happened", max: AssessmentLimits.statement)
        if mechanism == .other && detail == nil {
            v.add("complaint.mechanismDetail", "Say how it began when the mechanism is other.")
        }
        let aggravating = v.lines(c.aggravating, "complaint.aggravating", "Aggravating factor")
        let easing = v.lines(c.easing, "complaint.easing", "Easing factor")
        let earlier = v.lines(c.earlierTreatments, "complaint.earlierTreatments", "Earlier treatment")

        let goals = v.lines(self.goals, "goals", "Goal", max: AssessmentLimits.statement)
        if goals.isEmpty && (self.goals ?? []).count <= AssessmentLimits.listItems {
            v.add("goals", "At least one goal, in the patient's own words, is required.")
        }

        try v.finish()
        return Intake(
            conditions: conditions, surgeries: surgeries, injuries: injuries, medications: medications, allergies: allergies,
            lotionOrOilAllergy: lotionAllergy, lotionOrOilAllergyDetail: lotionDetail, pregnancy: pregnancy,
            implantedDevices: devices,
            complaint: PresentingComplaint(summary: summary!, onset: onset!, mechanism: mechanism, mechanismDetail: detail,
                                           aggravating: aggravating, easing: easing, earlierTreatments: earlier),
            goals: goals
        )
    }
}

/// Day and month arithmetic on `CalendarDate` (proleptic Gregorian), kept private to this module's assessment code.
enum AssessmentDateMath {
    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
