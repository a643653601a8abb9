import Fluent
import Foundation
import KnotworkCore
import SQLKit

/// A visit in the book, with the names a schedule shows.
public struct StoredAppointment: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var patientID: UUID
    public var appointment: Appointment
    public var status: AppointmentStatus
    public var statusReason: String?
    /// The visit's session note, once the clinician starts it.
    public var noteID: UUID?
    /// The series the visit was booked in, if any.
    public var seriesID: UUID?
    public var clinicianName: String
    public var patientName: String
    public var recordNumber: String
    public var bookedByName: String
    public var createdAt: Date
    public var updatedAt: Date
}

public enum AppointmentStoreError: Error, Equatable {
    case notFound
    /// The visit already has another note, or is no longer open for one.
    case notOpenForNote(AppointmentStatus)
}

/// The appointment book. Every read joins the clinician's and the patient's names, so a schedule is one query.
public struct AppointmentStore: Sendable {
    static let table = "appointments"
    static let holdingStatuses = AppointmentStatus.allCases.filter(\.holdsTime).map(\.rawValue)
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    struct Row: Decodable {
        var id: UUID
        var patient_id: UUID
        var clinician_id: UUID
        var starts_at: Date
        var minutes: Int
        var kind: String
        var reason: String?
        var status: String
        var status_reason: String?
        var note_id: UUID?
        var series_id: UUID?
        var clinician_name: String
        var given_name: String
        var family_name: String
        var record_number: String
        var booked_by_name: String
        var created_at: Date
        var updated_at: Date

        var stored: StoredAppointment {
            StoredAppointment(
                id: self.id, patientID: self.patient_id,
                appointment: Appointment(clinicianID: self.clinician_id, start: self.starts_at, minutes: self.minutes,
                                         kind: AppointmentKind(rawValue: self.kind) ?? .session, reason: self.reason),
                status: AppointmentStatus(rawValue: self.status) ?? .booked, statusReason: self.status_reason, noteID: self.note_id, seriesID: self.series_id,
                clinicianName: self.clinician_name, patientName: "\(self.given_name) \(self.family_name)", recordNumber: self.record_number,
                bookedByName: self.booked_by_name, createdAt: self.created_at, updatedAt: self.updated_at)
        }
    }

    func select() -> SQLSelectBuilder {
        self.database.sql.select()
            .columns(SQLColumn("id", table: "a"), SQLColumn("patient_id", table: "a"), SQLColumn("clinician_id", table: "a"),
                     SQLColumn("starts_at", table: "a"), SQLColumn("minutes", table: "a"), SQLColumn("kind", table: "a"),
                     SQLColumn("reason", table: "a"), SQLColumn("status", table: "a"), SQLColumn("status_reason", table: "a"),
                     SQLColumn("note_id", table: "a"), SQLColumn("series_id", table: "a"), SQLColumn("booked_by_name", table: "a"), SQLColumn("created_at", table: "a"),
                     SQLColumn("updated_at", table: "a"), SQLColumn("given_name", table: "p"), SQLColumn("family_name", table: "p"),
                     SQLColumn("record_number", table: "p"))
            .column(SQLColumn("display_name", table: "u"), as: "clinician_name")
            .from(SQLAlias(SQLIdentifier(Self.table), as: SQLIdentifier("a")))
            .join(SQLAlias(SQLIdentifier(PatientModel.schema), as: SQLIdentifier("p")), on: SQLColumn("id", table: "p"), .equal,
                  SQLColumn("patient_id", table: "a"))
            .join(SQLAlias(SQLIdentifier(UserModel.schema), as: SQLIdentifier("u")), on: SQLColumn("id", table: "u"), .equal,
                  SQLColumn("clinician_id", table: "a"))
    }

    /// The clinician's visits that hold time between `start` and `end`. On PostgreSQL the clinician's user row is locked
    /// first, so that two bookings for one clinician take turns and cannot both pass the overlap check (SQLite writers
    /// already take turns).
    public func holdingTime(clinicianID: UUID, from start: Date, to end: Date, excluding: UUID? = nil) async throws -> [Appointment] {
        if Dialect(self.database) == .postgres {
            try await self.database.sql.raw("SELECT id FROM \(ident: UserModel.schema) WHERE id = \(bind: clinicianID) FOR UPDATE").run()
        }
        var q = self.select()
            .where(SQLColumn("clinician_id", table: "a"), .equal, SQLBind(clinicianID))
            .where(SQLColumn("starts_at", table: "a"), .lessThan, SQLBind(end))
            .where(SQLColumn("ends_at", table: "a"), .greaterThan, SQLBind(start))
            .where(SQLColumn("status", table: "a"), .in, SQLGroupExpression(SQLList(Self.holdingStatuses.map { SQLBind($0) })))
        if let excluding { q = q.where(SQLColumn("id", table: "a"), .notEqual, SQLBind(excluding)) }
        return try await q.all(decoding: Row.self).map(\.stored.appointment)
    }

