import Fluent
import Foundation
import KnotworkCore
import SQLKit

/// A stored audit row, as the report shows it.
public struct AuditRow: Sendable, Equatable, Codable {
    public var seq: Int64
    public var occurredAt: String
    public var userID: String?
    public var username: String
    public var role: String
    public var action: String
    public var patientID: String?
    public var entity: String
    public var outcome: String
    public var clientAddress: String
    public var requestID: String
    public var detail: String
    public var prevHash: String
    public var hash: String

    /// Emergency-access rows are flagged in the report (ONC 170.315(d)(6)).
    public var isBreakGlass: Bool {
        self.action == AuditAction.breakGlass.rawValue || self.detail.contains("break-glass")
    }

    enum CodingKeys: String, CodingKey {
        case seq, occurredAt = "occurred_at", userID = "user_id", username, role, action, patientID = "patient_id",
             entity, outcome, clientAddress = "client_address", requestID = "request_id", detail,
             prevHash = "prev_hash", hash
    }

    var record: AuditRecord {
        AuditRecord(seq: self.seq, occurredAt: self.occurredAt, userID: self.userID.flatMap(UUID.init(uuidString:)),
                    username: self.username, role: self.role, action: self.action,
                    patientID: self.patientID.flatMap(UUID.init(uuidString:)), entity: self.entity,
                    outcome: self.outcome, clientAddress: self.clientAddress, requestID: self.requestID, detail: self.detail)
    }
}

/// Filters and sort of the audit report (ONC 170.315(d)(3): a period, and sorting by each element).
public struct AuditQuery: Sendable, Equatable {
    public enum SortColumn: String, CaseIterable, Sendable {
        case time, user, role, action, patient, entity, outcome, address
        var column: String {
            switch self {
            case .time: "seq"
            case .user: "username"
            case .role: "role"
            case .action: "action"
            case .patient: "patient_id"
            case .entity: "entity"
            case .outcome: "outcome"
            case .address: "client_address"
            }
        }
    }

    public var from: CalendarDate?
    public var to: CalendarDate?
    public var username: String?
    public var patientID: UUID?
    public var action: String?
    public var breakGlassOnly: Bool
    public var sort: SortColumn
    public var descending: Bool
    public var page: Int
    public var perPage: Int

    public init(from: CalendarDate? = nil, to: CalendarDate? = nil, username: String? = nil, patientID: UUID? = nil,
                action: String? = nil, breakGlassOnly: Bool = false, sort: SortColumn = .time, descending: Bool = true,
                page: Int = 1, perPage: Int = 50) {
        self.from = from
        self.to = to
        self.username = username
        self.patientID = patientID
        self.action = action
        self.breakGlassOnly = breakGlassOnly
        self.sort = sort
        self.descending = descending
        self.page = page
        self.perPage = perPage
    }
}

public struct AuditVerification: Sendable, Equatable {
    public var rowsChecked: Int
    /// The first row that breaks the chain and why, or nil when the chain is intact.
    public var firstBroken: Broken?

    public struct Broken: Sendable, Equatable {
        public var seq: Int64
        public var reason: String
    }

    public var isIntact: Bool { self.firstBroken == nil }
}

extension AuditTrail {
    /// Verifies the chain and records that it was checked, with the outcome (CLI, admin page and API).
    public func verifyChain(_ actor: AuditActor) async throws -> AuditVerification {
        let result = try await AuditReport(database: self.database).verify()
        try await self.record(actor, AuditEntry(
            .auditVerify, entity: "audit_events", outcome: result.isIntact ? .success : .failure,
            detail: result.firstBroken.map { "broken at \($0.seq)" } ?? "intact: \(result.rowsChecked) rows"))
        return result
    }
}

