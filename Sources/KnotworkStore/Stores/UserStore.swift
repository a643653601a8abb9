import Fluent
import SQLKit
import Foundation
import KnotworkCore

extension UserModel {
    var domain: User {
        User(id: self.id!, username: self.username, displayName: self.displayName,
             role: Role(rawValue: self.role) ?? .frontDesk, active: self.active, createdAt: self.createdAt ?? .distantPast)
    }
}

extension User {
    /// The user's columns, prefixed `u_`, for a query that finds a session or token with its user in one round trip
    /// (every request authenticates; Fluent's eager load took two queries and its reflection cost more than both).
    static let joinedColumns: SQLQueryString = "u.id AS u_id, u.username AS u_username, u.display_name AS u_display_name, u.role AS u_role, u.active AS u_active, u.created_at AS u_created_at"

    init(joinedRow row: any SQLRow) throws {
        self.init(id: try row.decode(column: "u_id", as: UUID.self), username: try row.decode(column: "u_username", as: String.self),
                  displayName: try row.decode(column: "u_display_name", as: String.self),
                  role: Role(rawValue: try row.decode(column: "u_role", as: String.self)) ?? .frontDesk,
                  active: try row.decode(column: "u_active", as: Bool.self),
                  createdAt: try row.decode(column: "u_created_at", as: Date?.self) ?? .distantPast)
    }
}

/// A user with the secret the sign-in check needs; never sent anywhere.
public struct UserCredentials: Sendable {
    public var user: User
    public var passwordHash: String
}

public struct UserStore: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func create(username: String, displayName: String, role: Role, passwordHash: String, now: Date) async throws -> User {
        if try await UserModel.query(on: self.database).filter(\.$username == username).first() != nil {
            throw ValidationFailure([FieldError("username", "The username \(username) is already taken.")])
        }
        let m = UserModel()
        m.username = username
        m.displayName = displayName
        m.role = role.rawValue
        m.passwordHash = passwordHash
        m.active = true
        m.passwordChangedAt = now
        try await m.create(on: self.database)
        return m.domain
    }

    public func find(_ id: UUID) async throws -> User? {
        try await UserModel.find(id, on: self.database)?.domain
    }

    public func credentials(username: String) async throws -> UserCredentials? {
        guard let m = try await UserModel.query(on: self.database).filter(\.$username == username).first() else { return nil }
        return UserCredentials(user: m.domain, passwordHash: m.passwordHash)
    }

    public func credentials(id: UUID) async throws -> UserCredentials? {
        guard let m = try await UserModel.find(id, on: self.database) else { return nil }
        return UserCredentials(user: m.domain, passwordHash: m.passwordHash)
    }

    public func all() async throws -> [User] {
        try await UserModel.query(on: self.database).sort(\.$displayName).all().map(\.domain)
    }

    public func users(_ ids: [UUID]) async throws -> [User] {
        guard !ids.isEmpty else { return [] }
        return try await UserModel.query(on: self.database).filter(\.$id ~~ ids).all().map(\.domain)
    }

    public func update(_ id: UUID, displayName: String? = nil, role: Role? = nil, active: Bool? = nil) async throws -> User? {
        guard let m = try await UserModel.find(id, on: self.database) else { return nil }
        if let displayName { m.displayName = displayName }
        if let role { m.role = role.rawValue }
        if let active { m.active = active }
        try await m.save(on: self.database)
        return m.domain
    }

    public func setPasswordHash(_ id: UUID, hash: String, now: Date) async throws {
        guard let m = try await UserModel.find(id, on: self.database) else { return }
        m.passwordHash = hash
        m.passwordChangedAt = now
        try await m.save(on: self.database)
    }

    public func count() async throws -> Int {
        try await UserModel.query(on: self.database).count()
    }
}