    /// A visit to insert as it is (the caller has checked it).
    public struct NewVisit: Sendable {
        public var id: UUID
        public var patientID: UUID
        public var visit: Appointment
        public var status: AppointmentStatus

        public init(id: UUID = UUID(), patientID: UUID, visit: Appointment, status: AppointmentStatus = .booked) {
            self.id = id
            self.patientID = patientID
            self.visit = visit
            self.status = status
        }
    }

    /// Inserts visits in one statement: one booking, a series, or the benchmark's book.
    public func insert(_ visits: [NewVisit], series: UUID? = nil, by booker: Recorder, at now: Date) async throws {
        guard !visits.isEmpty else { return }
        var insert = self.database.sql.insert(into: Self.table)
            .columns("id", "patient_id", "clinician_id", "starts_at", "ends_at", "minutes", "kind", "reason", "status", "booked_by",
                     "booked_by_name", "created_at", "updated_at", "series_id")
        for v in visits {
            insert = insert.values(SQLBind(v.id), SQLBind(v.patientID), SQLBind(v.visit.clinicianID), SQLBind(v.visit.start), SQLBind(v.visit.end),
                                   SQLBind(v.visit.minutes), SQLBind(v.visit.kind.rawValue), SQLBind(v.visit.reason), SQLBind(v.status.rawValue),
                                   SQLBind(booker.userID), SQLBind(booker.name), SQLBind(now), SQLBind(now), SQLBind(series))
        }
        try await insert.run()
    }

    public func book(_ visit: Appointment, patientID: UUID, series: UUID? = nil, by booker: Recorder, at now: Date) async throws -> StoredAppointment {
        let new = NewVisit(patientID: patientID, visit: visit)
        try await self.insert([new], series: series, by: booker, at: now)
        guard let stored = try await self.appointment(new.id, of: patientID) else { throw AppointmentStoreError.notFound }
        return stored
    }

    /// Books several visits of one series in one statement (the caller has checked each), and returns them as stored.
    public func book(series: UUID, _ visits: [(id: UUID, visit: Appointment)], patientID: UUID, by booker: Recorder, at now: Date) async throws -> [StoredAppointment] {
        guard !visits.isEmpty else { return [] }
        try await self.insert(visits.map { NewVisit(id: $0.id, patientID: patientID, visit: $0.visit) }, series: series, by: booker, at: now)
        return try await self.select().where(SQLColumn("series_id", table: "a"), .equal, SQLBind(series))
            .where(SQLColumn("patient_id", table: "a"), .equal, SQLBind(patientID))
            .orderBy(SQLColumn("starts_at", table: "a")).all(decoding: Row.self).map(\.stored)
    }

    public func appointment(_ id: UUID, of patientID: UUID) async throws -> StoredAppointment? {
        try await self.select().where(SQLColumn("id", table: "a"), .equal, SQLBind(id))
            .where(SQLColumn("patient_id", table: "a"), .equal, SQLBind(patientID))
            .first(decoding: Row.self)?.stored
    }

    /// A patient's visits from `from` on (all of them when nil), earliest first.
    public func appointments(of patientID: UUID, from: Date? = nil, limit: Int = 200) async throws -> [StoredAppointment] {
        var q = self.select().where(SQLColumn("patient_id", table: "a"), .equal, SQLBind(patientID))
        if let from { q = q.where(SQLColumn("ends_at", table: "a"), .greaterThan, SQLBind(from)) }
        return try await q.orderBy(SQLColumn("starts_at", table: "a")).limit(limit).all(decoding: Row.self).map(\.stored)
    }

    /// Who is looking at a schedule: a clinician sees only visits of patients whose care team they are on (a patient
    /// they left drops off); the front desk and the administrator see every visit.
    public enum Viewer: Sendable {
        case careTeamOf(UUID)
        case everyone
    }

    /// The visits starting in [from, to), by time, for one clinician or all.
    public func schedule(from: Date, to: Date, clinicianID: UUID?, viewer: Viewer, limit: Int = 500) async throws -> [StoredAppointment] {
        var q = self.select()
            .where(SQLColumn("starts_at", table: "a"), .greaterThanOrEqual, SQLBind(from))
            .where(SQLColumn("starts_at", table: "a"), .lessThan, SQLBind(to))
        if let clinicianID { q = q.where(SQLColumn("clinician_id", table: "a"), .equal, SQLBind(clinicianID)) }
        if case .careTeamOf(let userID) = viewer {
            let onTeam: SQLQueryString = "EXISTS (SELECT 1 FROM care_team_members c WHERE c.patient_id = a.patient_id AND c.user_id = \(bind: userID))"
            q = q.where(onTeam)
        }
        return try await q.orderBy(SQLColumn("starts_at", table: "a")).orderBy(SQLColumn("display_name", table: "u"))
            .limit(limit).all(decoding: Row.self).map(\.stored)
    }

