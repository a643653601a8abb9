import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

/// A synthetic demo clinic. Every name here is invented; no real person or record is used.
public enum DemoClinic {
    public static let password = "knotwork-demo-2026"

    public static let users: [(username: String, name: String, role: Role)] = [
        ("admin", "Alex Admin", .admin),
        ("ana.lmt", "Ana Lindqvist, LMT", .massageTherapist),
        ("ben.lmt", "Ben Okafor, LMT", .massageTherapist),
        ("pat.pt", "Pat Moreau, PT", .physicalTherapist),
        ("bea.bh", "Bea Sandoval, PsyD", .behavioralHealth),
        ("max.md", "Max Whitfield, MD", .medicalProvider),
        ("fran.desk", "Fran Delgado", .frontDesk),
    ]

    static let givenNames = [
        "Amara", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hiroshi", "Ines", "Jonas", "Kalani", "Liesel",
        "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosalind", "Soren", "Talia", "Ulric", "Vera", "Wendell", "Ximena",
        "Yusuf", "Zoë", "Renée", "José", "Søren", "Anaïs", "Björn", "Chloé",
    ]
    static let familyNames = [
        "Abernathy", "Brightwater", "Castellano", "Dunmore", "Eastwick", "Fairbairn", "Galloway", "Hollister", "Ivers",
        "Jastrow", "Kettleby", "Larkspur", "Marchetti", "Northcott", "O'Rourke", "Pemberton", "Quillfeather", "Rasmussen",
        "Stavros", "Thorncastle", "Underhill", "Valderrama", "Whitlock", "Yardley", "Zabrowski", "Ångström", "Núñez",
        "Lefèvre", "Müller-Stein", "Dąbrowski",
    ]

    /// A deterministic synthetic patient number `i`.
    static func demographics(_ i: Int) -> PatientDemographics {
        let given = self.givenNames[(i * 7 + i / self.givenNames.count) % self.givenNames.count]
        let family = self.familyNames[(i * 11 + i / 13) % self.familyNames.count]
        let year = 1950 + (i * 17) % 55
        let month = 1 + (i * 5) % 12
        let day = 1 + (i * 3) % 28
        return PatientDemographics(
            givenName: given, familyName: family,
            dateOfBirth: CalendarDate(year: year, month: month, day: day)!,
            sex: [.female, .male, .female, .other, .unknown][i % 5],
            phone: String(format: "555-%03d-%04d", (i / 10_000) % 1000, i % 10_000),
            email: "patient\(i)@example.org",
            addressLine: "\(100 + i % 900) Synthetic Way", city: ["Springfield", "Riverton", "Lakeside", "Fairview"][i % 4],
            state: ["OR", "WA", "CA", "NY"][i % 4], postalCode: String(format: "9%04d", i % 10_000))
    }

    /// Seeds the demo clinic once: if the demo administrator exists, nothing is written.
    /// - Returns: whether anything was seeded.
    @discardableResult
    public static func seedIfEmpty(_ app: Application, patients: Int = 40) async throws -> Bool {
        let userStore = UserStore(database: app.db)
        if try await userStore.credentials(username: "admin") != nil { return false }
        let now = app.knotwork.clock.now()
        let hash = try await app.password.async.hash(self.password)
        var byName: [String: User] = [:]
        for u in self.users {
            byName[u.username] = try await userStore.create(username: u.username, displayName: u.name, role: u.role, passwordHash: hash, now: now)
        }
        try await self.addIdentity(app, users: byName, now: now)
        try await DemoCredentials.seed(users: byName, today: Self.clock.date(of: now), now: now, on: app.db)
        try await self.addPatients(app, count: patients, users: byName)
        // One of Ana's patients comes with three assessments, so that comparisons have something to show.
        if let first = try await PatientStore(database: app.db).find(recordNumber: "KW-000001"), let ana = byName["ana.lmt"] {
            try await DemoHistory.seed(patient: first, clinician: ana, size: .demo, today: Self.clock.date(of: now), days: 120, on: app.db, now: now)
            let team = [byName["pat.pt"], byName["bea.bh"]].compactMap { $0 }
            try await DemoWorklist.demoTeamWork(patient: first, users: byName, now: now, on: app.db)
            try await DemoHistory.plan(patient: first, clinician: ana, team: team, today: Self.clock.date(of: now), days: 120, on: app.db, now: now)
            if let pat = byName["pat.pt"] {
                // A team note from the PT, signed as the team-note page would.
                let author = Recorder(userID: pat.id, name: pat.displayName)
                let note = TeamNote(text: "Cervical rotation 60° left, 70° right; added an NDI goal. Home program: chin tucks hourly.", discipline: .physicalTherapy)
                let care = CareStore(database: app.db)
                let draft = try await care.saveDraft(note, patientID: first.id, planID: nil, kind: TeamNoteActions.kind, idempotencyKey: "demo-team-note-1",
                                                     sessionStart: now, sessionEnd: now, by: author, at: now).note
                _ = try await care.sign(draft.id, patientID: first.id, by: author, at: now, lateAfter: LateEntry.defaultThreshold) { stored in
                    (note, note.canonicalForm(patientID: first.id, noteID: stored.id, author: pat.id, signedAt: now))
                }
            }
        }
        try await self.bookVisits(app, users: byName, today: Self.clock.date(of: now), now: now)
        try await self.addReferrals(app, users: byName, today: Self.clock.date(of: now), now: now)
        try await AuditTrail(database: app.db, now: app.knotwork.clock.now)
            .record(.commandLine("demo"), AuditEntry(.userCreate, entity: "demo clinic", detail: "\(self.users.count) users, \(patients) patients"))
        return true
    }

