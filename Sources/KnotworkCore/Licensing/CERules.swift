import Foundation

/// The CE rules Knotwork starts with: ten states and the NCBTMB board certification, each with its source and, where
/// the facts are not settled, what is uncertain (an administrator checks and may edit those rules; edits are new
/// versions). Hours are per renewal period. Rules change often, so a rule has an effective date and a new version is
/// added rather than an old one changed.
public enum CERules {
    static func d(_ s: String) -> CalendarDate { CalendarDate(s)! }

    public static let reference: [CERule] = [
        CERule(jurisdiction: "FL", credential: "LMT", effectiveFrom: d("2019-07-01"), cycleMonths: 24, hoursRequired: 24,
               minimums: [CEQuota(.medicalErrors, 2), CEQuota(.lawsAndRules, 2), CEQuota(.ethics, 2), CEQuota(.humanTrafficking, 1),
                          CEQuota(.handsOn, 12, liveOnly: true)],
               otherRequirements: ["First renewal: 2 h medical errors, 1 h human trafficking and 1 h per month licensed instead of 24 h.",
                                   "The office posts the human-trafficking sign (at least 11×15 in, English and Spanish)."],
               source: "Florida Rule 64B7-28.009 F.A.C.; §480.0415 F.S.; Ch. 2019-152, Laws of Florida",
               uncertain: "The renewal date (31 August of odd years) is from recall; check the license."),
        CERule(jurisdiction: "TX", credential: "LMT", effectiveFrom: d("2020-01-01"), cycleMonths: 24, hoursRequired: 12,
               minimums: [CEQuota(.humanTrafficking, 1)], maximums: [CEQuota(.cpr, 6)],
               otherRequirements: ["An HHSC-approved human-trafficking prevention course before every renewal (it counts for up to 3 CE hours).",
                                   "A CE hour is a 50-minute clock hour."],
               source: "16 TAC §117.24, §117.30, §117.31, §117.33 (TDLR); HB 2059"),
        CERule(jurisdiction: "NY", credential: "LMT", effectiveFrom: d("2012-01-01"), cycleMonths: 36, hoursRequired: 36,
               onlineMaximum: 12, firstRenewalExempt: true,
               source: "New York Education Law §7807; NYSED Office of the Professions CE Q&A",
               uncertain: "A CE provider's page allows up to 36 online hours; the state's 12-hour self-study cap is followed here."),
        CERule(jurisdiction: "CA", credential: "CAMTC CMT", effectiveFrom: d("2015-01-01"), cycleMonths: 24, hoursRequired: 0,
               otherRequirements: ["Voluntary CAMTC certification; no state license. Some cities and counties require it."],
               source: "California B&P Code §4600 et seq.; CAMTC requirements and FAQ"),
        CERule(jurisdiction: "IL", credential: "LMT", effectiveFrom: d("2016-01-01"), cycleMonths: 24, hoursRequired: 24,
               minimums: [CEQuota(.ethics, 2)], firstRenewalExempt: true,
               otherRequirements: ["A CE hour is 50 minutes."],
               source: "68 Ill. Adm. Code 1284.90"),
        CERule(jurisdiction: "IL", credential: "LMT", effectiveFrom: d("2024-01-01"), cycleMonths: 24, hoursRequired: 25,
               minimums: [CEQuota(.ethics, 2), CEQuota(.domesticViolence, 1)], firstRenewalExempt: true,
               otherRequirements: ["A CE hour is 50 minutes.", "Renewal period ends 31 December of each even-numbered year."],
               source: "68 Ill. Adm. Code 1284.90; Public Act 103-0039",
               uncertain: "Whether IDFPR's 1 h sexual-harassment prevention and 1 h implicit-bias training apply to massage therapists."),
        CERule(jurisdiction: "WA", credential: "LMT", effectiveFrom: d("2024-01-01"), cycleMonths: 24, hoursRequired: 24,
               minimums: [CEQuota(.handsOn, 8, liveOnly: true), CEQuota(.ethics, 4), CEQuota(.healthEquity, 2)], maximums: [CEQuota(.cpr, 4)],
               otherRequirements: ["A current AHA CPR card or equivalent.", "Annual renewal on the birthday; CE is reported over two years."],
               source: "WAC 246-830-475 (WSR 23-19-026); Washington DOH Board of Massage FAQ",
               uncertain: "Whether 2 of the 4 ethics hours must be on roles and boundaries (one provider's summary)."),
        CERule(jurisdiction: "OH", credential: "LMT", effectiveFrom: d("2021-04-12"), cycleMonths: 24, hoursRequired: 0,
               source: "Ohio State Medical Board (summaries by massageschoolnotes and ABMP)",
               uncertain: "No board page was read: the cycle and the absence of CE come from secondary summaries."),
        CERule(jurisdiction: "NC", credential: "LMBT", effectiveFrom: d("2023-01-01"), cycleMonths: 24, hoursRequired: 24,
               minimums: [CEQuota(.ethics, 3)], liveMinimum: 12, onlineMaximum: 12,
               otherRequirements: ["HIV/AIDS and hepatitis courses do not count toward ethics."],
               source: "N.C. G.S. 90-630.5; 21 NCAC 30 .0701, .0702 (Board of Massage & Bodywork Therapy)",
               uncertain: "The number of ethics hours (3) is from recall."),
        CERule(jurisdiction: "PA", credential: "LMT", effectiveFrom: d("2015-01-01"), cycleMonths: 24, hoursRequired: 24,
               minimums: [CEQuota(.ethics, 4), CEQuota(.childAbuse, 2)], liveMinimum: 16, onlineMaximum: 8,
               otherRequirements: ["Current CPR from a contact course (online not accepted; not counted in the 24 h).",
                                   "Keep certificates for 5 years."],
               source: "49 Pa. Code §§20.31–20.33; Act 31 of 2014"),
        CERule(jurisdiction: "OR", credential: "LMT", effectiveFrom: d("2018-01-01"), cycleMonths: 24, hoursRequired: 25,
               minimums: [CEQuota(.ethics, 4), CEQuota(.culturalCompetency, 1)],
               otherRequirements: ["The Oregon Pain Management Commission's 1 h module at least once.", "A current BLS card."],
               source: "OAR 334-010-0050, 334-010-0015 (Board of Massage Therapists)"),
        CERule(jurisdiction: "NCBTMB", credential: "BCTMB", effectiveFrom: d("2013-01-01"), cycleMonths: 24, hoursRequired: 24,
               minimums: [CEQuota(.ethics, 3)], maximums: [CEQuota(.selfCare, 4)],
               otherRequirements: ["100 h of documented hands-on practice per cycle.", "Current CPR (not counted toward CE).",
                                   "A background check and re-affirmed Standards of Practice, Code of Ethics and anti-trafficking pledge."],
               source: "NCBTMB Board Certification recertification requirements",
               uncertain: "At most 4 h from courses under 2 credits (one CE provider's summary); not counted here."),
    ]

