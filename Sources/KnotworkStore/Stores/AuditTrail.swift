import Fluent
import Foundation
import KnotworkCore
import SQLKit

/// Who is acting, as every audit row records it.
public struct AuditActor: Sendable, Equatable {
    public var userID: UUID?
    public var username: String
    public var role: String
    public var clientAddress: String
    public var requestID: String
    /// How the actor authenticated, recorded in each row's detail ("session", "token:<id>", "break-glass").
    public var via: String

    public init(userID: UUID?, username: String, role: String, clientAddress: String, requestID: String, via: String = "") {
        self.userID = userID
        self.username = username
        self.role = role
        self.clientAddress = clientAddress
        self.requestID = requestID
        self.via = via
    }

    /// Command-line tools act as the operating-system operator.
    public static func commandLine(_ name: String) -> AuditActor {
        AuditActor(userID: nil, username: "cli:\(name)", role: "system", clientAddress: "local", requestID: UUID().uuidString)
    }
}

/// One audit row before it is chained.
public struct AuditEntry: Sendable, Equatable {
    public var action: AuditAction
    public var patientID: UUID?
    public var entity: String
    public var outcome: AuditOutcome
    public var detail: String

    public init(_ action: AuditAction, patientID: UUID? = nil, entity: String = "", outcome: AuditOutcome = .success, detail: String = "") {
        self.action = action
        self.patientID = patientID
        self.entity = entity
        self.outcome = outcome
        self.detail = detail
    }
}

extension AuditEntry {
    /// The same entry, recording that the action failed with `error`.
    func failed(by error: any Error) -> AuditEntry {
        var failed = self
        failed.outcome = (error as? any AuditOutcomeProviding)?.auditOutcome ?? .failure
        failed.detail = [self.detail, (error as? any AuditOutcomeProviding)?.auditDetail ?? "error"]
            .filter { !$0.isEmpty }.joined(separator: "; ")
        return failed
    }
}

/// The hash-chained, append-only audit trail. Every read and write of patient data goes through
/// `perform`, which writes the audit row in the same transaction as the action (ONC 170.315(d)(2)).
public struct AuditTrail: Sendable {
    public let database: any Database
    public let now: @Sendable () -> Date
    /// When present, stand-alone rows and reads are group-committed (see `AuditBatcher`).
    public let batcher: AuditBatcher?
    /// SQLite's: write transactions take turns instead of spinning for the file's lock (see `WriteGate`).
    public let gate: WriteGate?

    public init(database: any Database, now: @escaping @Sendable () -> Date, batcher: AuditBatcher? = nil, gate: WriteGate? = nil) {
        self.database = database
        self.now = now
        self.batcher = batcher
        self.gate = gate
    }

    /// A read of patient data: the data is read, then its audit row is made durable before the
    /// caller gets the data, so nothing is disclosed without a durable row. Reads write nothing
    /// else, so the row is group-committed with other requests' rows instead of paying for a
    /// transaction of its own.
    public func read<T: Sendable>(
        _ actor: AuditActor,
        _ entry: AuditEntry,
        _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        guard self.batcher != nil else { return try await self.perform(actor, entry, body) }
        let value: T
        do {
            value = try await body(self.database)
        } catch {
            try? await self.record(actor, entry.failed(by: error))
            throw error
        }
        try await self.record(actor, entry)
        return value
    }

    /// Runs `body` in one transaction with the audit row that records it. On failure the work is
    /// rolled back and a failure row is written on its own, then the error is rethrown.
    /// - Parameter patientOf: the patient the action concerned, once known (for example a new patient).
    public func perform<T: Sendable>(
        _ actor: AuditActor,
        _ entry: AuditEntry,
        patientOf: @escaping @Sendable (T) -> UUID? = { _ in nil },
        _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        let now = self.now
        let database = self.database
        // On SQLite the head is locked first: that takes the file's write lock before any read, so that a write
        // from outside the gate (a session touch) cannot invalidate this transaction's snapshot. On PostgreSQL it is
        // locked last, so that concurrent writes wait for each other only for the audit row and the commit; either
        // way the chain's order is the commit order.
        let lockFirst = database.sql.dialect.name == "sqlite"
        do {
            return try await self.gate.run { try await database.transaction { tx in
                let early = lockFirst ? try await Self.lockHead(on: tx) : nil
                let value = try await body(tx)
                var entry = entry
                entry.patientID = patientOf(value) ?? entry.patientID
                let head: Head
                if let early { head = early } else { head = try await Self.lockHead(on: tx) }
                try await Self.append(entry, actor: actor, head: head, at: now(), on: tx)
                return value
            } }
        } catch {
            try? await self.record(actor, entry.failed(by: error))
            throw error
        }
    }

    /// `perform` with a first phase outside the transaction: `prepare` reads and computes (validation, canonical forms,
    /// hashes) before the write begins, so that SQLite's single writer is held only for the writes; `body` then checks in
    /// the transaction that what was prepared still holds. A failure in either phase is audited the same way.
    public func perform<P: Sendable, T: Sendable>(
        _ actor: AuditActor,
        _ entry: AuditEntry,
        prepare: @escaping @Sendable (any Database) async throws -> P,
        _ body: @escaping @Sendable (any Database, P) async throws -> T
    ) async throws -> T {
        let prepared: P
        do {
            prepared = try await prepare(self.database)
        } catch {
            try? await self.record(actor, entry.failed(by: error))
            throw error
        }
        return try await self.perform(actor, entry) { tx in try await body(tx, prepared) }
    }

