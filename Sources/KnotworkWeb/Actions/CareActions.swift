import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

/// Plans of care, session notes and progress (issue 4), for the JSON API now and the pages next. Each action checks,
/// validates, writes and audits in one transaction; reads are audited before data leaves.
enum CareActions {
    /// A change to a signed note, or an addendum to an unsigned one: 409, audited as a failure.
    struct Conflict: Error, AbortError, AuditOutcomeProviding {
        var reason: String
        var status: HTTPResponseStatus { .conflict }
        var auditOutcome: AuditOutcome { .failure }
        var auditDetail: String { self.reason }
    }

    struct Forbidden: Error, AbortError, AuditOutcomeProviding {
        var reason: String
        var status: HTTPResponseStatus { .forbidden }
        var auditOutcome: AuditOutcome { .denied }
        var auditDetail: String { self.reason }
    }

    static func mapStoreError<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch CareStoreError.notFound {
            throw Abort(.notFound)
        } catch CareStoreError.noteIsSigned {
            throw Conflict(reason: "The note is signed and cannot change; add an addendum instead.")
        } catch CareStoreError.noteNotSigned {
            throw Conflict(reason: "Only a signed note takes an addendum; edit the draft instead.")
        } catch CareStoreError.notTheAuthor {
            throw Forbidden(reason: "Only the note's author edits or signs it.")
        } catch CareStoreError.draftChanged {
            throw Conflict(reason: "The draft was saved again while it was being signed; review it and sign again.")
        } catch CareStoreError.keyInUse {
            throw Conflict(reason: "This idempotency key already names another kind of note of yours; send a new key.")
        }
    }

    /// The kinds the note routes show: session notes and discharge summaries. Progress reports, team notes and case
    /// conferences share the notes table but have routes (and schemas) of their own.
    static let noteKinds: Set<String> = ["session", "discharge"]

    /// The clinic's settings in force (technique list, progress rules, certification policy).
    static func settings(on db: any Database) async throws -> ClinicSettings {
        try await ClinicSettingsStore(database: db).current()
    }

    /// The clinic's letterhead for a printed page.
    static func letterhead(on req: Request) async throws -> ClinicIdentity {
        try await Self.settings(on: req.db).identity
    }

    /// The lines under a signed document's signature: the signer's profile in force when it was signed.
    static func signatureLines(of note: StoredNote, on req: Request) async throws -> [String] {
        guard let signedAt = note.signedAt else { return [] }
        return try await ClinicianProfileStore(database: req.db).inForce(note.authorID, at: signedAt).signatureLines(name: note.authorName)
    }

    /// Saves a new version of the clinic's settings (administrator); the previous versions stay. Audited with what changed.
    static func saveSettings(_ input: ClinicSettingsInput, on req: Request) async throws -> ClinicSettingsStore.Version {
        let recorder = try AssessmentActions.recorder(req)
        let now = req.now
        let saved = try await req.audit.perform(req.auditActor, AuditEntry(.clinicSettingsUpdate, entity: "clinic_settings")) { db in
            let store = ClinicSettingsStore(database: db)
            let next = try input.applied(to: try await store.current())
            return try await store.save(next, by: recorder, at: now)
        }
        req.application.knotwork.clinicClocks.invalidate()
        return saved
    }

    // MARK: plans

    struct PlanData: Sendable {
        var plan: StoredPlan
        var revisions: [PlanRevision]
    }

    static func plans(on req: Request) async throws -> [StoredPlan] {
        let ctx = try req.requirePatient()
        return try await req.audit.read(req.auditActor, AuditEntry(.planRead, patientID: ctx.patientID, entity: "plans")) { db in
            try await CareStore(database: db).plans(of: ctx.patientID)
        }
    }

    static func plan(_ id: UUID, on req: Request) async throws -> PlanData {
        let ctx = try req.requirePatient()
        return try await req.audit.read(req.auditActor, AuditEntry(.planRead, patientID: ctx.patientID, entity: "plan:\(id.uuidString.lowercased())")) { db in
            let store = CareStore(database: db)
            guard let plan = try await store.plan(id, of: ctx.patientID) else { throw Abort(.notFound) }
            return PlanData(plan: plan, revisions: try await store.revisions(of: id))
        }
    }

    /// - Parameter referralID: the referral the plan starts from (one of this patient's): linked both ways.
    /// The signed-in clinician as the owner of the goals they add.
    static func goalOwner(_ req: Request) throws -> GoalOwner? {
        let user = try req.requirePrincipal().user
        return Discipline(role: user.role).map { GoalOwner(userID: user.id, name: user.displayName, discipline: $0) }
    }

    static func createPlan(_ input: PlanOfCareInput, referralID: UUID? = nil, on req: Request) async throws -> StoredPlan {
        let ctx = try req.requirePatient()
        let recorder = try AssessmentActions.recorder(req)
        let editor = try Self.goalOwner(req)
        let now = req.now
        let today = req.today
        return try await req.audit.perform(req.auditActor, AuditEntry(.planCreate, patientID: ctx.patientID, entity: "plan")) { db in
            let patient = try await AssessmentActions.patient(ctx.patientID, on: db)
            let filled = try await Self.takingBaselines(input, patientID: ctx.patientID, today: today, previous: nil, on: db)
            let plan = try filled.validated(today: today, birthDate: patient.dateOfBirth, techniques: try await Self.settings(on: db).techniques)
                .assigningOwners(previous: nil, editor: editor)
            let stored = try await CareStore(database: db).createPlan(plan, patientID: ctx.patientID, by: recorder, at: now)
            if let referralID {
                let referrals = ReferralStore(database: db)
                guard try await referrals.referral(referralID, of: ctx.patientID) != nil else {
                    throw ValidationFailure([FieldError("referralId", "is not a referral of this patient")])
                }
                try await referrals.linkPlan(referralID, of: ctx.patientID, plan: stored.id, at: now)
            }
            return stored
        }
    }

    /// A new revision from the whole plan as edited (its status is kept; statuses move by `moveStatus`).
    static func revisePlan(_ id: UUID, _ input: PlanOfCareInput, on req: Request) async throws -> StoredPlan {
        let ctx = try req.requirePatient()
        let recorder = try AssessmentActions.recorder(req)
        let editor = try Self.goalOwner(req)
        let now = req.now
        let today = req.today
        let entry = AuditEntry(.planUpdate, patientID: ctx.patientID, entity: "plan:\(id.uuidString.lowercased())")
        return try await req.audit.perform(req.auditActor, entry) { db in
            let store = CareStore(database: db)
            guard let current = try await store.plan(id, of: ctx.patientID) else { throw Abort(.notFound) }
            let patient = try await AssessmentActions.patient(ctx.patientID, on: db)
            let filled = try await Self.takingBaselines(input, patientID: ctx.patientID, today: today, previous: current.plan, on: db)
            let plan = try filled.validated(today: today, birthDate: patient.dateOfBirth, techniques: try await Self.settings(on: db).techniques,
                                            status: current.plan.status).assigningOwners(previous: current.plan, editor: editor)
            return try await Self.mapStoreError { try await store.revisePlan(id, patientID: ctx.patientID, to: plan, by: recorder, at: now) }
        }
    }

    static func moveStatus(_ id: UUID, to status: String?, on req: Request) async throws -> StoredPlan {
        let ctx = try req.requirePatient()
        let recorder = try AssessmentActions.recorder(req)
        let now = req.now
        let entry = AuditEntry(.planUpdate, patientID: ctx.patientID, entity: "plan:\(id.uuidString.lowercased())",
                               detail: "status → \(Text.clean(status).prefix(20))")
        return try await req.audit.perform(req.auditActor, entry) { db in
            let store = CareStore(database: db)
            guard let current = try await store.plan(id, of: ctx.patientID) else { throw Abort(.notFound) }
            guard let target = PlanStatus(rawValue: Text.clean(status)) else {
                throw ValidationFailure([FieldError("status", "must be one of " + PlanStatus.allCases.map(\.rawValue).joined(separator: ", "))])
            }
            var plan = current.plan
            plan.status = try plan.status.moved(to: target)
            return try await store.revisePlan(id, patientID: ctx.patientID, to: plan, by: recorder, at: now)
        }
    }

    /// The care team's medical provider certifies the plan for its period (signed and dated).
    static func certify(_ id: UUID, on req: Request) async throws -> StoredPlan {
        let ctx = try req.requirePatient()
        let user = try req.requirePrincipal().user
        let now = req.now
        return try await req.audit.perform(req.auditActor, AuditEntry(.planCertify, patientID: ctx.patientID, entity: "plan:\(id.uuidString.lowercased())")) { db in
            guard user.role == .medicalProvider else { throw Forbidden(reason: "Only the care team's medical provider certifies a plan.") }
            let store = CareStore(database: db)
            guard let current = try await store.plan(id, of: ctx.patientID) else { throw Abort(.notFound) }
            let certification = Certification(providerID: user.id, providerName: user.displayName, signedAt: now,
                                              period: current.plan.start...current.plan.endDate)
            return try await store.certify(id, patientID: ctx.patientID, certification, at: now)
        }
    }

    /// What the plan pages need: the patient, the safety header, the patient's PSFS activities (goal measures) and the
    /// home care the latest root-cause hypothesis suggests. One audited read.
    struct PlanContext: Sendable {
        var patient: Patient
        var safety: SafetyStatus
        var psfsActivities: [String]
        var suggestedHomeCare: [HomeCareItem]
        var today: CalendarDate
        var plan: StoredPlan?
        var revisions: [PlanRevision]
        var settings: ClinicSettings
    }

    static func planContext(_ planID: UUID?, on req: Request) async throws -> PlanContext {
        let ctx = try req.requirePatient()
        let today = req.today
        let entity = planID.map { "plan:\($0.uuidString.lowercased())" } ?? "plan form"
        return try await req.audit.read(req.auditActor, AuditEntry(.planRead, patientID: ctx.patientID, entity: entity)) { db in
            let store = AssessmentStore(database: db)
            let patient = try await AssessmentActions.patient(ctx.patientID, on: db)
            let psfs = try await store.latest(.measure, of: ctx.patientID, code: "PSFS").first.map { try $0.decode(MeasureResult.self) }
            let cause = try await store.latest(.rootCause, of: ctx.patientID).first.map { try $0.decode(RootCauseHypothesis.self) }
            var plan: StoredPlan?
            var revisions: [PlanRevision] = []
            if let planID {
                guard let found = try await CareStore(database: db).plan(planID, of: ctx.patientID) else { throw Abort(.notFound) }
                plan = found
                revisions = try await CareStore(database: db).revisions(of: planID)
            }
            return PlanContext(patient: patient, safety: try await SafetyStore(database: db).status(of: ctx.patientID),
                               psfsActivities: psfs?.value.answers.activities.map(\.name) ?? [],
                               suggestedHomeCare: cause.map { HomeCareItem.suggested(from: $0.value) } ?? [], today: today,
                               plan: plan, revisions: revisions, settings: try await Self.settings(on: db))
        }
    }

    /// Goals sent without a baseline take the latest value of their measure recorded on or before the plan's start (the
    /// assessment's, or a session's), one query per such goal.
    static func takingBaselines(_ input: PlanOfCareInput, patientID: UUID, today: CalendarDate, previous: PlanOfCare?,
                                on db: any Database) async throws -> PlanOfCareInput {
        let start = CalendarDate(Text.clean(input.start)) ?? today
        let store = AssessmentStore(database: db)
        var found: [GoalMeasure: RecordedValue] = [:]
        for goal in input.goals ?? [] where goal.baseline == nil {
            guard let measure = goal.parsedMeasure, found[measure] == nil else { continue }
            // A PSFS entry may not rate this activity: look back over a few.
            let entries = try await store.latest(code: Self.entryCode(measure), of: patientID, onOrBefore: start,
                                                 limit: measure.kind == .psfsActivity ? 10 : 1)
            if let hit = entries.lazy.compactMap({ e in Self.value(of: measure, number: e.value, body: e.body).map { RecordedValue(value: $0, recordedOn: e.recordedOn) } }).first {
                found[measure] = hit
            }
        }
        return input.takingBaselines(previous: previous) { found[$0] }
    }

    // MARK: discharge

    struct Discharge: Sendable {
        var patient: Patient
        var safety: SafetyStatus
        var plan: StoredPlan?
        var note: StoredNote?
        var summary: DischargeSummary?
    }

    /// The discharge summary of the current plan: drafted from the data the first time it is opened (baseline against
    /// the latest value of each goal, the signed sessions, the techniques used, the home program), then kept as a draft.
    /// - Parameter draft: write the draft when there is none (a POST); a GET only reads.
    static func discharge(draft: Bool, on req: Request) async throws -> Discharge {
        let ctx = try req.requirePatient()
        let author = try AssessmentActions.recorder(req)
        let now = req.now
        let body: @Sendable (any Database) async throws -> Discharge = { db in
            let care = CareStore(database: db)
            let patient = try await AssessmentActions.patient(ctx.patientID, on: db)
            let safety = try await SafetyStore(database: db).status(of: ctx.patientID)
            let plans = try await care.plans(of: ctx.patientID)
            guard let plan = plans.first(where: { !$0.plan.status.isFinal }) ?? plans.first else {
                return Discharge(patient: patient, safety: safety, plan: nil, note: nil, summary: nil)
            }
            let key = "discharge-\(plan.id.uuidString.lowercased())"
            if let existing = try await care.notes(of: ctx.patientID, limit: 500).first(where: { $0.idempotencyKey == key }) {
                return Discharge(patient: patient, safety: safety, plan: plan, note: existing, summary: try? existing.decode(DischargeSummary.self))
            }
            guard draft else { return Discharge(patient: patient, safety: safety, plan: plan, note: nil, summary: nil) }
            let goals = try await Self.goalProgress(plan.plan, patientID: ctx.patientID, on: db)
            let sessions = try await care.notes(of: ctx.patientID, limit: 1000).filter { $0.isSigned && $0.kind == "session" && $0.planID == plan.id }
            let notes = sessions.compactMap { try? $0.decode(SessionNote.self) }
            let settings = try await Self.settings(on: db)
            let techniques = Array(Set(notes.flatMap { $0.interventions.map(\.technique) })).sorted().map(settings.techniqueLabel)
            let allMet = !goals.isEmpty && goals.allSatisfy { $0.evaluation?.status == .met }
            let summary = DischargeSummary(
                reason: allMet ? .goalsMet : .other,
                goals: goals.map { g in
                    .init(goal: g.goal.description, measure: g.goal.measure.label, baseline: g.goal.baseline, final: g.evaluation?.latest?.value,
                          target: g.goal.target, status: g.evaluation.map { ChartViews.statusText($0.status) } ?? "no status")
                },
                sessions: sessions.count, techniques: techniques, homeProgram: plan.plan.homeCare.map(\.instruction),
                summary: allMet ? "All goals met; discharged with the home program." : "")
            let note = try await care.saveDraft(summary, patientID: ctx.patientID, planID: plan.id, kind: "discharge", idempotencyKey: key,
                                                sessionStart: now, sessionEnd: now, by: author, at: now).note
            return Discharge(patient: patient, safety: safety, plan: plan, note: note, summary: summary)
        }
        return draft
            ? try await req.audit.perform(req.auditActor, AuditEntry(.noteDraft, patientID: ctx.patientID, entity: "discharge"), body)
            : try await req.audit.read(req.auditActor, AuditEntry(.noteRead, patientID: ctx.patientID, entity: "discharge"), body)
    }

    /// Signs the discharge summary with the therapist's reason and text, and closes the plan (completed), or moves it
    /// to maintenance when that is the reason.
    static func signDischarge(_ noteID: UUID, reason: String?, summary: String?, on req: Request) async throws -> StoredNote {
        let ctx = try req.requirePatient()
        let author = try AssessmentActions.recorder(req)
        let now = req.now
        return try await req.audit.perform(req.auditActor, AuditEntry(.noteSign, patientID: ctx.patientID, entity: "discharge:\(noteID.uuidString.lowercased())")) { db in
            let care = CareStore(database: db)
            var chosen: DischargeSummary?
            let signed = try await Self.mapStoreError {
                try await care.sign(noteID, patientID: ctx.patientID, by: author, at: now, lateAfter: LateEntry.defaultThreshold) { stored in
                    guard stored.kind == "discharge" else { throw Abort(.notFound) }
                    let final = try stored.decode(DischargeSummary.self).edited(reason: reason, summary: summary)
                    chosen = final
                    return (final, final.canonicalForm(patientID: ctx.patientID, noteID: stored.id, author: author.userID, signedAt: now))
                }
            }
            if let planID = signed.planID, let plan = try await care.plan(planID, of: ctx.patientID) {
                var next = plan.plan
                let target: PlanStatus = chosen?.reason == .maintenance ? .maintenance : .completed
                if next.status.canMove(to: target) {
                    next.status = target
                    _ = try await care.revisePlan(planID, patientID: ctx.patientID, to: next, by: author, at: now)
                }
            }
            return signed
        }
    }

    // MARK: progress

    struct GoalProgressData: Sendable {
        var goal: Goal
        var evaluation: GoalEvaluation?
        /// Why there is no evaluation (no meaningful change known for a diary measure, a measure not recorded…).
        var unavailable: String?
    }

    /// Each goal's measure over time since the plan's start, evaluated by Core's one set of progress rules.
    static func progress(_ id: UUID, on req: Request) async throws -> (StoredPlan, [GoalProgressData]) {
        let ctx = try req.requirePatient()
        let entry = AuditEntry(.planRead, patientID: ctx.patientID, entity: "plan-progress:\(id.uuidString.lowercased())")
        return try await req.audit.read(req.auditActor, entry) { db in
            guard let stored = try await CareStore(database: db).plan(id, of: ctx.patientID) else { throw Abort(.notFound) }
            return (stored, try await Self.goalProgress(stored.plan, patientID: ctx.patientID, on: db))
        }
    }

    /// The chart: the patient, the safety header, the current plan with each goal's progress, whether a re-evaluation
    /// is due, and the timeline of assessments, notes and plan revisions (one audited read, a fixed number of queries).
    struct ChartData: Sendable {
        var patient: Patient
        var safety: SafetyStatus
        var plan: StoredPlan?
        var revisions: [PlanRevision]
        var goals: [GoalProgressData]
        var assessments: [AssessmentHeader]
        var notes: [StoredNote]
        var addenda: [StoredAddendum]
        var due: [DueReason]
        var settings: ClinicSettings
    }

    /// - Parameter withBodies: the notes' bodies (the progress report's relief chart reads them; the chart page does not).
    static func chart(on req: Request, withBodies: Bool = false) async throws -> ChartData {
        let ctx = try req.requirePatient()
        let today = req.today
        return try await req.audit.read(req.auditActor, AuditEntry(.planRead, patientID: ctx.patientID, entity: "chart")) { db in
            let patient = try await AssessmentActions.patient(ctx.patientID, on: db)
            let care = CareStore(database: db)
            let plans = try await care.plans(of: ctx.patientID)
            let plan = plans.first { !$0.plan.status.isFinal } ?? plans.first
            let assessments = try await AssessmentStore(database: db).assessments(of: ctx.patientID)
            let notes = try await care.notes(of: ctx.patientID, limit: 200, bodies: withBodies)
            let settings = try await Self.settings(on: db)
            let due = Self.due(plan?.plan, lastEvaluation: assessments.last?.assessedOn,
                               sessions: notes.compactMap { $0.sessionStart.map(CalendarDate.init) }, today: today, settings: settings)
            return ChartData(patient: patient, safety: try await SafetyStore(database: db).status(of: ctx.patientID), plan: plan,
                             revisions: plan == nil ? [] : try await care.revisions(of: plan!.id),
                             goals: plan == nil ? [] : try await Self.goalProgress(plan!.plan, patientID: ctx.patientID, settings: settings, on: db),
                             assessments: assessments, notes: notes, addenda: try await care.addenda(ofPatient: ctx.patientID), due: due, settings: settings)
        }
    }

    /// Whether a re-evaluation and progress report is due for an open plan, by the clinic's rules (the chart and the worklist).
    static func due(_ plan: PlanOfCare?, lastEvaluation: CalendarDate?, sessions: [CalendarDate], today: CalendarDate,
                    settings: ClinicSettings) -> [DueReason] {
        guard let plan, !plan.status.isFinal, let last = lastEvaluation else { return [] }
        let visits = sessions.filter { $0 > last }.count
        return (try? ReEvaluationDue.check(visitsSinceLast: visits, lastEvaluation: last, planEnd: plan.endDate, today: today,
                                           settings: settings.progress)) ?? []
    }

    static func goalProgress(_ plan: PlanOfCare, patientID: UUID, settings: ClinicSettings? = nil, on db: any Database) async throws -> [GoalProgressData] {
        var rules = settings?.progress ?? .standard
        if settings == nil { rules = try await Self.settings(on: db).progress }
        let codes = Set(plan.goals.map { Self.entryCode($0.measure) })
        // Only PSFS values live in the body (per activity); the other measures' values are the number column.
        let entries = try await AssessmentStore(database: db).series(of: patientID, codes: Array(codes), from: plan.start,
                                                                     bodiesFor: codes.contains("PSFS") ? ["PSFS"] : [])
        // Values recorded at a session carry its number in the plan (S1, S2, …), for the chart's session markers.
        var sessions: [UUID: Int] = [:]
        for e in entries where e.sessionID != nil && sessions[e.sessionID!] == nil { sessions[e.sessionID!] = sessions.count + 1 }
        // PSFS scores live in the body, per activity: each body is decoded once, whatever the number of PSFS goals.
        var activities: [Int: [String: Double?]] = [:]
        for (i, e) in entries.enumerated() where !e.body.isEmpty { activities[i] = Self.activityScores(e.body) }
        return plan.goals.map { goal -> GoalProgressData in
            guard let profile = goal.measure.profile(), let threshold = profile.meaningfulChange?.pointsThreshold else {
                return GoalProgressData(goal: goal, evaluation: nil, unavailable: "No meaningful change is known for this measure (§1.12); its values are shown without a status.")
            }
            let code = Self.entryCode(goal.measure)
            let activity: String? = if case .psfsActivity(let name) = goal.measure { Text.searchKey(name) } else { nil }
            let points = entries.indices.filter { entries[$0].code == code }.compactMap { i -> ProgressPoint? in
                let e = entries[i]
                let value = activity.map { activities[i]?[$0] ?? nil } ?? e.value
                guard let value else { return nil }
                return ProgressPoint(date: e.recordedOn, value: value, sessionNumber: e.sessionID.flatMap { sessions[$0] })
            }
            do {
                let evaluation = try GoalProgress.evaluate(baseline: goal.baseline, target: goal.target, direction: profile.direction,
                                                           meaningfulChange: threshold, scale: profile.range, points: points, settings: rules)
                return GoalProgressData(goal: goal, evaluation: evaluation, unavailable: nil)
            } catch let failure as ValidationFailure {
                return GoalProgressData(goal: goal, evaluation: nil, unavailable: failure.errors.map(\.message).joined(separator: "; "))
            } catch {
                return GoalProgressData(goal: goal, evaluation: nil, unavailable: "could not be evaluated")
            }
        }
    }

    /// The finding code a goal's values are stored under (see AssessmentActions' codes).
    static func entryCode(_ measure: GoalMeasure) -> String {
        switch measure {
        case .instrument(let code), .diary(let code): code
        case .rangeOfMotion(let joint, let motion, let side): [joint, motion, side?.rawValue ?? "-", ROMMode.active.rawValue].joined(separator: ".")
        case .psfsActivity: "PSFS"
        }
    }

    /// A goal's value in a finding: its number, or for a PSFS activity that activity's score in the body.
    static func value(of measure: GoalMeasure, number: Double?, body: String) -> Double? {
        guard case .psfsActivity(let name) = measure else { return number }
        return Self.activityScores(body)[Text.searchKey(name)] ?? nil
    }

    /// A PSFS result's scores by activity (by `Text.searchKey` of its name; the first of a name counts). Only the
    /// activities are decoded (a whole result with its scoring costs several times more), and a recorded result's body
    /// never changes, so each is decoded once per process (a two-year chart decoded a hundred on every request).
    static func activityScores(_ body: String) -> [String: Double?] {
        Self.scoreMemo.value(for: body, Self.decodeActivityScores)
    }

    static let scoreMemo = TextMemo<[String: Double?]>(limit: 4096)

    static func decodeActivityScores(_ body: String) -> [String: Double?] {
        struct Activities: Decodable {
            struct Answers: Decodable { var activities: [PSFSActivity] }
            var answers: Answers
        }
        guard let result = try? StoredJSON.decode(Activities.self, body) else { return [:] }
        var scores: [String: Double?] = [:]
        for a in result.answers.activities {
            let key = Text.searchKey(a.name)
            if scores.index(forKey: key) == nil { scores[key] = .some(a.score) }
        }
        return scores
    }

    // MARK: notes

    /// What the note pages need: the patient, the pre-session check, the current plan, the last signed note (to copy
    /// forward) and, for an existing note, the note and its addenda. One audited read.
    struct NoteContext: Sendable {
        var patient: Patient
        var safety: SafetyStatus
        var plan: StoredPlan?
        var lastSigned: StoredNote?
        var note: StoredNote?
        var addenda: [StoredAddendum]
        var settings: ClinicSettings
        var templates: [NoteTemplate]
        /// The visit a new note is started for.
        var appointment: StoredAppointment? = nil
        /// The patient's referrals and authorizations, for the visit counter's choice.
        var referrals: [StoredReferral] = []
        var today: CalendarDate
    }

    /// - Parameter appointmentID: the visit a new note starts from (it must be this patient's).
    static func noteContext(_ noteID: UUID?, appointmentID: UUID? = nil, on req: Request) async throws -> NoteContext {
        let ctx = try req.requirePatient()
        let user = try req.requirePrincipal().user
        let entity = noteID.map { "note:\($0.uuidString.lowercased())" } ?? "note form"
        let today = req.today
        return try await req.audit.read(req.auditActor, AuditEntry(.noteRead, patientID: ctx.patientID, entity: entity)) { db in
            let care = CareStore(database: db)
            let patient = try await AssessmentActions.patient(ctx.patientID, on: db)
            var note: StoredNote?
            if let noteID {
                guard let found = try await care.note(noteID, of: ctx.patientID, kinds: Self.noteKinds) else { throw Abort(.notFound) }
                note = found
            }
            let plans = try await care.plans(of: ctx.patientID)
            var appointment: StoredAppointment?
            if let appointmentID {
                guard let found = try await AppointmentStore(database: db).appointment(appointmentID, of: ctx.patientID) else { throw Abort(.notFound) }
                appointment = found
            }
            return NoteContext(patient: patient, safety: try await SafetyStore(database: db).status(of: ctx.patientID),
                               plan: plans.first { !$0.plan.status.isFinal },
                               lastSigned: noteID == nil ? try await care.notes(of: ctx.patientID, limit: 20, kinds: ["session"]).first(where: \.isSigned) : nil,
                               note: note, addenda: noteID == nil ? [] : try await care.addenda(of: noteID!),
                               settings: try await Self.settings(on: db),
                               templates: noteID == nil ? try await NoteTemplateStore(database: db).templates(for: user.id) : [],
                               appointment: appointment,
                               referrals: note?.isSigned == true ? [] : try await ReferralStore(database: db).referrals(of: ctx.patientID),
                               today: today)
        }
    }

    struct NoteRequest: Content {
        var idempotencyKey: String?
        var planId: UUID?
        /// The visit the note is for: the visit is linked to it and marked arrived; signing the note completes it.
        var appointmentId: UUID?
        var kind: String?
        var note: SessionNoteInput?
    }

    /// Saves a draft as the therapist types; the same idempotency key names the same note, so a repeated submit
    /// creates nothing twice (and a signed note comes back unchanged).
    static func saveDraft(_ request: NoteRequest, on req: Request) async throws -> (note: StoredNote, created: Bool) {
        let ctx = try req.requirePatient()
        let author = try AssessmentActions.recorder(req)
        let now = req.now
        let key = Text.clean(request.idempotencyKey)
        return try await req.audit.perform(req.auditActor, AuditEntry(.noteDraft, patientID: ctx.patientID, entity: "note")) { db in
            var errors: [FieldError] = []
            if key.isEmpty || key.count > 100 { errors.append(FieldError("idempotencyKey", "Send a key of 1–100 characters that names this note.")) }
            // A discharge summary is drafted from the data on its own page, not typed as a note.
            let kind = request.kind ?? "session"
            if kind != "session" { errors.append(FieldError("kind", "must be session (a discharge summary is drafted from the discharge page)")) }
            if let planID = request.planId, try await CareStore(database: db).plan(planID, of: ctx.patientID) == nil {
                errors.append(FieldError("planId", "is not a plan of this patient"))
            }
            guard errors.isEmpty else { throw ValidationFailure(errors) }
            let note = request.note ?? SessionNoteInput()
            let saved = try await Self.mapStoreError {
                try await CareStore(database: db).saveDraft(note, patientID: ctx.patientID, planID: request.planId, kind: kind, idempotencyKey: key,
                                                            sessionStart: note.timeIn, sessionEnd: note.timeOut, by: author, at: now)
            }
            if let visit = request.appointmentId {
                do {
                    try await AppointmentStore(database: db).link(visit, of: ctx.patientID, note: saved.note.id, at: now)
                } catch AppointmentStoreError.notFound {
                    throw ValidationFailure([FieldError("appointmentId", "is not a visit of this patient")])
                } catch AppointmentStoreError.notOpenForNote(let status) {
                    throw ValidationFailure([FieldError("appointmentId", status.holdsTime ? "This visit already has its note; open that one."
                                                                                              : "A \(status.label.lowercased()) visit takes no note.")])
                }
            }
            return saved
        }
    }

    static func updateDraft(_ id: UUID, _ note: SessionNoteInput, on req: Request) async throws -> StoredNote {
        let ctx = try req.requirePatient()
        let author = try AssessmentActions.recorder(req)
        let now = req.now
        let entry = AuditEntry(.noteDraft, patientID: ctx.patientID, entity: "note:\(id.uuidString.lowercased())")
        return try await req.audit.perform(req.auditActor, entry) { db in
            let store = CareStore(database: db)
            guard let existing = try await store.note(id, of: ctx.patientID, kinds: Self.noteKinds) else { throw Abort(.notFound) }
            if existing.kind == "discharge", !existing.isSigned {
                throw ValidationFailure([FieldError("kind", "A discharge summary is edited from its own page.")])
            }
            return try await Self.mapStoreError {
                try await store.updateDraft(existing, body: note, sessionStart: note.timeIn, sessionEnd: note.timeOut, by: author, at: now)
            }
        }
    }

    /// Signs the note: it must validate, with every active precaution acknowledged and any hold overridden with a reason.
    /// The draft is read and validated before the write begins (see `AuditTrail.perform(prepare:)`); the transaction then
    /// checks that the safety status and the draft are still those, so nothing unvalidated is signed.
    /// The visit counts against the referral and payer authorization that cover its date of service (`coverage` may
    /// choose others, with a reason, and gives the reason to go beyond the last authorized visit).
    static func sign(_ id: UUID, coverage decision: CoverageDecision = CoverageDecision(), on req: Request) async throws -> StoredNote {
        let ctx = try req.requirePatient()
        let author = try AssessmentActions.recorder(req)
        let now = req.now, clock = req.clinicClock
        struct Prepared: Sendable {
            var draft: StoredNote
            var note: SessionNote
            var canonical: String
            var safety: Set<UUID>
            var coverage: ResolvedCoverage
        }
        let entry = AuditEntry(.noteSign, patientID: ctx.patientID, entity: "note:\(id.uuidString.lowercased())")
        return try await req.audit.perform(req.auditActor, entry, prepare: { db in
            let safety = try await SafetyStore(database: db).status(of: ctx.patientID)
            let techniques = Set(try await Self.settings(on: db).techniques.map(\.code))
            let draft = try await Self.mapStoreError { try await CareStore(database: db).draftToSign(id, patientID: ctx.patientID, by: author, kinds: Self.noteKinds) }
            if draft.kind == "discharge" { throw ValidationFailure([FieldError("kind", "A discharge summary is signed from its own page.")]) }
            let note = try draft.decode(SessionNoteInput.self)
                .validated(techniques: techniques, now: now, timeZone: clock.zone, standingPrecautions: Set(safety.precautions.map(\.precaution.ruleKey)),
                           holdActive: safety.hold != nil)
            try await CredentialActions.requireLicensed(author.userID, on: clock.date(of: note.timeIn), field: "license", db: db)
            let coverage = try ReferralActions.resolve(decision, on: clock.date(of: note.timeIn),
                                                       referrals: try await ReferralStore(database: db).referrals(of: ctx.patientID))
            return Prepared(draft: draft, note: note, canonical: note.canonicalForm(patientID: ctx.patientID, noteID: draft.id, author: author.userID, signedAt: now),
                            safety: Set(safety.precautions.map(\.id) + (safety.hold.map { [$0.id] } ?? [])), coverage: coverage)
        }) { db, p in
            guard try await SafetyStore(database: db).standing(of: ctx.patientID) == p.safety else {
                throw Conflict(reason: "The patient's precautions changed while the note was being signed; review them and sign again.")
            }
            let stored = try await Self.mapStoreError {
                try await CareStore(database: db).commitSignature(p.draft, body: p.note, canonical: p.canonical, at: now, lateAfter: LateEntry.defaultThreshold)
            }
            try await Self.recordSessionPain(p.note, on: clock.date(of: p.note.timeIn), noteID: stored.id, patientID: ctx.patientID, by: author, at: now, on: db)
            try await AppointmentStore(database: db).complete(note: stored.id, at: now)
            let chosen = Set([decision.orderId.map { _ in ReferralKind.order }, decision.authorizationId.map { _ in ReferralKind.authorization }].compactMap { $0 })
            try await ReferralActions.count(p.coverage, chosen: chosen, note: stored.id, patientID: ctx.patientID, dateOfService: clock.date(of: p.note.timeIn),
                                            by: author, at: now, on: db)
            return stored
        }
    }

    /// The session's pain today is also an NRS measure of that day, so goals on pain move with the sessions.
    static func recordSessionPain(_ note: SessionNote, on dateOfService: CalendarDate, noteID: UUID, patientID: UUID, by author: Recorder, at now: Date, on db: any Database) async throws {
        let nrs = Instruments.named("NRS-NOW")!
        let answers = MeasureAnswers(items: [nrs.items[0].code: Double(note.subjective.painToday)])
        let scored = try score(nrs, answers: answers)
        try await AssessmentStore(database: db).add(.measure, MeasureResult(instrumentCode: nrs.code, answers: answers, score: scored),
                                                    code: nrs.code, number: scored.value, patientID: patientID, assessmentID: nil,
                                                    sessionID: noteID, recordedOn: dateOfService, by: author, at: now)
    }

    static func addAddendum(_ id: UUID, _ input: SessionNoteAddendumInput, on req: Request) async throws -> StoredAddendum {
        let ctx = try req.requirePatient()
        let author = try AssessmentActions.recorder(req)
        let now = req.now
        let entry = AuditEntry(.noteAddendum, patientID: ctx.patientID, entity: "note:\(id.uuidString.lowercased())")
        return try await req.audit.perform(req.auditActor, entry) { db in
            let addendum = try input.validated()
            return try await Self.mapStoreError {
                try await CareStore(database: db).addAddendum(addendum, to: id, patientID: ctx.patientID, by: author, at: now, kinds: Self.noteKinds)
            }
        }
    }

    static func notes(on req: Request) async throws -> [StoredNote] {
        let ctx = try req.requirePatient()
        return try await req.audit.read(req.auditActor, AuditEntry(.noteRead, patientID: ctx.patientID, entity: "notes")) { db in
            try await CareStore(database: db).notes(of: ctx.patientID, kinds: Self.noteKinds)
        }
    }

    static func note(_ id: UUID, on req: Request) async throws -> (StoredNote, [StoredAddendum]) {
        let ctx = try req.requirePatient()
        return try await req.audit.read(req.auditActor, AuditEntry(.noteRead, patientID: ctx.patientID, entity: "note:\(id.uuidString.lowercased())")) { db in
            let store = CareStore(database: db)
            guard let note = try await store.note(id, of: ctx.patientID, kinds: Self.noteKinds) else { throw Abort(.notFound) }
            return (note, try await store.addenda(of: id))
        }
    }

    /// The signed-in therapist's unsigned notes whose session ended more than 24 hours ago.
    /// The worklist's re-evaluations due: the open plans of the caller's patients whose re-evaluation and progress report
    /// is due by the clinic's rules (every N visits, every N days, or at the plan's end). One audited read.
    struct DuePlan: Sendable {
        var patientID: UUID
        var patientName: String
        var planID: UUID
        var reasons: [DueReason]
        var report: [ReportDueReason]
    }

    static func reEvaluationsDue(on req: Request) async throws -> [DuePlan] {
        let user = try req.requirePrincipal().user
        let today = req.today
        return try await req.audit.read(req.auditActor, AuditEntry(.planRead, entity: "worklist")) { db in
            let settings = try await Self.settings(on: db)
            return try await CareStore(database: db).worklistPlans(onTeamOf: user.id).compactMap { w in
                let reasons = Self.due(w.plan.plan, lastEvaluation: w.lastEvaluation, sessions: w.sessions, today: today, settings: settings)
                // The progress report's own clock: visits and days since the last signed report, or since the plan's start.
                let since = w.lastReport.map { CalendarDate($0) } ?? w.plan.plan.start
                let visits = w.sessions.filter { d in w.lastReport.map { d > CalendarDate($0) } ?? (d >= w.plan.plan.start) }.count
                let report = ProgressReportDue.check(visitsSinceLast: visits, since: since, today: today, referral: nil, discharging: false,
                                                     settings: settings.progress, counters: settings.counters)
                return reasons.isEmpty && report.isEmpty ? nil
                    : DuePlan(patientID: w.plan.patientID, patientName: w.patientName, planID: w.plan.id, reasons: reasons, report: report)
            }
        }
    }

    // MARK: note templates

    /// The caller's templates and the clinic's shared ones.
    static func templates(on req: Request) async throws -> [NoteTemplate] {
        try await NoteTemplateStore(database: req.db).templates(for: try req.requirePrincipal().user.id)
    }

    /// Saves the reusable part of a note under a name (audited; the template holds no patient, time or score).
    static func saveTemplate(_ input: NoteTemplateInput, on req: Request) async throws -> NoteTemplate {
        let owner = try AssessmentActions.recorder(req)
        let now = req.now
        return try await req.audit.perform(req.auditActor, AuditEntry(.noteTemplateCreate, entity: "note_template")) { db in
            let valid = try input.validated(techniques: Set(try await Self.settings(on: db).techniques.map(\.code)))
            return try await NoteTemplateStore(database: db).create(name: valid.name, shared: valid.shared, body: valid.body, by: owner, at: now)
        }
    }

    static func retireTemplate(_ id: UUID, on req: Request) async throws {
        let user = try req.requirePrincipal().user
        let now = req.now
        try await req.audit.perform(req.auditActor, AuditEntry(.noteTemplateRetire, entity: "note_template:\(id.uuidString.lowercased())")) { db in
            do {
                try await NoteTemplateStore(database: db).retire(id, by: user.id, at: now)
            } catch NoteTemplateStoreError.notFound {
                throw Abort(.notFound)
            }
        }
    }

    static func overdueNotes(on req: Request) async throws -> [StoredNote] {
        let user = try req.requirePrincipal().user
        let cutoff = req.now.addingTimeInterval(-LateEntry.defaultThreshold)
        return try await req.audit.read(req.auditActor, AuditEntry(.noteRead, entity: "unsigned notes")) { db in
            try await CareStore(database: db).unsigned(by: user.id, endedBefore: cutoff)
        }
    }
}

