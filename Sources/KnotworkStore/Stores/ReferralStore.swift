import Fluent
import Foundation
import KnotworkCore
import SQLKit

/// A referral or payer authorization as stored, with its counter.
public struct StoredReferral: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var patientID: UUID
    public var referral: Referral
    /// The status a person set (received, active, cancelled); `status(on:)` is the one shown.
    public var storedStatus: ReferralStatus
    public var statusReason: String?
    public var used: Int
    /// The plan of care started from this referral.
    public var planID: UUID?
    public var createdByName: String
    public var createdAt: Date
    public var updatedAt: Date
    public var counter: VisitCounter {
        VisitCounter(authorized: self.referral.authorizedVisits, used: self.used, start: self.referral.start, expiry: self.referral.expiry)
    }

    public func status(on today: CalendarDate) -> ReferralStatus { self.counter.status(stored: self.storedStatus, on: today) }

    /// The counter's warnings; only an active referral warns.
    public func alerts(on today: CalendarDate, settings: CounterSettings) -> [CounterAlert] {
        self.storedStatus == .active ? self.counter.alerts(on: today, settings: settings) : []
    }

    public var candidate: CoverageCandidate {
        CoverageCandidate(id: self.id, kind: self.referral.kind, status: self.storedStatus, counter: self.counter)
    }
}

/// A visit counted against a referral.
public struct ReferralUsage: Sendable, Equatable {
    public var referralID: UUID
    public var noteID: UUID
    public var dateOfService: CalendarDate
    public var changeReason: String?
    public var overrideReason: String?
    public var createdAt: Date
}

/// A booking or signing that went beyond a referral's visits or dates, with its reason (the admin report).
public struct CoverageOverride: Sendable, Equatable {
    public enum Action: String, Sendable { case booking, signing }
    public var id: UUID
    public var patientID: UUID
    public var patientName: String
    public var recordNumber: String
    public var referralID: UUID
    public var referralTitle: String
    public var action: Action
    public var problem: String
    public var noteID: UUID?
    public var appointmentID: UUID?
    public var reason: String
    public var byName: String
    public var at: Date
}

public enum ReferralStoreError: Error, Equatable {
    case notFound
    /// The referral's last authorized visit was taken meanwhile (by another signer): sign again with an override.
    case noVisitLeft(UUID)
}

/// Referrals and payer authorizations, their counters, their overrides and their scanned orders.
public struct ReferralStore: Sendable {
    static let table = "referrals"
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    static let columns = ["id", "patient_id", "status", "status_reason", "body", "used_visits", "plan_id", "created_by_name", "created_at", "updated_at"]

    func select() -> SQLSelectBuilder {
        self.database.sql.select()
            .columns(Self.columns.map { SQLColumn($0, table: "r") })
            .from(SQLAlias(SQLIdentifier(Self.table), as: SQLIdentifier("r")))
    }

