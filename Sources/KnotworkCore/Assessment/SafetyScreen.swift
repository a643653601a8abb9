import Foundation

// Safety screen: contraindications, precautions and red flags as configurable rules, each with its source.
// Every rule below comes from CLINICAL-REFERENCE.md §4.1 (massage screening rules) or §4.2 (red flags,
// IFOMPT framework); the section and [S..] tags are in each rule's `source`. §4 warns that published
// contraindication lists disagree (Batavia 2004 [S51]), so the rules are data an administrator can edit
// (the store keeps every version), and "refer" outcomes go to the care team instead of being hard-coded.

/// What a positive answer means for treatment (§4.1 action codes).
public enum SafetyAction: String, Codable, Sendable, CaseIterable {
    /// STOP-REFER: do not treat today; refer (urgent where the rule says so).
    case stopRefer
    /// DEFER: postpone whole-body treatment until resolved or cleared.
    case `defer`
    /// LOCAL: avoid the affected area, treat elsewhere.
    case avoidRegion
    /// MODIFY: reduced pressure or technique changes and/or the medical provider's clearance.
    case modify

    public var label: String {
        switch self {
        case .stopRefer: "Stop and refer"
        case .defer: "Defer treatment"
        case .avoidRegion: "Avoid the area"
        case .modify: "Modify technique"
        }
    }

    /// The code the reference uses (§4.1).
    public var referenceCode: String {
        switch self {
        case .stopRefer: "STOP-REFER"
        case .defer: "DEFER"
        case .avoidRegion: "LOCAL"
        case .modify: "MODIFY"
        }
    }

    /// Most restrictive first: precautions are listed in this order.
    var rank: Int { Self.allCases.firstIndex(of: self)! }
}

public enum SafetyCategory: String, Codable, Sendable, CaseIterable {
    /// §4.1: contraindications and precautions for massage.
    case contraindication
    /// §4.2: red flags of serious pathology that need medical referral.
    case redFlag

    public var label: String { self == .contraindication ? "Contraindication or precaution" : "Red flag" }
}

/// How sure the reference is of a rule (✅ confirmed, ⚠️ uncertain: verify before shipping).
/// A fact the intake establishes, which fires a rule without asking.
public enum IntakeFact: String, Codable, Sendable, CaseIterable, Hashable {
    case anticoagulant, corticosteroid, pregnancy, implantedDevice, recentSurgery

    public var label: String {
        switch self {
        case .anticoagulant: "Takes an anticoagulant or antiplatelet"
        case .corticosteroid: "Takes a systemic corticosteroid"
        case .pregnancy: "Pregnant"
        case .implantedDevice: "Has an implanted device"
        case .recentSurgery: "Recent surgery"
        }
    }
}

/// What fires a rule: the clinician's yes to its question, or a fact from the intake.
public enum SafetyTrigger: Sendable, Equatable, Codable {
    case answer
    case intake(IntakeFact)

    public var label: String {
        switch self {
        case .answer: "Asked"
        case .intake(let fact): "From the intake: \(fact.label)"
        }
    }

    private enum CodingKeys: String, CodingKey { case kind, fact }

    // Stored as {"kind":"answer"} or {"kind":"intake","fact":"pregnancy"}, which reads better in the
    // rule JSON than the synthesized form.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "answer": self = .answer
        case "intake": self = .intake(try c.decode(IntakeFact.self, forKey: .fact))
        default: throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "expected answer or intake")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .answer: try c.encode("answer", forKey: .kind)
        case .intake(let fact):
            try c.encode("intake", forKey: .kind)
            try c.encode(fact, forKey: .fact)
        }
    }
}

