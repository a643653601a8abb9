import Fluent
import Foundation
import KnotworkCore
import KnotworkStore

/// The demo clinicians' Oregon licenses and CE logs (synthetic numbers), so that the compliance page and the worklist
/// have each standing to show: Ana compliant but expiring within the 60-day warning, Ben short of CE hours (Oregon: 25 h
/// with 4 h ethics and 1 h cultural competency, OAR 334-010-0050), the others licensed in their own professions.
enum DemoCredentials {
    static func seed(users: [String: User], today: CalendarDate, now: Date, on db: any Database) async throws {
        guard let admin = users["admin"] else { return }
        let store = CredentialStore(database: db)
        let by = Recorder(userID: admin.id, name: admin.displayName)
        let verified = today.adding(days: -30)
        let licenses: [(String, LicenseKind, String, String, CalendarDate)] = [
            ("ana.lmt", .lmt, "OR", "OR-LMT-00001", today.adding(days: 40)),
            ("ana.lmt", .bctmb, LicenseKind.nationalJurisdiction, "BCTMB-000001", today.adding(months: 14)),
            ("ben.lmt", .lmt, "OR", "OR-LMT-00002", today.adding(months: 10)),
            ("pat.pt", .pt, "OR", "OR-PT-00003", today.adding(months: 18)),
            ("bea.bh", .psychologist, "OR", "OR-PSY-00004", today.adding(months: 20)),
            ("max.md", .md, "OR", "OR-MD-00005", today.adding(months: 22)),
        ]
        for (username, kind, state, number, expires) in licenses {
            guard let user = users[username] else { continue }
            let license = License(kind: kind, jurisdiction: state, number: number, issuedOn: today.adding(months: -60), expiresOn: expires,
                                  verification: .primarySource, verifiedOn: verified)
            try await store.save(license, for: user.id, by: by, at: now)
        }
        let courses: [(String, String, Int, Double, [CECategory], CEDelivery)] = [
            ("ana.lmt", "Ethics, boundaries and consent in medical massage", -200, 4, [.ethics], .live),
            ("ana.lmt", "Cultural competency in pain care", -150, 1, [.culturalCompetency], .online),
            ("ana.lmt", "Myofascial release of the cervical spine", -120, 12, [.handsOn], .live),
            ("ana.lmt", "Trigger-point therapy for chronic low back pain", -60, 8, [.handsOn], .live),
            ("ben.lmt", "Shoulder girdle assessment and treatment", -90, 10, [.handsOn], .live),
            ("ben.lmt", "Professional ethics refresher", -45, 2, [.ethics], .online),
        ]
        for (username, title, days, hours, categories, delivery) in courses {
            guard let user = users[username] else { continue }
            let course = CECourse(title: title, provider: "Synthetic CE Institute (demo)", completedOn: today.adding(days: days), hours: hours,
                                  categories: categories, delivery: delivery)
            try await store.add(course, for: user.id, by: Recorder(userID: user.id, name: user.displayName), at: now)
        }
    }
}