    /// Writes one stand-alone row (authentication events, refusals); durable when this returns.
    public func record(_ actor: AuditActor, _ entry: AuditEntry) async throws {
        if let batcher = self.batcher {
            return try await batcher.append(actor, entry, at: self.now())
        }
        let now = self.now
        let database = self.database
        try await self.gate.run { try await database.transaction { tx in
            let head = try await Self.lockHead(on: tx)
            try await Self.append(entry, actor: actor, head: head, at: now(), on: tx)
        } }
    }

    struct Head { var seq: Int64; var previousHash: String }

    /// Reserves `count` sequence numbers; returns the first one and the hash it must link to.
    static func lockHead(on db: any Database, count: Int = 1) async throws -> Head {
        guard let row = try await db.sql.raw("UPDATE audit_head SET seq = seq + \(bind: count) WHERE id = 1 RETURNING seq, hash").first() else {
            throw AuditTrailError.missingHead
        }
        let last = try row.decode(column: "seq", as: Int64.self)
        return Head(seq: last - Int64(count) + 1, previousHash: try row.decode(column: "hash", as: String.self))
    }

    /// Appends one row after `head` and returns the head for the next row.
    @discardableResult
    static func append(_ entry: AuditEntry, actor: AuditActor, head: Head, at time: Date, on db: any Database) async throws -> Head {
        let detail = [actor.via, entry.detail].filter { !$0.isEmpty }.joined(separator: "; ")
        let record = AuditRecord(
            seq: head.seq, occurredAt: AuditRecord.timestamp(time), userID: actor.userID, username: actor.username,
            role: actor.role, action: entry.action.rawValue, patientID: entry.patientID, entity: entry.entity,
            outcome: entry.outcome.rawValue, clientAddress: actor.clientAddress, requestID: actor.requestID, detail: detail
        )
        let hash = Self.hash(record, previousHash: head.previousHash)
        let sql = db.sql
        let insert: SQLQueryString = """
            INSERT INTO audit_events (seq, occurred_at, user_id, username, role, action, patient_id, entity, outcome,
                client_address, request_id, detail, prev_hash, hash)
            VALUES (\(bind: record.seq), \(bind: record.occurredAt), \(bind: record.userID?.uuidString.lowercased()),
                \(bind: record.username), \(bind: record.role), \(bind: record.action),
                \(bind: record.patientID?.uuidString.lowercased()), \(bind: record.entity), \(bind: record.outcome),
                \(bind: record.clientAddress), \(bind: record.requestID), \(bind: record.detail),
                \(bind: head.previousHash), \(bind: hash))
            """
        if sql.dialect.name == "postgresql" {
            // One round trip fewer while the head row is locked: on PostgreSQL the head is held until the commit, so
            // every statement here is paid by each concurrent writer in turn (the signing benchmark's ceiling).
            try await sql.raw("WITH appended AS (\(insert)) UPDATE audit_head SET hash = \(bind: hash) WHERE id = 1").run()
        } else {
            try await sql.raw(insert).run()
            try await sql.raw("UPDATE audit_head SET hash = \(bind: hash) WHERE id = 1").run()
        }
        return Head(seq: head.seq + 1, previousHash: hash)
    }

    public static func hash(_ record: AuditRecord, previousHash: String) -> String {
        Digest.sha256Hex(record.canonical(previousHash: previousHash))
    }
}

/// Group commit for audit rows that stand alone (reads and authentication events): rows that arrive
/// while a batch is being committed go into the next batch, so one transaction and one fsync serve
/// many requests. Each caller returns only once its own row is durable. Rows that belong to a write
/// do not come here: they are written in the write's own transaction by `AuditTrail.perform`.
public actor AuditBatcher {
    let database: any Database
    let gate: WriteGate?
    var pending: [(AuditActor, AuditEntry, Date, CheckedContinuation<Void, any Error>)] = []
    var flushing = false
    /// Bounds one transaction's size under a burst.
    static let maxBatch = 256

    public init(database: any Database, gate: WriteGate? = nil) {
        self.database = database
        self.gate = gate
    }

    public func append(_ actor: AuditActor, _ entry: AuditEntry, at time: Date) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            self.pending.append((actor, entry, time, continuation))
            if !self.flushing {
                self.flushing = true
                Task { await self.flush() }
            }
        }
    }

    func flush() async {
        while !self.pending.isEmpty {
            let batch = Array(self.pending.prefix(Self.maxBatch))
            self.pending.removeFirst(batch.count)
            let rows = batch.map { ($0.0, $0.1, $0.2) }
            let database = self.database
            do {
                try await self.gate.run { try await database.transaction { tx in
                    var head = try await AuditTrail.lockHead(on: tx, count: rows.count)
                    for (actor, entry, time) in rows {
                        head = try await AuditTrail.append(entry, actor: actor, head: head, at: time, on: tx)
                    }
                } }
                for item in batch { item.3.resume() }
            } catch {
                for item in batch { item.3.resume(throwing: error) }
            }
        }
        self.flushing = false
    }
}

/// Errors that know how they should appear in the audit trail.
public protocol AuditOutcomeProviding: Error {
    var auditOutcome: AuditOutcome { get }
    var auditDetail: String { get }
}

extension ValidationFailure: AuditOutcomeProviding {
    public var auditOutcome: AuditOutcome { .failure }
    public var auditDetail: String { "invalid: " + self.errors.map(\.field).joined(separator: ",") }
}

public enum AuditTrailError: Error {
    case missingHead
}
