import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import SQLKit
import Vapor

/// `knotwork user create --role ROLE --username NAME --name "Display Name"`
struct UserCommand: AsyncCommandGroup {
    var help: String { "Manage user accounts" }
    var commands: [String: any AnyAsyncCommand] { ["create": CreateUserCommand()] }
}

struct CreateUserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "role", help: "admin, massage_therapist, physical_therapist, behavioral_health, medical_provider or front_desk")
        var role: String?
        @Option(name: "username", help: "Sign-in name") var username: String?
        @Option(name: "name", help: "Display name") var name: String?
    }

    var help: String { "Create a user. The password comes from KNOTWORK_NEW_PASSWORD or is asked for." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let username = UsernamePolicy.normalize(signature.username ?? "")
        let password = ProcessInfo.processInfo.environment["KNOTWORK_NEW_PASSWORD"]
            ?? context.console.ask("Password (at least \(PasswordPolicy.minimumLength) characters):".consoleText(), isSecure: true)
        guard let role = Role(rawValue: signature.role ?? "") else {
            throw CommandError("--role must be one of " + Role.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let errors = UsernamePolicy.problems(username) + PasswordPolicy.problems(password, username: username)
            + (Text.clean(signature.name).isEmpty ? [FieldError("name", "--name is required.")] : [])
        guard errors.isEmpty else { throw CommandError(errors.map { "\($0.field): \($0.message)" }.joined(separator: "\n")) }
        let hash = try await app.password.async.hash(password)
        let now = app.knotwork.clock.now()
        let user = try await AuditTrail(database: app.db, now: app.knotwork.clock.now).perform(
            .commandLine("user create"), AuditEntry(.userCreate, entity: "user:\(username)", detail: "role=\(role.rawValue)")
        ) { db in
            try await UserStore(database: db).create(username: username, displayName: Text.clean(signature.name), role: role, passwordHash: hash, now: now)
        }
        context.console.print("Created \(user.username) (\(user.role.label)).")
    }
}

/// `knotwork token create --username NAME --name TOKEN-NAME` prints a new personal access token.
struct TokenCommand: AsyncCommandGroup {
    var help: String { "Manage personal access tokens" }
    var commands: [String: any AnyAsyncCommand] { ["create": CreateTokenCommand()] }
}

struct CreateTokenCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "username", help: "Whose token") var username: String?
        @Option(name: "name", help: "What the token is for") var name: String?
    }

    var help: String { "Create a personal access token and print it once." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let user = try await UserStore(database: app.db).credentials(username: UsernamePolicy.normalize(signature.username ?? ""))?.user,
              user.active else { throw CommandError("No active user \(signature.username ?? "")") }
        let name = Text.clean(signature.name).isEmpty ? "cli" : Text.clean(signature.name)
        let token = PersonalAccessTokens.generate()
        let now = app.knotwork.clock.now()
        _ = try await AuditTrail(database: app.db, now: app.knotwork.clock.now).perform(
            .commandLine("token create"), AuditEntry(.tokenCreate, entity: "token:\(name.prefix(40))", detail: "for \(user.username)")
        ) { db in
            try await AccessTokenStore(database: db).create(userID: user.id, name: name, tokenHash: Secrets.hash(token), now: now)
        }
        context.console.print(token)
    }
}

/// `knotwork audit verify`: exit status 0 when the chain is intact, 1 with the first broken row.
struct AuditCommand: AsyncCommandGroup {
    var help: String { "Check the audit trail" }
    var commands: [String: any AnyAsyncCommand] { ["verify": VerifyAuditCommand()] }
}

struct VerifyAuditCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Verify the audit trail's hash chain and name the first broken link." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let result = try await AuditTrail(database: app.db, now: app.knotwork.clock.now).verifyChain(.commandLine("audit verify"))
        if let broken = result.firstBroken {
            context.console.error("audit chain BROKEN at row \(broken.seq): \(broken.reason)")
            throw CommandError("audit chain broken")
        }
        context.console.print("audit chain intact: \(result.rowsChecked) rows")
    }
}

