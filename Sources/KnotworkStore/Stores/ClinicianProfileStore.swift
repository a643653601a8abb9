import Fluent
import Foundation
import KnotworkCore
import SQLKit

/// Clinicians' profiles as numbered versions; the newest is in force, and `inForce(_:at:)` answers for a signed date.
public struct ClinicianProfileStore: Sendable {
    static let table = "clinician_profiles"
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    struct Row: Decodable {
        var version: Int
        var body: String
    }

    /// The profile in force now (empty when none was saved).
    public func current(_ userID: UUID) async throws -> ClinicianProfile {
        try await self.latest(userID, before: nil)?.profile ?? ClinicianProfile()
    }

    /// The profile that was in force at `date`.
    public func inForce(_ userID: UUID, at date: Date) async throws -> ClinicianProfile {
        try await self.latest(userID, before: date)?.profile ?? ClinicianProfile()
    }

    private func latest(_ userID: UUID, before date: Date?) async throws -> (version: Int, profile: ClinicianProfile)? {
        var q = self.database.sql.select().columns("version", "body").from(Self.table).where("user_id", .equal, userID)
        if let date { q = q.where("saved_at", .lessThanOrEqual, SQLBind(date)) }
        guard let row = try await q.orderBy("version", .descending).limit(1).first(decoding: Row.self) else { return nil }
        return (row.version, try StoredJSON.decode(ClinicianProfile.self, row.body))
    }

    /// Saves a new version when it differs from the one in force; two saves at once cannot take one number (the key).
    @discardableResult
    public func save(_ profile: ClinicianProfile, for userID: UUID, at now: Date) async throws -> ClinicianProfile {
        let last = try await self.latest(userID, before: nil)
        guard last?.profile != profile else { return profile }
        try await self.database.sql.insert(into: Self.table).columns("user_id", "version", "body", "saved_at")
            .values(SQLBind(userID), SQLBind((last?.version ?? 0) + 1), SQLBind(try StoredJSON.encode(profile)), SQLBind(now))
            .run()
        return profile
    }
}
