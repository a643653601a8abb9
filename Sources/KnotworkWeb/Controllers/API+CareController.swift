import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

extension NoteTemplate: Content {}

extension API {
    struct PlanResponse: Content {
        var id: UUID
        var revision: Int
        var status: String
        var plan: PlanOfCare
        var endDate: String
        var plannedVisits: Int
        var certification: Certification?
        var needsCertification: Bool
        var createdAt: Date
        var updatedAt: Date
        var revisions: [PlanRevision]?

        init(_ p: StoredPlan, policy: CertificationPolicy, revisions: [PlanRevision]? = nil) {
            self.id = p.id
            self.revision = p.revision
            self.status = p.plan.status.rawValue
            self.plan = p.plan
            self.endDate = p.plan.endDate.description
            self.plannedVisits = p.plan.plannedVisits
            self.certification = p.certification
            // The clinic's setting decides whether certification is asked for.
            self.needsCertification = p.plan.needsCertification(policy: policy, current: p.certification)
            self.createdAt = p.createdAt
            self.updatedAt = p.updatedAt
            self.revisions = revisions
        }
    }

    struct GoalProgressResponse: Content {
        var goal: Goal
        var evaluation: GoalEvaluation?
        var unavailable: String?
    }

    struct PlanProgressResponse: Content {
        var plan: PlanResponse
        var goals: [GoalProgressResponse]
    }

    struct NoteResponse: Content {
        var id: UUID
        var kind: String
        var planId: UUID?
        var authorId: UUID
        var authorName: String
        var idempotencyKey: String
        var status: String
        var sessionStart: Date?
        var sessionEnd: Date?
        var createdAt: Date
        var updatedAt: Date
        /// The draft as typed, until the note is signed.
        var draft: SessionNoteInput?
        /// The validated note, once signed.
        var note: SessionNote?
        var signedAt: Date?
        var signature: String?
        var signatureVerified: Bool?
        var late: Bool
        var addenda: [AddendumResponse]?

        init(_ n: StoredNote, addenda: [StoredAddendum]? = nil) {
            self.id = n.id
            self.kind = n.kind
            self.planId = n.planID
            self.authorId = n.authorID
            self.authorName = n.authorName
            self.idempotencyKey = n.idempotencyKey
            self.status = n.isSigned ? "signed" : "draft"
            self.sessionStart = n.sessionStart
            self.sessionEnd = n.sessionEnd
            self.createdAt = n.createdAt
            self.updatedAt = n.updatedAt
            self.draft = n.isSigned ? nil : try? n.decode(SessionNoteInput.self)
            self.note = n.isSigned ? try? n.decode(SessionNote.self) : nil
            self.signedAt = n.signedAt
            self.signature = n.signature
            self.signatureVerified = n.isSigned ? NoteSignature.verify(n) : nil
            self.late = n.late
            self.addenda = addenda?.map(AddendumResponse.init)
        }
    }

    struct AddendumResponse: Content {
        var id: UUID
        var noteId: UUID
        var authorName: String
        var text: String
        var signedAt: Date
        var signature: String

        init(_ a: StoredAddendum) {
            self.id = a.id
            self.noteId = a.noteID
            self.authorName = a.authorName
            self.text = a.text
            self.signedAt = a.signedAt
            self.signature = a.signature
        }
    }

    struct StatusRequest: Content {
        var status: String?
    }

    /// The clinic's settings in force, with their version (0: none saved, issue 4's defaults).
    struct ClinicSettingsResponse: Content {
        var version: Int
        var savedAt: Date?
        var savedBy: String?
        var plateauSessions: Int
        var plateauWeeks: Int
        var reEvaluationEveryVisits: Int
        var reEvaluationEveryDays: Int
        var certificationRequired: Bool
        var techniques: [Technique]
        var retiredTechniques: [Technique]
        var alertVisitsLeft: Int
        var alertDaysToExpiry: Int
        var identity: ClinicIdentity
        var reportNotice: String
        var timeZone: String
        var reminderHours: Int
        var feedShowsInitials: Bool
        var cancellationNoticeHours: Int

        init(_ v: ClinicSettingsStore.Version?) {
            let s = v?.settings ?? .standard
            self.version = v?.number ?? 0
            self.savedAt = v?.savedAt
            self.savedBy = v?.savedByName
            self.plateauSessions = s.progress.plateauSessions
            self.plateauWeeks = s.progress.plateauWeeks
            self.reEvaluationEveryVisits = s.progress.reEvaluationEveryVisits
            self.reEvaluationEveryDays = s.progress.reEvaluationEveryDays
            self.certificationRequired = s.certification.required
            self.techniques = s.techniques
            self.retiredTechniques = s.retiredTechniques
            self.alertVisitsLeft = s.counters.alertVisitsLeft
            self.alertDaysToExpiry = s.counters.alertDaysToExpiry
            self.identity = s.identity
            self.reportNotice = s.reportNotice.rawValue
            self.timeZone = s.timeZone
            self.reminderHours = s.reminderHours
            self.feedShowsInitials = s.feedShowsInitials
            self.cancellationNoticeHours = s.cancellationNoticeHours
        }
    }

