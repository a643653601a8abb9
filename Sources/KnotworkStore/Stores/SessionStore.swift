import Fluent
import SQLKit
import Foundation
import KnotworkCore

/// A server-side session, found by the hash of the cookie's token.
public struct SessionRecord: Sendable {
    public var id: UUID
    public var user: User
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date
    public var ended: Bool
}

public struct SessionStore: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func create(userID: UUID, tokenHash: String, csrfToken: String, clientAddress: String, now: Date) async throws {
        let m = SessionModel()
        m.$user.id = userID
        m.tokenHash = tokenHash
        m.csrfToken = csrfToken
        m.createdAt = now
        m.lastSeenAt = now
        m.clientAddress = clientAddress
        try await m.create(on: self.database)
    }

    public func find(tokenHash: String) async throws -> SessionRecord? {
        guard let row = try await self.database.sql.raw("""
            SELECT s.id, s.csrf_token, s.created_at, s.last_seen_at, s.ended_at, \(User.joinedColumns)
            FROM \(ident: SessionModel.schema) s JOIN \(ident: UserModel.schema) u ON u.id = s.user_id WHERE s.token_hash = \(bind: tokenHash)
            """).first() else { return nil }
        return SessionRecord(id: try row.decode(column: "id", as: UUID.self), user: try User(joinedRow: row),
                             csrfToken: try row.decode(column: "csrf_token", as: String.self), createdAt: try row.decode(column: "created_at", as: Date.self),
                             lastSeenAt: try row.decode(column: "last_seen_at", as: Date.self),
                             ended: try row.decode(column: "ended_at", as: Date?.self) != nil)
    }

    public func touch(_ id: UUID, now: Date) async throws {
        try await SessionModel.query(on: self.database).filter(\.$id == id).set(\.$lastSeenAt, to: now).update()
    }

    public func end(_ id: UUID, reason: String, now: Date) async throws {
        try await SessionModel.query(on: self.database).filter(\.$id == id).filter(\.$endedAt == nil)
            .set(\.$endedAt, to: now).set(\.$endReason, to: reason).update()
    }

    /// Ends every open session of a user (password change, deactivation: ASVS v4.0.3 3.3.3).
    public func endAll(userID: UUID, reason: String, now: Date) async throws {
        try await SessionModel.query(on: self.database).filter(\.$user.$id == userID).filter(\.$endedAt == nil)
            .set(\.$endedAt, to: now).set(\.$endReason, to: reason).update()
    }
}

/// A personal access token, as its owner sees it. The secret itself is shown once and never stored.
public struct AccessToken: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revoked: Bool
}

public struct AccessTokenStore: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func create(userID: UUID, name: String, tokenHash: String, now: Date) async throws -> AccessToken {
        let m = AccessTokenModel()
        m.$user.id = userID
        m.name = name
        m.tokenHash = tokenHash
        m.createdAt = now
        try await m.create(on: self.database)
        return AccessToken(id: m.id!, name: name, createdAt: now, lastUsedAt: nil, revoked: false)
    }

    public func list(userID: UUID) async throws -> [AccessToken] {
        try await AccessTokenModel.query(on: self.database).filter(\.$user.$id == userID).sort(\.$createdAt, .descending).all()
            .map { AccessToken(id: $0.id!, name: $0.name, createdAt: $0.createdAt, lastUsedAt: $0.lastUsedAt, revoked: $0.revokedAt != nil) }
    }

    /// Revokes one of the user's own tokens; false when there is no such token.
    public func revoke(_ id: UUID, userID: UUID, now: Date) async throws -> Bool {
        guard let m = try await AccessTokenModel.query(on: self.database).filter(\.$id == id)
            .filter(\.$user.$id == userID).first(), m.revokedAt == nil else { return false }
        m.revokedAt = now
        try await m.save(on: self.database)
        return true
    }

    public struct Match: Sendable {
        public var tokenID: UUID
        public var user: User
        public var revoked: Bool
        public var lastUsedAt: Date?
    }

    public func find(tokenHash: String) async throws -> Match? {
        guard let row = try await self.database.sql.raw("""
            SELECT t.id, t.last_used_at, t.revoked_at, \(User.joinedColumns)
            FROM \(ident: AccessTokenModel.schema) t JOIN \(ident: UserModel.schema) u ON u.id = t.user_id WHERE t.token_hash = \(bind: tokenHash)
            """).first() else { return nil }
        return Match(tokenID: try row.decode(column: "id", as: UUID.self), user: try User(joinedRow: row),
                     revoked: try row.decode(column: "revoked_at", as: Date?.self) != nil, lastUsedAt: try row.decode(column: "last_used_at", as: Date?.self))
    }

    public func touch(_ id: UUID, now: Date) async throws {
        try await AccessTokenModel.query(on: self.database).filter(\.$id == id).set(\.$lastUsedAt, to: now).update()
    }
}

/// Failed and successful sign-in attempts, shared by every instance through the database.
public struct LoginAttemptStore: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func record(keys: [String], succeeded: Bool, now: Date) async throws {
        for key in keys {
            let m = LoginAttemptModel()
            m.key = key
            m.attemptedAt = now
            m.succeeded = succeeded
            try await m.create(on: self.database)
        }
    }

    public func failures(key: String, since: Date) async throws -> [Date] {
        try await LoginAttemptModel.query(on: self.database).filter(\.$key == key).filter(\.$succeeded == false)
            .filter(\.$attemptedAt > since).all().map(\.attemptedAt)
    }

    /// A successful sign-in forgives the account's earlier failures (not the address's).
    public func clear(key: String) async throws {
        try await LoginAttemptModel.query(on: self.database).filter(\.$key == key).delete()
    }

    /// Old rows are of no further use to the throttle.
    public func prune(before: Date) async throws {
        try await LoginAttemptModel.query(on: self.database).filter(\.$attemptedAt < before).delete()
    }
}