    static func stored(_ row: any SQLRow, _ uuids: UUIDColumns) throws -> StoredReferral {
        StoredReferral(
            id: try uuids.required(row, "id"), patientID: try uuids.required(row, "patient_id"),
            referral: try StoredJSON.decode(Referral.self, try row.decode(column: "body", as: String.self)),
            storedStatus: ReferralStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .active,
            statusReason: try row.decode(column: "status_reason", as: String?.self), used: try row.decode(column: "used_visits", as: Int.self),
            planID: try uuids.decode(row, "plan_id"), createdByName: try row.decode(column: "created_by_name", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Date.self), updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    func all(_ q: SQLSelectBuilder) async throws -> [StoredReferral] {
        let uuids = UUIDColumns(self.database)
        return try await q.all().map { try Self.stored($0, uuids) }
    }

    public func create(_ referral: Referral, status: ReferralStatus, patientID: UUID, by recorder: Recorder, at now: Date) async throws -> StoredReferral {
        let id = UUID()
        try await self.database.sql.insert(into: Self.table)
            .columns("id", "patient_id", "kind", "status", "body", "start_on", "expires_on", "authorized_visits", "used_visits", "provider_user_id",
                     "created_by", "created_by_name", "created_at", "updated_at")
            .values(SQLBind(id), SQLBind(patientID), SQLBind(referral.kind.rawValue), SQLBind(status.rawValue), SQLBind(try StoredJSON.encode(referral)),
                    SQLBind(referral.start.description), SQLBind(referral.expiry.description), SQLBind(referral.authorizedVisits), SQLBind(0),
                    SQLBind(referral.providerUserID), SQLBind(recorder.userID), SQLBind(recorder.name), SQLBind(now), SQLBind(now))
            .run()
        guard let stored = try await self.referral(id, of: patientID) else { throw ReferralStoreError.notFound }
        return stored
    }

    public func referral(_ id: UUID, of patientID: UUID) async throws -> StoredReferral? {
        try await self.all(self.select().where(SQLColumn("id", table: "r"), .equal, SQLBind(id))
            .where(SQLColumn("patient_id", table: "r"), .equal, SQLBind(patientID))).first
    }

    /// A patient's referrals and authorizations, the latest expiry first.
    public func referrals(of patientID: UUID) async throws -> [StoredReferral] {
        try await self.all(self.select().where(SQLColumn("patient_id", table: "r"), .equal, SQLBind(patientID))
            .orderBy(SQLOrderBy(expression: SQLColumn("expires_on", table: "r"), direction: SQLDirection.descending)).orderBy(SQLOrderBy(expression: SQLColumn("created_at", table: "r"), direction: SQLDirection.descending)).limit(200))
    }

    /// The active referrals of several patients at once (a schedule, a worklist), by patient.
    public func active(ofPatients ids: [UUID]) async throws -> [UUID: [StoredReferral]] {
        guard !ids.isEmpty else { return [:] }
        var out: [UUID: [StoredReferral]] = [:]
        // Bounded IN lists: a worklist of many patients is read in slices.
        for slice in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            let rows = try await self.all(self.select()
                .where(SQLColumn("patient_id", table: "r"), .in, SQLGroupExpression(SQLList(slice.map { SQLBind($0) })))
                .where(SQLColumn("status", table: "r"), .equal, SQLBind(ReferralStatus.active.rawValue))
                .orderBy(SQLColumn("expires_on", table: "r")))
            for r in rows { out[r.patientID, default: []].append(r) }
        }
        return out
    }

    /// The active referrals of the patients on a user's care teams, with each patient's name (the worklist).
    public func active(onTeamOf userID: UUID) async throws -> [(referral: StoredReferral, patientName: String)] {
        let onTeam: SQLQueryString = "EXISTS (SELECT 1 FROM care_team_members c WHERE c.patient_id = r.patient_id AND c.user_id = \(bind: userID))"
        let q = self.select().column(SQLColumn("given_name", table: "p")).column(SQLColumn("family_name", table: "p"))
            .join(SQLAlias(SQLIdentifier(PatientModel.schema), as: SQLIdentifier("p")), on: SQLColumn("id", table: "p"), .equal, SQLColumn("patient_id", table: "r"))
            .where(SQLColumn("status", table: "r"), .equal, SQLBind(ReferralStatus.active.rawValue))
            .where(onTeam).orderBy(SQLColumn("expires_on", table: "r")).limit(1000)
        let uuids = UUIDColumns(self.database)
        return try await q.all().map { row in
            (try Self.stored(row, uuids), "\(try row.decode(column: "given_name", as: String.self)) \(try row.decode(column: "family_name", as: String.self))")
        }
    }

    public func move(_ id: UUID, of patientID: UUID, to status: ReferralStatus, reason: String?, at now: Date) async throws -> StoredReferral {
        try await self.database.sql.update(Self.table)
            .set("status", to: status.rawValue).set("status_reason", to: SQLBind(reason)).set("updated_at", to: now)
            .where("id", .equal, id).where("patient_id", .equal, patientID)
            .run()
        guard let stored = try await self.referral(id, of: patientID) else { throw ReferralStoreError.notFound }
        return stored
    }

    /// Links the plan of care started from the referral (the plan's page names the referral; the referral's the plan).
    public func linkPlan(_ id: UUID, of patientID: UUID, plan planID: UUID, at now: Date) async throws {
        try await self.database.sql.update(Self.table).set("plan_id", to: planID).set("updated_at", to: now)
            .where("id", .equal, id).where("patient_id", .equal, patientID).run()
    }

    /// The referrals a plan was started from.
    public func referrals(ofPlan planID: UUID, patientID: UUID) async throws -> [StoredReferral] {
        try await self.all(self.select().where(SQLColumn("plan_id", table: "r"), .equal, SQLBind(planID))
            .where(SQLColumn("patient_id", table: "r"), .equal, SQLBind(patientID)))
    }

    /// Counts a signed visit against a referral. Within the limit this is one conditional UPDATE: two signers racing for
    /// the last visit cannot both pass it (on PostgreSQL the second waits for the first's row and then finds no visit
    /// left; SQLite's writers take turns). `override` counts beyond the authorized visits. A visit counts once.
    public func count(_ referralID: UUID, note noteID: UUID, patientID: UUID, dateOfService: CalendarDate, changeReason: String?,
                      override: String?, at now: Date) async throws {
        var update = self.database.sql.update(Self.table)
            .set(SQLIdentifier("used_visits"), to: SQLBinaryExpression(SQLIdentifier("used_visits"), .add, SQLLiteral.numeric("1")))
            .set("updated_at", to: now)
            .where("id", .equal, referralID).where("patient_id", .equal, patientID)
            .where("status", .equal, ReferralStatus.active.rawValue)
        if override == nil { update = update.where(SQLIdentifier("used_visits"), .lessThan, SQLIdentifier("authorized_visits")) }
        let taken = try await update.returning("id").all()
        guard !taken.isEmpty else { throw ReferralStoreError.noVisitLeft(referralID) }
        try await self.database.sql.insert(into: "referral_usages")
            .columns("id", "referral_id", "patient_id", "note_id", "date_of_service", "change_reason", "override_reason", "created_at")
            .values(SQLBind(UUID()), SQLBind(referralID), SQLBind(patientID), SQLBind(noteID), SQLBind(dateOfService.description),
                    SQLBind(changeReason), SQLBind(override), SQLBind(now))
            .run()
    }

    /// The visits counted against a referral, latest first.
    public func usages(of referralID: UUID) async throws -> [ReferralUsage] {
        let uuids = UUIDColumns(self.database)
        return try await self.database.sql.select()
            .columns("referral_id", "note_id", "date_of_service", "change_reason", "override_reason", "created_at")
            .from("referral_usages").where("referral_id", .equal, referralID)
            .orderBy("date_of_service", .descending).orderBy("created_at", .descending).limit(500)
            .all().map { row in
                ReferralUsage(referralID: try uuids.required(row, "referral_id"), noteID: try uuids.required(row, "note_id"),
                              dateOfService: CalendarDate(try row.decode(column: "date_of_service", as: String.self)) ?? CalendarDate(Date(timeIntervalSince1970: 0)),
                              changeReason: try row.decode(column: "change_reason", as: String?.self),
                              overrideReason: try row.decode(column: "override_reason", as: String?.self),
                              createdAt: try row.decode(column: "created_at", as: Date.self))
            }
    }

    public func recordOverride(_ referralID: UUID, patientID: UUID, action: CoverageOverride.Action, problem: CoverageProblem, noteID: UUID? = nil,
                               appointmentID: UUID? = nil, reason: String, by recorder: Recorder, at now: Date) async throws {
        try await self.database.sql.insert(into: "coverage_overrides")
            .columns("id", "patient_id", "referral_id", "action", "problem", "note_id", "appointment_id", "reason", "by_id", "by_name", "at")
            .values(SQLBind(UUID()), SQLBind(patientID), SQLBind(referralID), SQLBind(action.rawValue), SQLBind(problem.rawValue), SQLBind(noteID),
                    SQLBind(appointmentID), SQLBind(reason), SQLBind(recorder.userID), SQLBind(recorder.name), SQLBind(now))
            .run()
    }

    /// Every override, newest first, with the patient and the referral named (the administrator's report).
    public func overrides(limit: Int = 500) async throws -> [CoverageOverride] {
        let uuids = UUIDColumns(self.database)
        return try await self.database.sql.select()
            .columns(SQLColumn("id", table: "o"), SQLColumn("patient_id", table: "o"), SQLColumn("referral_id", table: "o"), SQLColumn("action", table: "o"),
                     SQLColumn("problem", table: "o"), SQLColumn("note_id", table: "o"), SQLColumn("appointment_id", table: "o"),
                     SQLColumn("reason", table: "o"), SQLColumn("by_name", table: "o"), SQLColumn("at", table: "o"),
                     SQLColumn("given_name", table: "p"), SQLColumn("family_name", table: "p"), SQLColumn("record_number", table: "p"),
                     SQLColumn("body", table: "r"))
            .from(SQLAlias(SQLIdentifier("coverage_overrides"), as: SQLIdentifier("o")))
            .join(SQLAlias(SQLIdentifier(PatientModel.schema), as: SQLIdentifier("p")), on: SQLColumn("id", table: "p"), .equal, SQLColumn("patient_id", table: "o"))
            .join(SQLAlias(SQLIdentifier(Self.table), as: SQLIdentifier("r")), on: SQLColumn("id", table: "r"), .equal, SQLColumn("referral_id", table: "o"))
            .orderBy(SQLOrderBy(expression: SQLColumn("at", table: "o"), direction: SQLDirection.descending)).limit(limit)
            .all().map { row in
                let referral = try StoredJSON.decode(Referral.self, try row.decode(column: "body", as: String.self))
                return CoverageOverride(
                    id: try uuids.required(row, "id"), patientID: try uuids.required(row, "patient_id"),
                    patientName: "\(try row.decode(column: "given_name", as: String.self)) \(try row.decode(column: "family_name", as: String.self))",
                    recordNumber: try row.decode(column: "record_number", as: String.self), referralID: try uuids.required(row, "referral_id"),
                    referralTitle: referral.title, action: CoverageOverride.Action(rawValue: try row.decode(column: "action", as: String.self)) ?? .signing,
                    problem: try row.decode(column: "problem", as: String.self), noteID: try uuids.decode(row, "note_id"),
                    appointmentID: try uuids.decode(row, "appointment_id"), reason: try row.decode(column: "reason", as: String.self),
                    byName: try row.decode(column: "by_name", as: String.self), at: try row.decode(column: "at", as: Date.self))
            }
    }
}
