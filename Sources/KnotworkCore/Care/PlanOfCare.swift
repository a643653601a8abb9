import Foundation

// Plan of care (PRODUCT.md episode step 4, issue 4): problems linked to ICD-10-CM codes, measurable goals tied to the
// outcome-measure engine and the range-of-motion norms, techniques per region, schedule, end goal, discharge criteria,
// home care, status, revisions and certification. Pure values and validation; the store adds ids, authors and audit.

// MARK: - Techniques

/// A treatment technique. The clinic's list is configuration: every function takes the list as a parameter.
public struct Technique: Sendable, Equatable, Hashable, Codable, Identifiable {
    /// Kebab-case, e.g. "myofascial-release".
    public var code: String
    public var label: String
    /// The CPT code that usually bills the technique, where §3.2 names one (a hint for billing; the session note
    /// records what is billed). Code numbers only, no AMA descriptors (§0.2).
    public var cpt: String?
    public var source: String?

    public var id: String { self.code }

    public init(code: String, label: String, cpt: String? = nil, source: String? = nil) {
        self.code = code
        self.label = label
        self.cpt = cpt
        self.source = source
    }
}

public enum TechniqueCatalog {
    /// Issue 4's list, plus soft-tissue mobilization, which §3.2 names beside myofascial release under 97140.
    /// The reference has no technique list of its own and no SNOMED codes for these (§7.2 ❓: "use CPT 97140 + local code").
    public static let standard: [Technique] = [
        Technique(code: "myofascial-release", label: "Myofascial release", cpt: "97140",
                  source: "§3.2: 97140 by CPT Assistant convention [S41][S41c]; §7.2"),
        Technique(code: "trigger-point-therapy", label: "Trigger-point therapy (non-injection)", cpt: "97140",
                  source: "§3.2: 97140 by CPT Assistant convention [S41][S41c]; §7.2"),
        Technique(code: "neuromuscular-therapy", label: "Neuromuscular therapy"),
        Technique(code: "swedish-effleurage", label: "Swedish massage and effleurage", cpt: "97124",
                  source: "§3.2: 97124 effleurage, petrissage, tapotement [S41][S41b]"),
        Technique(code: "cross-fiber-friction", label: "Cross-fiber friction"),
        Technique(code: "muscle-energy-technique", label: "Muscle energy technique"),
        Technique(code: "stretching", label: "Stretching"),
        Technique(code: "lymphatic-drainage", label: "Manual lymphatic drainage", cpt: "97140",
                  source: "§3.2: 97140 names manual lymphatic drainage [S41]"),
        Technique(code: "soft-tissue-mobilization", label: "Soft-tissue mobilization", cpt: "97140",
                  source: "§3.2: 97140 by CPT Assistant convention [S41][S41c]"),
    ]

    /// By code or label, ignoring case, accents and the spelling of separators ("Myofascial Release", "myofascial_release").
    public static func technique(_ text: String, in list: [Technique] = TechniqueCatalog.standard) -> Technique? {
        let key = Self.key(text)
        guard !key.isEmpty else { return nil }
        return list.first { Self.key($0.code) == key } ?? list.first { Self.key($0.label) == key }
    }

    static func key(_ s: String) -> String {
        Text.searchKey(s).filter { $0.isLetter || $0.isNumber }
    }
}

// MARK: - Goal measures

public enum GoalMeasureKind: String, Sendable, Codable, CaseIterable {
    case instrument, rangeOfMotion, diary, psfsActivity
}

/// What a goal is measured with.
public enum GoalMeasure: Sendable, Equatable, Hashable {
    /// An instrument score of the engine (`Instruments`), e.g. "PEG", "ODI".
    case instrument(String)
    /// One motion of the §2.1 table; the side for a paired motion.
    case rangeOfMotion(joint: String, motion: String, side: Side?)
    /// A diary metric: the engine's local diary instruments (SLEEP-*, PAINFREE-*, §1.12).
    case diary(String)
    /// One patient-named PSFS activity (§1.4), rated 0–10.
    case psfsActivity(String)

    public var kind: GoalMeasureKind {
        switch self {
        case .instrument: .instrument
        case .rangeOfMotion: .rangeOfMotion
        case .diary: .diary
        case .psfsActivity: .psfsActivity
        }
    }

    /// Global ratings are themselves ratings of change (§1.10): there is no baseline to improve on.
    public static let ratingsOfChange: Set<String> = ["PGIC", "GROC"]

    /// The engine's diary instruments: the local §1.12 items for sleep and pain-free periods.
    public static func isDiaryCode(_ code: String) -> Bool {
        code.hasPrefix("SLEEP-") || code.hasPrefix("PAINFREE-")
    }

    public static func diaryCodes(in instruments: [Instrument] = Instruments.all) -> [String] {
        instruments.map(\.code).filter(Self.isDiaryCode)
    }

    /// A short label for lists and revision history: "PEG", "Shoulder flexion, left", "PSFS: climbing stairs".
    public var label: String {
        switch self {
        case let .instrument(code), let .diary(code):
            return code
        case let .rangeOfMotion(joint, motion, side):
            let name = ROMNorms.norm(joint: joint, motion: motion).map { "\($0.jointName) \($0.motionName.lowercased())" }
                ?? "\(joint) \(motion)"
            return side.map { "\(name), \($0.rawValue)" } ?? name
        case let .psfsActivity(name):
            return "PSFS: \(name)"
        }
    }

    /// Range, direction and meaningful change, or nil when the measure is not known to the catalogs.
    public func profile(instruments: [Instrument] = Instruments.all, norms: [MotionNorm] = ROMNorms.all,
                        romThresholds: ROMErrorThresholds = .init(), romMethod: ROMMethod = .goniometer) -> GoalMeasureProfile? {
        let (profile, errors) = self.resolve(instruments: instruments, norms: norms, romThresholds: romThresholds, romMethod: romMethod)
        return errors.isEmpty ? profile : nil
    }

    public var range: ClosedRange<Double>? { self.profile()?.range }
    public var direction: MeasureDirection? { self.profile()?.direction }
    public var meaningfulChange: MeaningfulChange? { self.profile()?.meaningfulChange }

