import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import KnotworkWeb

@Suite struct OperationsTests {
    @Test func healthReadinessAndMetrics() async throws {
        try await withClinic(seed: false) { clinic in
            let t = try clinic.tester
            #expect(try await t.sendRequest(.GET, "/healthz").status == .ok)
            let ready = try await t.sendRequest(.GET, "/readyz")
            #expect(ready.status == .ok)
            let metrics = try await t.sendRequest(.GET, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.body.string.contains("knotwork_database_ready 1"))
            #expect(metrics.body.string.contains("knotwork_database_pool_max_connections"))
        }
    }

    @Test func everyResponseCarriesTheSecurityHeadersAndPatientDataIsNotCached() async throws {
        try await withClinic { clinic in
            let t = try clinic.tester
            let s = try await clinic.signIn("ana.lmt")
            let token = try await clinic.token("ana.lmt")
            for (path, headers) in [("/signin", HTTPHeaders()), ("/patients", s.headers), ("/patients/\(clinic.anaPatient.id)", s.headers),
                                    ("/api/v1/patients/\(clinic.anaPatient.id)", clinic.bearer(token)), ("/nowhere", HTTPHeaders())] {
                let res = try await t.sendRequest(.GET, path, headers: headers)
                let csp = res.headers.first(name: "Content-Security-Policy") ?? ""
                #expect(csp.contains("frame-ancestors 'none'"), "\(path)")
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "\(path)")
                #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(path)")
                #expect(res.headers.first(name: "Referrer-Policy") == "no-referrer", "\(path)")
                #expect(res.headers.first(name: .cacheControl) == "no-store", "\(path)")
            }
            // Pages carry no inline script: the CSP would block it.
            let page = try await t.sendRequest(.GET, "/patients", headers: s.headers).body.string
            #expect(!page.contains("<script>"))
            #expect(!page.contains(" onclick="))
        }
    }

    @Test func tlsSettingsAddHSTS() async throws {
        // The HSTS header follows the TLS setting; the handshake itself is covered by the README's TLS check.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kw-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                             "-keyout", dir.appendingPathComponent("key.pem").path, "-out", dir.appendingPathComponent("cert.pem").path]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0)
        let tls = Settings.TLSFiles(certificatePath: dir.appendingPathComponent("cert.pem").path, keyPath: dir.appendingPathComponent("key.pem").path)
        try await withClinic(settings: { $0.tls = tls }, seed: false) { clinic in
            let res = try await clinic.tester.sendRequest(.GET, "/healthz")
            #expect(res.headers.first(name: "Strict-Transport-Security")?.contains("max-age=31536000") == true)
            #expect(clinic.app.http.server.configuration.tlsConfiguration != nil)
        }
    }

    @Test func openAPIDocumentDescribesEveryAPIRoute() async throws {
        try await withClinic(seed: false) { clinic in
            let res = try await clinic.tester.sendRequest(.GET, "/api/v1/openapi.json")
            #expect(res.status == .ok)
            let doc = try JSONSerialization.jsonObject(with: Data(res.body.string.utf8)) as? [String: Any]
            #expect((doc?["openapi"] as? String)?.hasPrefix("3.1") == true)
            let paths = doc?["paths"] as? [String: [String: Any]] ?? [:]
            var served = Set<String>()
            for route in clinic.app.routes.all where route.path.first?.description == "api" {
                let path = "/" + route.path.map { c -> String in
                    if case .parameter(let name) = c { return "{\(name)}" }
                    return c.description
                }.joined(separator: "/")
                let method = route.method.rawValue.lowercased()
                served.insert("\(method) \(path)")
                #expect(paths[path]?[method] != nil, "\(method.uppercased()) \(path) is missing from openapi.json")
            }
            var documented = Set<String>()
            for (path, ops) in paths { for method in ops.keys where ["get", "post", "put", "patch", "delete"].contains(method) { documented.insert("\(method) \(path)") } }
            #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served))")
        }
    }

    @Test func settingsFromTheEnvironmentNameTheBadSetting() throws {
        #expect(try Settings.fromEnvironment([:]).database == .sqlite(path: "./knotwork.sqlite"))
        #expect(try Settings.fromEnvironment([:]).bcryptCost == 12)
        #expect(try Settings.fromEnvironment([:]).sessionPolicy.idleTimeout == 30 * 60)
        #expect(try Settings.fromEnvironment(["DATABASE_URL": "postgres://kw:pw@127.0.0.1:5432/kw"]).database.isPostgres)
        for (name, value) in [("KNOTWORK_BCRYPT_COST", "10"), ("KNOTWORK_SESSION_IDLE_MINUTES", "zero"),
                              ("DATABASE_URL", "mysql://x/y"), ("DATABASE_URL", "postgres://"), ("KNOTWORK_TRUST_PROXY", "maybe"),
                              ("KNOTWORK_TLS_KEY", "/nonexistent.pem"), ("KNOTWORK_LOG_LEVEL", "loud")] {
            do {
                _ = try Settings.fromEnvironment([name: value])
                Issue.record("\(name)=\(value) was accepted")
            } catch let e as Settings.Invalid {
                #expect(e.name == name || (name == "KNOTWORK_TLS_KEY" && e.name == "KNOTWORK_TLS_CERT"), "\(e)")
            }
        }
    }

    @Test func theMailRelayIsReadFromTheEnvironment() throws {
        #expect(try Settings.fromEnvironment([:]).smtp == nil)
        let relay = try #require(try Settings.fromEnvironment(["KNOTWORK_SMTP_HOST": "smtp.example.org", "KNOTWORK_SMTP_FROM": "clinic@example.org",
                                                                "KNOTWORK_SMTP_USERNAME": "clinic", "KNOTWORK_SMTP_PASSWORD": "pw"]).smtp)
        #expect(relay.port == 587 && relay.security == .startTLS && relay.username == "clinic" && relay.domain == "example.org")
        #expect(try Settings.fromEnvironment(["KNOTWORK_SMTP_HOST": "h", "KNOTWORK_SMTP_FROM": "c@example.org", "KNOTWORK_SMTP_SECURITY": "tls"]).smtp?.port == 465)
        for (env, name) in [
            (["KNOTWORK_SMTP_HOST": "h"], "KNOTWORK_SMTP_FROM"),
            (["KNOTWORK_SMTP_FROM": "c@example.org"], "KNOTWORK_SMTP_HOST"),
            (["KNOTWORK_SMTP_HOST": "h", "KNOTWORK_SMTP_FROM": "not an address"], "KNOTWORK_SMTP_FROM"),
            (["KNOTWORK_SMTP_HOST": "h", "KNOTWORK_SMTP_FROM": "c@example.org", "KNOTWORK_SMTP_SECURITY": "ssl3"], "KNOTWORK_SMTP_SECURITY"),
            (["KNOTWORK_SMTP_HOST": "h", "KNOTWORK_SMTP_FROM": "c@example.org", "KNOTWORK_SMTP_PORT": "0"], "KNOTWORK_SMTP_PORT"),
            (["KNOTWORK_SMTP_HOST": "h", "KNOTWORK_SMTP_FROM": "c@example.org", "KNOTWORK_SMTP_USERNAME": "u"], "KNOTWORK_SMTP_PASSWORD"),
            // Credentials never cross the network in clear.
            (["KNOTWORK_SMTP_HOST": "h", "KNOTWORK_SMTP_FROM": "c@example.org", "KNOTWORK_SMTP_SECURITY": "none",
              "KNOTWORK_SMTP_USERNAME": "u", "KNOTWORK_SMTP_PASSWORD": "p"], "KNOTWORK_SMTP_SECURITY"),
            (["KNOTWORK_SMTP_HOST": "h", "KNOTWORK_SMTP_FROM": "c@example.org", "KNOTWORK_SMTP_CA_FILE": "/nonexistent.pem"], "KNOTWORK_SMTP_CA_FILE"),
        ] {
            do {
                _ = try Settings.fromEnvironment(env)
                Issue.record("\(env) was accepted")
            } catch let e as Settings.Invalid {
                #expect(e.name == name, "\(env): \(e)")
            }
        }
    }

    @Test func sqliteIsInWALModeWithFullSync() async throws {
        guard !TestDatabase.isPostgres else { return }
        try await withClinic(seed: false) { clinic in
            guard case .sqlite(let path) = clinic.app.knotwork.settings.database else { return }
            // The file header itself says WAL (bytes 18 and 19 are 2), for every connection that opens it.
            let header = try #require(FileHandle(forReadingAtPath: path)).readData(ofLength: 20)
            #expect(header.count == 20 && header[18] == 2 && header[19] == 2)
            // synchronous is per connection: FULL (2) is sqlite-nio's compiled default, so every pooled
            // connection has it; check several.
            for _ in 0..<4 {
                let sync = try await (clinic.app.db as! any SQLDatabase).raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
                #expect(sync == 2)
            }
        }
    }

    @Test func migrationsRevertAndReapply() async throws {
        try await withClinic { clinic in
            try await clinic.app.autoRevert()
            let sql = clinic.app.db as! any SQLDatabase
            await #expect(throws: (any Error).self) { try await sql.raw("SELECT COUNT(*) FROM patients").run() }
            try await clinic.app.autoMigrate()
            #expect(try await PatientStore(database: clinic.app.db).count() == 0)
            #expect(try await AuditReport(database: clinic.app.db).verify().isIntact)
        }
    }

    /// HIPAA 164.308(a)(7) contingency plan: a backup taken while running restores with its audit chain intact.
    @Test func sqliteOnlineBackupRestores() async throws {
        guard !TestDatabase.isPostgres else { return }
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("kw-backup-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try await withClinic { clinic in
            let token = try await clinic.token("ana.lmt")
            _ = try await clinic.tester.sendRequest(.GET, "/api/v1/patients/\(clinic.anaPatient.id)", headers: clinic.bearer(token))
            try await Backup.sqlite(clinic.app.db, to: copy)
        }
        try await withClinic(target: .sqlite(path: copy), seed: false) { restored in
            #expect(try await restored.patientCount() == 2)
            let verification = try await AuditReport(database: restored.app.db).verify()
            #expect(verification.isIntact && verification.rowsChecked >= 2)
        }
    }

    /// The worklist benchmark's data: wendy.lmt's 300 patients, 50 open tasks (some overdue) and 20 reports due, all on
    /// her worklist page.
    @Test func theWorklistBenchmarkSeedsWhatItSays() async throws {
        try await withClinic(seed: false) { clinic in
            try await DemoClinic.seedIfEmpty(clinic.app, patients: 10)
            let wendy = try await DemoWorklist.seed(clinic.app)
            #expect(try await TaskStore(database: clinic.app.db).open(for: wendy.id).count == 50)
            let token = PersonalAccessTokens.generate()
            _ = try await AccessTokenStore(database: clinic.app.db).create(userID: wendy.id, name: "t", tokenHash: Secrets.hash(token), now: clinic.clock.now)
            let page = try await clinic.tester.sendRequest(.GET, "/tasks", headers: clinic.bearer(token))
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.components(separatedBy: "Check the home program (").count - 1 == 50)
            #expect(html.components(separatedBy: "Progress report due: ").count - 1 == 20, "20 progress reports due")
            #expect(html.contains("overdue"))
        }
    }

    @Test func demoClinicIsSeededOnce() async throws {
        try await withClinic(seed: false) { clinic in
            #expect(try await DemoClinic.seedIfEmpty(clinic.app, patients: 40))
            #expect(try await !DemoClinic.seedIfEmpty(clinic.app, patients: 40))
            #expect(try await PatientStore(database: clinic.app.db).count() == 40)
            #expect(try await UserStore(database: clinic.app.db).count() == DemoClinic.users.count)
            // Each therapist has patients the other cannot see.
            let users = try await UserStore(database: clinic.app.db).all()
            let ana = users.first { $0.username == "ana.lmt" }!, ben = users.first { $0.username == "ben.lmt" }!
            let store = PatientStore(database: clinic.app.db)
            let anas = try await store.search(PatientQuery(perPage: 100), scope: .careTeamOf(ana.id, now: Date()))
            let bens = try await store.search(PatientQuery(perPage: 100), scope: .careTeamOf(ben.id, now: Date()))
            #expect(anas.total == 30 && bens.total == 10)
            #expect(Set(anas.items.map(\.id)).isDisjoint(with: bens.items.map(\.id)))
            // Issue 11: one shared plan with goals from three disciplines, a team note, a report due, the letterhead.
            let first = try #require(try await store.find(recordNumber: "KW-000001"))
            let plan = try #require(try await CareStore(database: clinic.app.db).plans(of: first.id).first)
            #expect(Set(plan.plan.goals.compactMap(\.owner?.discipline)) == [.massageTherapy, .physicalTherapy, .behavioralHealth])
            let overview = try await ReportActions.overview(first.id, today: CalendarDate(clinic.clock.now), on: clinic.app.db)
            #expect(overview.due?.reasons.isEmpty == false, "the demo has a progress report due")
            #expect(try await CareStore(database: clinic.app.db).notes(of: first.id).contains { $0.kind == TeamNoteActions.kind && $0.isSigned })
            #expect(try await ClinicSettingsStore(database: clinic.app.db).current().identity.legalName == "Lakeshore Medical Massage (demo)")
        }
    }
}
