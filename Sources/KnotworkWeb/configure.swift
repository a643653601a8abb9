import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import Metrics
import NIOSSL
import Prometheus
import SQLKit
import Vapor

/// Process-wide metrics. swift-metrics can be bootstrapped once per process, so the executable does
/// it (`bootstrap()`); tests run without it and Vapor's request metrics then go nowhere.
public enum KnotworkMetrics {
    public static let registry = PrometheusCollectorRegistry()

    public static func bootstrap() {
        var factory = PrometheusMetricsFactory(registry: Self.registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
        ]
        MetricsSystem.bootstrap(factory)
    }

    static let databaseReady = Self.registry.makeGauge(descriptor: MetricNameDescriptor(
        namespace: "knotwork", metricName: "database_ready", unitName: "", helpText: "1 when the last readiness check reached the database"))
    static let databasePing = Self.registry.makeDurationHistogram(
        descriptor: MetricNameDescriptor(namespace: "knotwork", metricName: "database_ping", unitName: "seconds",
                                         helpText: "Round trip of the readiness check's query"),
        buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(20), .milliseconds(100), .seconds(1)])
    static let databasePoolSize = Self.registry.makeGauge(descriptor: MetricNameDescriptor(
        namespace: "knotwork", metricName: "database_pool_max_connections", unitName: "", helpText: "Connections the database pool may open"))
}

/// Sets up an application: database and migrations, middleware, routes. Tests call it with their
/// own settings and clock.
public func configure(_ app: Application, settings: Settings, clock: KnotworkClock = .live, migrate: Bool = true) async throws {
    // Each SQLite connection holds a thread-pool thread while it waits for the write lock (sqlite-nio's busy handler
    // retries without yielding). With fewer threads than connections, waiters could occupy every thread while the
    // lock holder waited for one to finish, and concurrent writes stalled until the pool timed out (found by the
    // signing benchmark). Two pools of one connection per event loop, so twice the cores, and room for file I/O.
    if !settings.database.isPostgres {
        app.threadPool = NIOThreadPool(numberOfThreads: 2 * System.coreCount + 2)
    }
    try settings.database.register(on: app.databases, logLevel: .debug)
    let gate = settings.database.isPostgres ? nil : WriteGate()
    app.knotwork = KnotworkState(settings: settings, clock: clock, auditBatcher: AuditBatcher(database: app.db(.audit), gate: gate), writeGate: gate)
    for migration in KnotworkMigrations.all { app.migrations.add(migration) }
    // One pool for requests and one for the audit trail (see DatabaseTarget.register).
    KnotworkMetrics.databasePoolSize.set(Double(settings.database.isPostgres ? 5 * System.coreCount : 2 * System.coreCount))

    if let tls = settings.tls {
        let chain = try NIOSSLCertificate.fromPEMFile(tls.certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: tls.keyPath, format: .pem)
        var config = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        config.minimumTLSVersion = .tlsv12
        app.http.server.configuration.tlsConfiguration = config
    }
    // A proxy in front of us cannot be told apart from a client unless trust is configured.
    app.http.server.configuration.serverName = nil
    app.routes.defaultMaxBodySize = "64kb"
    app.passwords.use(.bcrypt(cost: settings.bcryptCost))

    app.middleware = Middlewares()
    app.middleware.use(RequestContextMiddleware())
    app.middleware.use(ProblemMiddleware())
    app.middleware.use(AuthenticationMiddleware())
    app.middleware.use(AccessMiddleware())
    app.middleware.use(ClinicTimeMiddleware())

    try routes(app)

    if migrate {
        try await app.autoMigrate()
        try await SQLiteDurability.check(app.db)
    }
}

/// SQLite must be in WAL mode with synchronous=FULL so that an acknowledged write survives a power cut.
enum SQLiteDurability {
    static func check(_ db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        _ = try await sql.raw("PRAGMA journal_mode = WAL").all()
        // sqlite-nio is built with SQLite's default synchronous level (FULL); setting it here covers
        // this connection, and the check below stops start-up if a build ever changes that default.
        try await sql.raw("PRAGMA synchronous = FULL").run()
        let mode = try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
        let sync = try await sql.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
        guard mode == "wal", sync == 2 else {
            throw Abort(.internalServerError, reason: "SQLite is not durable: journal_mode=\(mode ?? "?") synchronous=\(sync ?? -1)")
        }
    }
}
