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