    /// The profile, or the errors (fields relative to the measure: `code`, `joint`, `motion`, `side`, `activity`).
    func resolve(instruments: [Instrument], norms: [MotionNorm], romThresholds: ROMErrorThresholds,
                 romMethod: ROMMethod) -> (GoalMeasureProfile?, [FieldError]) {
        switch self {
        case let .instrument(code):
            guard let instrument = Instruments.named(code, in: instruments), !Self.isDiaryCode(instrument.code) else {
                if Self.isDiaryCode(code.uppercased()) {
                    return (nil, [FieldError("code", "\(code.uppercased()) is a diary metric: choose the diary measure.")])
                }
                let known = instruments.map(\.code).filter { !Self.isDiaryCode($0) && !Self.ratingsOfChange.contains($0) }
                return (nil, [FieldError("code", "“\(code)” is not an instrument (one of: \(known.joined(separator: ", "))).")])
            }
            if Self.ratingsOfChange.contains(instrument.code) {
                return (nil, [FieldError("code", "\(instrument.code) is itself a rating of change with no baseline (§1.10); it cannot measure a goal.")])
            }
            return (GoalMeasureProfile(instrument), [])
        case let .diary(code):
            guard Self.isDiaryCode(code.uppercased()), let instrument = Instruments.named(code, in: instruments) else {
                return (nil, [FieldError("code", "“\(code)” is not a diary metric (one of: \(Self.diaryCodes(in: instruments).joined(separator: ", "))).")])
            }
            return (GoalMeasureProfile(instrument), [])
        case let .psfsActivity(name):
            guard !Text.clean(name).isEmpty else { return (nil, [FieldError("activity", "Activity is required.")]) }
            // §1.4: each activity 0 (unable) – 10 (pre-problem level), higher = better; single-activity MDC 3 points [S19].
            let psfs = Instruments.named("PSFS", in: instruments)
            return (GoalMeasureProfile(label: "PSFS activity “\(name)”", unit: "", range: psfs?.items.first?.range ?? 0...10,
                                       direction: .higherIsBetter,
                                       meaningfulChange: MeaningfulChange(measurementError: ChangeClassifier.psfsSingleActivityMDC,
                                                                          citation: "Stratford 1995: MDC 3 points for a single activity [S19] (§1.4)"),
                                       source: "§1.4 [S19]"), [])
        case let .rangeOfMotion(joint, motion, side):
            let joints = ROMNorms.joints(in: norms)
            guard joints.contains(joint) else {
                return (nil, [FieldError("joint", "“\(joint)” is not a joint (one of: \(joints.joined(separator: ", "))).")])
            }
            guard let norm = ROMNorms.norm(joint: joint, motion: motion, in: norms) else {
                let motions = norms.filter { $0.joint == joint }.map(\.motion)
                return (nil, [FieldError("motion", "“\(motion)” is not a motion of the \(joint) (one of: \(motions.joined(separator: ", "))).")])
            }
            if norm.paired && side == nil {
                return (nil, [FieldError("side", "Side is required: \(norm.jointName.lowercased()) \(norm.motionName.lowercased()) is measured on each side.")])
            }
            if !norm.paired && side != nil {
                return (nil, [FieldError("side", "Side must be empty: \(norm.jointName.lowercased()) \(norm.motionName.lowercased()) has no side.")])
            }
            // §2.2: no MCID for ROM, only measurement error; the same-examiner threshold of the planned method.
            let threshold = romThresholds.threshold(for: norm, method: romMethod, sameExaminer: true)
            return (GoalMeasureProfile(label: "\(norm.jointName.lowercased()) \(norm.motionName.lowercased())", unit: "°",
                                       range: ROMMeasurement.degreesRange, direction: .higherIsBetter,
                                       meaningfulChange: MeaningfulChange(measurementError: threshold.degrees, citation: threshold.source),
                                       source: norm.source), [])
        }
    }
}

extension GoalMeasure: Codable {
    // Flat, the same shape as `GoalMeasureInput`: {"kind": "rangeOfMotion", "joint": "shoulder", "motion": "flexion", "side": "left"}.
    enum CodingKeys: String, CodingKey { case kind, code, joint, motion, side, activity }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(GoalMeasureKind.self, forKey: .kind) {
        case .instrument: self = .instrument(try c.decode(String.self, forKey: .code))
        case .diary: self = .diary(try c.decode(String.self, forKey: .code))
        case .psfsActivity: self = .psfsActivity(try c.decode(String.self, forKey: .activity))
        case .rangeOfMotion:
            self = .rangeOfMotion(joint: try c.decode(String.self, forKey: .joint), motion: try c.decode(String.self, forKey: .motion),
                                  side: try c.decodeIfPresent(Side.self, forKey: .side))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(self.kind, forKey: .kind)
        switch self {
        case let .instrument(code), let .diary(code): try c.encode(code, forKey: .code)
        case let .psfsActivity(name): try c.encode(name, forKey: .activity)
        case let .rangeOfMotion(joint, motion, side):
            try c.encode(joint, forKey: .joint)
            try c.encode(motion, forKey: .motion)
            try c.encodeIfPresent(side, forKey: .side)
        }
    }
}

/// What a goal's numbers mean: the measure's range, which way is better and its meaningful change.
public struct GoalMeasureProfile: Sendable, Equatable {
    public var label: String
    /// "°" for range of motion, empty for scores.
    public var unit: String
    public var range: ClosedRange<Double>
    public var direction: MeasureDirection
    /// From the instrument table (§1); for range of motion the §2.2 measurement error; nil where the reference has none.
    public var meaningfulChange: MeaningfulChange?
    public var source: String

    public init(label: String, unit: String, range: ClosedRange<Double>, direction: MeasureDirection,
                meaningfulChange: MeaningfulChange?, source: String) {
        self.label = label
        self.unit = unit
        self.range = range
        self.direction = direction
        self.meaningfulChange = meaningfulChange
        self.source = source
    }

    init(_ instrument: Instrument) {
        self.init(label: instrument.code, unit: "", range: instrument.range, direction: instrument.direction,
                  meaningfulChange: instrument.meaningfulChange, source: instrument.source)
    }

    func text(_ x: Double) -> String { measureText(x) + self.unit }
}

// MARK: - Goals

public struct Goal: Sendable, Equatable, Codable, Identifiable {
    public var id: UUID
    public var description: String
    public var measure: GoalMeasure
    /// From the assessment.
    public var baseline: Double
    public var target: Double
    public var targetDate: CalendarDate
    /// The day the baseline was recorded, when it was taken from the record rather than typed (see
    /// `PlanOfCareInput.takingBaselines`).
    public var baselineRecordedOn: CalendarDate?
    /// The team member who added the goal, and so its discipline (issue 11: one shared plan). nil for goals saved
    /// before owners were kept.
    public var owner: GoalOwner?