/// One screening rule: "answer or intake fact → action", with its source.
public struct SafetyRule: Codable, Sendable, Equatable {
    /// Stable kebab-case code ("dvt", "cauda-equina"); versions of one rule share it.
    public var key: String
    public var version: Int
    /// Short name shown on precautions and referral tasks (not in the field list: precautions need one).
    public var title: String
    /// A yes/no question in plain words.
    public var question: String
    public var category: SafetyCategory
    public var action: SafetyAction
    /// For stop-and-refer: urgent (same-day / emergency) rather than routine referral.
    public var urgent: Bool
    /// LOCAL rules ask where.
    public var needsRegion: Bool
    /// What to do.
    public var guidance: String
    public var trigger: SafetyTrigger
    /// Asked again at every visit (red flags), not only at intake.
    public var askEveryVisit: Bool
    /// Reference section and source tags.
    public var source: String
    public var confidence: Confidence
    public var active: Bool

    public init(key: String, version: Int, title: String, question: String, category: SafetyCategory, action: SafetyAction,
                urgent: Bool = false, needsRegion: Bool = false, guidance: String, trigger: SafetyTrigger = .answer,
                askEveryVisit: Bool = false, source: String, confidence: Confidence = .confirmed, active: Bool = true) {
        self.key = key
        self.version = version
        self.title = title
        self.question = question
        self.category = category
        self.action = action
        self.urgent = urgent
        self.needsRegion = needsRegion
        self.guidance = guidance
        self.trigger = trigger
        self.askEveryVisit = askEveryVisit
        self.source = source
        self.confidence = confidence
        self.active = active
    }
}

/// Values the reference marks uncertain (⚠️), kept apart so a clinic can change them.
public struct SafetyScreenConfiguration: Sendable, Equatable {
    /// §4.1 [S53] ⚠️: no massage-specific threshold; ACC/AHA 2017 severe elevation is > 180 systolic
    /// and/or > 120 diastolic, "a defensible configurable cut-off".
    public var severeSystolic: Int = 180
    public var severeDiastolic: Int = 120
    /// §4.1 [S50c] ⚠️: severe thrombocytopenia is "DEFER / MODIFY"; we take the more cautious DEFER.
    public var severeThrombocytopeniaAction: SafetyAction = .defer

    public init() {}
    public static let standard = SafetyScreenConfiguration()
}

public enum SafetyRules {
    /// Version 1 of every §4.1 and §4.2 rule with the standard configuration.
    public static let seed: [SafetyRule] = rules(.standard)

