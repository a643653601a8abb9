import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

/// What the assessment pages and the JSON API both do. Each action checks, validates, writes and audits
/// in one transaction (a failure writes nothing but its audit row); reads are audited before data leaves.
enum AssessmentActions {
    /// Everything the assessment page and the JSON record show, loaded with a fixed number of queries.
    struct RecordData: Sendable {
        var patient: Patient
        var record: AssessmentRecord
        var all: [AssessmentHeader]
        var safety: SafetyStatus
        var rules: [SafetyRule]
        /// Activities the patient named in their last PSFS, carried forward to the next one.
        var psfsActivities: [String]
    }

    static func recorder(_ req: Request) throws -> Recorder {
        let user = try req.requirePrincipal().user
        return Recorder(userID: user.id, name: user.displayName)
    }

    static func patient(_ id: UUID, on db: any Database) async throws -> Patient {
        guard let patient = try await PatientStore(database: db).get(id) else { throw Abort(.notFound) }
        return patient
    }

    static func assessment(_ id: UUID, of patientID: UUID, on db: any Database) async throws -> AssessmentHeader {
        guard let header = try await AssessmentStore(database: db).assessment(id, of: patientID) else { throw Abort(.notFound) }
        return header
    }

    static func list(on req: Request) async throws -> (Patient, [AssessmentHeader], SafetyStatus) {
        let ctx = try req.requirePatient()
        let entry = AuditEntry(.assessmentRead, patientID: ctx.patientID, entity: "assessments")
        return try await req.audit.read(req.auditActor, entry) { db in
            let patient = try await Self.patient(ctx.patientID, on: db)
            let all = try await AssessmentStore(database: db).assessments(of: ctx.patientID)
            return (patient, all.reversed(), try await SafetyStore(database: db).status(of: ctx.patientID))
        }
    }

    static func create(_ input: AssessmentHeaderInput, on req: Request) async throws -> AssessmentHeader {
        let ctx = try req.requirePatient()
        let recorder = try self.recorder(req)
        let today = req.today
        let now = req.now
        let entry = AuditEntry(.assessmentCreate, patientID: ctx.patientID, entity: "assessment")
        return try await req.audit.perform(req.auditActor, entry) { db in
            let patient = try await Self.patient(ctx.patientID, on: db)
            let valid = try input.validated(today: today, birthDate: patient.dateOfBirth)
            let header = AssessmentHeader(id: UUID(), patientID: patient.id, kind: valid.kind, assessedOn: valid.assessedOn,
                                          summary: valid.summary, clinicianID: recorder.userID, clinicianName: recorder.name)
            try await AssessmentStore(database: db).create(header, at: now)
            return header
        }
    }

    /// What an entry page needs beyond the record itself.
    enum Extra: Sendable {
        /// The safety-screen rules (the screen's questions).
        case rules
        /// The activities of the last PSFS, to carry forward.
        case psfsActivities
    }

    static func record(_ id: UUID, with extras: Set<Extra> = [], on req: Request) async throws -> RecordData {
        let ctx = try req.requirePatient()
        let entry = AuditEntry(.assessmentRead, patientID: ctx.patientID, entity: "assessment:\(id.uuidString.lowercased())")
        return try await req.audit.read(req.auditActor, entry) { db in
            try await Self.loadRecord(id, patientID: ctx.patientID, with: extras, on: db)
        }
    }

    /// The record's queries: a fixed number whatever the length of the patient's history (the patient, the list of
    /// assessments, the findings of at most three assessments, the latest intake and PSFS, the safety status and the
    /// rules). `AssessmentTests.recordQueryCountDoesNotGrowWithHistory` counts them.
    static func loadRecord(_ id: UUID, patientID: UUID, with extras: Set<Extra> = [], on db: any Database) async throws -> RecordData {
        let store = AssessmentStore(database: db)
        let patient = try await Self.patient(patientID, on: db)
        let all = try await store.assessments(of: patientID)
        guard let index = all.firstIndex(where: { $0.id == id }) else { throw Abort(.notFound) }
        let header = all[index]
        let baseline = all.first(where: { $0.kind == .initial }) ?? all.first
        let ids = [header.id, baseline?.id, index > 0 ? all[index - 1].id : nil].compactMap { $0 }
        let findings = try await store.entries(of: patientID, assessments: Array(Set(ids))).map { try $0.finding() }
        var carried: ClinicalEntry<Intake>?
        if !findings.contains(where: { $0.assessmentID == header.id && { if case .intake = $0.value { true } else { false } }($0) }) {
            carried = try await store.latest(.intake, of: patientID).first.map { try $0.decode(Intake.self) }
        }
        let psfs = extras.contains(.psfsActivities)
            ? try await store.latest(.measure, of: patientID, code: "PSFS").first.map { try $0.decode(MeasureResult.self) } : nil
        let record = AssessmentRecord.assemble(header, all: all, findings: findings, carriedIntake: carried)
        let safety = SafetyStore(database: db)
        return RecordData(patient: patient, record: record, all: all, safety: try await safety.status(of: patientID),
                          rules: extras.contains(.rules) ? try await safety.currentRules() : [],
                          psfsActivities: psfs?.value.answers.activities.map(\.name) ?? [])
    }