    public init(id: UUID, description: String, measure: GoalMeasure, baseline: Double, target: Double, targetDate: CalendarDate,
                baselineRecordedOn: CalendarDate? = nil, owner: GoalOwner? = nil) {
        self.owner = owner
        self.id = id
        self.description = description
        self.measure = measure
        self.baseline = baseline
        self.target = target
        self.targetDate = targetDate
        self.baselineRecordedOn = baselineRecordedOn
    }
}

/// The discipline a goal belongs to: the care team's four (massage therapy, physical therapy, behavioral health, the
/// medical provider's own goals).
public enum Discipline: String, Sendable, Codable, CaseIterable {
    case massageTherapy, physicalTherapy, behavioralHealth, medical

    public init?(role: Role) {
        switch role {
        case .massageTherapist: self = .massageTherapy
        case .physicalTherapist: self = .physicalTherapy
        case .behavioralHealth: self = .behavioralHealth
        case .medicalProvider: self = .medical
        case .admin, .frontDesk: return nil
        }
    }

    public var label: String {
        switch self {
        case .massageTherapy: "Massage therapy"
        case .physicalTherapy: "Physical therapy"
        case .behavioralHealth: "Behavioral health"
        case .medical: "Medical"
        }
    }
}

/// Who added a goal to the shared plan.
public struct GoalOwner: Sendable, Equatable, Codable {
    public var userID: UUID
    public var name: String
    public var discipline: Discipline

    public init(userID: UUID, name: String, discipline: Discipline) {
        self.userID = userID
        self.name = name
        self.discipline = discipline
    }

    /// "Physical therapy · Pat Moreau, PT".
    public var label: String { "\(self.discipline.label) · \(self.name)" }
}

extension PlanOfCare {
    /// The plan with each goal's owner: a goal already on `previous` keeps its owner, whoever edits it; a new goal is
    /// `editor`'s, in `editor`'s discipline.
    public func assigningOwners(previous: PlanOfCare?, editor: GoalOwner?) -> PlanOfCare {
        var out = self
        let before = Dictionary((previous?.goals ?? []).map { ($0.id, $0.owner) }, uniquingKeysWith: { a, _ in a })
        for i in out.goals.indices {
            if let kept = before[out.goals[i].id] { out.goals[i].owner = kept } else { out.goals[i].owner = editor }
        }
        return out
    }
}

/// A value of a goal's measure as recorded (in an assessment or at a session), to serve as the goal's baseline.
public struct RecordedValue: Sendable, Equatable {
    public var value: Double
    public var recordedOn: CalendarDate

    public init(value: Double, recordedOn: CalendarDate) {
        self.value = value
        self.recordedOn = recordedOn
    }
}

public struct GoalMeasureInput: Codable, Sendable, Equatable {
    /// instrument, rangeOfMotion (or rom), diary, psfsActivity (or psfs); case and separators ignored.
    public var kind: String?
    /// Instrument or diary code.
    public var code: String?
    public var joint: String?
    public var motion: String?
    public var side: String?
    /// PSFS activity in the patient's words.
    public var activity: String?

    public init(kind: String? = nil, code: String? = nil, joint: String? = nil, motion: String? = nil, side: String? = nil,
                activity: String? = nil) {
        self.kind = kind
        self.code = code
        self.joint = joint
        self.motion = motion
        self.side = side
        self.activity = activity
    }

    var isBlank: Bool {
        [self.kind, self.code, self.joint, self.motion, self.side, self.activity].allSatisfy { Text.clean($0).isEmpty }
    }
}

public struct GoalInput: Codable, Sendable, Equatable {
    /// Kept when editing an existing goal, so revisions can follow it; a new goal gets one.
    public var id: UUID?
    public var description: String?
    public var measure: GoalMeasureInput?
    /// Left out, it is taken from the record: the latest value of the measure on or before the plan's start.
    public var baseline: Double?
    public var target: Double?
    /// `YYYY-MM-DD`.
    public var targetDate: String?
    /// Set by `PlanOfCareInput.takingBaselines`; not read from clients.
    var baselineRecordedOn: CalendarDate?

    enum CodingKeys: String, CodingKey { case id, description, measure, baseline, target, targetDate }

    /// The goal's measure when its input names one well enough to look it up (nil otherwise; `validated` reports why).
    public var parsedMeasure: GoalMeasure? {
        guard let input = self.measure else { return nil }
        var scratch = AssessmentValidator()
        return Self.parseMeasure(input, &scratch, "measure")
    }

    public init(id: UUID? = nil, description: String? = nil, measure: GoalMeasureInput? = nil, baseline: Double? = nil,
                target: Double? = nil, targetDate: String? = nil) {
        self.id = id
        self.description = description
        self.measure = measure
        self.baseline = baseline
        self.target = target
        self.targetDate = targetDate
    }

    var isBlank: Bool {
        Text.clean(self.description).isEmpty && (self.measure?.isBlank ?? true) && self.baseline == nil && self.target == nil
            && Text.clean(self.targetDate).isEmpty
    }

    /// One goal on its own. Errors: `description`, `measure.kind|code|joint|motion|side|activity`, `baseline`, `target`,
    /// `targetDate`.
    /// - Parameter planStart: the target date must fall after it; nil skips that check.
    public func validated(planStart: CalendarDate?, instruments: [Instrument] = Instruments.all, norms: [MotionNorm] = ROMNorms.all,
                          newID: () -> UUID = UUID.init) throws(ValidationFailure) -> Goal {
        var v = AssessmentValidator()
        let goal = self.check(&v, prefix: "", planStart: planStart, instruments: instruments, norms: norms, newID: newID)
        try v.finish()
        return goal!
    }

