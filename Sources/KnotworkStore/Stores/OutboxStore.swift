import Fluent
import Foundation
import KnotworkCore
import SQLKit

/// A queued e-mail as stored.
public struct OutboxMessage: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var kind: String
    public var to: String
    public var subject: String
    public var body: String
    public var reference: String?
    /// The RFC 5322 Message-ID, fixed when queued, so that a message sent again by an administrator is recognisably
    /// the same one.
    public var messageID: String
    public var status: OutboxStatus
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var claimedBy: String?
    public var claimedUntil: Date?
    public var dataCommitted: Bool
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var sentAt: Date?
}

/// The outbox. Every change of a message's state is one conditional UPDATE on its row, so workers in one process or
/// in several instances on one PostgreSQL database need no other coordination.
public struct OutboxStore: Sendable {
    static let table = "outbox_messages"
    static let columns = ["id", "kind", "to_address", "subject", "body_text", "reference", "message_id", "status", "attempts",
                          "next_attempt_at", "claimed_by", "claimed_until", "data_committed", "last_error", "created_at",
                          "updated_at", "sent_at"]
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    /// Queues a message (call inside the transaction of the change that causes it, so that both or neither are kept).
    public func enqueue(_ draft: OutboxDraft, by userID: UUID?, domain: String, at now: Date) async throws -> OutboxMessage {
        let id = UUID()
        let messageID = "<\(id.uuidString.lowercased())@\(domain)>"
        try await self.database.sql.insert(into: Self.table)
            .columns("id", "kind", "to_address", "subject", "body_text", "reference", "message_id", "status", "attempts",
                     "next_attempt_at", "data_committed", "created_by", "created_at", "updated_at")
            .values(SQLBind(id), SQLBind(draft.kind), SQLBind(draft.to), SQLBind(draft.subject), SQLBind(draft.body), SQLBind(draft.reference),
                    SQLBind(messageID), SQLBind(OutboxStatus.pending.rawValue), SQLBind(0), SQLBind(now), SQLBind(false), SQLBind(userID),
                    SQLBind(now), SQLBind(now))
            .run()
        return OutboxMessage(id: id, kind: draft.kind, to: draft.to, subject: draft.subject, body: draft.body, reference: draft.reference,
                             messageID: messageID, status: .pending, attempts: 0, nextAttemptAt: now, claimedBy: nil, claimedUntil: nil,
                             dataCommitted: false, lastError: nil, createdAt: now, updatedAt: now, sentAt: nil)
    }

    /// Takes the next due message for `worker` until `now + lease`, or nil when none is due. Due: waiting and its time
    /// has come, or held by a worker whose lease ran out before the final dot (that worker died; nothing reached the
    /// server). The claim is a conditional UPDATE: of two workers after the same row, the second finds it taken (on
    /// PostgreSQL it waits for the first's row lock and re-checks the condition) and tries the next candidate.
    public func claimNext(worker: String, lease: TimeInterval, at now: Date) async throws -> OutboxMessage? {
        let uuids = UUIDColumns(self.database)
        let candidates = try await self.database.sql.select().column("id").from(Self.table)
            .where(group: { self.due($0, at: now) })
            .orderBy("next_attempt_at").orderBy("created_at").limit(20)
            .all().map { try uuids.required($0, "id") }
        for id in candidates {
            let taken = try await self.database.sql.update(Self.table)
                .set("status", to: OutboxStatus.sending.rawValue)
                .set("claimed_by", to: worker)
                .set("claimed_until", to: now.addingTimeInterval(lease))
                .set(SQLIdentifier("attempts"), to: SQLBinaryExpression(SQLIdentifier("attempts"), .add, SQLLiteral.numeric("1")))
                .set("data_committed", to: false)
                .set("updated_at", to: now)
                .where("id", .equal, id)
                .where(group: { self.due($0, at: now) })
                .returning(Self.columns.map { SQLIdentifier($0) })
                .all()
            if let row = taken.first { return try self.decode(row, uuids) }
        }
        return nil
    }

    private func due(_ g: SQLPredicateGroupBuilder, at now: Date) -> SQLPredicateGroupBuilder {
        g.where(group: { $0.where("status", .equal, OutboxStatus.pending.rawValue).where("next_attempt_at", .lessThanOrEqual, SQLBind(now)) })
            .orWhere(group: {
                $0.where("status", .equal, OutboxStatus.sending.rawValue).where("claimed_until", .lessThan, SQLBind(now))
                    .where("data_committed", .equal, SQLBind(false))
            })
    }

    /// Records that the message's final dot is about to go out. False when the worker no longer holds the message
    /// (its lease ran out and another took it): it must then stop without sending.
    public func commitData(_ id: UUID, worker: String, at now: Date) async throws -> Bool {
        try await !self.database.sql.update(Self.table)
            .set("data_committed", to: true).set("updated_at", to: now)
            .where("id", .equal, id).where("claimed_by", .equal, worker).where("status", .equal, OutboxStatus.sending.rawValue)
            .where("claimed_until", .greaterThan, SQLBind(now))
            .returning("id").all().isEmpty
    }

