import Foundation

/// A task one team member sets another about a patient: a title, an optional detail, a due date.
public struct TaskInput: Codable, Sendable, Equatable {
    public var title: String?
    public var detail: String?
    public var assigneeId: UUID?
    /// `YYYY-MM-DD`.
    public var dueOn: String?
    /// The note or report it is about.
    public var noteId: UUID?

    public init(title: String? = nil, detail: String? = nil, assigneeId: UUID? = nil, dueOn: String? = nil, noteId: UUID? = nil) {
        self.title = title
        self.detail = detail
        self.assigneeId = assigneeId
        self.dueOn = dueOn
        self.noteId = noteId
    }

    public struct Valid: Sendable, Equatable {
        public var title: String
        public var detail: String
        public var assigneeID: UUID
        public var dueOn: CalendarDate?
        public var noteID: UUID?
    }

    /// Errors on `title`, `detail`, `assigneeId`, `dueOn`. A due date in the past is refused (`today` is the caller's).
    /// Whether the assignee is on the team is the caller's check (it needs the team).
    public func validated(today: CalendarDate) throws(ValidationFailure) -> Valid {
        var v = AssessmentValidator()
        let title = v.requiredLine(self.title, "title", "Task", max: 200)
        let detail = v.text(self.detail, "detail", "Detail", max: 2000) ?? ""
        if self.assigneeId == nil { v.add("assigneeId", "Choose the team member who will do it.") }
        var due: CalendarDate?
        if let raw = v.line(self.dueOn, "dueOn", "Due date", max: 10) {
            if let d = CalendarDate(raw) {
                if d < today { v.add("dueOn", "The due date cannot be in the past.") } else { due = d }
            } else {
                v.add("dueOn", "Use a date, YYYY-MM-DD.")
            }
        }
        try v.finish()
        return Valid(title: title, detail: detail, assigneeID: self.assigneeId!, dueOn: due, noteID: self.noteId)
    }
}

/// A secure message between team members: a new thread has a subject, every message a body.
public struct MessageInput: Codable, Sendable, Equatable {
    public var subject: String?
    public var body: String?

    public init(subject: String? = nil, body: String? = nil) {
        self.subject = subject
        self.body = body
    }

    public static let maxBody = 4000

    /// Errors on `subject` (a new thread only) and `body`.
    public func validated(newThread: Bool) throws(ValidationFailure) -> (subject: String, body: String) {
        var v = AssessmentValidator()
        let subject = newThread ? v.requiredLine(self.subject, "subject", "Subject", max: 200) : ""
        let body = v.text(self.body, "body", "Message", max: Self.maxBody)
        if body == nil { v.add("body", "Write the message.") }
        try v.finish()
        return (subject, body ?? "")
    }
}
