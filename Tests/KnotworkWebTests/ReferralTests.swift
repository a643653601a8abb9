import Foundation
import KnotworkCore
import KnotworkStore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import KnotworkWeb

/// Referrals and payer authorizations with their visit counters (issue 11), on a real database: entry with its field
/// errors, signed sessions counted exactly once (also when two signers race for the last visit), overrides with their
/// reasons on the admin report, booking beyond the authorized visits, and the care-team rule. The test clock's now is
/// 2026-09-21T14:13:20Z; test notes are dated that day.
@Suite struct ReferralTests {
    typealias API = AssessmentTests.API

    func base(_ p: Patient) -> String { "/api/v1/patients/\(p.id.uuidString)" }

    func count(_ clinic: Clinic, _ table: String) async throws -> Int {
        let row = try await (clinic.app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()
        return try row?.decode(column: "n", as: Int.self) ?? -1
    }

    func used(_ clinic: Clinic, _ id: UUID) async throws -> Int {
        let row = try await (clinic.app.db as! any SQLDatabase).raw("SELECT used_visits FROM referrals WHERE id = \(bind: id)").first()
        return try row?.decode(column: "used_visits", as: Int.self) ?? -1
    }

    /// Drafts `notes` notes for `p` by ana.lmt, then signs them all at once; the statuses in the order they came.
    func signAtOnce(_ clinic: Clinic, _ p: Patient, notes count: Int) async throws -> [HTTPStatus] {
        let token = try await clinic.token("ana.lmt")
        var notes: [UUID] = []
        for _ in 0..<count { notes.append(try await clinic.addNote(p, by: "ana.lmt").id) }
        let t = try clinic.tester
        let base = self.base(p)
        var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
        headers.contentType = .json
        return try await withThrowingTaskGroup(of: HTTPStatus.self) { [headers] group in
            for id in notes {
                group.addTask { try await t.sendRequest(.POST, base + "/notes/\(id)/sign", headers: headers, body: ByteBuffer(string: "{}")).status }
            }
            var out: [HTTPStatus] = []
            for try await s in group { out.append(s) }
            return out
        }
    }

    static let outside = #"{"kind":"order","external":{"name":"Dr. Rowan Vale","npi":"1234567893","practice":"Synthetic Family Practice","#
        + #""email":"rvale@direct.example.org"},"diagnoses":["m542"],"service":"Medical massage (97140)","frequencyPerWeek":2,"durationWeeks":6,"#
        + #""authorizedVisits":12,"receivedOn":"2026-09-01","start":"2026-09-01","expiry":"2026-10-31"}"#

    @Test func aTherapistEntersAnOutsideReferralAndTheCareTeamRuleHolds() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let created = try await ana.json(.POST, self.base(p) + "/referrals", Self.outside, expect: .created)
            #expect(created["status"] as? String == "active" && created["used"] as? Int == 0 && created["left"] as? Int == 12)
            #expect(created["title"] as? String == "Referral from Dr. Rowan Vale")
            #expect(created["daysToExpiry"] as? Int == 40)
            let referral = created["referral"] as? [String: Any]
            #expect(referral?["diagnoses"] as? [String] == ["M54.2"])
            #expect((referral?["external"] as? [String: Any])?["npi"] as? String == "1234567893")
            #expect(try await clinic.auditCount(.referralCreate, outcome: "success") == 1)
            let id = try #require(created["id"] as? String)
            let shown = try await ana.json(.GET, self.base(p) + "/referrals/\(id)", expect: .ok)
            #expect((shown["usages"] as? [Any])?.isEmpty == true)
            #expect(((try await ana.json(.GET, self.base(p) + "/referrals", expect: .ok))["items"] as? [Any])?.count == 1)

            // Outside the care team, and for the front desk, the referral does not exist.
            let ben = try await API(clinic, "ben.lmt")
            _ = try await ben.json(.GET, self.base(p) + "/referrals/\(id)", expect: .notFound)
            _ = try await ben.json(.POST, self.base(p) + "/referrals", Self.outside, expect: .notFound)
            _ = try await API(clinic, "fran.desk").json(.GET, self.base(p) + "/referrals", expect: .notFound)
            #expect(try await self.count(clinic, "referrals") == 1)

            // Cancelling needs a reason; a cancelled referral stays cancelled.
            _ = try await ana.json(.POST, self.base(p) + "/referrals/\(id)/status", #"{"status":"cancelled"}"#, expect: .unprocessableEntity)
            let cancelled = try await ana.json(.POST, self.base(p) + "/referrals/\(id)/status", #"{"status":"cancelled","reason":"Entered twice"}"#, expect: .ok)
            #expect(cancelled["status"] as? String == "cancelled" && cancelled["statusReason"] as? String == "Entered twice")
            _ = try await ana.json(.POST, self.base(p) + "/referrals/\(id)/status", #"{"status":"active"}"#, expect: .unprocessableEntity)
        }
    }

    @Test(arguments: [
        (#""npi":"1234567893""#, #""npi":"1234567890""#, "external.npi"),
        (#""npi":"1234567893""#, #""npi":"12345""#, "external.npi"),
        (#""expiry":"2026-10-31""#, #""expiry":"2026-08-31""#, "expiry"),
        (#""authorizedVisits":12"#, #""authorizedVisits":0"#, "authorizedVisits"),
        (#""authorizedVisits":12"#, #""authorizedVisits":-3"#, "authorizedVisits"),
        (#"["m542"]"#, #"["Q99.99"]"#, "diagnoses[0]"),
        // M54.5 was deleted for dates of service from 2021-10-01 (ICD-10-CM FY2022).
        (#"["m542"]"#, #"["M54.5"]"#, "diagnoses[0]"),
        (#"["m542"]"#, #"[]"#, "diagnoses[0]"),
        (#""receivedOn":"2026-09-01""#, #""receivedOn":"2026-12-01""#, "receivedOn"),
        (#""email":"rvale@direct.example.org""#, #""email":"not an address""#, "external.email"),
        (#""kind":"order""#, #""kind":"prescription""#, "kind"),
    ])
    func badReferralsAreRefusedOnTheirFieldAndWriteNothing(from: String, to: String, field: String) async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let body = try await ana.json(.POST, self.base(clinic.anaPatient) + "/referrals", Self.outside.replacingOccurrences(of: from, with: to),
                                          expect: .unprocessableEntity)
            let fields = ((body["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
            #expect(fields.contains(field), "\(to): \(fields)")
            #expect(try await self.count(clinic, "referrals") == 0)
            #expect(try await clinic.auditCount(.referralCreate, outcome: "failure") == 1)
        }
    }

    @Test func signedSessionsCountToTheLastVisitThenNeedAnOverride() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let order = try await clinic.addReferral(p, visits: 2)
            let auth = try await clinic.addReferral(p, visits: 5, kind: .authorization)
            for _ in 0..<2 {
                let note = try await clinic.addNote(p, by: "ana.lmt")
                _ = try await ana.json(.POST, self.base(p) + "/notes/\(note.id)/sign", "{}", expect: .ok)
            }
            #expect(try await self.used(clinic, order.id) == 2)
            #expect(try await self.used(clinic, auth.id) == 2)
            let shown = try await ana.json(.GET, self.base(p) + "/referrals/\(order.id)", expect: .ok)
            #expect(shown["status"] as? String == "exhausted" && shown["left"] as? Int == 0)
            #expect(shown["alerts"] as? [String] == ["no authorized visits left"])
            #expect((shown["usages"] as? [[String: Any]])?.map { $0["dateOfService"] as? String } == ["2026-09-21", "2026-09-21"])

            // The third session: refused on the override reason, nothing signed or counted.
            let third = try await clinic.addNote(p, by: "ana.lmt")
            let refused = try await ana.json(.POST, self.base(p) + "/notes/\(third.id)/sign", "{}", expect: .unprocessableEntity)
            let error = ((refused["errors"] as? [[String: Any]]) ?? []).first
            #expect(error?["field"] as? String == "overrideReason")
            #expect((error?["message"] as? String)?.contains("no authorized visits left (2 of 2 used)") == true)
            #expect(try await CareStore(database: clinic.app.db).note(third.id, of: p.id)?.isSigned == false)
            #expect(try await self.used(clinic, auth.id) == 2)

            // With a reason it signs, counts beyond the limit, and lands on the administrator's report.
            _ = try await ana.json(.POST, self.base(p) + "/notes/\(third.id)/sign", #"{"overrideReason":"Renewal requested; provider agreed by phone"}"#,
                                   expect: .ok)
            #expect(try await self.used(clinic, order.id) == 3)
            #expect(try await self.used(clinic, auth.id) == 3)
            let report = try await API(clinic, "admin").json(.GET, "/api/v1/coverage-overrides", expect: .ok)
            let rows = (report["items"] as? [[String: Any]]) ?? []
            #expect(rows.count == 1 && rows.first?["action"] as? String == "signing" && rows.first?["problem"] as? String == "exhausted")
            #expect(rows.first?["reason"] as? String == "Renewal requested; provider agreed by phone")
            _ = try await ana.json(.GET, "/api/v1/coverage-overrides", expect: .notFound)
            #expect(try await self.count(clinic, "referral_usages") == 6)
        }
    }

    @Test func theAlertThresholdsAreTheClinicsSettings() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let admin = try await API(clinic, "admin")
            let p = clinic.anaPatient!
            let order = try await clinic.addReferral(p, visits: 4)
            #expect((try await ana.json(.GET, self.base(p) + "/referrals/\(order.id)", expect: .ok))["alerts"] as? [String] == [])
            _ = try await admin.json(.PUT, "/api/v1/clinic-settings", #"{"alertVisitsLeft":99}"#, expect: .unprocessableEntity)
            let saved = try await admin.json(.PUT, "/api/v1/clinic-settings", #"{"alertVisitsLeft":4,"alertDaysToExpiry":120}"#, expect: .unprocessableEntity)
            #expect(((saved["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String } == ["alertDaysToExpiry"])
            let ok = try await admin.json(.PUT, "/api/v1/clinic-settings", #"{"alertVisitsLeft":4}"#, expect: .ok)
            #expect(ok["alertVisitsLeft"] as? Int == 4 && ok["alertDaysToExpiry"] as? Int == 7)
            #expect((try await ana.json(.GET, self.base(p) + "/referrals/\(order.id)", expect: .ok))["alerts"] as? [String] == ["4 visits left"])
        }
    }

    @Test func anotherReferralIsChosenOnlyWithAReason() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            // The automatic choice is the one expiring first.
            let soon = try await clinic.addReferral(p, visits: 5, expiry: "2026-10-01")
            let later = try await clinic.addReferral(p, visits: 5, expiry: "2026-12-31")
            let note = try await clinic.addNote(p, by: "ana.lmt")
            _ = try await ana.json(.POST, self.base(p) + "/notes/\(note.id)/sign", #"{"orderId":"\#(later.id)"}"#, expect: .unprocessableEntity)
            _ = try await ana.json(.POST, self.base(p) + "/notes/\(note.id)/sign", #"{"orderId":"\#(UUID())","changeReason":"x"}"#,
                                   expect: .unprocessableEntity)
            _ = try await ana.json(.POST, self.base(p) + "/notes/\(note.id)/sign", #"{"orderId":"\#(later.id)","changeReason":"The new order covers the neck"}"#,
                                   expect: .ok)
            #expect(try await self.used(clinic, soon.id) == 0)
            #expect(try await self.used(clinic, later.id) == 1)
            let next = try await clinic.addNote(p, by: "ana.lmt")
            _ = try await ana.json(.POST, self.base(p) + "/notes/\(next.id)/sign", "{}", expect: .ok)
            #expect(try await self.used(clinic, soon.id) == 1)
        }
    }

    @Test func twoSignersRacingForTheLastVisitNeverBothTakeIt() async throws {
        try await withClinic { clinic in
            let p = clinic.anaPatient!
            let order = try await clinic.addReferral(p, visits: 1)
            let statuses = try await self.signAtOnce(clinic, p, notes: 6)
            #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .unprocessableEntity }.count == 5, "\(statuses)")
            #expect(try await self.used(clinic, order.id) == 1)
            #expect(try await self.count(clinic, "referral_usages") == 1)
            let signed = try await CareStore(database: clinic.app.db).notes(of: p.id).filter(\.isSigned)
            #expect(signed.count == 1)
        }
    }

    @Test func aSignerWhoLosesTheLastVisitCountsAgainstTheNextCoveringReferral() async throws {
        try await withClinic { clinic in
            let p = clinic.anaPatient!
            // Chosen first (it expires first): one visit. The other covers the same date with plenty left.
            let first = try await clinic.addReferral(p, visits: 1, expiry: "2026-10-01")
            let next = try await clinic.addReferral(p, visits: 20, expiry: "2026-12-31")
            let statuses = try await self.signAtOnce(clinic, p, notes: 6)
            #expect(statuses.allSatisfy { $0 == .ok }, "\(statuses)")
            #expect(try await self.used(clinic, first.id) == 1)
            #expect(try await self.used(clinic, next.id) == 5)
            #expect(try await self.count(clinic, "referral_usages") == 6)
        }
    }

    @Test func bookingBeyondTheAuthorizedVisitsNeedsAnOverride() async throws {
        try await withClinic { clinic in
            let desk = try await API(clinic, "fran.desk")
            let p = clinic.anaPatient!
            let order = try await clinic.addReferral(p, visits: 1, expiry: "2026-09-30")
            let ana = clinic.user("ana.lmt").id.uuidString
            func booking(_ start: String, _ extra: String = "") -> String {
                #"{"clinicianId":"\#(ana)","start":"\#(start)","minutes":60\#(extra)}"#
            }
            _ = try await desk.json(.POST, self.base(p) + "/appointments", booking("2026-09-22T09:00:00Z"), expect: .created)
            // The one authorized visit is booked: a second needs a reason, and so does one after the expiry.
            let refused = try await desk.json(.POST, self.base(p) + "/appointments", booking("2026-09-23T09:00:00Z"), expect: .unprocessableEntity)
            #expect(((refused["errors"] as? [[String: Any]]) ?? []).first?["field"] as? String == "overrideReason")
            #expect(try await self.count(clinic, "appointments") == 1)
            _ = try await desk.json(.POST, self.base(p) + "/appointments", booking("2026-09-23T09:00:00Z", #","overrideReason":"Renewal pending""#),
                                    expect: .created)
            let late = try await desk.json(.POST, self.base(p) + "/appointments", booking("2026-10-05T09:00:00Z"), expect: .unprocessableEntity)
            #expect((((late["errors"] as? [[String: Any]]) ?? []).first?["message"] as? String)?.contains("expired on 2026-09-30") == true)
            let rows = try await ReferralStore(database: clinic.app.db).overrides()
            #expect(rows.map(\.action) == [.booking] && rows.first?.referralID == order.id && rows.first?.appointmentID != nil)
            // Booking counts nothing: only signing does.
            #expect(try await self.used(clinic, order.id) == 0)
        }
    }

    @Test func thePagesShowTheCounterAndTheFieldErrors() async throws {
        try await withClinic { clinic in
            let p = clinic.anaPatient!
            let order = try await clinic.addReferral(p, visits: 2)
            let browser = try await clinic.signIn("ana.lmt")
            let t = try clinic.tester
            func get(_ path: String, _ session: BrowserSession = browser) async throws -> TestingHTTPResponse {
                try await t.sendRequest(.GET, path, headers: session.headers)
            }
            let page = try await get("/patients/\(p.id.uuidString)")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("id=\"visit-counters\"") && page.body.string.contains("2 visits left"))
            let list = try await get("/patients/\(p.id.uuidString)/referrals")
            #expect(list.status == .ok && list.body.string.contains("Referral from Max.Md"))
            let shown = try await get("/patients/\(p.id.uuidString)/referrals/\(order.id.uuidString)")
            #expect(shown.status == .ok && shown.body.string.contains("0 of 2 used, 2 left"))
            let note = try await get("/patients/\(p.id.uuidString)/notes/new")
            #expect(note.body.string.contains("id=\"coverage\"") && note.body.string.contains("Automatic: Referral from Max.Md"))
            let (h, b) = browser.form([
                ("kind", "order"), ("external[name]", "Dr. Rowan Vale"), ("external[npi]", "1234567890"), ("diagnoses[0]", "M54.2"),
                ("authorizedVisits", "12"), ("receivedOn", "2026-09-01"), ("start", "2026-09-01"), ("expiry", "2026-10-31"),
            ])
            let bad = try await t.sendRequest(.POST, "/patients/\(p.id.uuidString)/referrals", headers: h, body: b)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("1234567890 is not a valid NPI: its check digit is wrong."))
            #expect(try await self.count(clinic, "referrals") == 1)
            // A plan started from the referral carries its diagnosis and is linked both ways.
            let planForm = try await get("/patients/\(p.id.uuidString)/plans/new?referral=\(order.id.uuidString)")
            #expect(planForm.status == .ok && planForm.body.string.contains("value=\"M54.2\"")
                && planForm.body.string.contains("name=\"referralId\" value=\"\(order.id.uuidString.lowercased())\""))
            // The front desk's booking page and the schedule show the counts, without a way into the referral.
            let desk = try await clinic.signIn("fran.desk")
            let booking = try await get("/patients/\(p.id.uuidString)/appointments", desk)
            #expect(booking.body.string.contains("0 of 2 used, 2 left") && !booking.body.string.contains("/referrals/"))
            _ = try await clinic.addAppointment(p, with: "ana.lmt")
            let day = try await get("/schedule?day=2026-09-21", desk)
            #expect(day.body.string.contains("Referral: 2 of 2 left (2 visits left)"))
            // ana's worklist lists the referral running out; ben's does not (not his patient).
            let tasks = try await get("/tasks")
            #expect(tasks.body.string.contains("id=\"referrals-running-out\"") && tasks.body.string.contains("Amara Abernathy</a> · Referral from Max.Md"))
            let ben = try await clinic.signIn("ben.lmt")
            #expect(!(try await get("/tasks", ben)).body.string.contains("Amara Abernathy"))
            let admin = try await clinic.signIn("admin")
            #expect(try await get("/admin/coverage-overrides", admin).status == .ok)
        }
    }
}