    public static func rules(_ c: SafetyScreenConfiguration) -> [SafetyRule] {
        let s41 = "CLINICAL-REFERENCE §4.1"
        let s42 = "CLINICAL-REFERENCE §4.2"
        func rule(_ key: String, _ title: String, _ question: String, _ action: SafetyAction, urgent: Bool = false,
                  needsRegion: Bool = false, _ guidance: String, trigger: SafetyTrigger = .answer, source: String,
                  confidence: Confidence = .confirmed) -> SafetyRule {
            SafetyRule(key: key, version: 1, title: title, question: question, category: .contraindication, action: action,
                       urgent: urgent, needsRegion: needsRegion, guidance: guidance, trigger: trigger, source: source,
                       confidence: confidence)
        }
        // §4.2: every red flag stops treatment and refers; asked again at any visit.
        func redFlag(_ key: String, _ title: String, _ question: String, urgent: Bool, _ guidance: String, source: String,
                     confidence: Confidence = .confirmed) -> SafetyRule {
            SafetyRule(key: key, version: 1, title: title, question: question, category: .redFlag, action: .stopRefer,
                       urgent: urgent, guidance: guidance, askEveryVisit: true, source: source, confidence: confidence)
        }
        let lightPressure = "Light pressure only; no vigorous, forceful or deep-tissue massage."
        return [
            // §4.1
            rule("dvt", "Deep vein thrombosis (known or suspected)",
                 "Is there a known or suspected blood clot (deep vein thrombosis), or one-sided calf pain with swelling, warmth or redness?",
                 .stopRefer, urgent: true,
                 "Do not treat; no massage of the limb (risk of the clot moving). Refer to the medical provider the same day.",
                 source: "\(s41) [S50][S50b]"),
            rule("fever-infection", "Fever or acute infection",
                 "Does the patient have a fever, or an acute whole-body or contagious infection?",
                 .defer, "Postpone treatment until it has resolved.", source: "\(s41) [S50b][S50c]"),
            rule("bleeding-disorder", "Bleeding disorder or low platelets",
                 "Does the patient have a bleeding disorder or low platelets (thrombocytopenia)?",
                 .modify, lightPressure, source: "\(s41) [S50][S50b]"),
            rule("anticoagulant", "Anticoagulant therapy",
                 "Does the patient take a blood thinner (anticoagulant such as warfarin, or an antiplatelet)?",
                 .modify, lightPressure, trigger: .intake(.anticoagulant), source: "\(s41) [S50][S50b]"),
            rule("severe-thrombocytopenia", "Severe thrombocytopenia",
                 "Has the patient been told their platelet count is severely low?",
                 c.severeThrombocytopeniaAction,
                 "Massage may not be appropriate: postpone until the medical provider advises. No platelet threshold is given by authoritative sources; the clinic may change this rule to modify.",
                 source: "\(s41) [S50c] ⚠️ DEFER / MODIFY", confidence: .uncertain),
            rule("recent-fracture", "Recent fracture",
                 "Has the patient had a recent fracture? Where?",
                 .avoidRegion, needsRegion: true,
                 "No massage over the fracture site; treat elsewhere. Ask for the medical provider's clearance.",
                 source: "\(s41) [S50][S50b][S50c]"),
            rule("weakened-bones", "Weakened bones",
                 "Does the patient have weakened bones: severe osteoporosis or bone metastases?",
                 .modify, "No deep or forceful pressure; avoid forceful joint work.", source: "\(s41) [S50][S50b]"),
            rule("recent-surgery", "Recent surgery",
                 "Has the patient had surgery in the last \(Intake.recentSurgeryWeeks) weeks (from the intake)?",
                 .avoidRegion,
                 "Avoid the surgical area (see the intake) until the medical provider clears it.",
                 trigger: .intake(.recentSurgery), source: "\(s41) [S50][S50b]"),
            rule("surgical-site", "Surgical area not yet cleared",
                 "Is there a surgical area not yet cleared for massage? Where?",
                 .avoidRegion, needsRegion: true, "Avoid the surgical area until the medical provider clears it.",
                 source: "\(s41) [S50][S50b]"),
            rule("skin-lesion", "Wound, burn or skin problem",
                 "Is there an open or healing wound, a burn, a skin infection, a rash or weak skin? Where?",
                 .avoidRegion, needsRegion: true, "Avoid the area; treat elsewhere.", source: "\(s41) [S50][S50b][S50c]"),
            rule("cancer", "Tumour or known cancer",
                 "Does the patient have a tumour or known cancer?",
                 .modify,
                 "No deep or intense pressure over a tumour or cancer area unless the patient's provider approves; consult the oncologist before deep work.",
                 source: "\(s41) [S50][S50b]"),
            rule("radiation-nerve-vessel", "Radiation inflammation, damaged nerves or blood vessels",
                 "Is there an area inflamed from radiation treatment, or with damaged nerves or damaged blood vessels? Where?",
                 .avoidRegion, needsRegion: true, "Avoid the area; treat elsewhere.", source: "\(s41) [S50b]"),
            rule("acute-inflammation", "Acute inflammation",
                 "Is there acute inflammation, or an acute flare of inflammatory arthritis? Where?",
                 .avoidRegion, needsRegion: true, "Avoid the area; treat elsewhere.", source: "\(s41) [S50b]"),
            rule("pregnancy", "Pregnancy",
                 "Is the patient pregnant (from the intake)?",
                 .modify,
                 "Consult the patient's health-care provider before massage; a high-risk pregnancy is listed as inappropriate for massage.",
                 trigger: .intake(.pregnancy), source: "\(s41) [S50][S50c]"),
            rule("provider-consult", "Condition needing the provider's advice",
                 "Does the patient have fragile skin (e.g. from diabetes or a healing scar), a heart problem, dermatomyositis, or a history of physical abuse?",
                 .modify, "Consult the medical provider; adapt pressure and technique.", source: "\(s41) [S50b]"),
            // "Refer for diagnosis; discuss with doctor before massage" has no action code in §4.1: a routine
            // (non-urgent) stop-and-refer is our reading of it.
            rule("unexplained-pain", "Unexplained pain",
                 "Does the patient have pain that no medical provider has yet explained?",
                 .stopRefer, "Discuss with the medical provider before massage; refer for diagnosis.", source: "\(s41) [S50c]"),
            rule("uncontrolled-blood-pressure", "Uncontrolled or very high blood pressure",
                 "Is the blood pressure uncontrolled or very high (above \(c.severeSystolic) systolic or above \(c.severeDiastolic) diastolic)?",
                 .defer,
                 "Postpone treatment; refer to the medical provider if there are symptoms (with target-organ symptoms it is an emergency). The \(c.severeSystolic)/\(c.severeDiastolic) cut-off is configurable: no massage-specific threshold was found.",
                 source: "\(s41) [S53] ⚠️ ACC/AHA 2017 severe elevation", confidence: .uncertain),
            rule("varicose-veins", "Varicose veins or phlebitis",
                 "Are there varicose veins or phlebitis (inflamed veins)? Where?",
                 .avoidRegion, needsRegion: true, "Avoid the area; treat elsewhere.", source: "\(s41) [S50d] ⚠️",
                 confidence: .uncertain),
            // Not a §4.1 row: §4.2 lists prolonged corticosteroid use as a fracture risk factor [S52b]; we pair it
            // with the §4.1 weakened-bones action. Our inference, hence uncertain.
            rule("corticosteroid", "Systemic corticosteroid use",
                 "Does the patient take a systemic corticosteroid such as prednisone (from the intake)?",
                 .modify,
                 "Corticosteroid use is a fracture risk factor: as for weakened bones, no deep or forceful pressure and no forceful joint work until the medical provider advises.",
                 trigger: .intake(.corticosteroid), source: "\(s42) [S52b] risk factor with \(s41) weakened bones [S50][S50b]",
                 confidence: .uncertain),

            // §4.2 red flags (IFOMPT framework [S52]; feature lists partly from recall ⚠️, marked per rule).
            redFlag("cauda-equina", "Cauda equina syndrome (suspected)",
                    "Any new bladder problem (retention, incontinence, altered sensation), bowel problem or incontinence, numbness in the saddle area or around the anus, new sexual dysfunction, pain or sciatica in both legs, or progressive leg weakness or walking difficulty?",
                    urgent: true, "Emergency: do not treat; same-day emergency referral.",
                    source: "\(s42) [S52][S52b][S52c]; sexual dysfunction ⚠️"),
            redFlag("spinal-malignancy", "Spinal malignancy (suspected)",
                    "Any past history of cancer, unexplained weight loss, night pain not eased by rest, constant or progressive pain not changed by movement, thoracic pain, or no improvement after about a month of care (more concerning over age 50)?",
                    urgent: true, "Do not treat today; urgent medical referral.",
                    source: "\(s42) [S52][S52b][S52c]; constant non-mechanical pain ⚠️; age > 50 (> 55 in some guidelines)"),
            redFlag("spinal-fracture", "Spinal fracture (suspected)",
                    "Any major trauma (or minor trauma with osteoporosis), a structural deformity of the spine, or severe central back pain eased by lying down, especially with long-term corticosteroid use, older age or osteoporosis?",
                    urgent: false, "Do not treat until the medical provider has assessed: medical referral before treatment.",
                    source: "\(s42) [S52][S52b]; older age / female sex ⚠️"),
            redFlag("spinal-infection", "Spinal infection (suspected)",
                    "With the back pain: any fever or chills, intravenous drug use, immunosuppression, a recent bacterial infection (e.g. urinary or skin), a penetrating wound, a recent spinal procedure, or diabetes?",
                    urgent: true, "Do not treat today; urgent medical referral.",
                    source: "\(s42) [S52][S52b]; spinal procedure / diabetes ⚠️"),
            redFlag("cervical-arterial-dysfunction", "Cervical arterial dysfunction or upper-cervical instability (suspected)",
                    "Before neck work: any dizziness, double vision, slurred speech, difficulty swallowing, drop attacks, nausea, flickering eye movements (nystagmus), numbness of the face, unsteadiness, or a sudden severe \"worst ever\" headache or neck pain?",
                    urgent: true, "No neck treatment; do not treat today; urgent medical referral.",
                    source: "\(s42) ⚠️ IFOMPT cervical framework (Rushton 2023) not retrieved", confidence: .uncertain),
            redFlag("cervical-myelopathy", "Cervical myelopathy (suspected)",
                    "Any clumsiness or numbness of both hands, walking difficulty, or an electric-shock feeling down the spine when bending the neck (Lhermitte's sign)?",
                    urgent: false, "Do not treat until the medical provider has assessed; refer.",
                    source: "\(s42) ⚠️", confidence: .uncertain),
        ]
    }
}

