import Foundation
import KnotworkCore
import KnotworkStore
import Plot
import Vapor

/// `/patients/:patientID/team` and the team notes' JSON API.
struct TeamController {
    @Sendable func page(req: Request) async throws -> Response {
        try await self.render(req, errors: [], form: nil, flash: nil, status: .ok)
    }

    func render(_ req: Request, errors: [FieldError], form: TeamViews.Form?, flash: String?, status: HTTPStatus) async throws -> Response {
        let p = try req.requirePrincipal()
        let t = try await TeamNoteActions.page(on: req)
        let typed = errors.isEmpty ? nil : FormFields(req)
        return Layout.response(Layout.page(PageContext(req, title: "Care team · \(t.patient.displayName)", flash: flash),
                                           TeamViews.page(t, viewer: p.user, csrf: p.csrfToken, errors: errors, form: form, typed: typed,
                                                          today: req.today)), status: status)
    }

    /// Runs a form's action and shows the page again, with the form's field errors when it was refused.
    func submit(_ req: Request, _ form: TeamViews.Form, flash: String, _ action: () async throws -> Void) async throws -> Response {
        do {
            try await action()
            return try await self.render(req, errors: [], form: nil, flash: flash, status: .ok)
        } catch let v as ValidationFailure {
            return try await self.render(req, errors: v.errors, form: form, flash: nil, status: .unprocessableEntity)
        }
    }

    @Sendable func add(req: Request) async throws -> Response {
        let input = try req.content.decode(TeamNoteActions.NewNote.self)
        return try await self.submit(req, .note, flash: "Team note signed and added.") { _ = try await TeamNoteActions.add(input, on: req) }
    }

    struct TaskForm: Content {
        var title: String?
        var detail: String?
        var assigneeId: String?
        var dueOn: String?
    }

    @Sendable func addTask(req: Request) async throws -> Response {
        let f = try req.content.decode(TaskForm.self)
        let input = TaskInput(title: f.title, detail: f.detail, assigneeId: f.assigneeId.flatMap(UUID.init(uuidString:)), dueOn: f.dueOn)
        return try await self.submit(req, .task, flash: "Task set.") { _ = try await TeamWorkActions.createTask(input, on: req) }
    }

    @Sendable func completeTask(req: Request) async throws -> Response {
        let task = try await TeamWorkActions.completeTask(try req.pathID("taskID"), on: req)
        return try await self.render(req, errors: [], form: nil, flash: "Done: \(task.title).", status: .ok)
    }

    @Sendable func addConference(req: Request) async throws -> Response {
        let f = FormFields(req)
        let input = CaseConferenceInput(
            attendeeIds: f.list("attendeeIds").compactMap(UUID.init(uuidString:)), discussion: f["discussion"],
            decisions: (0..<TeamViews.decisionRows).map { i in
                .init(text: f["decisions[\(i)][text]"], assigneeId: f["decisions[\(i)][assigneeId]"].flatMap(UUID.init(uuidString:)), dueOn: f["decisions[\(i)][dueOn]"])
            })
        return try await self.submit(req, .conference, flash: "Case conference signed.") { _ = try await TeamWorkActions.addConference(input, on: req) }
    }

    @Sendable func startThread(req: Request) async throws -> Response {
        let input = try req.content.decode(MessageInput.self)
        return try await self.submit(req, .message, flash: "Message sent to the team.") { _ = try await TeamWorkActions.startThread(input, on: req) }
    }

    @Sendable func thread(req: Request) async throws -> Response {
        try await self.threadPage(req, errors: [], typed: nil, flash: nil, status: .ok)
    }

    func threadPage(_ req: Request, errors: [FieldError], typed: String?, flash: String?, status: HTTPStatus) async throws -> Response {
        let p = try req.requirePrincipal()
        let (thread, messages) = try await TeamWorkActions.thread(try req.pathID("threadID"), on: req)
        let patient = try await AssessmentActions.patient(thread.patientID, on: req.db)
        return Layout.response(Layout.page(PageContext(req, title: "\(thread.subject) · \(patient.displayName)", flash: flash),
                                           TeamViews.thread(patient, thread, messages, csrf: p.csrfToken, errors: errors, typed: typed)), status: status)
    }

    @Sendable func reply(req: Request) async throws -> Response {
        let input = try req.content.decode(MessageInput.self)
        do {
            _ = try await TeamWorkActions.reply(try req.pathID("threadID"), input, on: req)
            return try await self.threadPage(req, errors: [], typed: nil, flash: "Sent.", status: .ok)
        } catch let v as ValidationFailure {
            return try await self.threadPage(req, errors: v.errors, typed: input.body, flash: nil, status: .unprocessableEntity)
        }
    }
}

extension API {
    struct TeamNoteResponse: Content {
        var id: UUID
        var patientId: UUID
        var author: String
        var discipline: String?
        var text: String
        var signedAt: Date?
        var signature: String?
        var signatureVerified: Bool

        init(_ n: StoredNote, _ body: TeamNote) {
            self.id = n.id
            self.patientId = n.patientID
            self.author = n.authorName
            self.discipline = body.discipline?.rawValue
            self.text = body.text
            self.signedAt = n.signedAt
            self.signature = n.signature
            self.signatureVerified = NoteSignature.verify(n)
        }
    }

