import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation

/// Where the data lives: an embedded SQLite file (the default) or a PostgreSQL server shared by
/// several instances. Parsed from `DATABASE_URL`.
public enum DatabaseTarget: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    public struct InvalidURL: Error, CustomStringConvertible {
        public var description: String
    }

    /// `postgres://` or `postgresql://` URLs go to PostgreSQL; anything else is a SQLite file path
    /// (optionally written `sqlite://PATH` or `sqlite:PATH`).
    public static func parse(_ raw: String) throws -> DatabaseTarget {
        let value = raw.trimmingCharacters(in: .whitespaces)
        if value.isEmpty { throw InvalidURL(description: "DATABASE_URL is empty") }
        if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") {
            guard let url = URL(string: value), url.host != nil, !url.path.isEmpty, url.path != "/" else {
                throw InvalidURL(description: "DATABASE_URL must look like postgres://user:password@host:5432/database")
            }
            _ = try SQLPostgresConfiguration(url: value)
            return .postgres(url: value)
        }
        if value.contains("://"), !value.hasPrefix("sqlite://") {
            throw InvalidURL(description: "DATABASE_URL must be a SQLite file path or a postgres:// URL")
        }
        var path = value
        for prefix in ["sqlite://", "sqlite:"] where path.hasPrefix(prefix) { path.removeFirst(prefix.count) }
        if path.isEmpty { throw InvalidURL(description: "DATABASE_URL names no SQLite file") }
        return .sqlite(path: path)
    }

    public var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }

    /// A description without the password, for logs and start-up messages.
    public var redacted: String {
        switch self {
        case .sqlite(let path): return "SQLite file \(path)"
        case .postgres(let url):
            if var c = URLComponents(string: url) {
                if c.password != nil { c.password = "***" }
                return "PostgreSQL \(c.string ?? "")"
            }
            return "PostgreSQL"
        }
    }

    /// Registers this database as the default on `databases`, and again as `.audit`: the audit
    /// trail's group commits get connections of their own, so that a commit waiting on its fsync
    /// never holds a connection that reads are queued behind.
    public func register(on databases: Databases, logLevel: Logger.Level = .debug) throws {
        switch self {
        case .sqlite(let path):
            databases.use(.sqlite(.file(path), sqlLogLevel: logLevel), as: .sqlite, isDefault: true)
            databases.use(.sqlite(.file(path), sqlLogLevel: logLevel), as: .audit, isDefault: false)
        case .postgres(let url):
            var config = try SQLPostgresConfiguration(url: url)
            config.coreConfiguration.options.requireBackendKeyData = false
            for (id, connections) in [(DatabaseID.psql, 4), (DatabaseID.audit, 1)] {
                databases.use(
                    .postgres(configuration: config, maxConnectionsPerEventLoop: connections, connectionPoolTimeout: .seconds(10),
                              encodingContext: .default, decodingContext: .default, sqlLogLevel: logLevel),
                    as: id, isDefault: id == .psql
                )
            }
        }
    }
}

extension DatabaseID {
    /// The audit trail's own connections to the same database.
    public static let audit = DatabaseID(string: "audit")
}

/// Dialect-specific SQL lives behind this one switch (STYLE.md: one place, a test per branch).
enum Dialect {
    case sqlite, postgres

    init(_ db: any Database) {
        self = (db as? any SQLDatabase)?.dialect.name == "postgresql" ? .postgres : .sqlite
    }
}

extension Database {
    var sql: any SQLDatabase { self as! any SQLDatabase }
}