// MARK: - Editing a rule

/// What the administrator's rule form or the API sends, before validation.
public struct SafetyRuleInput: Codable, Sendable, Equatable {
    public var title: String?
    public var question: String?
    /// `contraindication` or `redFlag`.
    public var category: String?
    /// `stopRefer`, `defer`, `avoidRegion` or `modify`.
    public var action: String?
    public var urgent: Bool?
    public var needsRegion: Bool?
    public var guidance: String?
    /// `answer` or `intake`; an intake trigger names its `intakeFact`.
    public var trigger: String?
    public var intakeFact: String?
    public var askEveryVisit: Bool?
    public var source: String?
    /// `confirmed` or `uncertain`.
    public var confidence: String?
    /// Missing means active: a new rule is in force unless switched off.
    public var active: Bool?

    public init(title: String? = nil, question: String? = nil, category: String? = nil, action: String? = nil,
                urgent: Bool? = nil, needsRegion: Bool? = nil, guidance: String? = nil, trigger: String? = nil,
                intakeFact: String? = nil, askEveryVisit: Bool? = nil, source: String? = nil, confidence: String? = nil,
                active: Bool? = nil) {
        self.title = title
        self.question = question
        self.category = category
        self.action = action
        self.urgent = urgent
        self.needsRegion = needsRegion
        self.guidance = guidance
        self.trigger = trigger
        self.intakeFact = intakeFact
        self.askEveryVisit = askEveryVisit
        self.source = source
        self.confidence = confidence
        self.active = active
    }