    func check(_ v: inout AssessmentValidator, prefix: String, planStart: CalendarDate?, instruments: [Instrument],
               norms: [MotionNorm], newID: () -> UUID) -> Goal? {
        func f(_ name: String) -> String { prefix.isEmpty ? name : "\(prefix).\(name)" }
        let errorsBefore = v.errors.count

        let description = v.text(self.description, f("description"), "Description", max: AssessmentLimits.statement)
        if description == nil { v.add(f("description"), "Description is required.") }

        let measure = self.measure.flatMap { Self.parseMeasure($0, &v, f("measure")) }
        if self.measure == nil || Text.clean(self.measure?.kind).isEmpty {
            v.add(f("measure.kind"), "Measure is required (one of: \(GoalMeasureKind.allCases.map(\.rawValue).joined(separator: ", "))).")
        }
        var profile: GoalMeasureProfile?
        if let measure {
            let (p, errors) = measure.resolve(instruments: instruments, norms: norms, romThresholds: .init(), romMethod: .goniometer)
            for e in errors { v.add(f("measure.\(e.field)"), e.message) }
            profile = p
        }

        // The numbers: inside the measure's range, and the target on the better side of the baseline.
        func number(_ x: Double?, _ field: String, _ label: String) -> Double? {
            guard let x else {
                v.add(f(field), field == "baseline"
                      ? "Baseline is required: no value of this measure is recorded on or before the plan's start; record it in the assessment or enter it."
                      : "\(label) is required.")
                return nil
            }
            guard x.isFinite else { v.add(f(field), "\(label) must be a number."); return nil }
            if let profile, !profile.range.contains(x) {
                v.add(f(field), "\(label) must be between \(profile.text(profile.range.lowerBound)) and \(profile.text(profile.range.upperBound)) for \(profile.label).")
                return nil
            }
            return x
        }
        let baseline = number(self.baseline, "baseline", "Baseline")
        let target = number(self.target, "target", "Target")
        if let profile, let baseline, let target {
            switch profile.direction {
            case .higherIsBetter where target <= baseline:
                v.add(f("target"), "Target must be above the baseline (\(profile.text(baseline))): for \(profile.label) higher is better.")
            case .higherIsWorse where target >= baseline:
                v.add(f("target"), "Target must be below the baseline (\(profile.text(baseline))): for \(profile.label) lower is better.")
            default: break
            }
        }

        let targetDate = v.planOfCareDate(self.targetDate, f("targetDate"), "Target date", required: true)
        if let targetDate, let planStart, targetDate <= planStart {
            v.add(f("targetDate"), "Target date must be after the plan start (\(planStart)).")
        }

        guard v.errors.count == errorsBefore, let description, let measure, let baseline, let target, let targetDate else { return nil }
        return Goal(id: self.id ?? newID(), description: description, measure: measure, baseline: baseline, target: target,
                    targetDate: targetDate, baselineRecordedOn: self.baselineRecordedOn)
    }

    /// The measure's kind and the fields that kind needs; catalog checks are `GoalMeasure.resolve`'s.
    static func parseMeasure(_ input: GoalMeasureInput, _ v: inout AssessmentValidator, _ prefix: String) -> GoalMeasure? {
        let kindText = TechniqueCatalog.key(input.kind ?? "")
        if kindText.isEmpty { return nil }   // reported as required by the caller
        let kinds: [String: GoalMeasureKind] = ["instrument": .instrument, "rangeofmotion": .rangeOfMotion, "rom": .rangeOfMotion,
                                                "diary": .diary, "psfsactivity": .psfsActivity, "psfs": .psfsActivity]
        guard let kind = kinds[kindText] else {
            v.add("\(prefix).kind", "Measure must be one of: \(GoalMeasureKind.allCases.map(\.rawValue).joined(separator: ", ")).")
            return nil
        }
        func required(_ value: String?, _ field: String, _ label: String) -> String? {
            let text = v.line(value, "\(prefix).\(field)", label)
            if text == nil { v.add("\(prefix).\(field)", "\(label) is required.") }
            return text
        }
        switch kind {
        case .instrument:
            return required(input.code, "code", "Instrument").map { .instrument($0.uppercased()) }
        case .diary:
            return required(input.code, "code", "Diary metric").map { .diary($0.uppercased()) }
        case .psfsActivity:
            return required(input.activity, "activity", "Activity").map { .psfsActivity($0) }
        case .rangeOfMotion:
            // Codes as RangeOfMotion writes them: lower case, kebab-case ("external rotation" → "external-rotation").
            func code(_ s: String?) -> String? {
                s.map { Text.clean($0).lowercased().replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: " ", with: "-") }
            }
            let joint = required(code(input.joint), "joint", "Joint")
            let motion = required(code(input.motion), "motion", "Motion")
            let sideText = Text.clean(input.side).lowercased()
            var side: Side?
            if !sideText.isEmpty {
                side = Side(rawValue: sideText)
                if side == nil {
                    v.add("\(prefix).side", "Side must be left or right.")
                    return nil
                }
            }
            guard let joint, let motion else { return nil }
            return .rangeOfMotion(joint: joint, motion: motion, side: side)
        }
    }
}

// MARK: - The plan

public struct Problem: Sendable, Equatable, Codable {
    /// An ICD-10-CM code (`ICD10Catalog`), valid on the plan's start date.
    public var icd10: String
    public var note: String

    public init(icd10: String, note: String = "") {
        self.icd10 = icd10
        self.note = note
    }
}

public struct PlannedTechnique: Sendable, Equatable, Codable {
    /// A copy of the list entry, so the plan reads the same if the clinic later renames or drops the technique.
    public var technique: Technique
    public var regions: [BodyRegion]

    public init(technique: Technique, regions: [BodyRegion]) {
        self.technique = technique
        self.regions = regions
    }
}

public struct HomeCareItem: Sendable, Equatable, Hashable, Codable {
    /// The perpetuating factor the instruction addresses (§ root cause), if any.
    public var factor: PerpetuatingFactorKind?
    public var instruction: String

    public init(factor: PerpetuatingFactorKind?, instruction: String) {
        self.factor = factor
        self.instruction = instruction
    }

    /// The self-care actions of the assessment's perpetuating factors that still matter (not dropped), to start the
    /// home-care program from what is already known.
    public static func suggested(from hypothesis: RootCauseHypothesis) -> [HomeCareItem] {
        hypothesis.factors.filter { $0.status != .dropped }.map { HomeCareItem(factor: $0.kind, instruction: $0.selfCareAction) }
    }
}

public struct PlanOfCare: Sendable, Equatable, Codable {
    public var problems: [Problem]
    public var goals: [Goal]
    public var techniques: [PlannedTechnique]
    /// Visits per week; below 1 for a maintenance rhythm (0.5 = every other week).
    public var frequencyPerWeek: Double
    public var durationWeeks: Int
    public var start: CalendarDate
    public var reEvaluationDate: CalendarDate
    public var endGoal: String
    public var dischargeCriteria: String
    public var homeCare: [HomeCareItem]
    public var status: PlanStatus

    public init(problems: [Problem], goals: [Goal], techniques: [PlannedTechnique], frequencyPerWeek: Double, durationWeeks: Int,
                start: CalendarDate, reEvaluationDate: CalendarDate, endGoal: String, dischargeCriteria: String,
                homeCare: [HomeCareItem] = [], status: PlanStatus = .draft) {
        self.problems = problems
        self.goals = goals
        self.techniques = techniques
        self.frequencyPerWeek = frequencyPerWeek
        self.durationWeeks = durationWeeks
        self.start = start
        self.reEvaluationDate = reEvaluationDate
        self.endGoal = endGoal
        self.dischargeCriteria = dischargeCriteria
        self.homeCare = homeCare
        self.status = status
    }