    /// Validates and stores one finding of an assessment.
    /// - Parameter validate: turns the input into the value to store and the code/number later visits compare by.
    static func addFinding<V: Codable & Sendable & Equatable>(
        _ kind: EntryKind, assessmentID: UUID, on req: Request,
        _ validate: @escaping @Sendable (Patient, AssessmentHeader, any Database) async throws -> (V, code: String?, number: Double?)
    ) async throws -> ClinicalEntry<V> {
        let ctx = try req.requirePatient()
        let recorder = try self.recorder(req)
        let now = req.now
        let entry = AuditEntry(.findingCreate, patientID: ctx.patientID, entity: "\(kind.rawValue):assessment:\(assessmentID.uuidString.lowercased())")
        return try await req.audit.perform(req.auditActor, entry) { db in
            let patient = try await Self.patient(ctx.patientID, on: db)
            let header = try await Self.assessment(assessmentID, of: ctx.patientID, on: db)
            let (value, code, number) = try await validate(patient, header, db)
            return try await AssessmentStore(database: db).add(kind, value, code: code, number: number, patientID: ctx.patientID,
                                                               assessmentID: header.id, recordedOn: header.assessedOn, by: recorder, at: now)
        }
    }

    static func addIntake(_ input: IntakeInput, assessmentID: UUID, on req: Request) async throws -> ClinicalEntry<Intake> {
        let today = req.today
        return try await self.addFinding(.intake, assessmentID: assessmentID, on: req) { patient, _, _ in
            (try input.validated(today: today, birthDate: patient.dateOfBirth), nil, nil)
        }
    }

    static func addPainMap(_ input: PainMapInput, assessmentID: UUID, on req: Request) async throws -> ClinicalEntry<PainMap> {
        try await self.addFinding(.painMap, assessmentID: assessmentID, on: req) { _, _, _ in
            let map = try input.validated()
            return (map, nil, Double(map.markings.map(\.intensity).max() ?? 0))
        }
    }

    static func addTriggerPoint(_ input: TriggerPointFindingInput, assessmentID: UUID, on req: Request) async throws -> ClinicalEntry<TriggerPointFinding> {
        try await self.addFinding(.triggerPoint, assessmentID: assessmentID, on: req) { _, _, _ in
            let finding = try input.validated()
            return (finding, "\(finding.muscle).\(finding.side.rawValue)", Double(finding.tenderness))
        }
    }

    static func addRangeOfMotion(_ input: ROMMeasurementInput, assessmentID: UUID, on req: Request) async throws -> ClinicalEntry<ROMMeasurement> {
        let examiner = try self.recorder(req)
        return try await self.addFinding(.rangeOfMotion, assessmentID: assessmentID, on: req) { _, _, _ in
            var input = input
            // The examiner is the signed-in clinician unless another examiner is named.
            if input.examinerName?.isEmpty ?? true {
                input.examinerName = examiner.name
                input.examinerID = examiner.userID
            }
            let m = try input.validated()
            return (m, [m.joint, m.motion, m.side?.rawValue ?? "-", m.mode.rawValue].joined(separator: "."), m.degrees)
        }
    }

    struct MeasureInput: Content, Sendable {
        var instrument: String?
        var items: [String: Double]?
        var activities: [PSFSActivity]?
        var score: Double?
    }