    /// The form prefilled from a rule, for editing.
    public init(rule: SafetyRule) {
        var fact: String?
        if case .intake(let f) = rule.trigger { fact = f.rawValue }
        self.init(title: rule.title, question: rule.question, category: rule.category.rawValue, action: rule.action.rawValue,
                  urgent: rule.urgent, needsRegion: rule.needsRegion, guidance: rule.guidance,
                  trigger: fact == nil ? "answer" : "intake", intakeFact: fact, askEveryVisit: rule.askEveryVisit,
                  source: rule.source, confidence: rule.confidence.rawValue, active: rule.active)
    }

    public static let maxKeyLength = 60

    /// - Parameters:
    ///   - key: the rule's stable code (kebab-case); an edit keeps it.
    ///   - version: the store's next version number for the key.
    public func validated(key: String, version: Int) throws(ValidationFailure) -> SafetyRule {
        var v = AssessmentValidator()
        let isKebab = key.split(separator: "-", omittingEmptySubsequences: false)
            .allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) } }
        if !isKebab || key.count > Self.maxKeyLength {
            v.add("key", "Key must be lower-case letters and digits joined by hyphens, at most \(Self.maxKeyLength) characters.")
        }
        if version < 1 { v.add("version", "Version must be 1 or more.") }

        let title = v.requiredLine(self.title, "title", "Title")
        let question = v.requiredLine(self.question, "question", "Question", max: AssessmentLimits.statement)
        let category: SafetyCategory? = v.requiredChoice(self.category, "category", "Category")
        let action: SafetyAction? = v.requiredChoice(self.action, "action", "Action")
        let guidance = v.text(self.guidance, "guidance", "Guidance") ?? ""
        let source = v.requiredLine(self.source, "source", "Source")
        let confidence: Confidence? = v.requiredChoice(self.confidence, "confidence", "Confidence")
        let urgent = self.urgent ?? false
        let needsRegion = self.needsRegion ?? false
        let askEveryVisit = self.askEveryVisit ?? false

        var trigger = SafetyTrigger.answer
        switch Text.clean(self.trigger).lowercased() {
        case "", "answer": break
        case "intake":
            let fact: IntakeFact? = v.requiredChoice(self.intakeFact, "intakeFact", "Intake fact")
            if let fact { trigger = .intake(fact) }
            // An intake fact fires by itself: nobody is there to say where or to re-ask it.
            if needsRegion { v.add("needsRegion", "A rule fired from the intake cannot ask where; use an asked rule.") }
            if askEveryVisit { v.add("askEveryVisit", "A rule fired from the intake is not asked at visits.") }
        default:
            v.add("trigger", "Trigger must be answer or intake.")
        }
        if urgent && action != nil && action != .stopRefer {
            v.add("urgent", "Only a stop-and-refer rule can be urgent.")
        }
        if needsRegion && action != nil && action != .avoidRegion {
            v.add("needsRegion", "Only a rule that avoids an area asks where.")
        }
        try v.finish()
        return SafetyRule(key: key, version: version, title: title, question: question, category: category!, action: action!,
                          urgent: urgent, needsRegion: needsRegion, guidance: guidance, trigger: trigger,
                          askEveryVisit: askEveryVisit, source: source, confidence: confidence!, active: self.active ?? true)
    }
}