public struct AuditReport: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    func whereClause(_ q: AuditQuery) -> SQLQueryString {
        var parts: [SQLQueryString] = ["1 = 1"]
        if let from = q.from { parts.append("occurred_at >= \(bind: from.description)") }
        // `to` is inclusive: everything before the next day.
        if let to = q.to { parts.append("occurred_at < \(bind: to.description + "T99")") }
        if let u = q.username, !u.isEmpty { parts.append("username = \(bind: u)") }
        if let p = q.patientID { parts.append("patient_id = \(bind: p.uuidString.lowercased())") }
        if let a = q.action, !a.isEmpty { parts.append("action = \(bind: a)") }
        if q.breakGlassOnly {
            parts.append("(action = \(bind: AuditAction.breakGlass.rawValue) OR detail LIKE '%break-glass%')")
        }
        return parts.joined(separator: " AND ")
    }

    public func search(_ q: AuditQuery) async throws -> ResultPage<AuditRow> {
        let sql = self.database.sql
        let filter = self.whereClause(q)
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM audit_events WHERE \(filter)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        let rows = try await self.rows(q, limit: q.perPage, offset: (q.page - 1) * q.perPage)
        return ResultPage(items: rows, page: q.page, perPage: q.perPage, total: total)
    }

    /// Every matching row, for CSV export, in pages so memory stays flat.
    public func forEach(_ q: AuditQuery, _ body: ([AuditRow]) async throws -> Void) async throws {
        var offset = 0
        while true {
            let rows = try await self.rows(q, limit: 2000, offset: offset)
            if rows.isEmpty { return }
            try await body(rows)
            offset += rows.count
        }
    }

    func rows(_ q: AuditQuery, limit: Int, offset: Int) async throws -> [AuditRow] {
        let direction = q.descending ? "DESC" : "ASC"
        let order = q.sort == .time ? "seq \(direction)" : "\(q.sort.column) \(direction), seq \(direction)"
        return try await self.database.sql.raw("""
            SELECT * FROM audit_events WHERE \(self.whereClause(q))
            ORDER BY \(unsafeRaw: order) LIMIT \(bind: limit) OFFSET \(bind: offset)
            """).all(decoding: AuditRow.self)
    }

    /// Walks the whole chain and names the first row that does not follow from the one before.
    public func verify() async throws -> AuditVerification {
        let sql = self.database.sql
        var expectedSeq: Int64 = 1
        var previousHash = AuditRecord.genesisHash
        var checked = 0
        while true {
            let rows = try await sql.raw("""
                SELECT * FROM audit_events WHERE seq >= \(bind: expectedSeq) ORDER BY seq LIMIT 5000
                """).all(decoding: AuditRow.self)
            if rows.isEmpty { break }
            for row in rows {
                if row.seq != expectedSeq {
                    return .init(rowsChecked: checked, firstBroken: .init(
                        seq: expectedSeq, reason: "row \(expectedSeq) is missing: it was deleted (the next row is \(row.seq))"))
                }
                if row.prevHash != previousHash {
                    return .init(rowsChecked: checked, firstBroken: .init(
                        seq: row.seq, reason: "row \(row.seq) does not link to row \(row.seq - 1): a row was changed, removed or inserted"))
                }
                if AuditTrail.hash(row.record, previousHash: previousHash) != row.hash {
                    return .init(rowsChecked: checked, firstBroken: .init(
                        seq: row.seq, reason: "row \(row.seq) was changed after it was written: its content no longer matches its hash"))
                }
                previousHash = row.hash
                expectedSeq += 1
                checked += 1
            }
        }
        guard let head = try await sql.raw("SELECT seq, hash FROM audit_head WHERE id = 1").first() else {
            return .init(rowsChecked: checked, firstBroken: .init(seq: 0, reason: "the chain head is missing"))
        }
        let headSeq = try head.decode(column: "seq", as: Int64.self)
        let headHash = try head.decode(column: "hash", as: String.self)
        if headSeq != expectedSeq - 1 || headHash != previousHash {
            return .init(rowsChecked: checked, firstBroken: .init(
                seq: expectedSeq, reason: "the chain head names row \(headSeq) but the trail ends at row \(expectedSeq - 1): rows were deleted from the end or the head was altered"))
        }
        return .init(rowsChecked: checked, firstBroken: nil)
    }
}
