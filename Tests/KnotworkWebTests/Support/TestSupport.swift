import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import KnotworkWeb

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let value: NIOLockedValueBox<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_790_000_000)) { self.value = NIOLockedValueBox(start) }
    var now: Date { self.value.withLockedValue { $0 } }
    func advance(_ seconds: TimeInterval) { self.value.withLockedValue { $0 = $0.addingTimeInterval(seconds) } }
    var knotworkClock: KnotworkClock { KnotworkClock(now: { self.now }) }
}

/// Which engine the suite runs on: `TEST_DATABASE=postgres` with `TEST_POSTGRES_URL` (a superuser URL
/// on 127.0.0.1, in which each test creates and drops its own database), else a SQLite file per test.
enum TestDatabase {
    static var isPostgres: Bool { ProcessInfo.processInfo.environment["TEST_DATABASE"] == "postgres" }

    static func make() async throws -> (target: DatabaseTarget, cleanup: @Sendable () async throws -> Void) {
        if self.isPostgres {
            guard let admin = ProcessInfo.processInfo.environment["TEST_POSTGRES_URL"],
                  var components = URLComponents(string: admin) else {
                Issue.record("TEST_DATABASE=postgres needs TEST_POSTGRES_URL")
                throw Abort(.internalServerError)
            }
            // Never point the suite at a remote server (STYLE.md: refuse non-local hosts).
            guard ["127.0.0.1", "localhost", "::1"].contains(components.host ?? "") else {
                Issue.record("TEST_POSTGRES_URL must be on 127.0.0.1")
                throw Abort(.internalServerError)
            }
            let name = "kw_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            try await self.adminSQL(admin, "CREATE DATABASE \(name)")
            components.path = "/" + name
            let url = components.string!
            return (.postgres(url: url), { try await self.adminSQL(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") })
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kw-test-\(UUID().uuidString).sqlite").path
        return (.sqlite(path: path), {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        })
    }

    static func adminSQL(_ url: String, _ statement: String) async throws {
        let app = try await Application.make(.testing)
        do {
            try DatabaseTarget.postgres(url: url).register(on: app.databases)
            try await (app.db as! any SQLDatabase).raw(SQLQueryString(statement)).run()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

/// On PostgreSQL each test app holds up to 10 connections (4 + 1 audit per event loop) and Swift Testing starts every
/// test at once: past about 40 clinics the throwaway cluster (max_connections 400) refuses new ones ("too many
/// clients"). So at most `limit` clinics run together there; SQLite needs no gate.
actor ClinicGate {
    static let shared = ClinicGate(limit: 24)
    let limit: Int
    var running = 0
    var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = limit }

    func enter() async {
        if self.running < self.limit {
            self.running += 1
            return
        }
        // The slot is handed over by `leave`, so `running` stays as it is.
        await withCheckedContinuation { self.waiting.append($0) }
    }

    func leave() {
        if self.waiting.isEmpty {
            self.running -= 1
        } else {
            self.waiting.removeFirst().resume()
        }
    }
}

/// A running test clinic: an app on a fresh database with a user of every role and a few patients.
struct Clinic {
    let app: Application
    let clock: TestClock
    var users: [String: User] = [:]
    /// A patient on ana's team (primary), with max.md; and one on ben's team only.
    var anaPatient: Patient!
    var benPatient: Patient!

    static let password = "correct-horse-battery-9"

    func user(_ name: String) -> User { self.users[name]! }

    var tester: any TestingApplicationTester { get throws { try self.app.testing() } }
}

/// Runs `body` with a configured app on a fresh database; always shuts down and drops the database.
func withClinic(
    clock: TestClock = TestClock(),
    target: DatabaseTarget? = nil,
    settings adjust: @Sendable (inout Settings) -> Void = { _ in },
    seed: Bool = true,
    _ body: (inout Clinic) async throws -> Void
) async throws {
    if TestDatabase.isPostgres { await ClinicGate.shared.enter() }
    do {
        try await runClinic(clock: clock, target: target, settings: adjust, seed: seed, body)
    } catch {
        if TestDatabase.isPostgres { await ClinicGate.shared.leave() }
        throw error
    }
    if TestDatabase.isPostgres { await ClinicGate.shared.leave() }
}

private func runClinic(clock: TestClock, target: DatabaseTarget?, settings adjust: @Sendable (inout Settings) -> Void, seed: Bool,
                       _ body: (inout Clinic) async throws -> Void) async throws {
    let (fresh, cleanup) = target == nil ? try await TestDatabase.make() : (target!, { @Sendable in })
    let app = try await Application.make(.testing)
    var clinic = Clinic(app: app, clock: clock)
    do {
        // Cost 4 keeps the suite fast; production refuses anything below 12 (SettingsTests).
        var settings = Settings(database: fresh, bcryptCost: 4)
        adjust(&settings)
        try await configure(app, settings: settings, clock: clock.knotworkClock)
        if seed { try await clinic.seed() }
        try await body(&clinic)
    } catch {
        try? await app.asyncShutdown()
        try? await cleanup()
        throw error
    }
    try await app.asyncShutdown()
    try await cleanup()
}

extension Clinic {
    mutating func seed() async throws {
        let store = UserStore(database: self.app.db)
        let hash = try Bcrypt.hash(Self.password, cost: 4)
        for (name, role) in [("admin", Role.admin), ("ana.lmt", .massageTherapist), ("ben.lmt", .massageTherapist),
                             ("pat.pt", .physicalTherapist), ("bea.bh", .behavioralHealth), ("max.md", .medicalProvider),
                             ("fran.desk", .frontDesk)] {
            self.users[name] = try await store.create(username: name, displayName: name.capitalized, role: role, passwordHash: hash, now: self.clock.now)
        }
        self.anaPatient = try await self.addPatient(given: "Amara", family: "Abernathy", dob: "1980-04-02",
                                                    team: [("ana.lmt", true), ("max.md", false), ("pat.pt", false), ("bea.bh", false)])
        self.benPatient = try await self.addPatient(given: "Bruno", family: "Brightwater", dob: "1975-09-30", team: [("ben.lmt", true)])
    }

    func addPatient(given: String, family: String, dob: String, phone: String? = "555-010-2000",
                    team: [(String, Bool)]) async throws -> Patient {
        let d = try PatientInput(givenName: given, familyName: family, dateOfBirth: dob, sex: "female", phone: phone)
            .validate(today: CalendarDate(year: 2026, month: 1, day: 1)!)
        let members = team.map { CareTeamMember(user: self.user($0.0), isPrimary: $0.1) }
        let now = self.clock.now
        return try await self.app.db.transaction { tx in
            let store = PatientStore(database: tx)
            let p = try await store.create(d)
            try await store.setCareTeam(p.id, members, now: now)
            return p
        }
    }

    /// An initial evaluation dated 2026-01-01, straight into the store (no audit row).
    func addAssessment(_ patient: Patient, by username: String, kind: AssessmentKind = .initial,
                       on date: String = "2026-01-01") async throws -> AssessmentHeader {
        let user = self.user(username)
        let header = AssessmentHeader(id: UUID(), patientID: patient.id, kind: kind, assessedOn: CalendarDate(date)!,
                                      summary: "", clinicianID: user.id, clinicianName: user.displayName)
        try await AssessmentStore(database: self.app.db).create(header, at: self.clock.now)
        return header
    }

    /// A valid draft plan of care, straight into the store.
    func addPlan(_ patient: Patient, by username: String) async throws -> StoredPlan {
        let user = self.user(username)
        let plan = try PlanOfCareInput(
            problems: [ProblemInput(icd10: "M54.2")],
            goals: [GoalInput(description: "Less pain interference", measure: GoalMeasureInput(kind: "instrument", code: "PEG"),
                              baseline: 6, target: 3, targetDate: "2026-11-01")],
            techniques: [PlannedTechniqueInput(technique: "myofascial-release", regions: ["neck-back.left"])],
            frequencyPerWeek: 1, durationWeeks: 8, start: "2026-09-01", reEvaluationDate: "2026-09-29",
            endGoal: "Turn the head fully when driving.", dischargeCriteria: "PEG 3 or less."
        ).validated(today: CalendarDate(year: 2026, month: 9, day: 1)!, birthDate: patient.dateOfBirth, techniques: TechniqueCatalog.standard)
        return try await CareStore(database: self.app.db).createPlan(plan, patientID: patient.id,
                                                                      by: Recorder(userID: user.id, name: user.displayName), at: self.clock.now)
    }

    /// A draft session note that validates (an hour ending before the test clock's now).
    func addNote(_ patient: Patient, by username: String, key: String = UUID().uuidString) async throws -> StoredNote {
        let user = self.user(username)
        let end = self.clock.now.addingTimeInterval(-600)
        let draft = SessionNoteInput(
            subjective: .init(painToday: 6, text: "Neck stiff after work."),
            interventions: [.init(technique: "myofascial-release", regions: ["neck-back.left"], minutes: 30, pressure: "moderate")],
            painAfter: 3, timeIn: end.addingTimeInterval(-3600), timeOut: end)
        return try await CareStore(database: self.app.db).saveDraft(draft, patientID: patient.id, planID: nil, kind: "session", idempotencyKey: key,
                                                                    sessionStart: draft.timeIn, sessionEnd: draft.timeOut,
                                                                    by: Recorder(userID: user.id, name: user.displayName), at: self.clock.now).note
    }

    /// A progress-report draft (no referral, no goals), straight into the store.
    func addReport(_ patient: Patient, by username: String) async throws -> StoredNote {
        let user = self.user(username)
        let day = CalendarDate(self.clock.now)
        let report = ProgressReport(periodStart: day, periodEnd: day, due: [], referral: nil, goals: [], sessionsInPeriod: 0, sessionsTotal: 0,
                                    techniques: [], precautions: [], homeProgram: [], recommendation: .continueCare, requestRenewal: false, narrative: "")
        return try await CareStore(database: self.app.db).saveDraft(report, patientID: patient.id, planID: nil, kind: ReportActions.kind,
                                                                    idempotencyKey: UUID().uuidString, sessionStart: self.clock.now, sessionEnd: self.clock.now,
                                                                    by: Recorder(userID: user.id, name: user.displayName), at: self.clock.now).note
    }

    /// A booked hour with a clinician, straight into the store (an hour after the test clock's now unless told).
    func addAppointment(_ patient: Patient, with username: String, start: Date? = nil, minutes: Int = 60) async throws -> StoredAppointment {
        let user = self.user(username)
        let visit = Appointment(clinicianID: user.id, start: start ?? self.clock.now.addingTimeInterval(3600), minutes: minutes, kind: .session)
        return try await AppointmentStore(database: self.app.db).book(visit, patientID: patient.id, by: Recorder(userID: user.id, name: user.displayName),
                                                                      at: self.clock.now)
    }

    /// An active referral from max.md (M54.2, 2026-09-01 to 2026-12-31), straight into the store.
    func addReferral(_ patient: Patient, visits: Int = 12, kind: ReferralKind = .order, start: String = "2026-09-01",
                     expiry: String = "2026-12-31") async throws -> StoredReferral {
        let md = self.user("max.md")
        let referral = Referral(kind: kind, providerUserID: kind == .order ? md.id : nil, providerName: kind == .order ? md.displayName : nil,
                                payer: kind == .authorization ? "Synthetic Health Plan" : nil, authorizationNumber: kind == .authorization ? "A-1" : nil,
                                diagnoses: ["M54.2"], authorizedVisits: visits, receivedOn: CalendarDate(start)!, start: CalendarDate(start)!,
                                expiry: CalendarDate(expiry)!)
        return try await ReferralStore(database: self.app.db).create(referral, status: .active, patientID: patient.id,
                                                                     by: Recorder(userID: md.id, name: md.displayName), at: self.clock.now)
    }

    /// A current license for `username` in `state` (a clinic with a state on record gates booking and signing on it).
    func addLicense(_ username: String, state: String = "IL", kind: LicenseKind = .lmt, expires: String = "2027-12-31") async throws {
        let user = self.user(username)
        let license = License(kind: kind, jurisdiction: state, number: "227.000001", issuedOn: CalendarDate("2020-01-15")!, expiresOn: CalendarDate(expires)!)
        try await CredentialStore(database: self.app.db).save(license, for: user.id, by: Recorder(userID: user.id, name: user.displayName), at: self.clock.now)
    }

    /// A personal access token for a user, as `knotwork token create` makes one.
    func token(_ username: String) async throws -> String {
        let token = PersonalAccessTokens.generate()
        _ = try await AccessTokenStore(database: self.app.db).create(userID: self.user(username).id, name: "test",
                                                                     tokenHash: Secrets.hash(token), now: self.clock.now)
        return token
    }

    func bearer(_ token: String) -> HTTPHeaders { ["Authorization": "Bearer \(token)"] }

    func auditCount(_ action: AuditAction? = nil) async throws -> Int {
        let sql = self.app.db as! any SQLDatabase
        let row = action == nil
            ? try await sql.raw("SELECT COUNT(*) AS n FROM audit_events").first()
            : try await sql.raw("SELECT COUNT(*) AS n FROM audit_events WHERE action = \(bind: action!.rawValue)").first()
        return try row!.decode(column: "n", as: Int.self)
    }

    func auditCount(_ action: AuditAction, outcome: String) async throws -> Int {
        let row = try await (self.app.db as! any SQLDatabase)
            .raw("SELECT COUNT(*) AS n FROM audit_events WHERE action = \(bind: action.rawValue) AND outcome = \(bind: outcome)").first()
        return try row!.decode(column: "n", as: Int.self)
    }

    func lastAudit() async throws -> AuditRow {
        try await (self.app.db as! any SQLDatabase).raw("SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1")
            .first(decoding: AuditRow.self)!
    }

    func patientCount() async throws -> Int { try await PatientStore(database: self.app.db).count() }
}

/// A browser-like session: cookies and the CSRF token of the signed-in user.
struct BrowserSession {
    var cookie: String
    var csrf: String

    var headers: HTTPHeaders { ["Cookie": self.cookie] }

    func form(_ fields: [(String, String)], includeCSRF: Bool = true) -> (HTTPHeaders, ByteBuffer) {
        var all = fields
        if includeCSRF { all.append(("_csrf", self.csrf)) }
        var h = self.headers
        h.contentType = .urlEncodedForm
        return (h, ByteBuffer(string: formBody(all)))
    }
}

func formBody(_ fields: [(String, String)]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return fields.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
        .joined(separator: "&")
}

func cookieValue(_ response: TestingHTTPResponse, _ name: String) -> String? {
    for header in response.headers[.setCookie] {
        let first = header.split(separator: ";").first.map(String.init) ?? ""
        if first.hasPrefix(name + "=") { return String(first.dropFirst(name.count + 1)) }
    }
    return nil
}

func hiddenCSRF(_ html: String) -> String? {
    guard let r = html.range(of: #"name="_csrf" value=""#) else { return nil }
    let rest = html[r.upperBound...]
    return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
}

extension Clinic {
    /// Posts the sign-in form with its pre-session token, as a browser does.
    func attemptSignIn(_ username: String, _ password: String) async throws -> TestingHTTPResponse {
        let t = try self.tester
        let form = try await t.sendRequest(.GET, "/signin")
        var headers: HTTPHeaders = ["Cookie": "kw_presession=\(cookieValue(form, "kw_presession")!)"]
        headers.contentType = .urlEncodedForm
        return try await t.sendRequest(.POST, "/signin", headers: headers, body: ByteBuffer(string: formBody(
            [("_csrf", hiddenCSRF(form.body.string)!), ("username", username), ("password", password)])))
    }

    /// Signs in and returns the browser session.
    func signIn(_ username: String, password: String = Clinic.password) async throws -> BrowserSession {
        let t = try self.tester
        let res = try await self.attemptSignIn(username, password)
        #expect(res.status == .seeOther, "sign-in as \(username) answered \(res.status)")
        let session = cookieValue(res, "kw_session") ?? ""
        let page = try await t.sendRequest(.GET, "/account", headers: ["Cookie": "kw_session=\(session)"])
        return BrowserSession(cookie: "kw_session=\(session)", csrf: hiddenCSRF(page.body.string) ?? "")
    }
}