    /// The demo clinic is in Oregon, on Pacific time: a zone that is not UTC and changes twice a year.
    static let clock = ClinicClock(identifier: "America/Los_Angeles")!

    /// A local wall time in the demo clinic (the first pass when the hour repeats, the hour after when it is skipped).
    static func at(_ day: CalendarDate, hour: Double) -> Date {
        let minutes = Int((hour * 60).rounded())
        let t = LocalTime(date: day, hour: minutes / 60, minute: minutes % 60)!
        switch Self.clock.resolve(t) {
        case .exact(let d), .repeated(let d, _): return d
        case .skipped: return Self.at(day, hour: hour + 1)
        }
    }

    /// The clinic's letterhead and the clinicians' signature details. Synthetic: 555 numbers, example NPIs with valid check
    /// digits (1234567893 is CMS's own example), an invented tax id.
    static func addIdentity(_ app: Application, users: [String: User], now: Date) async throws {
        let identity = ClinicIdentity(legalName: "Lakeshore Medical Massage (demo)", addressLine1: "100 Synthetic Way, Suite 2", city: "Springfield",
                                      state: "OR", postalCode: "97477", phone: "555-010-0100", fax: "555-010-0101", npi: "1234567893", taxID: "12-3456789")
        let admin = users["admin"]!
        let settings = ClinicSettingsStore(database: app.db)
        var current = try await settings.current()
        current.identity = identity
        current.timeZone = Self.clock.identifier
        current.reminderHours = 24
        _ = try await settings.save(current, by: Recorder(userID: admin.id, name: admin.displayName), at: now)
        let profiles: [(String, ClinicianProfile)] = [
            ("ana.lmt", ClinicianProfile(credentials: "BCTMB", npi: "1987654328", signatureBlock: ["OR LMT 00001 (demo)"])),
            ("ben.lmt", ClinicianProfile(npi: "1555012347", signatureBlock: ["OR LMT 00002 (demo)"])),
            ("pat.pt", ClinicianProfile(credentials: "DPT", npi: "1666023456", signatureBlock: ["OR PT 00003 (demo)"])),
        ]
        // In force from before the demo's history, so that its signed notes carry them.
        for (username, profile) in profiles {
            try await ClinicianProfileStore(database: app.db).save(profile, for: users[username]!.id, at: now.addingTimeInterval(-400 * 86_400))
        }
    }

    /// Today's and next week's visits (local time), so that the schedule has a day to start notes from.
    static func bookVisits(_ app: Application, users: [String: User], today: CalendarDate, now: Date) async throws {
        let visits: [(record: String, user: String, day: Int, hour: Double, minutes: Int, kind: AppointmentKind, reason: String)] = [
            ("KW-000001", "ana.lmt", 0, 9, 60, .session, "Neck and upper back, weekly"),
            ("KW-000002", "ana.lmt", 0, 10.5, 60, .session, "Low back"),
            ("KW-000003", "ana.lmt", 0, 13, 45, .reEvaluation, "Tenth visit re-evaluation"),
            ("KW-000004", "ben.lmt", 0, 9, 60, .session, "Shoulder"),
            ("KW-000001", "ana.lmt", 7, 9, 60, .session, "Neck and upper back, weekly"),
        ]
        let store = PatientStore(database: app.db)
        for v in visits {
            guard let patient = try await store.find(recordNumber: v.record), let clinician = users[v.user], let booker = users["fran.desk"] else { continue }
            let start = Self.at(today.adding(days: v.day), hour: v.hour)
            _ = try await AppointmentStore(database: app.db).book(Appointment(clinicianID: clinician.id, start: start, minutes: v.minutes, kind: v.kind,
                                                                              reason: v.reason),
                                                                  patientID: patient.id, by: Recorder(userID: booker.id, name: booker.displayName), at: now)
        }
        // A twice-weekly series as the series form books it (Monday and Wednesday at 14:00 for six weeks from tomorrow).
        if let patient = try await store.find(recordNumber: "KW-000004"), let ben = users["ben.lmt"], let booker = users["fran.desk"] {
            let series = VisitSeries(firstDay: today.adding(days: 1), weekdays: [.monday, .wednesday], hour: 14, minute: 0, weeks: 6)
            let id = UUID()
            for case .at(_, let start) in PlacedOccurrence.place(series, on: Self.clock) {
                _ = try await AppointmentStore(database: app.db).book(Appointment(clinicianID: ben.id, start: start, minutes: 60, kind: .session,
                                                                                  reason: "Shoulder, twice weekly"),
                                                                      patientID: patient.id, series: id, by: Recorder(userID: booker.id, name: booker.displayName), at: now)
            }
        }
    }

