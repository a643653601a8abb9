import Foundation
import KnotworkCore
import KnotworkStore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import KnotworkWeb

/// The appointment book that session notes start from (issue 4 §2), on a real database: booking with a clinician of the
/// care team, overlaps refused, status moves, the visit's note linked and the visit completed by signing it, and the
/// care-team rule on every read. The test clock's now is 2026-09-21T14:13:20Z.
@Suite struct AppointmentTests {
    typealias API = AssessmentTests.API

    func base(_ p: Patient) -> String { "/api/v1/patients/\(p.id.uuidString)" }

    func visitCount(_ clinic: Clinic) async throws -> Int {
        let row = try await (clinic.app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM appointments").first()
        return try row?.decode(column: "n", as: Int.self) ?? -1
    }

    func booking(_ clinic: Clinic, _ user: String = "ana.lmt", start: String = "2026-09-22T09:00:00Z", minutes: Int = 60, extra: String = "") -> String {
        #"{"clinicianId":"\#(clinic.user(user).id.uuidString)","start":"\#(start)","minutes":\#(minutes),"kind":"session"\#(extra)}"#
    }

    @Test func theFrontDeskBooksAVisitAndTheClinicianSeesItOnTheirDay() async throws {
        try await withClinic { clinic in
            let desk = try await API(clinic, "fran.desk")
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let visit = try await desk.json(.POST, self.base(p) + "/appointments", self.booking(clinic, extra: #","reason":"Neck follow-up""#), expect: .created)
            #expect(visit["status"] as? String == "booked" && visit["minutes"] as? Int == 60 && visit["end"] as? String == "2026-09-22T10:00:00Z")
            #expect(visit["clinicianName"] as? String == "Ana.Lmt" && visit["bookedBy"] as? String == "Fran.Desk" && visit["reason"] as? String == "Neck follow-up")
            #expect(try await clinic.auditCount(.appointmentBook, outcome: "success") == 1)

            // Overlapping the booked hour is refused on the start, naming the visit; back to back is fine.
            let clash = try await desk.json(.POST, self.base(p) + "/appointments", self.booking(clinic, start: "2026-09-22T09:30:00Z"),
                                            expect: .unprocessableEntity)
            let error = ((clash["errors"] as? [[String: Any]]) ?? []).first
            #expect(error?["field"] as? String == "start" && (error?["message"] as? String)?.contains("2026-09-22 09:00 to 10:00") == true)
            _ = try await desk.json(.POST, self.base(p) + "/appointments", self.booking(clinic, start: "2026-09-22T10:00:00Z", minutes: 30), expect: .created)
            // Another clinician of the team may be booked at the same time.
            _ = try await desk.json(.POST, self.base(p) + "/appointments", self.booking(clinic, "pat.pt", start: "2026-09-22T09:30:00Z"), expect: .created)
            #expect(try await self.visitCount(clinic) == 3)

            // Ana's own day by default, in time order; the front desk's day has every clinician.
            let day = try await ana.json(.GET, "/api/v1/schedule?day=2026-09-22", expect: .ok)
            let items = (day["items"] as? [[String: Any]]) ?? []
            #expect(items.map { $0["start"] as? String } == ["2026-09-22T09:00:00Z", "2026-09-22T10:00:00Z"])
            #expect(items.allSatisfy { $0["clinicianId"] as? String == clinic.user("ana.lmt").id.uuidString })
            #expect(((try await desk.json(.GET, "/api/v1/schedule?day=2026-09-22", expect: .ok))["items"] as? [Any])?.count == 3)
            #expect(((try await ana.json(.GET, "/api/v1/schedule?day=2026-09-23", expect: .ok))["items"] as? [Any])?.isEmpty == true)
            _ = try await ana.json(.GET, "/api/v1/schedule?day=22-09-2026", expect: .unprocessableEntity)
            #expect(((try await ana.json(.GET, self.base(p) + "/appointments", expect: .ok))["items"] as? [Any])?.count == 3)
        }
    }

    @Test(arguments: [
        (#"{"start":"2026-09-22T09:00:00Z","minutes":60}"#, "clinicianId"),
        (#"{"clinicianId":"BEN","start":"2026-09-22T09:00:00Z","minutes":60}"#, "clinicianId"),
        (#"{"clinicianId":"DESK","start":"2026-09-22T09:00:00Z","minutes":60}"#, "clinicianId"),
        (#"{"clinicianId":"ANA","minutes":60}"#, "start"),
        (#"{"clinicianId":"ANA","start":"2026-09-19T09:00:00Z","minutes":60}"#, "start"),
        (#"{"clinicianId":"ANA","start":"2029-12-01T09:00:00Z","minutes":60}"#, "start"),
        (#"{"clinicianId":"ANA","start":"2026-09-22T09:00:00Z","minutes":0}"#, "minutes"),
        (#"{"clinicianId":"ANA","start":"2026-09-22T09:00:00Z","minutes":-30}"#, "minutes"),
        (#"{"clinicianId":"ANA","start":"2026-09-22T09:00:00Z","minutes":481}"#, "minutes"),
        (#"{"clinicianId":"ANA","start":"2026-09-22T09:00:00Z"}"#, "minutes"),
        (#"{"clinicianId":"ANA","start":"2026-09-22T09:00:00Z","minutes":60,"kind":"spa"}"#, "kind"),
        (#"{"clinicianId":"ANA","start":"2026-09-22T09:00:00Z","minutes":60,"reason":"LONG"}"#, "reason"),
    ])
    func badBookingsAreRefusedOnTheFieldAndWriteNothing(body: String, field: String) async throws {
        try await withClinic { clinic in
            let desk = try await API(clinic, "fran.desk")
            let json = body.replacingOccurrences(of: "BEN", with: clinic.user("ben.lmt").id.uuidString)
                .replacingOccurrences(of: "DESK", with: clinic.user("fran.desk").id.uuidString)
                .replacingOccurrences(of: "ANA", with: clinic.user("ana.lmt").id.uuidString)
                .replacingOccurrences(of: "LONG", with: String(repeating: "x", count: 501))
            let problem = try await desk.json(.POST, self.base(clinic.anaPatient) + "/appointments", json, expect: .unprocessableEntity)
            #expect(((problem["errors"] as? [[String: Any]]) ?? []).contains { $0["field"] as? String == field }, "\(problem)")
            #expect(try await self.visitCount(clinic) == 0)
            #expect(try await clinic.auditCount(.appointmentBook, outcome: "failure") == 1)
        }
    }

    static let note = """
        {"subjective":{"painToday":6,"text":"Neck stiff."},
         "interventions":[{"technique":"myofascial-release","regions":["neck-back.left"],"minutes":30,"pressure":"moderate"}],
         "painAfter":3,"timeIn":"2026-09-21T12:00:00Z","timeOut":"2026-09-21T13:00:00Z"}
        """

    @Test func aNoteStartedFromTheVisitMarksItArrivedAndSigningCompletesIt() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let visit = try await clinic.addAppointment(p, with: "ana.lmt", start: clinic.clock.now.addingTimeInterval(-7200))
            let vid = visit.id.uuidString.lowercased()
            let draft = try await ana.json(.POST, self.base(p) + "/notes",
                                           #"{"idempotencyKey":"visit-1","appointmentId":"\#(vid)","note":\#(Self.note)}"#, expect: .created)
            let noteID = try #require(draft["id"] as? String)
            var now = try await ana.json(.GET, self.base(p) + "/appointments/\(vid)", expect: .ok)
            #expect(now["status"] as? String == "arrived" && (now["noteId"] as? String)?.lowercased() == noteID.lowercased())
            // The same submit again (a dropped connection) is the same note; another note for the visit is refused and not kept.
            _ = try await ana.json(.POST, self.base(p) + "/notes", #"{"idempotencyKey":"visit-1","appointmentId":"\#(vid)","note":\#(Self.note)}"#, expect: .ok)
            let second = try await ana.json(.POST, self.base(p) + "/notes", #"{"idempotencyKey":"visit-2","appointmentId":"\#(vid)","note":\#(Self.note)}"#,
                                            expect: .unprocessableEntity)
            #expect(((second["errors"] as? [[String: Any]]) ?? []).first?["field"] as? String == "appointmentId")
            #expect(try await CareStore(database: clinic.app.db).notes(of: p.id, limit: 10).count == 1)
            // Another patient's visit is not this patient's.
            let other = try await clinic.addPatient(given: "Orla", family: "Other", dob: "1990-01-01", team: [("ana.lmt", true)])
            let otherVisit = try await clinic.addAppointment(other, with: "ana.lmt", start: clinic.clock.now.addingTimeInterval(86_400))
            let wrong = try await ana.json(.POST, self.base(p) + "/notes",
                                           #"{"idempotencyKey":"visit-3","appointmentId":"\#(otherVisit.id.uuidString)","note":\#(Self.note)}"#,
                                           expect: .unprocessableEntity)
            #expect(((wrong["errors"] as? [[String: Any]]) ?? []).first?["field"] as? String == "appointmentId")
            // A visit with its note started cannot be cancelled from under it; signing completes it.
            _ = try await ana.json(.POST, self.base(p) + "/appointments/\(vid)/status", #"{"status":"cancelled","reason":"Ill"}"#, expect: .unprocessableEntity)
            _ = try await ana.json(.POST, self.base(p) + "/notes/\(noteID)/sign", "{}", expect: .ok)
            now = try await ana.json(.GET, self.base(p) + "/appointments/\(vid)", expect: .ok)
            #expect(now["status"] as? String == "completed")
            _ = try await ana.json(.POST, self.base(p) + "/appointments/\(vid)/status", #"{"status":"booked"}"#, expect: .unprocessableEntity)
        }
    }

    @Test func statusMovesFollowTheRulesAndACancellationFreesTheTime() async throws {
        try await withClinic { clinic in
            let desk = try await API(clinic, "fran.desk")
            let p = clinic.anaPatient!
            let visit = try await desk.json(.POST, self.base(p) + "/appointments", self.booking(clinic), expect: .created)
            let path = self.base(p) + "/appointments/\(try #require(visit["id"] as? String))/status"
            #expect((try await desk.json(.POST, path, #"{"status":"arrived"}"#, expect: .ok))["status"] as? String == "arrived")
            #expect((try await desk.json(.POST, path, #"{"status":"booked"}"#, expect: .ok))["status"] as? String == "booked")
            _ = try await desk.json(.POST, path, #"{"status":"completed"}"#, expect: .unprocessableEntity)
            _ = try await desk.json(.POST, path, #"{"status":"later"}"#, expect: .unprocessableEntity)
            let noReason = try await desk.json(.POST, path, #"{"status":"cancelled"}"#, expect: .unprocessableEntity)
            #expect(((noReason["errors"] as? [[String: Any]]) ?? []).first?["field"] as? String == "reason")
            let cancelled = try await desk.json(.POST, path, #"{"status":"cancelled","reason":"Patient has the flu"}"#, expect: .ok)
            #expect(cancelled["status"] as? String == "cancelled" && cancelled["statusReason"] as? String == "Patient has the flu")
            _ = try await desk.json(.POST, path, #"{"status":"arrived"}"#, expect: .unprocessableEntity)
            #expect(try await clinic.auditCount(.appointmentUpdate, outcome: "success") == 3)
            // The hour is free again.
            _ = try await desk.json(.POST, self.base(p) + "/appointments", self.booking(clinic), expect: .created)
        }
    }

    @Test func theCareTeamRuleHoldsForTheBookAndTheSchedule() async throws {
        try await withClinic { clinic in
            let p = clinic.anaPatient!
            let ben = try await API(clinic, "ben.lmt")
            let desk = try await API(clinic, "fran.desk")
            let visit = try await clinic.addAppointment(p, with: "ana.lmt", start: clinic.clock.now.addingTimeInterval(3600))
            // Outside the team: not found, like a patient that does not exist.
            _ = try await ben.json(.GET, self.base(p) + "/appointments", expect: .notFound)
            _ = try await ben.json(.POST, self.base(p) + "/appointments", self.booking(clinic, "ben.lmt"), expect: .notFound)
            _ = try await ben.json(.GET, self.base(p) + "/appointments/\(visit.id)", expect: .notFound)
            // Ben asking for Ana's day sees none of her patients' visits.
            let bensView = try await ben.json(.GET, "/api/v1/schedule?day=2026-09-21&clinicianId=\(clinic.user("ana.lmt").id)", expect: .ok)
            #expect((bensView["items"] as? [Any])?.isEmpty == true)
            // The front desk books and sees visits but never starts the clinical note.
            #expect(((try await desk.json(.GET, "/api/v1/schedule?day=2026-09-21&clinicianId=all", expect: .ok))["items"] as? [Any])?.count == 1)
            let fran = try await clinic.signIn("fran.desk")
            let form = try await clinic.tester.sendRequest(.GET, "/patients/\(p.id)/notes/new?appointment=\(visit.id)", headers: fran.headers)
            #expect(form.status == .notFound)
            // A clinician who leaves the team no longer sees the visit on their schedule.
            let ana = try await API(clinic, "ana.lmt")
            #expect(((try await ana.json(.GET, "/api/v1/schedule?day=2026-09-21", expect: .ok))["items"] as? [Any])?.count == 1)
            try await PatientStore(database: clinic.app.db).setCareTeam(p.id, [CareTeamMember(user: clinic.user("ben.lmt"), isPrimary: true)],
                                                                        now: clinic.clock.now)
            #expect(((try await ana.json(.GET, "/api/v1/schedule?day=2026-09-21", expect: .ok))["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func theBookingFormAndTheScheduleLeadToTheVisitsNote() async throws {
        try await withClinic { clinic in
            let p = clinic.anaPatient!
            let t = try clinic.tester
            let fran = try await clinic.signIn("fran.desk")
            // A field error comes back on the form, with nothing booked.
            var (h, b) = fran.form([("clinicianId", clinic.user("ana.lmt").id.uuidString), ("start", "2026-09-21T15:00"), ("minutes", "900")])
            let bad = try await t.sendRequest(.POST, "/patients/\(p.id)/appointments", headers: h, body: b)
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("Length must be 5–480 minutes."))
            #expect(try await self.visitCount(clinic) == 0)
            (h, b) = fran.form([("clinicianId", clinic.user("ana.lmt").id.uuidString), ("start", "2026-09-21T15:00"), ("minutes", "45"),
                                ("kind", "session"), ("reason", "First treatment")])
            let booked = try await t.sendRequest(.POST, "/patients/\(p.id)/appointments", headers: h, body: b)
            #expect(booked.status == .seeOther)
            let page = try await t.sendRequest(.GET, "/patients/\(p.id)/appointments?booked=1", headers: fran.headers)
            #expect(page.body.string.contains("2026-09-21 15:00, 45 min") && page.body.string.contains("Visit booked."))
            #expect(!page.body.string.contains("Start note"))
            let overview = try await t.sendRequest(.GET, "/patients/\(p.id)", headers: fran.headers)
            #expect(overview.body.string.contains("2026-09-21 15:00 · Treatment session with Ana.Lmt · Booked"))

            // Ana's schedule offers the note; it opens with the visit's times and the visit named.
            let ana = try await clinic.signIn("ana.lmt")
            let day = try await t.sendRequest(.GET, "/schedule?day=2026-09-21", headers: ana.headers)
            #expect(day.status == .ok && day.body.string.contains("15:00–15:45 (45 min)") && day.body.string.contains("First treatment"))
            let visit = try #require(try await AppointmentStore(database: clinic.app.db).appointments(of: p.id).first)
            #expect(day.body.string.contains("/patients/\(p.id.uuidString.lowercased())/notes/new?appointment=\(visit.id.uuidString.lowercased())"))
            let form = try await t.sendRequest(.GET, "/patients/\(p.id)/notes/new?appointment=\(visit.id)", headers: ana.headers)
            #expect(form.body.string.contains(#"name="appointmentId" value="\#(visit.id.uuidString.lowercased())""#))
            #expect(form.body.string.contains(#"value="2026-09-21T15:00""#) && form.body.string.contains(#"value="2026-09-21T15:45""#))
            #expect(form.body.string.contains("For the visit of 2026-09-21 15:00 with Ana.Lmt"))
            // Saving the draft from the form links it; the schedule then opens that note.
            (h, b) = ana.form([("idempotencyKey", "from-visit"), ("appointmentId", visit.id.uuidString), ("subjective[painToday]", "5")])
            let saved = try await t.sendRequest(.POST, "/patients/\(p.id)/notes", headers: h, body: b)
            #expect(saved.status == .seeOther)
            let linked = try #require(try await AppointmentStore(database: clinic.app.db).appointment(visit.id, of: p.id))
            #expect(linked.status == .arrived && linked.noteID != nil)
            let again = try await t.sendRequest(.GET, "/patients/\(p.id)/notes/new?appointment=\(visit.id)", headers: ana.headers)
            #expect(again.status == .seeOther && again.headers.first(name: .location)?.contains(linked.noteID!.uuidString.lowercased()) == true)
        }
    }
}