    /// Moves the status (arrival, cancellation, no-show, back to booked); the caller has validated the move.
    public func move(_ id: UUID, of patientID: UUID, to status: AppointmentStatus, reason: String?, at now: Date) async throws -> StoredAppointment {
        try await self.database.sql.update(Self.table)
            .set("status", to: status.rawValue).set("status_reason", to: reason).set("updated_at", to: now)
            .where("id", .equal, id).where("patient_id", .equal, patientID)
            .run()
        guard let stored = try await self.appointment(id, of: patientID) else { throw AppointmentStoreError.notFound }
        return stored
    }

    /// Links the visit to the note started for it; the patient has arrived. A visit keeps the first note it was given.
    public func link(_ id: UUID, of patientID: UUID, note noteID: UUID, at now: Date) async throws {
        // One conditional write, so that two notes started at once for the same visit cannot both take it.
        let taken = try await self.database.sql.update(Self.table)
            .set("note_id", to: noteID).set("status", to: AppointmentStatus.arrived.rawValue).set("updated_at", to: now)
            .where("id", .equal, id).where("patient_id", .equal, patientID).where("note_id", .is, SQLLiteral.null).where("status", .in, Self.holdingStatuses)
            .returning("id").all()
        if !taken.isEmpty { return }
        guard let visit = try await self.appointment(id, of: patientID) else { throw AppointmentStoreError.notFound }
        if visit.noteID == noteID { return }
        throw AppointmentStoreError.notOpenForNote(visit.status)
    }

    /// Signing a visit's note completes the visit (no statement reaches a row when the note has none).
    public func complete(note noteID: UUID, at now: Date) async throws {
        try await self.database.sql.update(Self.table)
            .set("status", to: AppointmentStatus.completed.rawValue).set("updated_at", to: now)
            .where("note_id", .equal, noteID)
            .run()
    }

    // MARK: reminders

    public struct ReminderCandidate: Sendable, Equatable {
        public var id: UUID
        public var patientID: UUID
        public var start: Date
        public var email: String
    }

    struct ReminderRow: Decodable {
        var id: UUID
        var patient_id: UUID
        var starts_at: Date
        var email: String
    }

    /// Booked visits starting after `from` and by `to` whose patient has an e-mail address and no reminder yet.
    public func dueForReminder(from: Date, to: Date, limit: Int = 200) async throws -> [ReminderCandidate] {
        try await self.database.sql.select()
            .columns(SQLColumn("id", table: "a"), SQLColumn("patient_id", table: "a"), SQLColumn("starts_at", table: "a"), SQLColumn("email", table: "p"))
            .from(SQLAlias(SQLIdentifier(Self.table), as: SQLIdentifier("a")))
            .join(SQLAlias(SQLIdentifier(PatientModel.schema), as: SQLIdentifier("p")), on: SQLColumn("id", table: "p"), .equal, SQLColumn("patient_id", table: "a"))
            .where(SQLColumn("status", table: "a"), .equal, SQLBind(AppointmentStatus.booked.rawValue))
            .where(SQLColumn("starts_at", table: "a"), .greaterThan, SQLBind(from))
            .where(SQLColumn("starts_at", table: "a"), .lessThanOrEqual, SQLBind(to))
            .where(SQLColumn("reminder_message_id", table: "a"), .is, SQLLiteral.null)
            .where(SQLColumn("email", table: "p"), .isNot, SQLLiteral.null)
            .where(SQLColumn("active", table: "p"), .equal, SQLLiteral.boolean(true))
            .orderBy(SQLColumn("starts_at", table: "a")).limit(limit)
            .all(decoding: ReminderRow.self)
            .map { ReminderCandidate(id: $0.id, patientID: $0.patient_id, start: $0.starts_at, email: $0.email) }
    }

    /// Marks the visit reminded by `message` if it is still booked and not reminded: true for exactly one caller, so two
    /// instances (or a restart) never queue a visit's reminder twice.
    public func claimReminder(_ id: UUID, message: UUID) async throws -> Bool {
        try await !self.database.sql.update(Self.table).set("reminder_message_id", to: SQLBind(message))
            .where("id", .equal, id).where("reminder_message_id", .is, SQLLiteral.null)
            .where("status", .equal, AppointmentStatus.booked.rawValue)
            .returning("id").all().isEmpty
    }

    /// Takes back the visit's reminder (when it is cancelled): the message to withdraw, if one was queued.
    public func releaseReminder(_ id: UUID) async throws -> UUID? {
        struct R: Decodable { var reminder_message_id: UUID? }
        let message = try await self.database.sql.select().column("reminder_message_id").from(Self.table).where("id", .equal, id)
            .first(decoding: R.self)?.reminder_message_id
        guard let message else { return nil }
        try await self.database.sql.update(Self.table).set("reminder_message_id", to: SQLLiteral.null).where("id", .equal, id).run()
        return message
    }
}
