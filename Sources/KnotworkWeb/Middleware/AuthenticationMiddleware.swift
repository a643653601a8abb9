import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

/// Finds who is calling: a server-side session (cookie) or a personal access token (Bearer).
/// It never refuses a request itself; the access middleware decides with the route's rule.
struct AuthenticationMiddleware: AsyncMiddleware {
    struct ExpiredSessionKey: StorageKey { typealias Value = Bool }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = request.headers.bearerAuthorization?.token {
            try await self.authenticate(token: bearer, request: request)
        } else if let cookie = request.cookies[SessionCookie.name(secure: request.isSecure)]?.string, !cookie.isEmpty {
            try await self.authenticate(sessionToken: cookie, request: request)
        }
        return try await next.respond(to: request)
    }

    func authenticate(token: String, request: Request) async throws {
        let now = request.now
        guard token.hasPrefix(PersonalAccessTokens.prefix), token.count < 200,
              let match = try await request.tokens.find(tokenHash: Secrets.hash(token)),
              !match.revoked, match.user.active
        else {
            try await request.audit.record(request.auditActor, AuditEntry(.tokenUse, outcome: .denied, detail: "unknown or revoked token"))
            throw Abort(.unauthorized, headers: ["WWW-Authenticate": "Bearer"], reason: "The access token is not valid.")
        }
        request.principal = Principal(user: match.user, via: .token(id: match.tokenID))
        // Every data action is audited with the token named in its row; the token's use itself is
        // recorded once a minute, not on every request, to keep the trail readable.
        if match.lastUsedAt.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
            try await request.tokens.touch(match.tokenID, now: now)
            try await request.audit.record(request.auditActor, AuditEntry(.tokenUse))
        }
    }

    func authenticate(sessionToken: String, request: Request) async throws {
        guard sessionToken.count < 200, let session = try await request.sessions.find(tokenHash: Secrets.hash(sessionToken)) else { return }
        let now = request.now
        switch request.settings.sessionPolicy.check(createdAt: session.createdAt, lastSeenAt: session.lastSeenAt,
                                                    revoked: session.ended || !session.user.active, now: now) {
        case .revoked:
            return
        case .idleExpired, .absoluteExpired:
            try await request.sessions.end(session.id, reason: "timeout", now: now)
            let actor = AuditActor(userID: session.user.id, username: session.user.username, role: session.user.role.rawValue,
                                   clientAddress: request.clientAddress, requestID: request.requestID, via: "session")
            try await request.audit.record(actor, AuditEntry(.sessionTimeout))
            request.storage[ExpiredSessionKey.self] = true
        case .valid(let touch):
            if touch { try await request.sessions.touch(session.id, now: now) }
            request.principal = Principal(user: session.user, via: .session(id: session.id, csrfToken: session.csrfToken))
        }
    }
}

enum SessionCookie {
    /// `__Host-` pins the cookie to this host and path and requires Secure (ASVS v4.0.3 3.4.4);
    /// over plain HTTP on a developer's machine the prefix cannot be used.
    static func name(secure: Bool) -> String { secure ? "__Host-kw_session" : "kw_session" }
    static func preSessionName(secure: Bool) -> String { secure ? "__Host-kw_presession" : "kw_presession" }

    static func make(_ value: String, secure: Bool, maxAge: Int?) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, expires: nil, maxAge: maxAge, domain: nil, path: "/", isSecure: secure,
                          isHTTPOnly: true, sameSite: .strict)
    }
}

enum PersonalAccessTokens {
    static let prefix = "kw_pat_"
    static func generate() -> String { Self.prefix + Secrets.random(bytes: 32) }
}
