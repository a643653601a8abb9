import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

/// The clock, injected so that tests can move time (session time-outs, throttling, break-glass).
public struct KnotworkClock: Sendable {
    public var now: @Sendable () -> Date
    public init(now: @escaping @Sendable () -> Date) { self.now = now }
    public static let live = KnotworkClock(now: { Date() })
}

struct KnotworkState: Sendable {
    var settings: Settings
    var clock: KnotworkClock
    var auditBatcher: AuditBatcher
    /// SQLite's one-writer gate (nil on PostgreSQL).
    var writeGate: WriteGate?
    var clinicClocks = ClinicClockCache()
}

extension Application {
    struct KnotworkStateKey: StorageKey { typealias Value = KnotworkState }

    var knotwork: KnotworkState {
        get {
            guard let s = self.storage[KnotworkStateKey.self] else { fatalError("configure(_:settings:) was not called") }
            return s
        }
        set { self.storage[KnotworkStateKey.self] = newValue }
    }
}

/// Who made the request and how.
struct Principal: Sendable {
    enum Via: Sendable {
        case session(id: UUID, csrfToken: String)
        case token(id: UUID)
    }

    var user: User
    var via: Via

    var viaLabel: String {
        switch self.via {
        case .session: "session"
        case .token(let id): "token:" + id.uuidString.prefix(8).lowercased()
        }
    }

    var csrfToken: String? {
        if case .session(_, let csrf) = self.via { return csrf }
        return nil
    }
}

/// The patient a `.patient` route names, resolved once by the access middleware.
struct PatientContext: Sendable {
    var patientID: UUID
    var access: PatientAccess
    var breakGlass: Bool
}

extension Request {
    struct PrincipalKey: StorageKey { typealias Value = Principal }
    struct PatientContextKey: StorageKey { typealias Value = PatientContext }
    struct RequestIDKey: StorageKey { typealias Value = String }

    var principal: Principal? {
        get { self.storage[PrincipalKey.self] }
        set { self.storage[PrincipalKey.self] = newValue }
    }

    /// The signed-in user; routes that call this are behind an access rule that requires one.
    func requirePrincipal() throws -> Principal {
        guard let p = self.principal else { throw Abort(.unauthorized) }
        return p
    }

    var patientContext: PatientContext? {
        get { self.storage[PatientContextKey.self] }
        set { self.storage[PatientContextKey.self] = newValue }
    }

    func requirePatient() throws -> PatientContext {
        guard let p = self.patientContext else { throw Abort(.notFound) }
        return p
    }

    /// A record's id from the path (`:noteID`, `:planID` …); anything that is not a UUID is "not found", like an
    /// unknown id.
    func pathID(_ name: String) throws -> UUID {
        guard let id = self.parameters.get(name, as: UUID.self) else { throw Abort(.notFound) }
        return id
    }

    var requestID: String {
        get { self.storage[RequestIDKey.self] ?? "-" }
        set { self.storage[RequestIDKey.self] = newValue }
    }

    var now: Date { self.application.knotwork.clock.now() }
    var settings: Settings { self.application.knotwork.settings }

    /// The client's address: the socket peer, or the first X-Forwarded-For hop behind a trusted proxy.
    var clientAddress: String {
        if self.settings.trustProxy, let forwarded = self.headers.first(name: "X-Forwarded-For")?
            .split(separator: ",").first?.trimmingCharacters(in: .whitespaces), !forwarded.isEmpty {
            return String(forwarded.prefix(100))
        }
        return self.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Whether the client reached us over TLS (directly, or through a trusted TLS proxy).
    var isSecure: Bool {
        if self.settings.tls != nil { return true }
        return self.settings.trustProxy && self.headers.first(name: "X-Forwarded-Proto")?.lowercased() == "https"
    }

    var isAPI: Bool { self.url.path.hasPrefix("/api/") }

    var auditActor: AuditActor {
        let p = self.principal
        var via = p?.viaLabel ?? ""
        if self.patientContext?.breakGlass == true { via += via.isEmpty ? "break-glass" : "; break-glass" }
        return AuditActor(userID: p?.user.id, username: p?.user.username ?? "anonymous", role: p?.user.role.rawValue ?? "none",
                          clientAddress: self.clientAddress, requestID: self.requestID, via: via)
    }

    var audit: AuditTrail {
        AuditTrail(database: self.db, now: self.application.knotwork.clock.now, batcher: self.application.knotwork.auditBatcher,
                   gate: self.application.knotwork.writeGate)
    }
    var users: UserStore { UserStore(database: self.db) }
    var patients: PatientStore { PatientStore(database: self.db) }
    var sessions: SessionStore { SessionStore(database: self.db) }
    var tokens: AccessTokenStore { AccessTokenStore(database: self.db) }
    var loginAttempts: LoginAttemptStore { LoginAttemptStore(database: self.db) }
}

enum Secrets {
    /// A random URL-safe secret of `bytes` random bytes.
    static func random(bytes: Int = 32) -> String {
        var g = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &g) })
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Tokens are stored as SHA-256 hashes: a stolen database does not yield usable sessions or tokens.
    static func hash(_ token: String) -> String {
        Digest.sha256Hex(token)
    }

    /// Constant-time comparison for CSRF tokens.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
