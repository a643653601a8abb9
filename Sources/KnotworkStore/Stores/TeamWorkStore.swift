import Fluent
import Foundation
import KnotworkCore
import SQLKit

/// Tasks for care-team members: the ones people set and the safety screen's referrals, in one table.
public struct TaskStore: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func create(patientID: UUID, assignee: User, title: String, detail: String, dueOn: CalendarDate?, noteID: UUID?,
                       by creator: Recorder, at now: Date) async throws -> CareTask {
        let row = TaskModel()
        row.id = UUID()
        row.patientID = patientID
        row.assigneeID = assignee.id
        row.assigneeRole = assignee.role.rawValue
        row.kind = "team"
        row.title = title
        row.detail = detail
        row.urgent = false
        row.createdAt = now
        row.dueOn = dueOn?.description
        row.createdByName = creator.name
        row.noteID = noteID
        try await row.create(on: self.database)
        return row.task
    }

    /// Completes an open task of the patient; false when there is none (unknown, or done already).
    public func complete(_ id: UUID, of patientID: UUID, by userID: UUID, at now: Date) async throws -> Bool {
        try await !self.database.sql.update(TaskModel.schema).set("completed_at", to: now).set("completed_by", to: userID)
            .where("id", .equal, id).where("patient_id", .equal, patientID).where("completed_at", .is, SQLLiteral.null)
            .returning("id").all().isEmpty
    }

    public func task(_ id: UUID, of patientID: UUID) async throws -> CareTask? {
        try await TaskModel.query(on: self.database).filter(\.$id == id).filter(\.$patientID == patientID).first()?.task
    }

    /// A user's open tasks, urgent first, then by due date: those assigned to them, and those nobody could be assigned
    /// (no medical provider on the team), for every patient whose care team they are on. A user who has left the team
    /// stops seeing the patient's tasks.
    public func open(for userID: UUID) async throws -> [CareTask] {
        try await self.database.sql.raw("""
            SELECT t.* FROM tasks t
            WHERE t.completed_at IS NULL AND (t.assignee_id = \(bind: userID) OR t.assignee_id IS NULL)
              AND EXISTS (SELECT 1 FROM care_team_members c WHERE c.patient_id = t.patient_id AND c.user_id = \(bind: userID))
            ORDER BY t.urgent DESC, CASE WHEN t.due_on IS NULL THEN 1 ELSE 0 END, t.due_on, t.created_at
            """).all(decodingFluent: TaskModel.self).map(\.task)
    }

    /// A patient's tasks, open first, newest first.
    public func tasks(of patientID: UUID) async throws -> [CareTask] {
        let all = try await TaskModel.query(on: self.database).filter(\.$patientID == patientID).sort(\.$createdAt, .descending).all().map(\.task)
        return all.filter { $0.completedAt == nil } + all.filter { $0.completedAt != nil }
    }
}

/// A thread of messages about a patient between members of the patient's care team.
public struct MessageThread: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var patientID: UUID
    public var subject: String
    public var createdAt: Date
    public var lastMessageAt: Date
    /// New to the reader: a message since they last opened the thread.
    public var unread: Bool
    public var patientName: String?
}

public struct Message: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var threadID: UUID
    public var authorID: UUID
    public var authorName: String
    public var body: String
    public var createdAt: Date
}