    static func addMeasure(_ input: MeasureInput, assessmentID: UUID, on req: Request) async throws -> ClinicalEntry<MeasureResult> {
        try await self.addFinding(.measure, assessmentID: assessmentID, on: req) { _, _, _ in
            guard let code = input.instrument, !code.isEmpty else { throw ValidationFailure([FieldError("instrument", "is required")]) }
            guard let instrument = Instruments.named(code) else {
                throw ValidationFailure([FieldError("instrument", "is not a known instrument")])
            }
            let answers = MeasureAnswers(items: input.items ?? [:], activities: input.activities ?? [], score: input.score)
            let scored = try score(instrument, answers: answers)
            return (MeasureResult(instrumentCode: instrument.code, answers: answers, score: scored), instrument.code, scored.value)
        }
    }

    static func setRootCause(_ input: RootCauseHypothesisInput, assessmentID: UUID, on req: Request) async throws -> ClinicalEntry<RootCauseHypothesis> {
        try await self.addFinding(.rootCause, assessmentID: assessmentID, on: req) { _, _, _ in
            (try input.validated(isKnownMuscle: { TriggerPointCatalog.muscle($0) != nil }), nil, nil)
        }
    }

    // MARK: safety

    /// Answers the safety screen (all questions at an evaluation; the red flags alone at any visit), using the
    /// facts of the latest intake. Precautions, the hold and the medical provider's task are written with it.
    static func screen(_ answers: [ScreenAnswerInput], assessmentID: UUID?, on req: Request) async throws -> ScreenOutcome {
        let ctx = try req.requirePatient()
        let recorder = try self.recorder(req)
        let now = req.now
        let today = req.today
        let entry = AuditEntry(.safetyScreen, patientID: ctx.patientID, entity: assessmentID.map { "assessment:\($0.uuidString.lowercased())" } ?? "visit")
        return try await req.audit.perform(req.auditActor, entry) { db in
            let store = AssessmentStore(database: db)
            var recordedOn = today
            if let assessmentID {
                recordedOn = try await Self.assessment(assessmentID, of: ctx.patientID, on: db).assessedOn
            } else {
                _ = try await Self.patient(ctx.patientID, on: db)
            }
            let intake = try await store.latest(.intake, of: ctx.patientID).first.map { try $0.decode(Intake.self).value }
            let safety = SafetyStore(database: db)
            let result = try SafetyScreen.evaluate(rules: try await safety.currentRules(), answers: answers,
                                                   facts: intake?.facts(asOf: recordedOn) ?? [], visitOnly: assessmentID == nil)
            return try await safety.record(result, patientID: ctx.patientID, assessmentID: assessmentID, recordedOn: recordedOn,
                                           by: recorder, at: now)
        }
    }

    static func safety(on req: Request) async throws -> SafetyStatus {
        let ctx = try req.requirePatient()
        return try await req.audit.read(req.auditActor, AuditEntry(.safetyRead, patientID: ctx.patientID, entity: "safety")) { db in
            try await SafetyStore(database: db).status(of: ctx.patientID)
        }
    }

    /// The chart header's safety status, read with the page it tops (inside that page's audited read).
    static func safetyIfClinical(_ req: Request, on db: any Database) async throws -> SafetyStatus? {
        guard let ctx = req.patientContext, ctx.access >= .clinical else { return nil }
        return try await SafetyStore(database: db).status(of: ctx.patientID)
    }

    struct NotTheProvider: Error, AbortError, AuditOutcomeProviding {
        var status: HTTPResponseStatus { .forbidden }
        var reason: String { "Only a medical provider clears a hold; other clinicians override it with a reason." }
        var auditOutcome: AuditOutcome { .denied }
        var auditDetail: String { "not a medical provider" }
    }

    static func clearHold(_ input: ClearanceInput, on req: Request) async throws -> TreatmentHold {
        let ctx = try req.requirePatient()
        let user = try req.requirePrincipal().user
        let now = req.now
        let clearance = try? input.validated()
        let action: AuditAction = clearance?.kind == .providerCleared ? .holdClear : .holdOverride
        let entry = AuditEntry(action, patientID: ctx.patientID, entity: "hold",
                               detail: clearance.map { "reason: \(($0.reason ?? "").prefix(300))" } ?? "")
        return try await req.audit.perform(req.auditActor, entry) { db in
            let clearance = try input.validated()
            if clearance.kind == .providerCleared, user.role != .medicalProvider { throw NotTheProvider() }
            do {
                return try await SafetyStore(database: db).clearHold(of: ctx.patientID, clearance, by: user.id, at: now)
            } catch SafetyStoreError.noActiveHold {
                throw ValidationFailure([FieldError("hold", "There is no hold to clear.")])
            }
        }
    }

