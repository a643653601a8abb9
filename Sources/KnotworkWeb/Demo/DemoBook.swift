import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import SQLKit
import Vapor

/// Issue 13's appointment-book benchmark: `clinicians` therapists (book01.lmt …), each licensed in the demo's state with
/// `patientsEach` patients of their own, and two years of visits (21 months back, 3 months ahead), ten a weekday from
/// 08:00 to 17:00 on the demo clinic's clock: about 100,000 visits for 20 clinicians. Past visits are completed.
enum DemoBook {
    static func username(_ n: Int) -> String { "book\(CalendarDate.padded(n, 2)).lmt" }

    @discardableResult
    static func seed(_ app: Application, clinicians: Int = 20, patientsEach: Int = 10) async throws -> Int {
        let users = UserStore(database: app.db)
        guard let desk = try await users.all().first(where: { $0.username == "fran.desk" }) else { throw CommandError("--book needs the demo clinic (fran.desk)") }
        let now = app.knotwork.clock.now()
        let today = DemoClinic.clock.date(of: now)
        let hash = try await app.password.async.hash(DemoClinic.password)
        let state = try await ClinicSettingsStore(database: app.db).current().identity.state ?? "OR"
        var made: [User] = []
        for n in 1...clinicians {
            let user = try await users.create(username: Self.username(n), displayName: "Book Clinician \(CalendarDate.padded(n, 2)), LMT",
                                              role: .massageTherapist, passwordHash: hash, now: now)
            let license = License(kind: .lmt, jurisdiction: state, number: "BOOK-\(n)", issuedOn: today.adding(months: -60), expiresOn: today.adding(months: 36),
                                  verification: .primarySource, verifiedOn: today)
            try await CredentialStore(database: app.db).save(license, for: user.id, by: Recorder(userID: desk.id, name: desk.displayName), at: now)
            made.append(user)
        }
        let first = try await PatientStore(database: app.db).count()
        let batch = made.enumerated().flatMap { k, u in
            (0..<patientsEach).map { p in (DemoClinic.demographics(first + k * patientsEach + p), [CareTeamMember(user: u, isPrimary: true)]) }
        }
        try await app.db.transaction { tx in try await PatientStore(database: tx).bulkCreate(batch, now: now) }
        var patientsOf: [UUID: [UUID]] = [:]
        for u in made {
            patientsOf[u.id] = try await PatientStore(database: app.db).search(PatientQuery(perPage: 100), scope: .careTeamOf(u.id, now: now)).items.map(\.id)
        }
        // Plain multi-row inserts, 200 visits a statement: the book's size, not the booking rules, is what is measured.
        let columns = ["id", "patient_id", "clinician_id", "starts_at", "ends_at", "minutes", "kind", "status", "booked_by", "booked_by_name",
                       "created_at", "updated_at"]
        var rows: [[any SQLExpression]] = []
        var count = 0
        func flush() async throws {
            guard !rows.isEmpty else { return }
            let chunk = rows
            rows = []
            try await app.db.transaction { tx in
                var insert = (tx as! any SQLDatabase).insert(into: "appointments").columns(columns)
                for r in chunk { insert = insert.values(r) }
                try await insert.run()
            }
        }
        for offset in -(21 * 30)...(3 * 30) {
            let day = today.adding(days: offset)
            guard Weekday(day).rawValue <= 5 else { continue }
            for u in made {
                let patients = patientsOf[u.id] ?? []
                for hour in 8..<18 where !patients.isEmpty {
                    let start = DemoClinic.at(day, hour: Double(hour))
                    let status = start < now ? AppointmentStatus.completed : .booked
                    rows.append([SQLBind(UUID()), SQLBind(patients[abs(offset + hour) % patients.count]), SQLBind(u.id), SQLBind(start),
                                 SQLBind(start.addingTimeInterval(3300)), SQLBind(55), SQLBind(AppointmentKind.session.rawValue), SQLBind(status.rawValue),
                                 SQLBind(desk.id), SQLBind(desk.displayName), SQLBind(now), SQLBind(now)])
                    count += 1
                    if rows.count >= 200 { try await flush() }
                }
            }
        }
        try await flush()
        return count
    }
}
