import Foundation
import KnotworkCore
import KnotworkStore

/// Every setting Knotwork reads from its environment, read and validated here and nowhere else.
public struct Settings: Sendable {
    public var database: DatabaseTarget
    public var sessionPolicy: SessionPolicy
    public var throttle: ThrottlePolicy
    /// bcrypt work factor; OWASP ASVS v4.0.3 2.4.4 asks for at least 10, issue 2 for at least 12.
    public var bcryptCost: Int
    public var tls: TLSFiles?
    /// Trust X-Forwarded-For and X-Forwarded-Proto from a TLS reverse proxy in front of Knotwork.
    public var trustProxy: Bool
    public var breakGlassDuration: TimeInterval
    public var logLevel: String
    /// The mail relay the outbox delivers through; nil queues e-mail without sending it.
    public var smtp: SMTPSettings?

    public struct TLSFiles: Sendable, Equatable {
        public var certificatePath: String
        public var keyPath: String
    }

    public static let minimumBcryptCost = 12

    public init(database: DatabaseTarget, sessionPolicy: SessionPolicy = .init(), throttle: ThrottlePolicy = .init(),
                bcryptCost: Int = 12, tls: TLSFiles? = nil, trustProxy: Bool = false,
                breakGlassDuration: TimeInterval = 3600, logLevel: String = "info", smtp: SMTPSettings? = nil) {
        self.database = database
        self.sessionPolicy = sessionPolicy
        self.throttle = throttle
        self.bcryptCost = bcryptCost
        self.tls = tls
        self.trustProxy = trustProxy
        self.breakGlassDuration = breakGlassDuration
        self.logLevel = logLevel
        self.smtp = smtp
    }

    /// A setting that is present but unusable stops start-up with a message naming it.
    public struct Invalid: Error, CustomStringConvertible {
        public var name: String
        public var problem: String
        public var description: String { "\(self.name): \(self.problem)" }
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        func value(_ name: String) -> String? {
            guard let v = env[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        func number(_ name: String, default d: Int, range: ClosedRange<Int>) throws -> Int {
            guard let raw = value(name) else { return d }
            guard let n = Int(raw), range.contains(n) else {
                throw Invalid(name: name, problem: "must be a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(raw)\"")
            }
            return n
        }
        func flag(_ name: String) throws -> Bool {
            guard let raw = value(name)?.lowercased() else { return false }
            switch raw {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw Invalid(name: name, problem: "must be true or false, got \"\(raw)\"")
            }
        }

        let database: DatabaseTarget
        do {
            database = try DatabaseTarget.parse(value("DATABASE_URL") ?? "./knotwork.sqlite")
        } catch {
            throw Invalid(name: "DATABASE_URL", problem: "\(error)")
        }
        let idle = try number("KNOTWORK_SESSION_IDLE_MINUTES", default: 30, range: 1...240)
        let absolute = try number("KNOTWORK_SESSION_ABSOLUTE_HOURS", default: 12, range: 1...24)
        let cost = try number("KNOTWORK_BCRYPT_COST", default: 12, range: Self.minimumBcryptCost...16)
        let breakGlass = try number("KNOTWORK_BREAK_GLASS_MINUTES", default: 60, range: 5...720)

        var tls: TLSFiles?
        switch (value("KNOTWORK_TLS_CERT"), value("KNOTWORK_TLS_KEY")) {
        case (nil, nil): tls = nil
        case (let cert?, let key?):
            for (name, path) in [("KNOTWORK_TLS_CERT", cert), ("KNOTWORK_TLS_KEY", key)]
            where !FileManager.default.isReadableFile(atPath: path) {
                throw Invalid(name: name, problem: "cannot read \(path)")
            }
            tls = TLSFiles(certificatePath: cert, keyPath: key)
        case (nil, _): throw Invalid(name: "KNOTWORK_TLS_CERT", problem: "is required when KNOTWORK_TLS_KEY is set")
        case (_, nil): throw Invalid(name: "KNOTWORK_TLS_KEY", problem: "is required when KNOTWORK_TLS_CERT is set")
        }
        let logLevel = value("KNOTWORK_LOG_LEVEL") ?? "info"
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw Invalid(name: "KNOTWORK_LOG_LEVEL", problem: "must be one of trace, debug, info, notice, warning, error, critical")
        }
        return Settings(
            database: database,
            sessionPolicy: SessionPolicy(idleTimeout: TimeInterval(idle * 60), absoluteTimeout: TimeInterval(absolute * 3600)),
            bcryptCost: cost, tls: tls, trustProxy: try flag("KNOTWORK_TRUST_PROXY"),
            breakGlassDuration: TimeInterval(breakGlass * 60), logLevel: logLevel, smtp: try Self.smtp(value, number)
        )
    }

    /// KNOTWORK_SMTP_HOST and its companions: none set means no relay; a host needs a From address; credentials need
    /// encryption (they would otherwise cross the network in clear).
    static func smtp(_ value: (String) -> String?, _ number: (String, Int, ClosedRange<Int>) throws -> Int) throws -> SMTPSettings? {
        guard let host = value("KNOTWORK_SMTP_HOST") else {
            for name in ["KNOTWORK_SMTP_FROM", "KNOTWORK_SMTP_USERNAME", "KNOTWORK_SMTP_PASSWORD"] where value(name) != nil {
                throw Invalid(name: "KNOTWORK_SMTP_HOST", problem: "is required when \(name) is set")
            }
            return nil
        }
        let securityName = value("KNOTWORK_SMTP_SECURITY")?.lowercased() ?? "starttls"
        guard let security = SMTPSettings.Security(rawValue: securityName) else {
            throw Invalid(name: "KNOTWORK_SMTP_SECURITY", problem: "must be starttls, tls or none, got \"\(securityName)\"")
        }
        let defaultPort = switch security { case .startTLS: 587; case .tls: 465; case .none: 25 }
        let port = try number("KNOTWORK_SMTP_PORT", defaultPort, 1...65535)
        guard let from = value("KNOTWORK_SMTP_FROM") else {
            throw Invalid(name: "KNOTWORK_SMTP_FROM", problem: "is required when KNOTWORK_SMTP_HOST is set (the sender address, e.g. clinic@example.org)")
        }
        if let problem = EmailAddress.problem(from) { throw Invalid(name: "KNOTWORK_SMTP_FROM", problem: problem) }
        let username = value("KNOTWORK_SMTP_USERNAME"), password = value("KNOTWORK_SMTP_PASSWORD")
        if (username == nil) != (password == nil) {
            throw Invalid(name: username == nil ? "KNOTWORK_SMTP_USERNAME" : "KNOTWORK_SMTP_PASSWORD", problem: "is required with the other")
        }
        if username != nil, security == .none {
            throw Invalid(name: "KNOTWORK_SMTP_SECURITY", problem: "must be starttls or tls when a username and password are set")
        }
        let ca = value("KNOTWORK_SMTP_CA_FILE")
        if let ca, !FileManager.default.isReadableFile(atPath: ca) { throw Invalid(name: "KNOTWORK_SMTP_CA_FILE", problem: "cannot read \(ca)") }
        let timeout = try number("KNOTWORK_SMTP_TIMEOUT_SECONDS", 30, 5...300)
        return SMTPSettings(host: host, port: port, security: security, username: username, password: password, from: from,
                            fromName: value("KNOTWORK_SMTP_FROM_NAME") ?? "Knotwork", helo: value("KNOTWORK_SMTP_HELO") ?? "knotwork.localhost",
                            caFile: ca, timeout: TimeInterval(timeout))
    }
}