    /// The rule in force on `date` for a jurisdiction: the latest whose effective date has come.
    public static func rule(for jurisdiction: String, on date: CalendarDate, in rules: [CERule] = Self.reference) -> CERule? {
        rules.filter { $0.jurisdiction == jurisdiction && $0.effectiveFrom <= date }.max { $0.effectiveFrom < $1.effectiveFrom }
    }
}

/// A rule as an administrator edits it: quotas one per line (`ethics 2`, `hands-on 12 live`), other requirements one
/// per line. A rule with the same jurisdiction, credential and effective date as one in force replaces it as a new
/// version; another effective date adds a version that takes over from that date.
public struct CERuleInput: Codable, Sendable, Equatable {
    public var jurisdiction: String?
    public var credential: String?
    public var effectiveFrom: String?
    public var cycleMonths: Int?
    public var hoursRequired: Double?
    public var minimums: [String]?
    public var maximums: [String]?
    public var liveMinimum: Double?
    public var onlineMaximum: Double?
    public var firstRenewalExempt: Bool?
    public var otherRequirements: [String]?
    public var source: String?
    public var uncertain: String?

    public init(jurisdiction: String? = nil, credential: String? = nil, effectiveFrom: String? = nil, cycleMonths: Int? = nil, hoursRequired: Double? = nil,
                minimums: [String]? = nil, maximums: [String]? = nil, liveMinimum: Double? = nil, onlineMaximum: Double? = nil,
                firstRenewalExempt: Bool? = nil, otherRequirements: [String]? = nil, source: String? = nil, uncertain: String? = nil) {
        self.jurisdiction = jurisdiction
        self.credential = credential
        self.effectiveFrom = effectiveFrom
        self.cycleMonths = cycleMonths
        self.hoursRequired = hoursRequired
        self.minimums = minimums
        self.maximums = maximums
        self.liveMinimum = liveMinimum
        self.onlineMaximum = onlineMaximum
        self.firstRenewalExempt = firstRenewalExempt
        self.otherRequirements = otherRequirements
        self.source = source
        self.uncertain = uncertain
    }