    /// Ends the worker's attempt: sent, waiting again until `nextAttempt`, failed or uncertain.
    public func finish(_ id: UUID, worker: String, status: OutboxStatus, nextAttempt: Date?, error: String?, at now: Date) async throws {
        try await self.database.sql.update(Self.table)
            .set("status", to: status.rawValue)
            .set("next_attempt_at", to: SQLBind(nextAttempt))
            .set("claimed_by", to: SQLLiteral.null).set("claimed_until", to: SQLLiteral.null)
            .set("last_error", to: SQLBind(error.map { String($0.prefix(500)) }))
            .set("sent_at", to: SQLBind(status == .sent ? now : nil))
            .set("updated_at", to: now)
            .where("id", .equal, id).where("claimed_by", .equal, worker).where("status", .equal, OutboxStatus.sending.rawValue)
            .run()
    }

    /// Messages whose worker died after the final dot: the server may have taken them, so they become uncertain and
    /// are never sent again by themselves. Returns how many.
    public func settleAbandoned(at now: Date) async throws -> Int {
        try await self.database.sql.update(Self.table)
            .set("status", to: OutboxStatus.uncertain.rawValue)
            .set("claimed_by", to: SQLLiteral.null).set("claimed_until", to: SQLLiteral.null)
            .set("last_error", to: "The worker stopped after sending the message and before the server's reply.")
            .set("updated_at", to: now)
            .where("status", .equal, OutboxStatus.sending.rawValue).where("claimed_until", .lessThan, SQLBind(now))
            .where("data_committed", .equal, SQLBind(true))
            .returning("id").all().count
    }

    /// An administrator sends a failed or uncertain message again: it waits for the next round with its attempts
    /// counted afresh. False when the message is in another state.
    public func retry(_ id: UUID, at now: Date) async throws -> Bool {
        try await !self.database.sql.update(Self.table)
            .set("status", to: OutboxStatus.pending.rawValue).set("attempts", to: 0).set("next_attempt_at", to: now)
            .set("data_committed", to: false).set("updated_at", to: now)
            .where("id", .equal, id)
            .where("status", .in, [OutboxStatus.failed.rawValue, OutboxStatus.uncertain.rawValue])
            .returning("id").all().isEmpty
    }

    /// Takes back a message that is still waiting (not held by a worker): true if it will now never be sent.
    public func withdraw(_ id: UUID, reason: String, at now: Date) async throws -> Bool {
        try await !self.database.sql.update(Self.table)
            .set("status", to: OutboxStatus.withdrawn.rawValue).set("next_attempt_at", to: SQLLiteral.null).set("last_error", to: reason)
            .set("updated_at", to: now)
            .where("id", .equal, id).where("status", .equal, OutboxStatus.pending.rawValue)
            .returning("id").all().isEmpty
    }

    public func message(_ id: UUID) async throws -> OutboxMessage? {
        let uuids = UUIDColumns(self.database)
        guard let row = try await self.database.sql.select().columns(Self.columns).from(Self.table).where("id", .equal, id).first() else {
            return nil
        }
        return try self.decode(row, uuids)
    }

    /// The newest messages first, of one status or all.
    public func list(status: OutboxStatus? = nil, reference: String? = nil, limit: Int = 100) async throws -> [OutboxMessage] {
        let uuids = UUIDColumns(self.database)
        var q = self.database.sql.select().columns(Self.columns).from(Self.table)
        if let status { q = q.where("status", .equal, status.rawValue) }
        if let reference { q = q.where("reference", .equal, reference) }
        return try await q.orderBy("created_at", .descending).limit(limit).all().map { try self.decode($0, uuids) }
    }

    /// How many messages are in each state.
    public func counts() async throws -> [OutboxStatus: Int] {
        let rows = try await self.database.sql.select().column("status").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(Self.table).groupBy("status").all()
        var out: [OutboxStatus: Int] = [:]
        for row in rows {
            if let s = OutboxStatus(rawValue: try row.decode(column: "status", as: String.self)) { out[s] = try row.decode(column: "n", as: Int.self) }
        }
        return out
    }

    private func decode(_ row: any SQLRow, _ uuids: UUIDColumns) throws -> OutboxMessage {
        OutboxMessage(
            id: try uuids.required(row, "id"),
            kind: try row.decode(column: "kind", as: String.self),
            to: try row.decode(column: "to_address", as: String.self),
            subject: try row.decode(column: "subject", as: String.self),
            body: try row.decode(column: "body_text", as: String.self),
            reference: try row.decode(column: "reference", as: String?.self),
            messageID: try row.decode(column: "message_id", as: String.self),
            status: OutboxStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .failed,
            attempts: try row.decode(column: "attempts", as: Int.self),
            nextAttemptAt: try row.decode(column: "next_attempt_at", as: Date?.self),
            claimedBy: try row.decode(column: "claimed_by", as: String?.self),
            claimedUntil: try row.decode(column: "claimed_until", as: Date?.self),
            dataCommitted: try row.decode(column: "data_committed", as: Bool.self),
            lastError: try row.decode(column: "last_error", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self),
            sentAt: try row.decode(column: "sent_at", as: Date?.self)
        )
    }
}
