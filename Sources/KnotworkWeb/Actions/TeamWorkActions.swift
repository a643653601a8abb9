import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

/// Tasks and secure messages between the members of a patient's care team. Messages stay inside Knotwork: nothing is
/// sent outside (no e-mail, no push), so no patient data leaves it in a notification.
enum TeamWorkActions {
    // MARK: tasks

    static func createTask(_ input: TaskInput, on req: Request) async throws -> CareTask {
        let ctx = try req.requirePatient()
        let creator = try AssessmentActions.recorder(req)
        let now = req.now
        let valid = try input.validated(today: req.today)
        return try await req.audit.perform(req.auditActor, AuditEntry(.taskCreate, patientID: ctx.patientID, entity: "task")) { db in
            let team = try await PatientStore(database: db).careTeam(ctx.patientID)
            guard let assignee = team.first(where: { $0.user.id == valid.assigneeID })?.user else {
                throw ValidationFailure([FieldError("assigneeId", "Choose a member of the patient's care team.")])
            }
            if let noteID = valid.noteID, try await CareStore(database: db).note(noteID, of: ctx.patientID) == nil {
                throw ValidationFailure([FieldError("noteId", "is not a note or report of this patient")])
            }
            return try await TaskStore(database: db).create(patientID: ctx.patientID, assignee: assignee, title: valid.title, detail: valid.detail,
                                                            dueOn: valid.dueOn, noteID: valid.noteID, by: creator, at: now)
        }
    }

    static func tasks(on req: Request) async throws -> [CareTask] {
        let ctx = try req.requirePatient()
        return try await req.audit.read(req.auditActor, AuditEntry(.taskRead, patientID: ctx.patientID, entity: "tasks")) { db in
            try await TaskStore(database: db).tasks(of: ctx.patientID)
        }
    }

    /// Any team member may mark a patient's task done; done already is a 409.
    static func completeTask(_ id: UUID, on req: Request) async throws -> CareTask {
        let ctx = try req.requirePatient()
        let user = try req.requirePrincipal().user
        let now = req.now
        return try await req.audit.perform(req.auditActor, AuditEntry(.taskComplete, patientID: ctx.patientID, entity: "task:\(id.uuidString.lowercased())")) { db in
            let store = TaskStore(database: db)
            guard try await store.task(id, of: ctx.patientID) != nil else { throw Abort(.notFound) }
            guard try await store.complete(id, of: ctx.patientID, by: user.id, at: now), let done = try await store.task(id, of: ctx.patientID) else {
                throw CareActions.Conflict(reason: "This task is done already.")
            }
            return done
        }
    }

    // MARK: case conferences

    static let conferenceKind = "case-conference"

    /// Records a case conference, signed at once, and turns each decision with an assignee into a task linked to it.
    static func addConference(_ input: CaseConferenceInput, on req: Request) async throws -> (note: StoredNote, tasks: [CareTask]) {
        let ctx = try req.requirePatient()
        let author = try AssessmentActions.recorder(req)
        let now = req.now
        return try await req.audit.perform(req.auditActor, AuditEntry(.noteSign, patientID: ctx.patientID, entity: "case-conference")) { db in
            let team = try await PatientStore(database: db).careTeam(ctx.patientID)
            let names = Dictionary(team.map { ($0.user.id, $0.user.displayName) }, uniquingKeysWith: { a, _ in a })
            let conference = try input.validated(team: names, today: req.today)
            let note = try await TeamNoteActions.signAtOnce(conference, kind: Self.conferenceKind, patientID: ctx.patientID, by: author, at: now, on: db) {
                conference.canonicalForm(patientID: ctx.patientID, noteID: $0, author: author.userID, signedAt: now)
            }
            var tasks: [CareTask] = []
            for d in conference.decisions {
                guard let id = d.assigneeID, let assignee = team.first(where: { $0.user.id == id })?.user else { continue }
                tasks.append(try await TaskStore(database: db).create(patientID: ctx.patientID, assignee: assignee, title: d.text,
                                                                      detail: "Decided at the case conference of \(req.today).", dueOn: d.dueOn,
                                                                      noteID: note.id, by: author, at: now))
            }
            return (note, tasks)
        }
    }

    // MARK: messages

    static func threads(on req: Request) async throws -> [MessageThread] {
        let ctx = try req.requirePatient()
        let user = try req.requirePrincipal().user
        return try await req.audit.read(req.auditActor, AuditEntry(.messageRead, patientID: ctx.patientID, entity: "message threads")) { db in
            try await MessageStore(database: db).threads(of: ctx.patientID, reader: user.id)
        }
    }

    static func startThread(_ input: MessageInput, on req: Request) async throws -> MessageThread {
        let ctx = try req.requirePatient()
        let author = try AssessmentActions.recorder(req)
        let now = req.now
        let valid = try input.validated(newThread: true)
        return try await req.audit.perform(req.auditActor, AuditEntry(.messageSend, patientID: ctx.patientID, entity: "message thread")) { db in
            try await MessageStore(database: db).start(patientID: ctx.patientID, subject: valid.subject, body: valid.body, by: author, at: now)
        }
    }

    /// A thread and its messages; opening it marks it read for the reader.
    static func thread(_ id: UUID, on req: Request) async throws -> (MessageThread, [Message]) {
        let ctx = try req.requirePatient()
        let user = try req.requirePrincipal().user
        let now = req.now
        return try await req.audit.perform(req.auditActor, AuditEntry(.messageRead, patientID: ctx.patientID, entity: "thread:\(id.uuidString.lowercased())")) { db in
            let store = MessageStore(database: db)
            guard let found = try await store.thread(id, of: ctx.patientID, reader: user.id) else { throw Abort(.notFound) }
            try await store.markRead(id, by: user.id, at: now)
            return found
        }
    }

    static func reply(_ id: UUID, _ input: MessageInput, on req: Request) async throws -> Message {
        let ctx = try req.requirePatient()
        let author = try AssessmentActions.recorder(req)
        let now = req.now
        return try await req.audit.perform(req.auditActor, AuditEntry(.messageSend, patientID: ctx.patientID, entity: "thread:\(id.uuidString.lowercased())")) { db in
            let store = MessageStore(database: db)
            guard try await store.thread(id, of: ctx.patientID, reader: author.userID) != nil else { throw Abort(.notFound) }
            let valid = try input.validated(newThread: false)
            return try await store.reply(id, body: valid.body, by: author, at: now)
        }
    }

    /// The threads with something new for the caller (the worklist and the inbox).
    static func unread(on req: Request) async throws -> [MessageThread] {
        let user = try req.requirePrincipal().user
        return try await req.audit.read(req.auditActor, AuditEntry(.messageRead, entity: "unread messages")) { db in
            try await MessageStore(database: db).unread(for: user.id)
        }
    }
}