    /// `durationWeeks` after the start: 8 weeks from 2026-01-05 is 2026-03-02.
    public var endDate: CalendarDate { self.start.adding(days: 7 * self.durationWeeks) }

    /// Frequency × duration, rounded up: the visits to schedule (and to ask a referral for).
    public var plannedVisits: Int { Int((self.frequencyPerWeek * Double(self.durationWeeks) - 1e-9).rounded(.up)) }

    /// Changes status through the transition table; nothing changes on a refused move.
    public mutating func move(to status: PlanStatus) throws(ValidationFailure) {
        self.status = try self.status.moved(to: status)
    }
}

/// Bounds the reference does not give; our choices, kept together so a clinic setting can change them.
public enum PlanLimits {
    /// Once every 4 weeks (a maintenance rhythm) to daily.
    public static let frequencyPerWeek: ClosedRange<Double> = 0.25...7
    public static let durationWeeks: ClosedRange<Int> = 1...52
    /// A start further ahead than this is taken as a typing error.
    public static let startDaysAhead = 365
}

public struct ProblemInput: Codable, Sendable, Equatable {
    public var icd10: String?
    public var note: String?

    public init(icd10: String? = nil, note: String? = nil) {
        self.icd10 = icd10
        self.note = note
    }
}

public struct PlannedTechniqueInput: Codable, Sendable, Equatable {
    /// A technique code or label from the clinic's list.
    public var technique: String?
    /// Body-region codes: `area.left`, `area.right`, or `area` for a midline area.
    public var regions: [String]?

    public init(technique: String? = nil, regions: [String]? = nil) {
        self.technique = technique
        self.regions = regions
    }
}

public struct HomeCareItemInput: Codable, Sendable, Equatable {
    /// A `PerpetuatingFactorKind` raw value, or blank.
    public var factor: String?
    public var instruction: String?

    public init(factor: String? = nil, instruction: String? = nil) {
        self.factor = factor
        self.instruction = instruction
    }
}

public struct PlanOfCareInput: Codable, Sendable, Equatable {
    public var problems: [ProblemInput]?
    public var goals: [GoalInput]?
    public var techniques: [PlannedTechniqueInput]?
    public var frequencyPerWeek: Double?
    public var durationWeeks: Int?
    /// `YYYY-MM-DD`.
    public var start: String?
    /// `YYYY-MM-DD`.
    public var reEvaluationDate: String?
    public var endGoal: String?
    public var dischargeCriteria: String?
    public var homeCare: [HomeCareItemInput]?

    public init(problems: [ProblemInput]? = nil, goals: [GoalInput]? = nil, techniques: [PlannedTechniqueInput]? = nil,
                frequencyPerWeek: Double? = nil, durationWeeks: Int? = nil, start: String? = nil, reEvaluationDate: String? = nil,
                endGoal: String? = nil, dischargeCriteria: String? = nil, homeCare: [HomeCareItemInput]? = nil) {
        self.problems = problems
        self.goals = goals
        self.techniques = techniques
        self.frequencyPerWeek = frequencyPerWeek
        self.durationWeeks = durationWeeks
        self.start = start
        self.reEvaluationDate = reEvaluationDate
        self.endGoal = endGoal
        self.dischargeCriteria = dischargeCriteria
        self.homeCare = homeCare
    }

    /// Validates the whole plan and throws every error at once. A plan is complete in every status (a draft is a plan
    /// not yet in effect, not a half-filled form). Blank form rows are skipped; other rows keep the index the caller sent.
    ///
    /// Errors: `start`, `frequencyPerWeek`, `durationWeeks`, `reEvaluationDate`, `problems`, `problems[i].icd10|note`,
    /// `goals`, `goals[i].…` (see `GoalInput.validated`), `goals[i].id`, `techniques`, `techniques[i].technique`,
    /// `techniques[i].regions`, `techniques[i].regions[j]`, `endGoal`, `dischargeCriteria`, `homeCare`,
    /// `homeCare[i].factor|instruction`.
    /// - Parameters:
    ///   - today: the clinic's date; the start may not be more than `PlanLimits.startDaysAhead` days after it.
    ///   - birthDate: the start may not be before it.
    ///   - techniques: the clinic's technique list.
    ///   - status: the plan's current status (status changes go through `PlanStatus.moved(to:)`).
    ///   - icd10: the ICD-10-CM code set (CMS's, by default); codes are checked for the start date.
    /// Goals without a baseline take the latest recorded value of their measure on or before the plan's start (`recorded`
    /// looks it up), so that the baseline is the assessment's rather than retyped; the goal notes the day it was recorded.
    /// A goal with nothing recorded stays without one, and `validated` asks for it. A goal kept from `previous` with the
    /// same baseline keeps its recorded day.
    public func takingBaselines(previous: PlanOfCare? = nil, _ recorded: (GoalMeasure) -> RecordedValue?) -> PlanOfCareInput {
        var next = self
        next.goals = self.goals?.map { goal in
            var g = goal
            if g.baseline == nil, let measure = g.parsedMeasure, let value = recorded(measure) {
                g.baseline = value.value
                g.baselineRecordedOn = value.recordedOn
            } else if let id = g.id, let before = previous?.goals.first(where: { $0.id == id }), before.baseline == g.baseline {
                g.baselineRecordedOn = before.baselineRecordedOn
            }
            return g
        }
        return next
    }

