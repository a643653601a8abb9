import Fluent
import Foundation
import KnotworkCore
import SQLKit

/// Who recorded something, as the rows keep it.
public struct Recorder: Sendable, Equatable {
    public var userID: UUID
    public var name: String
    public init(userID: UUID, name: String) {
        self.userID = userID
        self.name = name
    }
}

/// One value of a measure on a day, as a goal's chart and status read it.
public struct SeriesValue: Sendable, Equatable {
    public var code: String
    public var value: Double?
    public var recordedOn: CalendarDate
    /// The session the value was recorded at (its note), if any.
    public var sessionID: UUID?
    /// The JSON body when asked for (PSFS activities), else empty.
    public var body: String
}

/// A stored finding before its body is decoded: the assessment page loads every kind in one query
/// and decodes each by kind.
public struct StoredEntry: Sendable, Equatable {
    public var id: UUID
    public var assessmentID: UUID?
    public var kind: EntryKind
    public var code: String?
    public var value: Double?
    public var recordedOn: CalendarDate
    public var recordedAt: Date
    public var recordedBy: UUID
    public var recordedByName: String
    public var body: String
    /// The session a value was recorded at (a session's pain), if any.
    public var sessionID: UUID? = nil

    public func decode<V: Codable & Sendable & Equatable>(_ type: V.Type) throws -> ClinicalEntry<V> {
        ClinicalEntry(id: self.id, assessmentID: self.assessmentID, recordedOn: self.recordedOn, recordedAt: self.recordedAt,
                      recordedBy: self.recordedBy, recordedByName: self.recordedByName, value: try StoredJSON.decode(V.self, self.body))
    }
}

extension AssessmentModel {
    var header: AssessmentHeader {
        AssessmentHeader(id: self.id!, patientID: self.patientID, kind: AssessmentKind(rawValue: self.kind) ?? .initial,
                         assessedOn: CalendarDate(self.assessedOn) ?? CalendarDate(year: 1900, month: 1, day: 1)!,
                         summary: self.summary, clinicianID: self.clinicianID, clinicianName: self.clinicianName)
    }
}

public enum AssessmentStoreError: Error, Equatable {
    case notFound
}