// MARK: - Answering a screen

/// One answer as stored, with the rule version it was given under (old answers keep their wording).
public struct ScreenAnswer: Codable, Sendable, Equatable {
    public var ruleKey: String
    public var ruleVersion: Int
    public var answer: Bool
    /// Where, for a yes to a rule that avoids an area; nil otherwise.
    public var region: BodyRegion?
    public var note: String

    public init(ruleKey: String, ruleVersion: Int, answer: Bool, region: BodyRegion?, note: String) {
        self.ruleKey = ruleKey
        self.ruleVersion = ruleVersion
        self.answer = answer
        self.region = region
        self.note = note
    }
}

public struct ScreenAnswerInput: Codable, Sendable, Equatable {
    public var ruleKey: String?
    /// nil = not answered.
    public var answer: Bool?
    /// A `BodyRegion` code such as `calf.left`.
    public var region: String?
    public var note: String?

    public init(ruleKey: String? = nil, answer: Bool? = nil, region: String? = nil, note: String? = nil) {
        self.ruleKey = ruleKey
        self.answer = answer
        self.region = region
        self.note = note
    }
}

/// A standing precaution produced by a screen, shown (and acknowledged) at every session.
public struct Precaution: Codable, Sendable, Equatable {
    public var ruleKey: String
    public var ruleVersion: Int
    public var action: SafetyAction
    public var urgent: Bool
    public var region: BodyRegion?
    public var title: String
    public var guidance: String
    public var source: String
    /// Set when an intake fact fired the rule rather than an answer.
    public var fromIntakeFact: IntakeFact?

    public init(ruleKey: String, ruleVersion: Int, action: SafetyAction, urgent: Bool, region: BodyRegion?, title: String,
                guidance: String, source: String, fromIntakeFact: IntakeFact?) {
        self.ruleKey = ruleKey
        self.ruleVersion = ruleVersion
        self.action = action
        self.urgent = urgent
        self.region = region
        self.title = title
        self.guidance = guidance
        self.source = source
        self.fromIntakeFact = fromIntakeFact
    }