    public func validated(today: CalendarDate, birthDate: CalendarDate, techniques: [Technique], status: PlanStatus = .draft,
                          icd10: ICD10CodeSet = ICD10Catalog.codes, instruments: [Instrument] = Instruments.all,
                          norms: [MotionNorm] = ROMNorms.all, newID: () -> UUID = UUID.init) throws(ValidationFailure) -> PlanOfCare {
        var v = AssessmentValidator()

        // Schedule first: the start date is needed to check codes and goal dates.
        var start = v.planOfCareDate(self.start, "start", "Start", required: true)
        if let s = start {
            if s < birthDate {
                v.add("start", "Start cannot be before the patient's date of birth (\(birthDate)).")
                start = nil
            } else if s > today.adding(days: PlanLimits.startDaysAhead) {
                v.add("start", "Start cannot be more than \(PlanLimits.startDaysAhead) days after today (\(today)).")
                start = nil
            }
        }
        let frequency = self.frequencyPerWeek
        if frequency == nil {
            v.add("frequencyPerWeek", "Frequency is required.")
        } else if let f = frequency, !(f.isFinite && PlanLimits.frequencyPerWeek.contains(f)) {
            v.add("frequencyPerWeek", "Frequency must be between \(measureText(PlanLimits.frequencyPerWeek.lowerBound)) (once every 4 weeks) and \(measureText(PlanLimits.frequencyPerWeek.upperBound)) visits per week.")
        }
        let duration = self.durationWeeks
        if duration == nil {
            v.add("durationWeeks", "Duration is required.")
        } else if let d = duration, !PlanLimits.durationWeeks.contains(d) {
            v.add("durationWeeks", "Duration must be between \(PlanLimits.durationWeeks.lowerBound) and \(PlanLimits.durationWeeks.upperBound) weeks.")
        }
        let reEvaluation = v.planOfCareDate(self.reEvaluationDate, "reEvaluationDate", "Re-evaluation date", required: true)
        if let r = reEvaluation, let s = start {
            if r <= s {
                v.add("reEvaluationDate", "Re-evaluation date must be after the start (\(s)).")
            } else if let d = duration, PlanLimits.durationWeeks.contains(d), r > s.adding(days: 7 * d) {
                v.add("reEvaluationDate", "Re-evaluation date must be on or before the end of the plan (\(s.adding(days: 7 * d)), \(d) weeks after the start).")
            }
        }

        // Problems: ICD-10-CM codes valid on the start date, each once.
        var problems: [Problem] = []
        if v.planOfCareListLimit(self.problems, "problems") {
            for (i, input) in (self.problems ?? []).enumerated() {
                let f = "problems[\(i)]"
                let codeText = Text.clean(input.icd10)
                let note = v.text(input.note, "\(f).note", "Note", max: AssessmentLimits.statement) ?? ""
                if codeText.isEmpty {
                    if !note.isEmpty { v.add("\(f).icd10", "Choose an ICD-10-CM code.") }
                    continue
                }
                let code: ICD10Code?
                if let start {
                    switch ICD10Catalog.validate(code: codeText, on: start, in: icd10) {
                    case let .success(c): code = c
                    case let .failure(refusal):
                        v.add("\(f).icd10", refusal.message)
                        code = nil
                    }
                } else {
                    code = ICD10Catalog.code(codeText, in: icd10)
                    if code == nil { v.add("\(f).icd10", "\(ICD10Catalog.normalize(codeText)) is not an ICD-10-CM code.") }
                }
                guard let code else { continue }
                if problems.contains(where: { $0.icd10 == code.code }) {
                    v.add("\(f).icd10", "\(code.code) is already listed.")
                    continue
                }
                problems.append(Problem(icd10: code.code, note: note))
            }
            if problems.isEmpty && !v.errors.contains(where: { $0.field.hasPrefix("problems[") }) {
                v.add("problems", "At least one problem (an ICD-10-CM diagnosis) is required.")
            }
        }

        // Goals.
        var goals: [Goal] = []
        var goalRows = 0
        if v.planOfCareListLimit(self.goals, "goals") {
            for (i, input) in (self.goals ?? []).enumerated() where !input.isBlank {
                goalRows += 1
                let f = "goals[\(i)]"
                guard let goal = input.check(&v, prefix: f, planStart: start, instruments: instruments, norms: norms, newID: newID) else { continue }
                if goals.contains(where: { $0.id == goal.id }) {
                    v.add("\(f).id", "This goal is listed twice.")
                    continue
                }
                goals.append(goal)
            }
            if goalRows == 0 { v.add("goals", "At least one measurable goal is required.") }
        }

        // Techniques per region, from the clinic's list.
        var planned: [PlannedTechnique] = []
        var techniqueRows = 0
        if v.planOfCareListLimit(self.techniques, "techniques") {
            for (i, input) in (self.techniques ?? []).enumerated() {
                let f = "techniques[\(i)]"
                let text = Text.clean(input.technique)
                let regionTexts = input.regions ?? []
                if text.isEmpty && regionTexts.allSatisfy({ Text.clean($0).isEmpty }) { continue }
                techniqueRows += 1
                var technique: Technique?
                if text.isEmpty {
                    v.add("\(f).technique", "Technique is required.")
                } else if let t = TechniqueCatalog.technique(text, in: techniques) {
                    if planned.contains(where: { $0.technique.code == t.code }) {
                        v.add("\(f).technique", "\(t.label) is already listed; add the regions to that entry.")
                    } else {
                        technique = t
                    }
                } else {
                    v.add("\(f).technique", "“\(text)” is not in the clinic's technique list (one of: \(techniques.map(\.code).joined(separator: ", "))).")
                }
                var regions: [BodyRegion] = []
                if regionTexts.count > BodyRegions.all.count {
                    v.add("\(f).regions", "At most \(BodyRegions.all.count) regions.")
                } else {
                    for (j, raw) in regionTexts.enumerated() {
                        let code = Text.clean(raw).lowercased()
                        if code.isEmpty { continue }
                        guard let region = BodyRegion(code: code) else {
                            let hint = BodyRegions.area(code).map { $0.paired ? "; a paired area needs a side (\(code).left or \(code).right)" : "" } ?? ""
                            v.add("\(f).regions[\(j)]", "“\(code)” is not a body region\(hint).")
                            continue
                        }
                        if regions.contains(region) {
                            v.add("\(f).regions[\(j)]", "\(region.name) is listed twice.")
                            continue
                        }
                        regions.append(region)
                    }
                    if regions.isEmpty && !v.errors.contains(where: { $0.field.hasPrefix("\(f).regions[") }) {
                        v.add("\(f).regions", "Choose at least one region.")
                    }
                }
                if let technique { planned.append(PlannedTechnique(technique: technique, regions: regions)) }
            }
            if techniqueRows == 0 { v.add("techniques", "At least one technique with its regions is required.") }
        }

        let endGoal = v.text(self.endGoal, "endGoal", "End goal", max: AssessmentLimits.statement)
        if endGoal == nil { v.add("endGoal", "End goal is required.") }
        let discharge = v.text(self.dischargeCriteria, "dischargeCriteria", "Discharge criteria", max: AssessmentLimits.note)
        if discharge == nil { v.add("dischargeCriteria", "Discharge criteria are required.") }

        // Home care, each instruction optionally tied to a perpetuating factor.
        var homeCare: [HomeCareItem] = []
        if v.planOfCareListLimit(self.homeCare, "homeCare") {
            for (i, input) in (self.homeCare ?? []).enumerated() {
                let f = "homeCare[\(i)]"
                let factor: PerpetuatingFactorKind? = v.choice(input.factor, "\(f).factor", "Factor")
                let instruction = v.text(input.instruction, "\(f).instruction", "Instruction", max: AssessmentLimits.statement)
                if instruction == nil {
                    if !Text.clean(input.factor).isEmpty { v.add("\(f).instruction", "Instruction is required.") }
                    continue
                }
                homeCare.append(HomeCareItem(factor: factor, instruction: instruction!))
            }
        }

        try v.finish()
        return PlanOfCare(problems: problems, goals: goals, techniques: planned, frequencyPerWeek: frequency!, durationWeeks: duration!,
                          start: start!, reEvaluationDate: reEvaluation!, endGoal: endGoal!, dischargeCriteria: discharge!,
                          homeCare: homeCare, status: status)
    }
}