    static func resolvePrecaution(_ id: UUID, reason: String?, on req: Request) async throws {
        let ctx = try req.requirePatient()
        let user = try req.requirePrincipal().user
        let now = req.now
        let why = Text.clean(reason)
        let entry = AuditEntry(.precautionResolve, patientID: ctx.patientID, entity: "precaution:\(id.uuidString.lowercased())",
                               detail: "reason: \(why.prefix(300))")
        try await req.audit.perform(req.auditActor, entry) { db in
            if why.count < 10 { throw ValidationFailure([FieldError("reason", "Say why the precaution no longer applies (at least 10 characters).")]) }
            if why.count > 500 { throw ValidationFailure([FieldError("reason", "The reason must be at most 500 characters.")]) }
            do {
                try await SafetyStore(database: db).resolvePrecaution(id, of: ctx.patientID, reason: why, by: user.id, at: now)
            } catch SafetyStoreError.notFound {
                throw Abort(.notFound)
            }
        }
    }

    // MARK: pain-map comparison

    struct MapComparison: Sendable {
        var patient: Patient
        var maps: [ClinicalEntry<PainMap>]
        var earlier: ClinicalEntry<PainMap>?
        var later: ClinicalEntry<PainMap>?
        var changes: [RegionChange]
        var safety: SafetyStatus
    }

    /// Two dated maps compared region by region; without a choice, the last two.
    static func compareMaps(earlier: UUID?, later: UUID?, on req: Request) async throws -> MapComparison {
        let ctx = try req.requirePatient()
        let entry = AuditEntry(.assessmentRead, patientID: ctx.patientID, entity: "pain_maps")
        return try await req.audit.read(req.auditActor, entry) { db in
            let patient = try await Self.patient(ctx.patientID, on: db)
            let store = AssessmentStore(database: db)
            // The choice lists the newest maps; any older map can still be named by its id.
            let maps = try await store.history(.painMap, of: ctx.patientID).map { try $0.decode(PainMap.self) }
            func pick(_ id: UUID?, _ field: String, _ fallback: ClinicalEntry<PainMap>?) async throws -> ClinicalEntry<PainMap>? {
                guard let id else { return fallback }
                if let map = maps.first(where: { $0.id == id }) { return map }
                guard let stored = try await store.entry(id, of: ctx.patientID), stored.kind == .painMap else {
                    throw ValidationFailure([FieldError(field, "is not a pain map of this patient")])
                }
                return try stored.decode(PainMap.self)
            }
            let a = try await pick(earlier, "earlier", maps.count >= 2 ? maps[maps.count - 2] : nil)
            let b = try await pick(later, "later", maps.last)
            let changes = (a != nil && b != nil) ? PainMapComparison.compare(earlier: a!.value, later: b!.value) : []
            return MapComparison(patient: patient, maps: maps, earlier: a, later: b, changes: changes,
                                 safety: try await SafetyStore(database: db).status(of: ctx.patientID))
        }
    }

    // MARK: administration of the rules, and the worklist

    static func rules(on req: Request) async throws -> [SafetyRule] {
        try await SafetyStore(database: req.db).currentRules()
    }

    static func ruleVersions(_ key: String, on req: Request) async throws -> [SafetyStore.RuleVersion] {
        try await SafetyStore(database: req.db).versions(of: key)
    }

    /// Saves a new version of a rule (a new key adds a rule). Earlier versions are kept.
    static func saveRule(key: String, _ input: SafetyRuleInput, on req: Request) async throws -> SafetyRule {
        let user = try req.requirePrincipal().user
        let now = req.now
        let key = Text.clean(key).lowercased()
        let entry = AuditEntry(.safetyRuleUpdate, entity: "safety_rule:\(key.prefix(60))")
        return try await req.audit.perform(req.auditActor, entry) { db in
            guard !key.isEmpty, key.count <= 60, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw ValidationFailure([FieldError("key", "Use 1–60 lower-case letters, digits and hyphens.")])
            }
            let store = SafetyStore(database: db)
            let rule = try input.validated(key: key, version: try await store.nextVersion(of: key))
            try await store.save(rule, by: user.username, at: now)
            return rule
        }
    }

    static func myTasks(on req: Request) async throws -> [CareTask] {
        let user = try req.requirePrincipal().user
        return try await req.audit.read(req.auditActor, AuditEntry(.taskRead, entity: "tasks")) { db in
            try await TaskStore(database: db).open(for: user.id)
        }
    }
}
