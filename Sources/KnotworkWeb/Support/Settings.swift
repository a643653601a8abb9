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

    public struct TLSFiles: Sendable, Equatable {
        public var certificatePath: String
        public var keyPath: String
    }

    public static let minimumBcryptCost = 12

    public init(database: DatabaseTarget, sessionPolicy: SessionPolicy = .init(), throttle: ThrottlePolicy = .init(),
                bcryptCost: Int = 12, tls: TLSFiles? = nil, trustProxy: Bool = false,
                breakGlassDuration: TimeInterval = 3600, logLevel: String = "info") {
        self.database = database
        self.sessionPolicy = sessionPolicy
        self.throttle = throttle
        self.bcryptCost = bcryptCost
        self.tls = tls
        self.trustProxy = trustProxy
        self.breakGlassDuration = breakGlassDuration
        self.logLevel = logLevel
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
            breakGlassDuration: TimeInterval(breakGlass * 60), logLevel: logLevel
        )
    }
}