// MARK: - Status

/// Where a plan stands. Completed and discontinued are final: further treatment is a new plan.
public enum PlanStatus: String, Sendable, Codable, CaseIterable {
    case draft, active, onHold, completed, discontinued, maintenance

    public var label: String {
        switch self {
        case .draft: "Draft"
        case .active: "Active"
        case .onHold: "On hold"
        case .completed: "Completed"
        case .discontinued: "Discontinued"
        case .maintenance: "Maintenance"
        }
    }

    /// The transition table. A draft becomes active or is abandoned; active treatment can pause, end, or move to the
    /// maintenance phase once goals are met; maintenance reopens active treatment on relapse (PRODUCT.md step 7); a plan
    /// on hold resumes (into active treatment or maintenance) or is discontinued; completing needs a working plan, not a
    /// paused one, because discharge follows a visit.
    public static let transitions: [PlanStatus: [PlanStatus]] = [
        .draft: [.active, .discontinued],
        .active: [.onHold, .maintenance, .completed, .discontinued],
        .maintenance: [.active, .onHold, .completed, .discontinued],
        .onHold: [.active, .maintenance, .discontinued],
        .completed: [],
        .discontinued: [],
    ]

    public var next: [PlanStatus] { Self.transitions[self] ?? [] }
    public var isFinal: Bool { self.next.isEmpty }

    public func canMove(to status: PlanStatus) -> Bool { self.next.contains(status) }

    /// The new status, or a `status` field error saying which moves are allowed.
    public func moved(to status: PlanStatus) throws(ValidationFailure) -> PlanStatus {
        guard self.canMove(to: status) else {
            let message: String
            if status == self {
                message = "The plan is already \(self.label.lowercased())."
            } else if self.isFinal {
                message = "A \(self.label.lowercased()) plan cannot change status; write a new plan."
            } else {
                message = "A plan that is \(self.label.lowercased()) cannot move to \(status.label.lowercased()); it can move to: "
                    + self.next.map { $0.label.lowercased() }.joined(separator: ", ") + "."
            }
            throw ValidationFailure([FieldError("status", message)])
        }
        return status
    }
}

// MARK: - Revisions

/// One field-level change between two versions of a plan.
public struct PlanChange: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case added, removed, changed }

    /// "status", "start", "frequencyPerWeek", "durationWeeks", "reEvaluationDate", "endGoal", "dischargeCriteria",
    /// "problems", "problems.note", "goals", "goals.description|measure|baseline|target|targetDate", "techniques",
    /// "techniques.regions", "homeCare", or "plan" for the first version.
    public var field: String
    public var kind: Kind
    /// Which entry: an ICD-10-CM code, a goal id, a technique code.
    public var item: String?
    public var before: String?
    public var after: String?
    /// One line for the history: "Frequency: 2 → 1 per week".
    public var summary: String

    public init(field: String, kind: Kind, item: String? = nil, before: String? = nil, after: String? = nil, summary: String) {
        self.field = field
        self.kind = kind
        self.item = item
        self.before = before
        self.after = after
        self.summary = summary
    }
}

/// Every saved version of a plan keeps who, when and what changed.
public struct PlanRevision: Sendable, Equatable, Codable {
    public var number: Int
    public var at: Date
    /// The user who saved it (name or id, as the store records users).
    public var by: String
    public var changes: [PlanChange]

    public init(number: Int, at: Date, by: String, changes: [PlanChange]) {
        self.number = number
        self.at = at
        self.by = by
        self.changes = changes
    }

    /// The next revision, or nil when nothing changed (saving an unchanged plan adds no revision).
    public static func next(after history: [PlanRevision], from old: PlanOfCare?, to new: PlanOfCare, at: Date,
                            by: String) -> PlanRevision? {
        let changes = old.map { PlanOfCare.diff($0, new) }
            ?? [PlanChange(field: "plan", kind: .added, after: new.status.rawValue, summary: "Plan created (\(new.status.label.lowercased())).")]
        guard !changes.isEmpty else { return nil }
        return PlanRevision(number: (history.map(\.number).max() ?? 0) + 1, at: at, by: by, changes: changes)
    }
}