    /// KW-000001's referral from max.md about to run out (3 visits left, expiring in 5 days) and a payer authorization
    /// with 2 visits left; KW-000002's referral from an outside provider (a synthetic NPI with a valid check digit).
    static func addReferrals(_ app: Application, users: [String: User], today: CalendarDate, now: Date) async throws {
        guard let md = users["max.md"], let desk = users["fran.desk"] else { return }
        let store = PatientStore(database: app.db)
        let referrals = ReferralStore(database: app.db)
        let by = Recorder(userID: desk.id, name: desk.displayName)
        if let first = try await store.find(recordNumber: "KW-000001") {
            _ = try await referrals.create(Referral(kind: .order, providerUserID: md.id, providerName: md.displayName, diagnoses: ["M54.2", "M62.838"],
                                                    service: "Medical massage: myofascial release and trigger-point therapy (97140)", frequencyPerWeek: 1,
                                                    durationWeeks: 12, authorizedVisits: 3, receivedOn: today.adding(days: -85), start: today.adding(days: -85),
                                                    expiry: today.adding(days: 5), goals: "Less neck pain at work; turn the head fully when driving."),
                                           status: .active, patientID: first.id, by: by, at: now)
            _ = try await referrals.create(Referral(kind: .authorization, payer: "Synthetic Health Plan", authorizationNumber: "AUTH-2026-0142",
                                                    authorizedVisits: 2, receivedOn: today.adding(days: -30), start: today.adding(days: -30),
                                                    expiry: today.adding(days: 60)),
                                           status: .active, patientID: first.id, by: by, at: now)
        }
        if let second = try await store.find(recordNumber: "KW-000002") {
            let outside = ExternalProvider(name: "Dr. Rowan Vale", npi: "1234567893", practice: "Synthetic Family Practice", phone: "555-010-7000",
                                           fax: "555-010-7001", email: "rvale@direct.example.org")
            _ = try await referrals.create(Referral(kind: .order, providerName: outside.name, external: outside, diagnoses: ["M54.50"],
                                                    service: "Medical massage for low back pain (97140, 97124)", frequencyPerWeek: 2, durationWeeks: 6,
                                                    authorizedVisits: 12, receivedOn: today.adding(days: -3), start: today.adding(days: -3),
                                                    expiry: today.adding(days: 60)),
                                           status: .active, patientID: second.id, by: by, at: now)
        }
    }

    /// Adds synthetic patients with care teams in batches (the benchmark seeds 100,000 this way).
    public static func addPatients(_ app: Application, count: Int, users: [String: User]? = nil) async throws {
        var byName = users ?? [:]
        if byName.isEmpty {
            for u in try await UserStore(database: app.db).all() { byName[u.username] = u }
        }
        guard let ana = byName["ana.lmt"], let ben = byName["ben.lmt"], let pt = byName["pat.pt"],
              let bh = byName["bea.bh"], let md = byName["max.md"] else { return }
        let now = app.knotwork.clock.now()
        let start = try await PatientStore(database: app.db).count()
        var i = 0
        while i < count {
            let end = min(count, i + 500)
            let range = i..<end
            let batch = range.map { n -> (PatientDemographics, [CareTeamMember]) in
                let index = start + n
                // Three in four patients are Ana's; the rest are Ben's, so each therapist has
                // patients the other may not see.
                let primary = index % 4 == 3 ? ben : ana
                var team = [CareTeamMember(user: primary, isPrimary: true), CareTeamMember(user: md, isPrimary: false)]
                if index % 2 == 0 { team.append(CareTeamMember(user: pt, isPrimary: false)) }
                if index % 3 == 0 { team.append(CareTeamMember(user: bh, isPrimary: false)) }
                return (self.demographics(index), team)
            }
            try await app.db.transaction { tx in
                try await PatientStore(database: tx).bulkCreate(batch, now: now)
            }
            i = end
        }
    }
}
