import Fluent
import Foundation
import KnotworkCore
import SQLKit

public struct StoredLicense: Sendable, Equatable {
    public var id: UUID
    public var userID: UUID
    public var license: License
    public var recordedAt: Date
    public var updatedAt: Date
}

public struct StoredCourse: Sendable, Equatable {
    public var id: UUID
    public var userID: UUID
    public var course: CECourse
    public var recordedAt: Date
}

public struct StoredLicenseException: Sendable, Equatable {
    public var id: UUID
    public var userID: UUID
    public var exception: LicenseException
    /// What the gate said when the exception was granted.
    public var problem: String
    public var grantedByName: String
    public var grantedAt: Date
}

/// Clinicians' licenses, CE courses and the administrator's exceptions to the license gate.
public struct CredentialStore: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    struct LicenseRow: Decodable {
        var id: UUID
        var user_id: UUID
        var body: String
        var recorded_at: Date
        var updated_at: Date
    }

    /// Adds a license, or replaces the one of the same kind and state (a renewal keeps one row, its new dates).
    @discardableResult
    public func save(_ license: License, for userID: UUID, by recorder: Recorder, at now: Date) async throws -> StoredLicense {
        let body = try StoredJSON.encode(license)
        if let existing = try await self.licenses(of: userID).first(where: { $0.license.kind == license.kind && $0.license.jurisdiction == license.jurisdiction }) {
            try await self.database.sql.update("licenses").set("body", to: body).set("expires_on", to: license.expiresOn.description)
                .set("updated_at", to: now).where("id", .equal, existing.id).run()
            return StoredLicense(id: existing.id, userID: userID, license: license, recordedAt: existing.recordedAt, updatedAt: now)
        }
        let id = UUID()
        try await self.database.sql.insert(into: "licenses")
            .columns("id", "user_id", "kind", "jurisdiction", "expires_on", "body", "recorded_by", "recorded_at", "updated_at")
            .values(SQLBind(id), SQLBind(userID), SQLBind(license.kind.rawValue), SQLBind(license.jurisdiction), SQLBind(license.expiresOn.description),
                    SQLBind(body), SQLBind(recorder.userID), SQLBind(now), SQLBind(now))
            .run()
        return StoredLicense(id: id, userID: userID, license: license, recordedAt: now, updatedAt: now)
    }

    public func licenses(of userID: UUID) async throws -> [StoredLicense] {
        try await self.selectLicenses().where("user_id", .equal, userID).orderBy("expires_on").all(decoding: LicenseRow.self).map(Self.license)
    }

    /// Every clinician's licenses, for the compliance page (one query whatever the staff's size).
    public func allLicenses() async throws -> [StoredLicense] {
        try await self.selectLicenses().orderBy("expires_on").all(decoding: LicenseRow.self).map(Self.license)
    }

    private func selectLicenses() -> SQLSelectBuilder {
        self.database.sql.select().columns("id", "user_id", "body", "recorded_at", "updated_at").from("licenses")
    }

    private static func license(_ row: LicenseRow) throws -> StoredLicense {
        StoredLicense(id: row.id, userID: row.user_id, license: try StoredJSON.decode(License.self, row.body), recordedAt: row.recorded_at, updatedAt: row.updated_at)
    }

    // MARK: continuing education

    struct CourseRow: Decodable {
        var id: UUID
        var user_id: UUID
        var body: String
        var recorded_at: Date
    }

    @discardableResult
    public func add(_ course: CECourse, for userID: UUID, by recorder: Recorder, at now: Date) async throws -> StoredCourse {
        let id = UUID()
        try await self.database.sql.insert(into: "ce_courses").columns("id", "user_id", "completed_on", "body", "recorded_by", "recorded_at")
            .values(SQLBind(id), SQLBind(userID), SQLBind(course.completedOn.description), SQLBind(try StoredJSON.encode(course)),
                    SQLBind(recorder.userID), SQLBind(now))
            .run()
        return StoredCourse(id: id, userID: userID, course: course, recordedAt: now)
    }

    /// A clinician's courses, or everyone's (`nil`), newest first.
    public func courses(of userID: UUID?) async throws -> [StoredCourse] {
        var q = self.database.sql.select().columns("id", "user_id", "body", "recorded_at").from("ce_courses")
        if let userID { q = q.where("user_id", .equal, userID) }
        return try await q.orderBy("completed_on", .descending).all(decoding: CourseRow.self).map {
            StoredCourse(id: $0.id, userID: $0.user_id, course: try StoredJSON.decode(CECourse.self, $0.body), recordedAt: $0.recorded_at)
        }
    }

    // MARK: exceptions to the gate

    struct ExceptionRow: Decodable {
        var id: UUID
        var user_id: UUID
        var starts_on: String
        var ends_on: String
        var reason: String
        var problem: String
        var granted_by_name: String
        var granted_at: Date
    }

    @discardableResult
    public func grant(_ exception: LicenseException, to userID: UUID, problem: String, by recorder: Recorder, at now: Date) async throws -> StoredLicenseException {
        let id = UUID()
        try await self.database.sql.insert(into: "license_overrides")
            .columns("id", "user_id", "starts_on", "ends_on", "reason", "problem", "granted_by", "granted_by_name", "granted_at")
            .values(SQLBind(id), SQLBind(userID), SQLBind(exception.startsOn.description), SQLBind(exception.endsOn.description), SQLBind(exception.reason),
                    SQLBind(problem), SQLBind(recorder.userID), SQLBind(recorder.name), SQLBind(now))
            .run()
        return StoredLicenseException(id: id, userID: userID, exception: exception, problem: problem, grantedByName: recorder.name, grantedAt: now)
    }

    /// Exceptions ending on or after `day` (in force or to come), for one clinician or everyone.
    public func exceptions(of userID: UUID?, endingOnOrAfter day: CalendarDate) async throws -> [StoredLicenseException] {
        var q = self.database.sql.select().columns("id", "user_id", "starts_on", "ends_on", "reason", "problem", "granted_by_name", "granted_at")
            .from("license_overrides").where("ends_on", .greaterThanOrEqual, SQLBind(day.description))
        if let userID { q = q.where("user_id", .equal, userID) }
        return try await q.orderBy("starts_on").all(decoding: ExceptionRow.self).compactMap { r in
            guard let start = CalendarDate(r.starts_on), let end = CalendarDate(r.ends_on) else { return nil }
            return StoredLicenseException(id: r.id, userID: r.user_id, exception: LicenseException(startsOn: start, endsOn: end, reason: r.reason),
                                          problem: r.problem, grantedByName: r.granted_by_name, grantedAt: r.granted_at)
        }
    }
}
