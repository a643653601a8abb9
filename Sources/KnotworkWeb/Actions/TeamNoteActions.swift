import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

/// Team notes: written and signed in one step by any member of the patient's care team.
enum TeamNoteActions {
    static let kind = "team-note"

    struct TeamPage: Sendable {
        var patient: Patient
        var safety: SafetyStatus
        var team: [CareTeamMember]
        var notes: [(note: StoredNote, body: TeamNote)]
        var tasks: [CareTask]
        var threads: [MessageThread]
        var conferences: [(note: StoredNote, body: CaseConference)]
    }

    /// The care team's page: the team, its tasks and message threads about the patient, and the team notes.
    static func page(on req: Request) async throws -> TeamPage {
        let ctx = try req.requirePatient()
        let reader = try req.requirePrincipal().user.id
        return try await req.audit.read(req.auditActor, AuditEntry(.noteRead, patientID: ctx.patientID, entity: "care team page")) { db in
            let all = try await CareStore(database: db).notes(of: ctx.patientID, limit: 1000)
            let notes = all.filter { $0.kind == Self.kind }
            return TeamPage(patient: try await AssessmentActions.patient(ctx.patientID, on: db), safety: try await SafetyStore(database: db).status(of: ctx.patientID),
                            team: try await PatientStore(database: db).careTeam(ctx.patientID),
                            notes: notes.compactMap { n in (try? n.decode(TeamNote.self)).map { (n, $0) } },
                            tasks: try await TaskStore(database: db).tasks(of: ctx.patientID),
                            threads: try await MessageStore(database: db).threads(of: ctx.patientID, reader: reader),
                            conferences: all.filter { $0.kind == TeamWorkActions.conferenceKind }
                                .compactMap { n in (try? n.decode(CaseConference.self)).map { (n, $0) } })
        }
    }

    struct NewNote: Content {
        var text: String?
    }

    /// Writes and signs a team note (one transaction: there is no team-note draft).
    static func add(_ input: NewNote, on req: Request) async throws -> StoredNote {
        let ctx = try req.requirePatient()
        let author = try AssessmentActions.recorder(req)
        let user = try req.requirePrincipal().user
        let note = try TeamNote.validated(text: input.text, discipline: Discipline(role: user.role))
        let now = req.now
        return try await req.audit.perform(req.auditActor, AuditEntry(.noteSign, patientID: ctx.patientID, entity: "team-note")) { db in
            try await Self.signAtOnce(note, kind: Self.kind, patientID: ctx.patientID, by: author, at: now, on: db) {
                note.canonicalForm(patientID: ctx.patientID, noteID: $0, author: author.userID, signedAt: now)
            }
        }
    }

    /// Saves `body` as a note of `kind` and signs it in the same transaction: team notes and case conferences have no
    /// draft. `canonical` gives the signed text for the new note's id.
    static func signAtOnce<Body: Encodable & Sendable>(_ body: Body, kind: String, patientID: UUID, by author: Recorder, at now: Date, on db: any Database,
                                                       canonical: (UUID) -> String) async throws -> StoredNote {
        let care = CareStore(database: db)
        let draft = try await care.saveDraft(body, patientID: patientID, planID: nil, kind: kind, idempotencyKey: "\(kind)-\(UUID().uuidString.lowercased())",
                                             sessionStart: now, sessionEnd: now, by: author, at: now).note
        return try await CareActions.mapStoreError {
            try await care.sign(draft.id, patientID: patientID, by: author, at: now, lateAfter: LateEntry.defaultThreshold) { stored in
                (body, canonical(stored.id))
            }
        }
    }
}
