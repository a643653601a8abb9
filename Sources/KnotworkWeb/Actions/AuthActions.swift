import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

enum AuthActions {
    /// A real bcrypt hash of nothing anyone knows, verified for unknown usernames so that timing
    /// does not reveal which usernames exist.
    static let dummyHash: String = (try? Bcrypt.hash(Secrets.random(), cost: Settings.minimumBcryptCost)) ?? ""

    struct Throttled: Error, AbortError, AuditOutcomeProviding {
        var retryAfter: Int
        var status: HTTPResponseStatus { .tooManyRequests }
        var reason: String { "Too many failed sign-in attempts. Try again in \(max(1, self.retryAfter / 60 + (self.retryAfter % 60 > 0 ? 1 : 0))) minutes." }
        var headers: HTTPHeaders { ["Retry-After": String(self.retryAfter)] }
        var auditOutcome: AuditOutcome { .denied }
        var auditDetail: String { "throttled" }
    }

    struct BadCredentials: Error, AbortError {
        var status: HTTPResponseStatus { .unauthorized }
        var reason: String { "The username or password is not correct." }
    }

    /// Checks the throttle, the password and the account; records every outcome.
    static func verify(username raw: String, password: String, on req: Request) async throws -> User {
        let username = UsernamePolicy.normalize(raw)
        let now = req.now
        let policy = req.settings.throttle
        let accountKey = "account:" + username.prefix(60)
        let addressKey = "address:" + req.clientAddress
        let since = now.addingTimeInterval(-policy.window)
        let attempts = req.loginAttempts
        let actor = AuditActor(userID: nil, username: String(username.prefix(60)), role: "none",
                               clientAddress: req.clientAddress, requestID: req.requestID)

        let accountFailures = try await attempts.failures(key: accountKey, since: since)
        let waits = [
            policy.retryAfter(failures: accountFailures, limit: policy.maxFailuresPerAccount, now: now),
            policy.retryAfter(failures: try await attempts.failures(key: addressKey, since: since), limit: policy.maxFailuresPerAddress, now: now),
        ].compactMap { $0 }
        if let wait = waits.max() {
            try await req.audit.record(actor, AuditEntry(.signInFailed, outcome: .denied, detail: "throttled"))
            throw Throttled(retryAfter: wait)
        }

        let credentials = username.isEmpty ? nil : try await req.users.credentials(username: username)
        let hash = credentials?.passwordHash ?? Self.dummyHash
        let ok = (try? await req.password.async.verify(password, created: hash)) ?? false
        guard ok, let credentials, credentials.user.active else {
            try await attempts.record(keys: [accountKey, addressKey], succeeded: false, now: now)
            var actor = actor
            actor.userID = credentials?.user.id
            actor.role = credentials?.user.role.rawValue ?? "none"
            let reason = credentials == nil ? "unknown user" : (ok ? "account deactivated" : "wrong password")
            try await req.audit.record(actor, AuditEntry(.signInFailed, outcome: .failure, detail: reason))
            // The failure that reaches the limit locks the account for the window: record the lock-out.
            let failures = accountFailures.count + 1
            if failures == policy.maxFailuresPerAccount {
                try await req.audit.record(actor, AuditEntry(.lockout, outcome: .denied, detail: "\(failures) failures"))
            }
            throw BadCredentials()
        }
        try await attempts.clear(key: accountKey)
        // Attempts older than the window no longer count; sign-in is a good moment to drop them.
        try await attempts.prune(before: since)
        return credentials.user
    }

    /// Starts a new server-side session (a new id at every sign-in: ASVS v4.0.3 3.2.1).
    static func startSession(for user: User, on req: Request) async throws -> String {
        let token = Secrets.random(bytes: 32)
        let now = req.now
        try await req.sessions.create(userID: user.id, tokenHash: Secrets.hash(token), csrfToken: Secrets.random(bytes: 24),
                                      clientAddress: req.clientAddress, now: now)
        let actor = AuditActor(userID: user.id, username: user.username, role: user.role.rawValue,
                               clientAddress: req.clientAddress, requestID: req.requestID, via: "session")
        try await req.audit.record(actor, AuditEntry(.signIn))
        return token
    }

    static func hashPassword(_ password: String, on req: Request) async throws -> String {
        try await req.password.async.hash(password)
    }
}

enum UserActions {
    struct NewUser: Content {
        var username: String?
        var displayName: String?
        var role: String?
        var password: String?
    }