    init(_ rule: SafetyRule, region: BodyRegion?, fact: IntakeFact?) {
        self.init(ruleKey: rule.key, ruleVersion: rule.version, action: rule.action, urgent: rule.action == .stopRefer && rule.urgent,
                  region: region, title: rule.title, guidance: rule.guidance, source: rule.source, fromIntakeFact: fact)
    }
}

public struct ScreenResult: Codable, Sendable, Equatable {
    public var answers: [ScreenAnswer]
    /// Most restrictive first (stop-refer, defer, avoid, modify), urgent first, then in rule order.
    public var precautions: [Precaution]
    /// A stop-and-refer precaution: treatment is on hold until cleared (§4.2 software note).
    public var hold: Bool
    /// A stop-and-refer precaution is urgent: the referral is same-day.
    public var urgentReferral: Bool

    public init(answers: [ScreenAnswer], precautions: [Precaution], hold: Bool, urgentReferral: Bool) {
        self.answers = answers
        self.precautions = precautions
        self.hold = hold
        self.urgentReferral = urgentReferral
    }

    /// A defer precaution: whole-body treatment is postponed (not a hold: it needs no clearance task).
    public var deferred: Bool { self.precautions.contains { $0.action == .defer } }
}

public enum SafetyScreen {
    /// The rules in force: the highest version of each key, kept only when that version is active (so saving
    /// an inactive version switches a rule off), in the order keys first appear.
    public static func current(_ rules: [SafetyRule]) -> [SafetyRule] {
        var latest: [String: SafetyRule] = [:]
        var keys: [String] = []
        for rule in rules {
            if latest[rule.key] == nil { keys.append(rule.key) }
            if (latest[rule.key]?.version ?? 0) < rule.version { latest[rule.key] = rule }
        }
        return keys.compactMap { latest[$0] }.filter(\.active)
    }

    /// The questions to ask: current answer rules; at a visit (not the intake), only those asked every visit.
    public static func questions(rules: [SafetyRule], visitOnly: Bool) -> [SafetyRule] {
        Self.current(rules).filter { $0.trigger == .answer && (!visitOnly || $0.askEveryVisit) }
    }

