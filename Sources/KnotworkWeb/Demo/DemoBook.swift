import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
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
        // 200 visits a statement: the book's size, not the booking rules, is what is measured.
        let store = AppointmentStore(database: app.db), booker = Recorder(userID: desk.id, name: desk.displayName)
        var rows: [AppointmentStore.NewVisit] = []
        var count = 0
        for offset in -(21 * 30)...(3 * 30) {
            let day = today.adding(days: offset)
            guard Weekday(day).rawValue <= 5 else { continue }
            for u in made {
                let patients = patientsOf[u.id] ?? []
                for hour in 8..<18 where !patients.isEmpty {
                    let start = DemoClinic.at(day, hour: Double(hour))
                    rows.append(.init(patientID: patients[abs(offset + hour) % patients.count],
                                      visit: Appointment(clinicianID: u.id, start: start, minutes: 55, kind: .session),
                                      status: start < now ? .completed : .booked))
                    count += 1
                    if rows.count >= 200 {
                        try await store.insert(rows, by: booker, at: now)
                        rows = []
                    }
                }
            }
        }
        try await store.insert(rows, by: booker, at: now)
        return count
    }
}