    static func create(_ input: NewUser, on req: Request) async throws -> User {
        let username = UsernamePolicy.normalize(input.username ?? "")
        let name = Text.clean(input.displayName)
        let password = input.password ?? ""
        var errors = UsernamePolicy.problems(username)
        if name.isEmpty || name.count > 100 || Text.hasControlCharacters(input.displayName ?? "") {
            errors.append(FieldError("displayName", "Name is required (at most 100 characters, no control characters)."))
        }
        let role = Role(rawValue: input.role ?? "")
        if role == nil { errors.append(FieldError("role", "Role must be one of " + Role.allCases.map(\.rawValue).joined(separator: ", ") + ".")) }
        errors += PasswordPolicy.problems(password, username: username)
        let now = req.now
        let entry = AuditEntry(.userCreate, entity: "user:\(username.prefix(40))", detail: "role=\(role?.rawValue ?? "?")")
        guard errors.isEmpty, let role else {
            try await req.audit.record(req.auditActor, AuditEntry(.userCreate, entity: entry.entity, outcome: .failure, detail: "invalid"))
            throw ValidationFailure(errors)
        }
        let hash = try await AuthActions.hashPassword(password, on: req)
        return try await req.audit.perform(req.auditActor, entry) { db in
            try await UserStore(database: db).create(username: username, displayName: name, role: role, passwordHash: hash, now: now)
        }
    }

    struct UserChange: Content {
        var displayName: String?
        var role: String?
        var active: Bool?
    }

    static func update(_ id: UUID, _ change: UserChange, on req: Request) async throws -> User {
        let me = try req.requirePrincipal()
        var errors: [FieldError] = []
        let role = change.role.map { Role(rawValue: $0) }
        if let role, role == nil { errors.append(FieldError("role", "Role must be one of " + Role.allCases.map(\.rawValue).joined(separator: ", ") + ".")) }
        let name = change.displayName.map { Text.clean($0) }
        if let name, name.isEmpty || name.count > 100 || Text.hasControlCharacters(change.displayName ?? "") {
            errors.append(FieldError("displayName", "Name is required (at most 100 characters, no control characters)."))
        }
        if id == me.user.id, change.active == false {
            errors.append(FieldError("active", "You cannot deactivate yourself."))
        }
        if id == me.user.id, (role ?? nil).map({ $0 != .admin }) == true {
            errors.append(FieldError("role", "You cannot remove your own administrator role."))
        }
        let now = req.now
        guard let before = try await req.users.find(id) else { throw Abort(.notFound) }
        var action = AuditAction.userUpdate
        if let r = role ?? nil, r != before.role { action = .roleChange }
        if change.active == false, before.active { action = .userDeactivate }
        if change.active == true, !before.active { action = .userReactivate }
        var detail = ""
        if let r = role ?? nil, r != before.role { detail = "role \(before.role.rawValue) -> \(r.rawValue)" }
        let entry = AuditEntry(action, entity: "user:\(before.username)", detail: detail)
        let endsSessions = change.active == false || action == .roleChange
        guard errors.isEmpty else {
            try await req.audit.record(req.auditActor, AuditEntry(entry.action, entity: entry.entity, outcome: .failure, detail: "invalid"))
            throw ValidationFailure(errors)
        }
        return try await req.audit.perform(req.auditActor, entry) { db in
            guard let user = try await UserStore(database: db).update(id, displayName: name, role: role ?? nil, active: change.active) else {
                throw Abort(.notFound)
            }
            // A deactivated user or a changed role starts over: their sessions end now.
            if endsSessions {
                try await SessionStore(database: db).endAll(userID: id, reason: entry.action.rawValue, now: now)
            }
            return user
        }
    }

    /// Sets a password (an administrator's reset or the user's own change) and ends the user's
    /// other sessions (ASVS v4.0.3 3.3.3).
    static func setPassword(_ id: UUID, password: String, action: AuditAction, on req: Request) async throws {
        guard let user = try await req.users.find(id) else { throw Abort(.notFound) }
        let problems = PasswordPolicy.problems(password, username: user.username)
        guard problems.isEmpty else {
            try await req.audit.record(req.auditActor, AuditEntry(action, entity: "user:\(user.username)", outcome: .failure, detail: "invalid"))
            throw ValidationFailure(problems)
        }
        let hash = try await AuthActions.hashPassword(password, on: req)
        let now = req.now
        try await req.audit.perform(req.auditActor, AuditEntry(action, entity: "user:\(user.username)")) { db in
            try await UserStore(database: db).setPasswordHash(id, hash: hash, now: now)
            let sessions = SessionStore(database: db)
            try await sessions.endAll(userID: id, reason: "password", now: now)
        }
    }
}