    /// Validates a screen and turns every yes, and every intake fact that fires an active rule, into a precaution.
    /// - Parameters:
    ///   - rules: the rules, in any number of versions (see `current`).
    ///   - facts: `Intake.facts(asOf:)`; pass an empty set to leave intake facts out.
    ///   - visitOnly: a pre-session re-screen: only `askEveryVisit` rules must be answered (others may be).
    /// Errors: `answers[i].ruleKey` (missing, unknown, inactive, intake-only, answered twice), `answers[i].answer`,
    /// `answers[i].region`, `answers[i].note`, and `answers.<key>` for a required question left unanswered.
    public static func evaluate(rules: [SafetyRule], answers: [ScreenAnswerInput], facts: Set<IntakeFact>,
                                visitOnly: Bool) throws(ValidationFailure) -> ScreenResult {
        var v = AssessmentValidator()
        let current = Self.current(rules)
        let latest = Dictionary(uniqueKeysWithValues: current.map { ($0.key, $0) })
        let order = Dictionary(uniqueKeysWithValues: current.enumerated().map { ($1.key, $0) })

        var validated: [ScreenAnswer] = []
        var asked: Set<String> = []
        for (i, input) in answers.enumerated() {
            let field = "answers[\(i)]"
            let key = Text.clean(input.ruleKey)
            guard !key.isEmpty else {
                v.add("\(field).ruleKey", "Say which safety question this answers.")
                continue
            }
            guard let rule = latest[key] else {
                v.add("\(field).ruleKey", "“\(key)” is not an active safety question.")
                continue
            }
            guard rule.trigger == .answer else {
                v.add("\(field).ruleKey", "“\(rule.title)” comes from the intake and is not asked.")
                continue
            }
            let repeated = asked.contains(key)
            asked.insert(key)
            let note = v.text(input.note, "\(field).note", "Note") ?? ""
            var region: BodyRegion?
            let code = Text.clean(input.region)
            if !code.isEmpty {
                region = BodyRegion(code: code)
                if region == nil { v.add("\(field).region", "“\(code)” is not a body region.") }
            }
            guard let yes = input.answer else {
                v.add("\(field).answer", "Answer yes or no.")
                continue
            }
            if yes && rule.needsRegion && code.isEmpty {
                v.add("\(field).region", "Say where: “\(rule.title)” means avoiding an area.")
            }
            // A region only means something for a yes to a rule that avoids an area.
            let answer = ScreenAnswer(ruleKey: rule.key, ruleVersion: rule.version, answer: yes,
                                      region: yes && rule.needsRegion ? region : nil, note: note)
            if repeated {
                // One rule may be answered yes once per area (a wound on each arm); anything else contradicts.
                let earlier = validated.filter { $0.ruleKey == key }
                let anotherArea = rule.needsRegion && yes && answer.region != nil
                    && earlier.allSatisfy { $0.answer && $0.region != answer.region }
                if !anotherArea {
                    v.add("\(field).ruleKey", "“\(rule.title)” is answered twice.")
                    continue
                }
            }
            validated.append(answer)
        }
        for rule in Self.questions(rules: rules, visitOnly: visitOnly) where !asked.contains(rule.key) {
            v.add("answers.\(rule.key)", "“\(rule.title)” must be answered.")
        }
        try v.finish()

        var precautions: [(Precaution, Int)] = []
        for answer in validated where answer.answer {
            let rule = latest[answer.ruleKey]!
            precautions.append((Precaution(rule, region: answer.region, fact: nil), order[rule.key]!))
        }
        for rule in current {
            if case .intake(let fact) = rule.trigger, facts.contains(fact) {
                precautions.append((Precaution(rule, region: nil, fact: fact), order[rule.key]!))
            }
        }
        let sorted = precautions.sorted { a, b in
            (a.0.action.rank, a.0.urgent ? 0 : 1, a.1, a.0.region?.code ?? "")
                < (b.0.action.rank, b.0.urgent ? 0 : 1, b.1, b.0.region?.code ?? "")
        }.map(\.0)
        return ScreenResult(answers: validated, precautions: sorted, hold: sorted.contains { $0.action == .stopRefer },
                            urgentReferral: sorted.contains { $0.action == .stopRefer && $0.urgent })
    }
}

// MARK: - Lifting a hold

public enum ClearanceKind: String, Codable, Sendable, CaseIterable {
    /// The medical provider has cleared treatment.
    case providerCleared
    /// The clinician lifts the hold on their own judgement, with a reason (§4.2 software note).
    case clinicianOverride

    public var label: String { self == .providerCleared ? "Cleared by the medical provider" : "Clinician override" }
}

public struct ClearanceInput: Codable, Sendable, Equatable {
    /// `providerCleared` or `clinicianOverride`.
    public var kind: String?
    /// Required for an override; an optional note for a provider's clearance.
    public var reason: String?

    public init(kind: String? = nil, reason: String? = nil) {
        self.kind = kind
        self.reason = reason
    }

    /// The minimum for an override reason (the reference only says "with a reason").
    public static let minimumOverrideReasonLength = 10

    public func validated() throws(ValidationFailure) -> HoldClearance {
        var v = AssessmentValidator()
        let kind: ClearanceKind? = v.requiredChoice(self.kind, "kind", "Kind")
        let reason = v.text(self.reason, "reason", "Reason")
        if kind == .clinicianOverride && (reason?.count ?? 0) < Self.minimumOverrideReasonLength {
            v.add("reason", "An override needs a reason of at least \(Self.minimumOverrideReasonLength) characters.")
        }
        try v.finish()
        return HoldClearance(kind: kind!, reason: reason)
    }
}

public struct HoldClearance: Codable, Sendable, Equatable {
    public var kind: ClearanceKind
    public var reason: String?

    public init(kind: ClearanceKind, reason: String?) {
        self.kind = kind
        self.reason = reason
    }
}