    /// `ethics 2` or `hands-on 12 live`.
    public static func quotaLine(_ q: CEQuota) -> String {
        "\(q.category.rawValue) \(CEHours.text(q.hours))\(q.liveOnly ? " live" : "")"
    }

    static func quotas(_ lines: [String]?, field: String, errors: inout [FieldError]) -> [CEQuota] {
        (lines ?? []).map(Text.clean).filter { !$0.isEmpty }.compactMap { line in
            let parts = line.split(separator: " ").map(String.init)
            guard (2...3).contains(parts.count), let category = CECategory(rawValue: parts[0].lowercased()), let hours = Double(parts[1]),
                  parts.count == 2 || parts[2].lowercased() == "live" else {
                errors.append(FieldError(field, "Write each as a category and hours, optionally “live”: for example “ethics 2” or “hands-on 12 live” (\(line))."))
                return nil
            }
            return CEQuota(category, hours, liveOnly: parts.count == 3)
        }
    }

    public func validated() throws(ValidationFailure) -> CERule {
        var errors: [FieldError] = []
        let from = CalendarDate(Text.clean(self.effectiveFrom))
        if from == nil { errors.append(FieldError("effectiveFrom", "Enter the date the rule takes effect (YYYY-MM-DD).")) }
        if Text.clean(self.credential).isEmpty { errors.append(FieldError("credential", "Name the credential (for example LMT).")) }
        if self.cycleMonths == nil { errors.append(FieldError("cycleMonths", "Enter the renewal cycle in months.")) }
        if self.hoursRequired == nil { errors.append(FieldError("hoursRequired", "Enter the hours required per cycle (0 if none).")) }
        let minimums = Self.quotas(self.minimums, field: "minimums", errors: &errors)
        let maximums = Self.quotas(self.maximums, field: "maximums", errors: &errors)
        let uncertain = Text.clean(self.uncertain)
        let rule = CERule(jurisdiction: Text.clean(self.jurisdiction).uppercased(), credential: Text.clean(self.credential), effectiveFrom: from ?? CalendarDate(dayNumber: 0),
                          cycleMonths: self.cycleMonths ?? 24, hoursRequired: self.hoursRequired ?? 0, minimums: minimums, maximums: maximums,
                          liveMinimum: self.liveMinimum, onlineMaximum: self.onlineMaximum, firstRenewalExempt: self.firstRenewalExempt ?? false,
                          otherRequirements: (self.otherRequirements ?? []).map(Text.clean).filter { !$0.isEmpty }, source: Text.clean(self.source),
                          uncertain: uncertain.isEmpty ? nil : uncertain)
        for e in rule.problems where !errors.contains(where: { $0.field == e.field }) { errors.append(e) }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return rule
    }
}

extension CERules {
    /// The reference with the clinic's edits laid over it: an edit of a rule version (same jurisdiction, credential and
    /// effective date) replaces it; an edit with a new effective date is a version of its own.
    public static func merged(_ edits: [CERule], over reference: [CERule] = Self.reference) -> [CERule] {
        func key(_ r: CERule) -> String { "\(r.jurisdiction)|\(r.credential)|\(r.effectiveFrom)" }
        var byKey: [String: CERule] = [:]
        var order: [String] = []
        for r in reference + edits {
            if byKey[key(r)] == nil { order.append(key(r)) }
            byKey[key(r)] = r
        }
        return order.compactMap { byKey[$0] }
    }
}