    struct CareController {
        @Sendable func templates(req: Request) async throws -> Items<NoteTemplate> {
            Items(items: try await CareActions.templates(on: req))
        }

        @Sendable func createTemplate(req: Request) async throws -> Response {
            let template = try await CareActions.saveTemplate(try API.decode(NoteTemplateInput.self, req), on: req)
            return try await template.encodeResponse(status: .created, for: req)
        }

        @Sendable func retireTemplate(req: Request) async throws -> Response {
            try await CareActions.retireTemplate(try req.pathID("templateID"), on: req)
            return Response(status: .noContent)
        }

        @Sendable func settings(req: Request) async throws -> ClinicSettingsResponse {
            ClinicSettingsResponse(try await ClinicSettingsStore(database: req.db).currentVersion())
        }

        @Sendable func saveSettings(req: Request) async throws -> ClinicSettingsResponse {
            ClinicSettingsResponse(try await CareActions.saveSettings(try API.decode(ClinicSettingsInput.self, req), on: req))
        }

        /// Whether the clinic asks for certification (its settings, read after the action).
        static func policy(_ req: Request) async throws -> CertificationPolicy {
            try await CareActions.settings(on: req.db).certification
        }

        @Sendable func plans(req: Request) async throws -> Items<PlanResponse> {
            let plans = try await CareActions.plans(on: req)
            let policy = try await Self.policy(req)
            return Items(items: plans.map { PlanResponse($0, policy: policy) })
        }

        @Sendable func createPlan(req: Request) async throws -> Response {
            let plan = try await CareActions.createPlan(try API.decode(PlanOfCareInput.self, req), on: req)
            return try await PlanResponse(plan, policy: try await Self.policy(req)).encodeResponse(status: .created, for: req)
        }

        @Sendable func plan(req: Request) async throws -> PlanResponse {
            let data = try await CareActions.plan(try req.pathID("planID"), on: req)
            return PlanResponse(data.plan, policy: try await Self.policy(req), revisions: data.revisions)
        }

        @Sendable func revisePlan(req: Request) async throws -> PlanResponse {
            PlanResponse(try await CareActions.revisePlan(try req.pathID("planID"), try API.decode(PlanOfCareInput.self, req), on: req),
                         policy: try await Self.policy(req))
        }

        @Sendable func moveStatus(req: Request) async throws -> PlanResponse {
            PlanResponse(try await CareActions.moveStatus(try req.pathID("planID"), to: try API.decode(StatusRequest.self, req).status, on: req),
                         policy: try await Self.policy(req))
        }

        @Sendable func certify(req: Request) async throws -> PlanResponse {
            PlanResponse(try await CareActions.certify(try req.pathID("planID"), on: req), policy: try await Self.policy(req))
        }

        @Sendable func progress(req: Request) async throws -> PlanProgressResponse {
            let (plan, goals) = try await CareActions.progress(try req.pathID("planID"), on: req)
            return PlanProgressResponse(plan: PlanResponse(plan, policy: try await Self.policy(req)), goals: goals.map { GoalProgressResponse(goal: $0.goal, evaluation: $0.evaluation, unavailable: $0.unavailable) })
        }

        @Sendable func notes(req: Request) async throws -> Items<NoteResponse> {
            Items(items: try await CareActions.notes(on: req).map { NoteResponse($0) })
        }

        /// Creates a draft, or saves it again under the same idempotency key (200 then, not 201).
        @Sendable func saveDraft(req: Request) async throws -> Response {
            let body = try API.decode(CareActions.NoteRequest.self, req)
            let (note, created) = try await CareActions.saveDraft(body, on: req)
            return try await NoteResponse(note).encodeResponse(status: created ? .created : .ok, for: req)
        }

        @Sendable func note(req: Request) async throws -> NoteResponse {
            let (note, addenda) = try await CareActions.note(try req.pathID("noteID"), on: req)
            return NoteResponse(note, addenda: addenda)
        }

        @Sendable func updateDraft(req: Request) async throws -> NoteResponse {
            NoteResponse(try await CareActions.updateDraft(try req.pathID("noteID"), try API.decode(SessionNoteInput.self, req), on: req))
        }

        @Sendable func sign(req: Request) async throws -> NoteResponse {
            // The body is optional: the visit counter's choices and reasons (`CoverageDecision`).
            let decision = (req.body.data?.readableBytes ?? 0) > 0 ? try API.decode(CoverageDecision.self, req) : CoverageDecision()
            return NoteResponse(try await CareActions.sign(try req.pathID("noteID"), coverage: decision, on: req))
        }

        @Sendable func addAddendum(req: Request) async throws -> Response {
            let addendum = try await CareActions.addAddendum(try req.pathID("noteID"), try API.decode(SessionNoteAddendumInput.self, req), on: req)
            return try await AddendumResponse(addendum).encodeResponse(status: .created, for: req)
        }

        @Sendable func overdue(req: Request) async throws -> Items<NoteResponse> {
            Items(items: try await CareActions.overdueNotes(on: req).map { NoteResponse($0) })
        }
    }
}
