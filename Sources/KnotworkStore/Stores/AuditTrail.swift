import Crypto
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

/// The hash-chained, append-only audit trail. Every read and write of patient data goes through
/// `perform`, which writes the audit row in the same transaction as the action (ONC 170.315(d)(2)).
public struct AuditTrail: Sendable {
    public let database: any Database
    public let now: @Sendable () -> Date

    public init(database: any Database, now: @escaping @Sendable () -> Date) {
        self.database = database
        self.now = now
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
        do {
            return try await self.database.transaction { tx in
                // Locking the head first orders the chain, and on SQLite takes the write lock before
                // any read so that a concurrent commit cannot invalidate this transaction's snapshot.
                let head = try await Self.lockHead(on: tx)
                let value = try await body(tx)
                var entry = entry
                entry.patientID = patientOf(value) ?? entry.patientID
                try await Self.append(entry, actor: actor, head: head, at: now(), on: tx)
                return value
            }
        } catch {
            var failed = entry
            failed.outcome = (error as? any AuditOutcomeProviding)?.auditOutcome ?? .failure
            failed.detail = [entry.detail, (error as? any AuditOutcomeProviding)?.auditDetail ?? "error"]
                .filter { !$0.isEmpty }.joined(separator: "; ")
            try? await self.record(actor, failed)
            throw error
        }
    }

    /// Writes one stand-alone row (authentication events, refusals).
    public func record(_ actor: AuditActor, _ entry: AuditEntry) async throws {
        let now = self.now
        try await self.database.transaction { tx in
            let head = try await Self.lockHead(on: tx)
            try await Self.append(entry, actor: actor, head: head, at: now(), on: tx)
        }
    }

    struct Head { var seq: Int64; var previousHash: String }

    static func lockHead(on db: any Database) async throws -> Head {
        guard let row = try await db.sql.raw("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash").first() else {
            throw AuditTrailError.missingHead
        }
        return Head(seq: try row.decode(column: "seq", as: Int64.self), previousHash: try row.decode(column: "hash", as: String.self))
    }

    static func append(_ entry: AuditEntry, actor: AuditActor, head: Head, at time: Date, on db: any Database) async throws {
        let detail = [actor.via, entry.detail].filter { !$0.isEmpty }.joined(separator: "; ")
        let record = AuditRecord(
            seq: head.seq, occurredAt: AuditRecord.timestamp(time), userID: actor.userID, username: actor.username,
            role: actor.role, action: entry.action.rawValue, patientID: entry.patientID, entity: entry.entity,
            outcome: entry.outcome.rawValue, clientAddress: actor.clientAddress, requestID: actor.requestID, detail: detail
        )
        let hash = Self.hash(record, previousHash: head.previousHash)
        let sql = db.sql
        try await sql.raw("""
            INSERT INTO audit_events (seq, occurred_at, user_id, username, role, action, patient_id, entity, outcome,
                client_address, request_id, detail, prev_hash, hash)
            VALUES (\(bind: record.seq), \(bind: record.occurredAt), \(bind: record.userID?.uuidString.lowercased()),
                \(bind: record.username), \(bind: record.role), \(bind: record.action),
                \(bind: record.patientID?.uuidString.lowercased()), \(bind: record.entity), \(bind: record.outcome),
                \(bind: record.clientAddress), \(bind: record.requestID), \(bind: record.detail),
                \(bind: head.previousHash), \(bind: hash))
            """).run()
        try await sql.raw("UPDATE audit_head SET hash = \(bind: hash) WHERE id = 1").run()
    }

    public static func hash(_ record: AuditRecord, previousHash: String) -> String {
        let digest = SHA256.hash(data: Data(record.canonical(previousHash: previousHash).utf8))
        return digest.map { String(format: "%02x", $0) }.joined()
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