    struct PatientTaskResponse: Content {
        var id: UUID
        var patientId: UUID
        var assigneeId: UUID?
        var kind: String
        var title: String
        var detail: String
        var dueOn: String?
        var overdue: Bool
        var setBy: String?
        var noteId: UUID?
        var createdAt: Date
        var completedAt: Date?

        init(_ t: CareTask, today: CalendarDate) {
            self.id = t.id
            self.patientId = t.patientID
            self.assigneeId = t.assigneeID
            self.kind = t.kind
            self.title = t.title
            self.detail = t.detail
            self.dueOn = t.dueOn?.description
            self.overdue = t.isOverdue(on: today)
            self.setBy = t.createdByName
            self.noteId = t.noteID
            self.createdAt = t.createdAt
            self.completedAt = t.completedAt
        }
    }

    struct ThreadResponse: Content {
        var id: UUID
        var patientId: UUID
        var subject: String
        var lastMessageAt: Date
        var unread: Bool
        var messages: [MessageResponse]?

        init(_ t: MessageThread, messages: [Message]? = nil) {
            self.id = t.id
            self.patientId = t.patientID
            self.subject = t.subject
            self.lastMessageAt = t.lastMessageAt
            self.unread = t.unread
            self.messages = messages?.map(MessageResponse.init)
        }
    }

    struct MessageResponse: Content {
        var id: UUID
        var author: String
        var body: String
        var sentAt: Date

        init(_ m: Message) {
            self.id = m.id
            self.author = m.authorName
            self.body = m.body
            self.sentAt = m.createdAt
        }
    }

    struct ConferenceResponse: Content {
        var id: UUID
        var patientId: UUID
        var author: String
        var attendees: [String]
        var discussion: String
        var decisions: [String]
        var tasks: [PatientTaskResponse]?
        var signedAt: Date?
        var signatureVerified: Bool
    }

    struct TeamController {
        @Sendable func conferences(req: Request) async throws -> Items<ConferenceResponse> {
            Items(items: try await TeamNoteActions.page(on: req).conferences.map { n, c in
                ConferenceResponse(id: n.id, patientId: n.patientID, author: n.authorName, attendees: c.attendees, discussion: c.discussion,
                                   decisions: c.decisions.map(\.text), tasks: nil, signedAt: n.signedAt, signatureVerified: NoteSignature.verify(n))
            })
        }

        @Sendable func addConference(req: Request) async throws -> Response {
            let (n, tasks) = try await TeamWorkActions.addConference(try API.decode(CaseConferenceInput.self, req), on: req)
            let c = try n.decode(CaseConference.self)
            let today = req.today
            return try await ConferenceResponse(id: n.id, patientId: n.patientID, author: n.authorName, attendees: c.attendees, discussion: c.discussion,
                                                decisions: c.decisions.map(\.text), tasks: tasks.map { PatientTaskResponse($0, today: today) },
                                                signedAt: n.signedAt, signatureVerified: NoteSignature.verify(n))
                .encodeResponse(status: .created, for: req)
        }

        @Sendable func tasks(req: Request) async throws -> Items<PatientTaskResponse> {
            let today = req.today
            return Items(items: try await TeamWorkActions.tasks(on: req).map { PatientTaskResponse($0, today: today) })
        }

        @Sendable func createTask(req: Request) async throws -> Response {
            let task = try await TeamWorkActions.createTask(try API.decode(TaskInput.self, req), on: req)
            return try await PatientTaskResponse(task, today: req.today).encodeResponse(status: .created, for: req)
        }

        @Sendable func completeTask(req: Request) async throws -> PatientTaskResponse {
            PatientTaskResponse(try await TeamWorkActions.completeTask(try req.pathID("taskID"), on: req), today: req.today)
        }

        @Sendable func threads(req: Request) async throws -> Items<ThreadResponse> {
            Items(items: try await TeamWorkActions.threads(on: req).map { ThreadResponse($0) })
        }

        @Sendable func startThread(req: Request) async throws -> Response {
            let thread = try await TeamWorkActions.startThread(try API.decode(MessageInput.self, req), on: req)
            let (t, messages) = try await TeamWorkActions.thread(thread.id, on: req)
            return try await ThreadResponse(t, messages: messages).encodeResponse(status: .created, for: req)
        }

        @Sendable func thread(req: Request) async throws -> ThreadResponse {
            let (t, messages) = try await TeamWorkActions.thread(try req.pathID("threadID"), on: req)
            return ThreadResponse(t, messages: messages)
        }

        @Sendable func reply(req: Request) async throws -> Response {
            let id = try req.pathID("threadID")
            _ = try await TeamWorkActions.reply(id, try API.decode(MessageInput.self, req), on: req)
            let (t, messages) = try await TeamWorkActions.thread(id, on: req)
            return try await ThreadResponse(t, messages: messages).encodeResponse(status: .created, for: req)
        }

        @Sendable func index(req: Request) async throws -> Items<TeamNoteResponse> {
            Items(items: try await TeamNoteActions.page(on: req).notes.map { TeamNoteResponse($0.note, $0.body) })
        }

        @Sendable func create(req: Request) async throws -> Response {
            let input = try API.decode(TeamNoteActions.NewNote.self, req)
            let note = try await TeamNoteActions.add(input, on: req)
            return try await TeamNoteResponse(note, try note.decode(TeamNote.self)).encodeResponse(status: .created, for: req)
        }
    }
}