/// Assessments and the dated findings they are assembled from. Every method is called inside
/// `AuditTrail.perform`/`read` by the web layer, which passes the transaction's database.
public struct AssessmentStore: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    // MARK: assessments

    public func create(_ header: AssessmentHeader, at now: Date) async throws {
        let row = AssessmentModel()
        row.id = header.id
        row.patientID = header.patientID
        row.kind = header.kind.rawValue
        row.assessedOn = header.assessedOn.description
        row.summary = header.summary
        row.clinicianID = header.clinicianID
        row.clinicianName = header.clinicianName
        row.createdAt = now
        row.updatedAt = now
        try await row.create(on: self.database)
    }

    /// Oldest first.
    public func assessments(of patientID: UUID) async throws -> [AssessmentHeader] {
        try await AssessmentModel.query(on: self.database)
            .filter(\.$patientID == patientID)
            .sort(\.$assessedOn).sort(\.$createdAt)
            .all().map(\.header)
    }

    public func assessment(_ id: UUID, of patientID: UUID) async throws -> AssessmentHeader? {
        try await AssessmentModel.query(on: self.database)
            .filter(\.$id == id).filter(\.$patientID == patientID)
            .first()?.header
    }

    // MARK: findings

    /// Stores one validated finding; `code` and `number` are what later visits compare by.
    @discardableResult
    public func add<V: Codable & Sendable & Equatable>(
        _ kind: EntryKind, _ value: V, code: String? = nil, number: Double? = nil, patientID: UUID, assessmentID: UUID?,
        sessionID: UUID? = nil, recordedOn: CalendarDate, by recorder: Recorder, at now: Date
    ) async throws -> ClinicalEntry<V> {
        // A plain insert: findings are written on every signature and screen, and Fluent's model machinery cost more
        // than the write.
        let id = UUID()
        try await self.database.sql.insert(into: ClinicalEntryModel.schema)
            .columns("id", "patient_id", "assessment_id", "session_id", "kind", "code", "value", "recorded_on", "recorded_at",
                     "recorded_by", "recorded_by_name", "body")
            .values(SQLBind(id), SQLBind(patientID), SQLBind(assessmentID), SQLBind(sessionID), SQLBind(kind.rawValue), SQLBind(code),
                    SQLBind(number), SQLBind(recordedOn.description), SQLBind(now), SQLBind(recorder.userID), SQLBind(recorder.name),
                    SQLBind(try StoredJSON.encode(value)))
            .run()
        return ClinicalEntry(id: id, assessmentID: assessmentID, recordedOn: recordedOn, recordedAt: now,
                             recordedBy: recorder.userID, recordedByName: recorder.name, value: value)
    }

    /// Every finding of the given assessments, in one query (the page's query count does not grow
    /// with the patient's history).
    public func entries(of patientID: UUID, assessments ids: [UUID]) async throws -> [StoredEntry] {
        guard !ids.isEmpty else { return [] }
        // Plain rows rather than Fluent models: this is the record page's largest read, and hydrating models
        // was most of its time.
        return try await self.selectEntries(of: patientID)
            .where("assessment_id", .in, ids)
            .orderBy("recorded_on").orderBy("recorded_at")
            .all().map(Self.entry)
    }

    /// A patient's findings as plain rows (the columns `entry(_:)` reads).
    func selectEntries(of patientID: UUID) -> SQLSelectBuilder {
        self.database.sql.select()
            .columns("id", "assessment_id", "kind", "code", "value", "recorded_on", "recorded_at", "recorded_by", "recorded_by_name", "body",
                     "session_id")
            .from(ClinicalEntryModel.schema)
            .where("patient_id", .equal, patientID)
    }

    /// The body only for findings of these codes, an empty text for the others.
    static func bodyColumn(_ codes: Set<String>) -> any SQLExpression {
        let list = codes.sorted()
        return list.isEmpty ? SQLLiteral.string("")
            : SQLRaw("CASE WHEN code IN (" + list.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ", ")
                     + ") THEN body ELSE '' END")
    }

    /// A finding from its plain row, column by column (the generic `Decodable` row path was the largest cost of a long
    /// series). The one mapping of a stored finding.
    static func entry(_ row: any SQLRow) throws -> StoredEntry {
        StoredEntry(id: try row.decode(column: "id", as: UUID.self), assessmentID: try row.decode(column: "assessment_id", as: UUID?.self),
                    kind: EntryKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .intake,
                    code: try row.decode(column: "code", as: String?.self), value: try row.decode(column: "value", as: Double?.self),
                    recordedOn: CalendarDate(try row.decode(column: "recorded_on", as: String.self)) ?? CalendarDate(year: 1900, month: 1, day: 1)!,
                    recordedAt: try row.decode(column: "recorded_at", as: Date.self), recordedBy: try row.decode(column: "recorded_by", as: UUID.self),
                    recordedByName: try row.decode(column: "recorded_by_name", as: String.self), body: try row.decode(column: "body", as: String.self),
                    sessionID: try row.decode(column: "session_id", as: UUID?.self))
    }

    /// The values recorded under some codes (instruments, motions) from a date on, oldest first: a plan's goals over time,
    /// in one query. Only the columns a goal's chart and status read are fetched (a two-year series is 500 rows, and each
    /// column decoded costs as much as the query).
    /// - Parameter bodiesFor: the codes whose JSON body is needed (PSFS keeps its activities there); the others come
    ///   with an empty body.
    public func series(of patientID: UUID, codes: [String], from start: CalendarDate, bodiesFor: Set<String> = []) async throws -> [SeriesValue] {
        guard !codes.isEmpty else { return [] }
        return try await self.database.sql.select()
            .columns("code", "value", "recorded_on", "session_id")
            .column(Self.bodyColumn(bodiesFor), as: "body")
            .from(ClinicalEntryModel.schema)
            .where("patient_id", .equal, patientID)
            .where("code", .in, codes)
            .where("recorded_on", .greaterThanOrEqual, start.description)
            .orderBy("recorded_on").orderBy("recorded_at")
            .all().map { [uuids = UUIDColumns(self.database)] row in
                SeriesValue(code: try row.decode(column: "code", as: String.self), value: try row.decode(column: "value", as: Double?.self),
                            recordedOn: CalendarDate(try row.decode(column: "recorded_on", as: String.self)) ?? CalendarDate(year: 1900, month: 1, day: 1)!,
                            sessionID: try uuids.decode(row, "session_id"), body: try row.decode(column: "body", as: String.self))
            }
    }

    /// The latest values recorded under a code on or before a day, newest first (a goal's baseline from the record).
    public func latest(code: String, of patientID: UUID, onOrBefore day: CalendarDate, limit: Int = 1) async throws -> [StoredEntry] {
        try await self.selectEntries(of: patientID)
            .where("code", .equal, code)
            .where("recorded_on", .lessThanOrEqual, day.description)
            .orderBy("recorded_on", .descending).orderBy("recorded_at", .descending)
            .limit(limit)
            .all().map(Self.entry)
    }

    /// The latest findings of one kind, newest first (for example the last PSFS activities or intake).
    public func latest(_ kind: EntryKind, of patientID: UUID, code: String? = nil, limit: Int = 1) async throws -> [StoredEntry] {
        var q = self.selectEntries(of: patientID).where("kind", .equal, kind.rawValue)
        if let code { q = q.where("code", .equal, code) }
        return try await q.orderBy("recorded_on", .descending).orderBy("recorded_at", .descending).limit(limit).all().map(Self.entry)
    }

    /// Findings of one kind, oldest first, optionally from a date on (pain maps to compare).
    public func history(_ kind: EntryKind, of patientID: UUID, limit: Int = 500) async throws -> [StoredEntry] {
        try await self.latest(kind, of: patientID, limit: limit).reversed()
    }

    public func entry(_ id: UUID, of patientID: UUID) async throws -> StoredEntry? {
        try await self.selectEntries(of: patientID).where("id", .equal, id).first().map(Self.entry)
    }
}

extension StoredEntry {
    /// The finding decoded by its kind.
    public func finding() throws -> ClinicalEntry<Finding> {
        let value: Finding = switch self.kind {
        case .intake: .intake(try StoredJSON.decode(Intake.self, self.body))
        case .screen: .screen(try StoredJSON.decode(ScreenResult.self, self.body))
        case .painMap: .painMap(try StoredJSON.decode(PainMap.self, self.body))
        case .triggerPoint: .triggerPoint(try StoredJSON.decode(TriggerPointFinding.self, self.body))
        case .rangeOfMotion: .rangeOfMotion(try StoredJSON.decode(ROMMeasurement.self, self.body))
        case .measure: .measure(try StoredJSON.decode(MeasureResult.self, self.body))
        case .rootCause: .rootCause(try StoredJSON.decode(RootCauseHypothesis.self, self.body))
        }
        return ClinicalEntry(id: self.id, assessmentID: self.assessmentID, recordedOn: self.recordedOn, recordedAt: self.recordedAt,
                             recordedBy: self.recordedBy, recordedByName: self.recordedByName, value: value)
    }
}
