import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

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

        init(_ p: StoredPlan, revisions: [PlanRevision]? = nil) {
            self.id = p.id
            self.revision = p.revision
            self.status = p.plan.status.rawValue
            self.plan = p.plan
            self.endDate = p.plan.endDate.description
            self.plannedVisits = p.plan.plannedVisits
            self.certification = p.certification
            // The clinic's setting decides whether certification is asked for; today it is asked for every active plan.
            self.needsCertification = p.plan.needsCertification(policy: CertificationPolicy(required: true), current: p.certification)
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

    struct CareController {
        static func id(_ req: Request, _ name: String) throws -> UUID {
            guard let id = req.parameters.get(name, as: UUID.self) else { throw Abort(.notFound) }
            return id
        }

        @Sendable func plans(req: Request) async throws -> Items<PlanResponse> {
            Items(items: try await CareActions.plans(on: req).map { PlanResponse($0) })
        }

        @Sendable func createPlan(req: Request) async throws -> Response {
            let plan = try await CareActions.createPlan(try API.decode(PlanOfCareInput.self, req), on: req)
            return try await PlanResponse(plan).encodeResponse(status: .created, for: req)
        }

        @Sendable func plan(req: Request) async throws -> PlanResponse {
            let data = try await CareActions.plan(try Self.id(req, "planID"), on: req)
            return PlanResponse(data.plan, revisions: data.revisions)
        }

        @Sendable func revisePlan(req: Request) async throws -> PlanResponse {
            PlanResponse(try await CareActions.revisePlan(try Self.id(req, "planID"), try API.decode(PlanOfCareInput.self, req), on: req))
        }

        @Sendable func moveStatus(req: Request) async throws -> PlanResponse {
            PlanResponse(try await CareActions.moveStatus(try Self.id(req, "planID"), to: try API.decode(StatusRequest.self, req).status, on: req))
        }

        @Sendable func certify(req: Request) async throws -> PlanResponse {
            PlanResponse(try await CareActions.certify(try Self.id(req, "planID"), on: req))
        }

        @Sendable func progress(req: Request) async throws -> PlanProgressResponse {
            let (plan, goals) = try await CareActions.progress(try Self.id(req, "planID"), on: req)
            return PlanProgressResponse(plan: PlanResponse(plan), goals: goals.map { GoalProgressResponse(goal: $0.goal, evaluation: $0.evaluation, unavailable: $0.unavailable) })
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
            let (note, addenda) = try await CareActions.note(try Self.id(req, "noteID"), on: req)
            return NoteResponse(note, addenda: addenda)
        }

        @Sendable func updateDraft(req: Request) async throws -> NoteResponse {
            NoteResponse(try await CareActions.updateDraft(try Self.id(req, "noteID"), try API.decode(SessionNoteInput.self, req), on: req))
        }

        @Sendable func sign(req: Request) async throws -> NoteResponse {
            NoteResponse(try await CareActions.sign(try Self.id(req, "noteID"), on: req))
        }

        @Sendable func addAddendum(req: Request) async throws -> Response {
            let addendum = try await CareActions.addAddendum(try Self.id(req, "noteID"), try API.decode(SessionNoteAddendumInput.self, req), on: req)
            return try await AddendumResponse(addendum).encodeResponse(status: .created, for: req)
        }

        @Sendable func overdue(req: Request) async throws -> Items<NoteResponse> {
            Items(items: try await CareActions.overdueNotes(on: req).map { NoteResponse($0) })
        }
    }
}
