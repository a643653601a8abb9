import Fluent
import Foundation
import KnotworkCore
import SQLKit

public struct CalendarFeed: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var clinicianID: UUID
    public var createdAt: Date
    public var revokedAt: Date?
}

/// Clinicians' calendar feeds. The URL's secret is shown once when the feed is made; only its hash is kept, so the
/// database cannot give a feed away, and a revoked feed answers 404 at once.
public struct CalendarFeedStore: Sendable {
    static let table = "calendar_feeds"
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    struct Row: Decodable {
        var id: UUID
        var clinician_id: UUID
        var created_at: Date
        var revoked_at: Date?

        var feed: CalendarFeed { CalendarFeed(id: self.id, clinicianID: self.clinician_id, createdAt: self.created_at, revokedAt: self.revoked_at) }
    }

    public func create(clinicianID: UUID, tokenHash: String, at now: Date) async throws -> CalendarFeed {
        let id = UUID()
        try await self.database.sql.insert(into: Self.table).columns("id", "token_hash", "clinician_id", "created_at")
            .values(SQLBind(id), SQLBind(tokenHash), SQLBind(clinicianID), SQLBind(now)).run()
        return CalendarFeed(id: id, clinicianID: clinicianID, createdAt: now, revokedAt: nil)
    }

    /// The live feed with this secret's hash, or nil (unknown or revoked).
    public func live(tokenHash: String) async throws -> CalendarFeed? {
        try await self.database.sql.select().columns("id", "clinician_id", "created_at", "revoked_at").from(Self.table)
            .where("token_hash", .equal, tokenHash).where("revoked_at", .is, SQLLiteral.null)
            .first(decoding: Row.self)?.feed
    }

    public func feeds(of clinicianID: UUID) async throws -> [CalendarFeed] {
        try await self.database.sql.select().columns("id", "clinician_id", "created_at", "revoked_at").from(Self.table)
            .where("clinician_id", .equal, clinicianID).orderBy("created_at", .descending)
            .all(decoding: Row.self).map(\.feed)
    }

    /// Revokes one of the clinician's live feeds; false when there is none with that id.
    public func revoke(_ id: UUID, of clinicianID: UUID, at now: Date) async throws -> Bool {
        try await !self.database.sql.update(Self.table).set("revoked_at", to: SQLBind(now))
            .where("id", .equal, id).where("clinician_id", .equal, clinicianID).where("revoked_at", .is, SQLLiteral.null)
            .returning("id").all().isEmpty
    }
}
