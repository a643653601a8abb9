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
    }

    /// The care team's page: the team, its tasks and message threads about the patient, and the team notes.
    static func page(on req: Request) async throws -> TeamPage {
        let ctx = try req.requirePatient()
        let reader = try req.requirePrincipal().user.id
        return try await req.audit.read(req.auditActor, AuditEntry(.noteRead, patientID: ctx.patientID, entity: "care team page")) { db in
            let notes = try await CareStore(database: db).notes(of: ctx.patientID, limit: 1000).filter { $0.kind == Self.kind }
            return TeamPage(patient: try await AssessmentActions.patient(ctx.patientID, on: db), safety: try await SafetyStore(database: db).status(of: ctx.patientID),
                            team: try await PatientStore(database: db).careTeam(ctx.patientID),
                            notes: notes.compactMap { n in (try? n.decode(TeamNote.self)).map { (n, $0) } },
                            tasks: try await TaskStore(database: db).tasks(of: ctx.patientID),
                            threads: try await MessageStore(database: db).threads(of: ctx.patientID, reader: reader))
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
            let care = CareStore(database: db)
            let draft = try await care.saveDraft(note, patientID: ctx.patientID, planID: nil, kind: Self.kind, idempotencyKey: "team-note-\(UUID().uuidString.lowercased())",
                                                 sessionStart: now, sessionEnd: now, by: author, at: now).note
            return try await CareActions.mapStoreError {
                try await care.sign(draft.id, patientID: ctx.patientID, by: author, at: now, lateAfter: LateEntry.defaultThreshold) { stored in
                    (note, note.canonicalForm(patientID: ctx.patientID, noteID: stored.id, author: author.userID, signedAt: now))
                }
            }
        }
    }
}