/// `knotwork seed --patients N`: the demo clinic plus N synthetic patients (for benchmarks).
struct SeedCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "patients", help: "How many synthetic patients to add") var patients: Int?
        @Option(name: "history", help: "Record number of a patient to give three years of assessment history (benchmark size)") var history: String?
        @Option(name: "episode", help: "Record number of a patient to give a two-year episode: a plan with 5 goals and 100 signed weekly notes with 10 measures each (benchmark size)") var episode: String?
        @Option(name: "referral", help: "Record number of a patient to give an active referral from max.md (the signing benchmark counts against it)") var referral: String?
        @Option(name: "visits", help: "With --referral: its authorized visits (default 12)") var visits: Int?
        @Flag(name: "worklist", help: "Add wendy.lmt with 300 patients, 50 open tasks and 20 progress reports due (the worklist benchmark)") var worklist: Bool
        @Flag(name: "book", help: "Add 20 licensed clinicians with two years of visits, about 100,000 (the appointment-book benchmark)") var book: Bool
    }

    var help: String { "Seed the demo clinic and N synthetic patients." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if let record = signature.episode {
            guard let patient = try await PatientStore(database: app.db).find(recordNumber: record.uppercased()),
                  let clinician = try await UserStore(database: app.db).all().first(where: { $0.username == "ana.lmt" }) else {
                throw CommandError("--episode needs an existing record number and the demo therapist ana.lmt")
            }
            let now = app.knotwork.clock.now()
            try await DemoHistory.episode(patient: patient, clinician: clinician, sessions: 100, today: DemoClinic.clock.date(of: now), on: app.db, now: now)
            context.console.print("Added a two-year episode (plan, 100 signed session notes, 1,000 measure results) to \(patient.recordNumber).")
            return
        }
        if let record = signature.referral {
            // Through the store, not the entry form: the benchmark's referral allows more visits than a real one may.
            let visits = signature.visits ?? 12
            guard let patient = try await PatientStore(database: app.db).find(recordNumber: record.uppercased()),
                  let md = try await UserStore(database: app.db).all().first(where: { $0.username == "max.md" }), visits > 0 else {
                throw CommandError("--referral needs an existing record number, the demo provider max.md and --visits above 0")
            }
            let now = app.knotwork.clock.now()
            let today = DemoClinic.clock.date(of: now)
            let referral = Referral(kind: .order, providerUserID: md.id, providerName: md.displayName, diagnoses: ["M54.2"], authorizedVisits: visits,
                                    receivedOn: today.adding(days: -30), start: today.adding(days: -30), expiry: today.adding(days: 365))
            let stored = try await ReferralStore(database: app.db).create(referral, status: .active, patientID: patient.id,
                                                                          by: Recorder(userID: md.id, name: md.displayName), at: now)
            context.console.print("Added an active referral with \(visits) visits to \(patient.recordNumber) (\(stored.id.uuidString.lowercased())).")
            return
        }
        if signature.book {
            let visits = try await DemoBook.seed(context.application)
            context.console.print("Added 20 clinicians (\(DemoBook.username(1)) … \(DemoBook.username(20))) with \(visits) visits.")
            return
        }
        if signature.worklist {
            let wendy = try await DemoWorklist.seed(context.application)
            context.console.print("Added \(wendy.username) with 300 patients, 50 open tasks and 20 progress reports due.")
            return
        }
        if let record = signature.history {
            guard let patient = try await PatientStore(database: app.db).find(recordNumber: record.uppercased()),
                  let clinician = try await UserStore(database: app.db).all().first(where: { $0.username == "ana.lmt" }) else {
                throw CommandError("--history needs an existing record number and the demo therapist ana.lmt")
            }
            let now = app.knotwork.clock.now()
            try await DemoHistory.seed(patient: patient, clinician: clinician, size: .benchmark, today: DemoClinic.clock.date(of: now), days: 3 * 365,
                                       on: app.db, now: now)
            context.console.print("Added three years of assessment history to \(patient.recordNumber).")
            return
        }
        let n = signature.patients ?? 40
        if try await DemoClinic.seedIfEmpty(app, patients: n) {
            context.console.print("Seeded the demo clinic with \(n) patients.")
        } else {
            try await DemoClinic.addPatients(app, count: n)
            context.console.print("Added \(n) patients.")
        }
        try await PatientStore(database: app.db).analyze()
    }
}

/// `knotwork backup --output FILE`: an online, consistent copy of the SQLite database
/// (`VACUUM INTO`), safe while the server runs. PostgreSQL is backed up with pg_dump.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "output", help: "Where to write the copy (must not exist)") var output: String?
    }

    var help: String { "Write an online backup of the SQLite database." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let output = signature.output, !output.isEmpty else { throw CommandError("--output FILE is required") }
        let app = context.application
        try await Backup.sqlite(app.db, to: output)
        try await AuditTrail(database: app.db, now: app.knotwork.clock.now)
            .record(.commandLine("backup"), AuditEntry(.auditExport, entity: "database backup", detail: output))
        context.console.print("Backup written to \(output)")
    }
}

enum Backup {
    struct NotSQLite: Error, CustomStringConvertible {
        var description: String { "backup works on SQLite; for PostgreSQL use pg_dump (see the README)" }
    }

    static func sqlite(_ db: any Database, to path: String) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "sqlite" else { throw NotSQLite() }
        guard !FileManager.default.fileExists(atPath: path) else { throw CommandError("\(path) already exists") }
        try await sql.raw("VACUUM INTO \(bind: path)").run()
    }
}

struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { self.description = d }
}

public func registerCommands(_ app: Application) {
    app.asyncCommands.use(UserCommand(), as: "user")
    app.asyncCommands.use(TokenCommand(), as: "token")
    app.asyncCommands.use(AuditCommand(), as: "audit")
    app.asyncCommands.use(SeedCommand(), as: "seed")
    app.asyncCommands.use(BackupCommand(), as: "backup")
}