extension PlanOfCare {
    /// Field-level differences, in the plan's field order. Goals are matched by id, problems by code, techniques by code;
    /// home-care items by their content.
    public static func diff(_ old: PlanOfCare, _ new: PlanOfCare) -> [PlanChange] {
        var out: [PlanChange] = []
        func changed(_ field: String, _ label: String, _ a: String, _ b: String, unit: String = "", quoted: Bool = false, item: String? = nil,
                     prefix: String = "") {
            guard a != b else { return }
            let (x, y) = quoted ? ("“\(a)”", "“\(b)”") : (a, b)
            out.append(PlanChange(field: field, kind: .changed, item: item, before: a, after: b, summary: "\(prefix)\(label): \(x) → \(y)\(unit)"))
        }

        changed("status", "Status", old.status.label, new.status.label)
        changed("start", "Start", old.start.description, new.start.description)
        changed("frequencyPerWeek", "Frequency", measureText(old.frequencyPerWeek), measureText(new.frequencyPerWeek), unit: " per week")
        changed("durationWeeks", "Duration", String(old.durationWeeks), String(new.durationWeeks), unit: " weeks")
        changed("reEvaluationDate", "Re-evaluation date", old.reEvaluationDate.description, new.reEvaluationDate.description)

        // Problems by code.
        func problemText(_ code: String) -> String {
            ICD10Catalog.code(code).map { "\($0.code) \($0.description)" } ?? code
        }
        for p in old.problems where !new.problems.contains(where: { $0.icd10 == p.icd10 }) {
            out.append(PlanChange(field: "problems", kind: .removed, item: p.icd10, before: p.icd10, summary: "Problem removed: \(problemText(p.icd10))"))
        }
        for p in new.problems {
            guard let before = old.problems.first(where: { $0.icd10 == p.icd10 }) else {
                out.append(PlanChange(field: "problems", kind: .added, item: p.icd10, after: p.icd10, summary: "Problem added: \(problemText(p.icd10))"))
                continue
            }
            changed("problems.note", "note", before.note, p.note, quoted: true, item: p.icd10, prefix: "Problem \(p.icd10) ")
        }

        // Goals by id.
        func goalText(_ g: Goal) -> String {
            "“\(g.description)” (\(g.measure.label) \(measureText(g.baseline)) → \(measureText(g.target)) by \(g.targetDate))"
        }
        for g in old.goals where !new.goals.contains(where: { $0.id == g.id }) {
            out.append(PlanChange(field: "goals", kind: .removed, item: g.id.uuidString, before: goalText(g), summary: "Goal removed: \(goalText(g))"))
        }
        for g in new.goals {
            guard let before = old.goals.first(where: { $0.id == g.id }) else {
                out.append(PlanChange(field: "goals", kind: .added, item: g.id.uuidString, after: goalText(g), summary: "Goal added: \(goalText(g))"))
                continue
            }
            let id = g.id.uuidString
            let prefix = "Goal “\(g.description)” "
            changed("goals.description", "description", before.description, g.description, quoted: true, item: id, prefix: "Goal ")
            changed("goals.measure", "measure", before.measure.label, g.measure.label, item: id, prefix: prefix)
            changed("goals.baseline", "baseline", measureText(before.baseline), measureText(g.baseline), item: id, prefix: prefix)
            changed("goals.target", "target", measureText(before.target), measureText(g.target), item: id, prefix: prefix)
            changed("goals.targetDate", "target date", before.targetDate.description, g.targetDate.description, item: id, prefix: prefix)
        }

        // Techniques by code; regions as sets.
        func regionList(_ regions: [BodyRegion]) -> String { regions.sorted().map(\.name).joined(separator: ", ") }
        for t in old.techniques where !new.techniques.contains(where: { $0.technique.code == t.technique.code }) {
            out.append(PlanChange(field: "techniques", kind: .removed, item: t.technique.code, before: regionList(t.regions),
                                  summary: "Technique removed: \(t.technique.label)"))
        }
        for t in new.techniques {
            guard let before = old.techniques.first(where: { $0.technique.code == t.technique.code }) else {
                out.append(PlanChange(field: "techniques", kind: .added, item: t.technique.code, after: regionList(t.regions),
                                      summary: "Technique added: \(t.technique.label) (\(regionList(t.regions)))"))
                continue
            }
            let added = t.regions.filter { !before.regions.contains($0) }
            let removed = before.regions.filter { !t.regions.contains($0) }
            guard !added.isEmpty || !removed.isEmpty else { continue }
            var parts: [String] = []
            if !added.isEmpty { parts.append("added \(regionList(added))") }
            if !removed.isEmpty { parts.append("removed \(regionList(removed))") }
            out.append(PlanChange(field: "techniques.regions", kind: .changed, item: t.technique.code, before: regionList(before.regions),
                                  after: regionList(t.regions), summary: "\(t.technique.label) regions: \(parts.joined(separator: "; "))"))
        }

        changed("endGoal", "End goal", old.endGoal, new.endGoal, quoted: true)
        changed("dischargeCriteria", "Discharge criteria", old.dischargeCriteria, new.dischargeCriteria, quoted: true)

        // Home care by content, counting repeats.
        func itemText(_ h: HomeCareItem) -> String { h.factor.map { "\($0.label): \(h.instruction)" } ?? h.instruction }
        var remaining = new.homeCare
        var removedItems: [HomeCareItem] = []
        for h in old.homeCare {
            if let k = remaining.firstIndex(of: h) { remaining.remove(at: k) } else { removedItems.append(h) }
        }
        for h in removedItems {
            out.append(PlanChange(field: "homeCare", kind: .removed, before: itemText(h), summary: "Home care removed: \(itemText(h))"))
        }
        for h in remaining {
            out.append(PlanChange(field: "homeCare", kind: .added, after: itemText(h), summary: "Home care added: \(itemText(h))"))
        }
        return out
    }
}

// MARK: - Certification

/// The medical provider's signed and dated certification of a plan for a period.
public struct Certification: Sendable, Equatable, Codable {
    public var providerID: UUID
    public var providerName: String
    public var signedAt: Date
    public var period: ClosedRange<CalendarDate>

    public init(providerID: UUID, providerName: String, signedAt: Date, period: ClosedRange<CalendarDate>) {
        self.providerID = providerID
        self.providerName = providerName
        self.signedAt = signedAt
        self.period = period
    }

    /// The period covers the plan from its start to its end.
    public func covers(_ plan: PlanOfCare) -> Bool {
        self.period.contains(plan.start) && self.period.contains(plan.endDate)
    }
}

/// The clinic's (or payer's) setting: whether plans need a provider's certification.
public struct CertificationPolicy: Sendable, Equatable, Codable {
    public var required: Bool

    public init(required: Bool) {
        self.required = required
    }

    public static let notRequired = CertificationPolicy(required: false)
}

extension PlanOfCare {
    /// True when the policy asks for certification and the plan, still open, has none covering its whole period.
    public func needsCertification(policy: CertificationPolicy, current: Certification?) -> Bool {
        guard policy.required, !self.status.isFinal else { return false }
        guard let current else { return true }
        return !current.covers(self)
    }
}

// MARK: - Helpers

extension AssessmentValidator {
    /// A `YYYY-MM-DD` date that may lie in the future (a start, a re-evaluation, a target).
    fileprivate mutating func planOfCareDate(_ value: String?, _ field: String, _ label: String, required: Bool) -> CalendarDate? {
        let text = Text.clean(value)
        if text.isEmpty {
            if required { self.add(field, "\(label) is required.") }
            return nil
        }
        guard let date = CalendarDate(text) else {
            self.add(field, "\(label) must be a real date written YYYY-MM-DD.")
            return nil
        }
        return date
    }

    /// False (with an error) when a list is longer than the assessment limit.
    fileprivate mutating func planOfCareListLimit<T>(_ list: [T]?, _ field: String) -> Bool {
        guard (list?.count ?? 0) <= AssessmentLimits.listItems else {
            self.add(field, "At most \(AssessmentLimits.listItems) entries.")
            return false
        }
        return true
    }
}