public struct MessageStore: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    /// Starts a thread with its first message; the author has read it.
    public func start(patientID: UUID, subject: String, body: String, by author: Recorder, at now: Date) async throws -> MessageThread {
        let id = UUID()
        try await self.database.sql.insert(into: "message_threads").columns("id", "patient_id", "subject", "created_by", "created_at", "last_message_at")
            .values(SQLBind(id), SQLBind(patientID), SQLBind(subject), SQLBind(author.userID), SQLBind(now), SQLBind(now)).run()
        _ = try await self.reply(id, body: body, by: author, at: now)
        return MessageThread(id: id, patientID: patientID, subject: subject, createdAt: now, lastMessageAt: now, unread: false, patientName: nil)
    }

    public func reply(_ threadID: UUID, body: String, by author: Recorder, at now: Date) async throws -> Message {
        let m = Message(id: UUID(), threadID: threadID, authorID: author.userID, authorName: author.name, body: body, createdAt: now)
        try await self.database.sql.insert(into: "messages").columns("id", "thread_id", "author_id", "author_name", "body", "created_at")
            .values(SQLBind(m.id), SQLBind(threadID), SQLBind(author.userID), SQLBind(author.name), SQLBind(body), SQLBind(now)).run()
        try await self.database.sql.update("message_threads").set("last_message_at", to: now).where("id", .equal, threadID).run()
        try await self.markRead(threadID, by: author.userID, at: now)
        return m
    }

    /// The reader has seen the thread up to `now`.
    public func markRead(_ threadID: UUID, by userID: UUID, at now: Date) async throws {
        try await self.database.sql.delete(from: "message_reads").where("thread_id", .equal, threadID).where("user_id", .equal, userID).run()
        try await self.database.sql.insert(into: "message_reads").columns("thread_id", "user_id", "read_at")
            .values(SQLBind(threadID), SQLBind(userID), SQLBind(now)).run()
    }

    private func threads(_ filter: SQLQueryString, reader: UUID, limit: Int) async throws -> [MessageThread] {
        let uuids = UUIDColumns(self.database)
        let rows = try await self.database.sql.raw("""
            SELECT t.id, t.patient_id, t.subject, t.created_at, t.last_message_at, r.read_at, p.family_name, p.given_name
            FROM message_threads t
            JOIN patients p ON p.id = t.patient_id
            LEFT JOIN message_reads r ON r.thread_id = t.id AND r.user_id = \(bind: reader)
            WHERE \(filter)
            ORDER BY t.last_message_at DESC LIMIT \(literal: limit)
            """).all()
        return try rows.map { row in
            let last = try row.decode(column: "last_message_at", as: Date.self)
            let read = try row.decode(column: "read_at", as: Date?.self)
            return MessageThread(id: try uuids.required(row, "id"), patientID: try uuids.required(row, "patient_id"),
                                 subject: try row.decode(column: "subject", as: String.self), createdAt: try row.decode(column: "created_at", as: Date.self),
                                 lastMessageAt: last, unread: read.map { $0 < last } ?? true,
                                 patientName: "\(try row.decode(column: "family_name", as: String.self)), \(try row.decode(column: "given_name", as: String.self))")
        }
    }

    /// A patient's threads, newest activity first, with the reader's unread marks.
    public func threads(of patientID: UUID, reader: UUID) async throws -> [MessageThread] {
        try await self.threads("t.patient_id = \(bind: patientID)", reader: reader, limit: 200)
    }

    /// Threads with something new for `userID`, across the patients whose care team they are on.
    public func unread(for userID: UUID) async throws -> [MessageThread] {
        try await self.threads("""
            EXISTS (SELECT 1 FROM care_team_members c WHERE c.patient_id = t.patient_id AND c.user_id = \(bind: userID))
            AND (r.read_at IS NULL OR r.read_at < t.last_message_at)
            """, reader: userID, limit: 100)
    }

    public func thread(_ id: UUID, of patientID: UUID, reader: UUID) async throws -> (MessageThread, [Message])? {
        guard let thread = try await self.threads("t.id = \(bind: id) AND t.patient_id = \(bind: patientID)", reader: reader, limit: 1).first else { return nil }
        let uuids = UUIDColumns(self.database)
        let messages = try await self.database.sql.select().columns("id", "thread_id", "author_id", "author_name", "body", "created_at").from("messages")
            .where("thread_id", .equal, id).orderBy("created_at").all().map { row in
                Message(id: try uuids.required(row, "id"), threadID: try uuids.required(row, "thread_id"), authorID: try uuids.required(row, "author_id"),
                        authorName: try row.decode(column: "author_name", as: String.self), body: try row.decode(column: "body", as: String.self),
                        createdAt: try row.decode(column: "created_at", as: Date.self))
            }
        return (thread, messages)
    }
}
