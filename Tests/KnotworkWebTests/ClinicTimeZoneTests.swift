import Foundation
import KnotworkCore
import KnotworkStore
import Testing
import Vapor
import VaporTesting
@testable import KnotworkWeb

/// The clinic's time zone (issue 13 §1) through the real app and database: an IANA name in the settings, typed times
/// read on the clinic's clock (the spring gap refused, the autumn hour asked), pages in local time while the API keeps
/// UTC instants, the schedule's day from local midnight to midnight, and the date of service the local date. The 2026
/// US changes are 8 March and 1 November at 02:00 local (15 U.S.C. §260a).
@Suite struct ClinicTimeZoneTests {
    typealias API = AssessmentTests.API

    func base(_ p: Patient) -> String { "/api/v1/patients/\(p.id.uuidString)" }

    static func utc(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

    func inChicago(_ clinic: Clinic) async throws {
        let admin = try await API(clinic, "admin")
        let saved = try await admin.json(.PUT, "/api/v1/clinic-settings", #"{"timeZone":"America/Chicago"}"#, expect: .ok)
        #expect(saved["timeZone"] as? String == "America/Chicago")
    }

    func bookingForm(_ clinic: Clinic, _ session: BrowserSession, start: String, extra: [(String, String)] = []) -> (HTTPHeaders, ByteBuffer) {
        session.form([("clinicianId", clinic.user("ana.lmt").id.uuidString), ("start", start), ("minutes", "45"), ("kind", "session")] + extra)
    }

    @Test func theZoneIsAnIANANameAndChangingItRewritesNoStoredInstant() async throws {
        try await withClinic { clinic in
            let admin = try await API(clinic, "admin")
            let desk = try await API(clinic, "fran.desk")
            let p = clinic.anaPatient!
            let defaults = try await admin.json(.GET, "/api/v1/clinic-settings", expect: .ok)
            #expect(defaults["timeZone"] as? String == "UTC")
            let visit = try await desk.json(.POST, self.base(p) + "/appointments",
                                            #"{"clinicianId":"\#(clinic.user("ana.lmt").id.uuidString)","start":"2026-09-22T14:00:00Z","minutes":60,"kind":"session"}"#,
                                            expect: .created)
            for bad in ["CST", "Central", "GMT+5", "America/Chicagoo"] {
                let refused = try await admin.json(.PUT, "/api/v1/clinic-settings", #"{"timeZone":"\#(bad)"}"#, expect: .unprocessableEntity)
                let error = ((refused["errors"] as? [[String: Any]]) ?? []).first
                #expect(error?["field"] as? String == "timeZone" && (error?["message"] as? String)?.contains("IANA") == true, "\(bad)")
            }
            #expect(try await ClinicSettingsStore(database: clinic.app.db).currentVersion() == nil)
            #expect(try await clinic.auditCount(.clinicSettingsUpdate, outcome: "failure") == 4)

            try await self.inChicago(clinic)
            #expect(try await clinic.auditCount(.clinicSettingsUpdate, outcome: "success") == 1)
            // The stored instant is the same; the API still says it in UTC, the page in Chicago's daylight time.
            let id = try #require(visit["id"] as? String)
            let items = (try await desk.json(.GET, "/api/v1/schedule?clinician=all&day=2026-09-22", expect: .ok)["items"] as? [[String: Any]]) ?? []
            #expect(items.first { $0["id"] as? String == id }?["start"] as? String == "2026-09-22T14:00:00Z")
            let fran = try await clinic.signIn("fran.desk")
            let page = try await clinic.tester.sendRequest(.GET, "/patients/\(p.id)/appointments", headers: fran.headers)
            #expect(page.body.string.contains("2026-09-22 09:00, 60 min") && page.body.string.contains("times in America/Chicago"))
            // The administrator's page offers the zone by name.
            let adminPage = try await clinic.signIn("admin")
            let settings = try await clinic.tester.sendRequest(.GET, "/admin/clinic", headers: adminPage.headers)
            #expect(settings.body.string.contains(#"name="timeZone""#) && settings.body.string.contains(#"value="America/Chicago""#))
        }
    }

    @Test func theScheduleDayRunsFromLocalMidnightToMidnight() async throws {
        try await withClinic { clinic in
            try await self.inChicago(clinic)
            let desk = try await API(clinic, "fran.desk")
            let p = clinic.anaPatient!
            // 23:30 on 21 September and 23:30 on 22 September in Chicago (UTC-5): both fall on the 22nd and 23rd in UTC.
            var ids: [String] = []
            for start in ["2026-09-22T04:30:00Z", "2026-09-23T04:30:00Z", "2026-09-22T05:00:00Z"] {
                let v = try await desk.json(.POST, self.base(p) + "/appointments",
                                            #"{"clinicianId":"\#(clinic.user("ana.lmt").id.uuidString)","start":"\#(start)","minutes":30,"kind":"session"}"#,
                                            expect: .created)
                ids.append(v["id"] as! String)
            }
            let day = (try await desk.json(.GET, "/api/v1/schedule?clinician=all&day=2026-09-22", expect: .ok)["items"] as? [[String: Any]]) ?? []
            #expect(day.compactMap { $0["id"] as? String } == [ids[2], ids[1]])
            let before = (try await desk.json(.GET, "/api/v1/schedule?clinician=all&day=2026-09-21", expect: .ok)["items"] as? [[String: Any]]) ?? []
            #expect(before.compactMap { $0["id"] as? String } == [ids[0]])
            let ana = try await clinic.signIn("ana.lmt")
            let html = try await clinic.tester.sendRequest(.GET, "/schedule?day=2026-09-22", headers: ana.headers)
            #expect(html.body.string.contains("00:00–00:30 (30 min)") && html.body.string.contains("23:30–00:00 (30 min)"))
        }
    }

    @Test func theSpringGapIsRefusedAndTheAutumnHourAsksWhichPass() async throws {
        // A week before the November change, so both days are in the future.
        try await withClinic(clock: TestClock(Self.utc("2026-02-27T15:00:00Z"))) { clinic in
            try await self.inChicago(clinic)
            let fran = try await clinic.signIn("fran.desk")
            let t = try clinic.tester
            let p = clinic.anaPatient!
            var (h, b) = self.bookingForm(clinic, fran, start: "2026-03-08T02:30")
            let gap = try await t.sendRequest(.POST, "/patients/\(p.id)/appointments", headers: h, body: b)
            #expect(gap.status == .unprocessableEntity && gap.body.string.contains("does not exist in America/Chicago"))
            #expect(gap.body.string.contains(#"value="2026-03-08T02:30""#), "the typed time comes back")
            #expect(try await AppointmentStore(database: clinic.app.db).appointments(of: p.id).isEmpty)
            (h, b) = self.bookingForm(clinic, fran, start: "2026-03-08T03:00")
            #expect(try await t.sendRequest(.POST, "/patients/\(p.id)/appointments", headers: h, body: b).status == .seeOther)
            #expect(try await AppointmentStore(database: clinic.app.db).appointments(of: p.id).map(\.appointment.start) == [Self.utc("2026-03-08T08:00:00Z")])
        }
        try await withClinic(clock: TestClock(Self.utc("2026-10-25T15:00:00Z"))) { clinic in
            try await self.inChicago(clinic)
            let fran = try await clinic.signIn("fran.desk")
            let t = try clinic.tester
            let p = clinic.anaPatient!
            var (h, b) = self.bookingForm(clinic, fran, start: "2026-11-01T01:30")
            let asked = try await t.sendRequest(.POST, "/patients/\(p.id)/appointments", headers: h, body: b)
            #expect(asked.status == .unprocessableEntity && asked.body.string.contains("happens twice"))
            #expect(asked.body.string.contains(#"name="startRepeated""#) && asked.body.string.contains(#"value="later""#))
            #expect(try await AppointmentStore(database: clinic.app.db).appointments(of: p.id).isEmpty)
            (h, b) = self.bookingForm(clinic, fran, start: "2026-11-01T01:30", extra: [("startRepeated", "later")])
            #expect(try await t.sendRequest(.POST, "/patients/\(p.id)/appointments", headers: h, body: b).status == .seeOther)
            // The later pass is standard time (UTC-6); a visit in the earlier pass an hour before does not clash with it.
            (h, b) = self.bookingForm(clinic, fran, start: "2026-11-01T01:00", extra: [("startRepeated", "earlier")])
            #expect(try await t.sendRequest(.POST, "/patients/\(p.id)/appointments", headers: h, body: b).status == .seeOther)
            let starts = try await AppointmentStore(database: clinic.app.db).appointments(of: p.id).map(\.appointment.start).sorted()
            #expect(starts == [Self.utc("2026-11-01T06:00:00Z"), Self.utc("2026-11-01T07:30:00Z")])
        }
    }

    @Test func aNoteSignedInTheEveningIsOnTheLocalDateOfService() async throws {
        try await withClinic { clinic in
            try await self.inChicago(clinic)
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            // 21:00–21:50 on 20 September in Chicago is already the 21st in UTC.
            let note = """
                {"idempotencyKey":"evening","note":{"subjective":{"painToday":6},
                 "interventions":[{"technique":"myofascial-release","regions":["neck-back.left"],"minutes":40,"pressure":"moderate"}],
                 "painAfter":3,"timeIn":"2026-09-21T02:00:00Z","timeOut":"2026-09-21T02:50:00Z"}}
                """
            let draft = try await ana.json(.POST, self.base(p) + "/notes", note, expect: .created)
            _ = try await ana.json(.POST, self.base(p) + "/notes/\(draft["id"] as! String)/sign", "{}", expect: .ok)
            let pain = try await AssessmentStore(database: clinic.app.db).latest(.measure, of: p.id, code: "NRS-NOW")
            #expect(pain.map(\.recordedOn) == [CalendarDate("2026-09-20")!])
            // The note form shows the times as typed in Chicago.
            let session = try await clinic.signIn("ana.lmt")
            let form = try await clinic.tester.sendRequest(.GET, "/patients/\(p.id)/notes/\(draft["id"] as! String)", headers: session.headers)
            #expect(form.body.string.contains("2026-09-20 21:00"), "the signed note reads in local time")
        }
    }

    @Test func theWeekRunsFromLocalMondayToSunday() async throws {
        try await withClinic { clinic in
            try await self.inChicago(clinic)
            let desk = try await API(clinic, "fran.desk")
            let p = clinic.anaPatient!
            var ids: [String] = []
            // Tuesday 22 September 09:00, Sunday 27 September 23:30 (Monday in UTC) and Monday 28 September 09:00, in Chicago.
            for start in ["2026-09-22T14:00:00Z", "2026-09-28T04:30:00Z", "2026-09-28T14:00:00Z"] {
                let v = try await desk.json(.POST, self.base(p) + "/appointments",
                                            #"{"clinicianId":"\#(clinic.user("ana.lmt").id.uuidString)","start":"\#(start)","minutes":30,"kind":"session"}"#,
                                            expect: .created)
                ids.append(v["id"] as! String)
            }
            let week = try await desk.json(.GET, "/api/v1/schedule?clinician=all&day=2026-09-24&view=week", expect: .ok)
            #expect(week["day"] as? String == "2026-09-21" && week["days"] as? Int == 7)
            #expect(((week["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == [ids[0], ids[1]])
            let bad = try await desk.json(.GET, "/api/v1/schedule?day=2026-09-24&view=month", expect: .unprocessableEntity)
            #expect(((bad["errors"] as? [[String: Any]]) ?? []).first?["field"] as? String == "view")
            let fran = try await clinic.signIn("fran.desk")
            let html = try await clinic.tester.sendRequest(.GET, "/schedule?clinician=all&day=2026-09-27&view=week", headers: fran.headers).body.string
            #expect(html.contains("Schedule · week of 2026-09-21") && html.contains("Sunday 2026-09-27") && html.contains("23:30–00:00 (30 min)"))
            #expect(html.contains(#"id="schedule-2026-09-22""#) && !html.contains(#"id="schedule-2026-09-23""#) && html.contains("Next week →"))
        }
    }
}
