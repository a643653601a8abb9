import Foundation
import KnotworkCore
import KnotworkStore
import Testing
import Vapor
import VaporTesting
@testable import KnotworkWeb

/// Series of visits (issue 13 §5) through the real app and database, in a Chicago clinic: every occurrence at the
/// same local time across the 1 November 2026 change, each checked as a single booking is (clashes, the license
/// gate), the ones not booked reported with the nearest free time, and bad input refused with nothing booked.
@Suite struct SeriesTests {
    typealias API = AssessmentTests.API

    static func utc(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }
    /// Sunday 25 October 2026, 10:00 in Chicago.
    static func clock() -> TestClock { TestClock(utc("2026-10-25T15:00:00Z")) }

    func inChicago(_ clinic: Clinic, identity: String = "") async throws {
        _ = try await API(clinic, "admin").json(.PUT, "/api/v1/clinic-settings", #"{"timeZone":"America/Chicago"\#(identity)}"#, expect: .ok)
    }

    func series(_ clinician: String, _ extra: String = "") -> String {
        #"{"clinicianId":"\#(clinician)","firstDay":"2026-10-26","weekdays":["tuesday","thursday"],"time":"09:00","weeks":3,"minutes":60,"kind":"session"\#(extra)}"#
    }

    @Test func aTwiceWeeklySeriesKeepsNineLocalAcrossTheChangeAndReportsAClashWithAnAlternative() async throws {
        try await withClinic(clock: Self.clock()) { clinic in
            try await self.inChicago(clinic)
            let desk = try await API(clinic, "fran.desk")
            let p = clinic.anaPatient!
            let ana = clinic.user("ana.lmt").id.uuidString
            // Ana already has 09:30–10:30 on Thursday 29 October.
            _ = try await desk.json(.POST, "/api/v1/patients/\(p.id)/appointments",
                                    #"{"clinicianId":"\#(ana)","start":"2026-10-29T14:30:00Z","minutes":60,"kind":"session"}"#, expect: .created)
            let out = try await desk.json(.POST, "/api/v1/patients/\(p.id)/appointment-series", self.series(ana), expect: .created)
            let booked = (out["booked"] as? [[String: Any]]) ?? []
            // Before the change 09:00 is 14:00 UTC (CDT); after it, 15:00 UTC (CST).
            #expect(booked.compactMap { $0["start"] as? String } == ["2026-10-27T14:00:00Z", "2026-11-03T15:00:00Z", "2026-11-05T15:00:00Z",
                                                                    "2026-11-10T15:00:00Z", "2026-11-12T15:00:00Z"])
            let seriesID = try #require(out["seriesId"] as? String)
            #expect(booked.allSatisfy { $0["seriesId"] as? String == seriesID })
            let missed = (out["notBooked"] as? [[String: Any]]) ?? []
            #expect(missed.count == 1 && missed.first?["local"] as? String == "2026-10-29T09:00")
            #expect((missed.first?["reason"] as? String)?.contains("already has a visit from 2026-10-29 09:30 to 10:30") == true)
            #expect(missed.first?["alternative"] as? String == "2026-10-29T13:30:00Z", "08:30 local, ending as the other visit starts")
            #expect(try await AppointmentStore(database: clinic.app.db).appointments(of: p.id).count == 6)
            #expect(try await clinic.auditCount(.appointmentBook, outcome: "success") == 2)

            // Bad input: every field named, nothing booked.
            let bad = try await desk.json(.POST, "/api/v1/patients/\(p.id)/appointment-series",
                                          #"{"clinicianId":"\#(ana)","firstDay":"2026-10-32","weekdays":["funday"],"time":"9am","weeks":0,"minutes":60}"#,
                                          expect: .unprocessableEntity)
            #expect(Set(((bad["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }) == ["firstDay", "weekdays", "time", "weeks"])
            // A series at 01:30 that meets the repeated hour leaves that night out rather than guess; all taken is a 422.
            let night = try await desk.json(.POST, "/api/v1/patients/\(p.id)/appointment-series",
                                            #"{"clinicianId":"\#(ana)","firstDay":"2026-11-01","weekdays":["sunday"],"time":"01:30","weeks":2,"minutes":30}"#,
                                            expect: .created)
            #expect((((night["notBooked"] as? [[String: Any]]) ?? []).first?["reason"] as? String)?.contains("happens twice in America/Chicago") == true)
            #expect(((night["booked"] as? [[String: Any]]) ?? []).compactMap { $0["start"] as? String } == ["2026-11-08T07:30:00Z"])
            _ = try await desk.json(.POST, "/api/v1/patients/\(p.id)/appointment-series", self.series(ana), expect: .unprocessableEntity)
            #expect(try await AppointmentStore(database: clinic.app.db).appointments(of: p.id).count == 7)
        }
    }

    @Test func theLicenseGateStopsTheOccurrencesAfterTheExpiry() async throws {
        try await withClinic(clock: Self.clock()) { clinic in
            try await self.inChicago(clinic, identity: #","identity":{"legalName":"Lakeshore Medical Massage LLC","state":"IL"}"#)
            try await clinic.addLicense("ana.lmt", expires: "2026-11-04")
            let desk = try await API(clinic, "fran.desk")
            let out = try await desk.json(.POST, "/api/v1/patients/\(clinic.anaPatient.id)/appointment-series", self.series(clinic.user("ana.lmt").id.uuidString),
                                          expect: .created)
            #expect(((out["booked"] as? [[String: Any]]) ?? []).count == 3)
            let missed = (out["notBooked"] as? [[String: Any]]) ?? []
            #expect(missed.compactMap { $0["local"] as? String } == ["2026-11-05T09:00", "2026-11-10T09:00", "2026-11-12T09:00"])
            #expect(missed.allSatisfy { ($0["reason"] as? String)?.contains("expired on 2026-11-04") == true })
        }
    }

    @Test func theAppointmentsPageBooksASeriesFromThePlanAndOffersTheAlternative() async throws {
        try await withClinic(clock: Self.clock()) { clinic in
            try await self.inChicago(clinic)
            let p = clinic.anaPatient!
            let ana = clinic.user("ana.lmt").id.uuidString.lowercased()
            _ = try await API(clinic, "fran.desk").json(.POST, "/api/v1/patients/\(p.id)/appointments",
                                                      #"{"clinicianId":"\#(ana)","start":"2026-10-29T14:30:00Z","minutes":60,"kind":"session"}"#, expect: .created)
            let fran = try await clinic.signIn("fran.desk")
            let t = try clinic.tester
            let page = try await t.sendRequest(.GET, Paths.appointments(p.id), headers: fran.headers)
            #expect(page.body.string.contains(#"id="series-form""#) && page.body.string.contains("At (America/Chicago)"))
            var (h, b) = fran.form([("clinicianId", ana), ("firstDay", "2026-10-26"), ("weekdays", "tuesday"), ("weekdays", "thursday"), ("time", "09:00"),
                                    ("weeks", "3"), ("minutes", "60"), ("kind", "session")])
            let report = try await t.sendRequest(.POST, Paths.appointmentSeries(p.id), headers: h, body: b)
            #expect(report.status == .ok && report.body.string.contains("5 visits booked; 1 could not be booked."))
            #expect(report.body.string.contains("2026-11-03 09:00, 60 min") && report.body.string.contains("Book 2026-10-29 08:30"))
            // The offered time books as a single visit.
            (h, b) = fran.form([("clinicianId", ana), ("start", "2026-10-29T08:30"), ("minutes", "60"), ("kind", "session"), ("reason", "")])
            #expect(try await t.sendRequest(.POST, Paths.appointments(p.id), headers: h, body: b).status == .seeOther)
            #expect(try await AppointmentStore(database: clinic.app.db).appointments(of: p.id).count == 7)
            // A bad series comes back on its own form with the typed values.
            (h, b) = fran.form([("clinicianId", ana), ("firstDay", "2026-10-26"), ("time", "09:00"), ("weeks", "3"), ("minutes", "60")])
            let bad = try await t.sendRequest(.POST, Paths.appointmentSeries(p.id), headers: h, body: b)
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("Choose at least one weekday.") && bad.body.string.contains(##"href="#series-weekdays""##))
        }
    }

    @Test func cancellingAVisitCanTakeTheRestOfItsSeriesAndThePageCountsCancellations() async throws {
        try await withClinic(clock: Self.clock()) { clinic in
            try await self.inChicago(clinic)
            let desk = try await API(clinic, "fran.desk")
            let p = clinic.anaPatient!
            let out = try await desk.json(.POST, "/api/v1/patients/\(p.id)/appointment-series", self.series(clinic.user("ana.lmt").id.uuidString), expect: .created)
            let ids = ((out["booked"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
            #expect(ids.count == 6)
            let single = try await desk.json(.POST, "/api/v1/patients/\(p.id)/appointments",
                                             #"{"clinicianId":"\#(clinic.user("ana.lmt").id)","start":"2026-10-26T20:00:00Z","minutes":30,"kind":"session"}"#,
                                             expect: .created)
            // Not a series: refused on its field, nothing cancelled.
            let refused = try await desk.json(.POST, "/api/v1/patients/\(p.id)/appointments/\(single["id"] as! String)/status",
                                              #"{"status":"cancelled","reason":"Moving away","restOfSeries":true}"#, expect: .unprocessableEntity)
            #expect(((refused["errors"] as? [[String: Any]]) ?? []).first?["field"] as? String == "restOfSeries")
            // The third visit and every later one of the series; the first two stay.
            let fran = try await clinic.signIn("fran.desk")
            let (h, b) = fran.form([("status", "cancelled"), ("reason", "Moving away"), ("restOfSeries", "1")])
            #expect(try await clinic.tester.sendRequest(.POST, Paths.appointmentStatus(p.id, UUID(uuidString: ids[2])!), headers: h, body: b).status == .seeOther)
            let visits = try await AppointmentStore(database: clinic.app.db).appointments(of: p.id)
            let status = Dictionary(uniqueKeysWithValues: visits.map { ($0.id.uuidString, $0.status) })
            #expect(ids.map { status[$0] } == [.booked, .booked, .cancelled, .cancelled, .cancelled, .cancelled])
            #expect(status[(single["id"] as! String)] == .booked)
            // Cancelled more than 24 hours ahead: none late.
            let page = try await clinic.tester.sendRequest(.GET, Paths.appointments(p.id), headers: fran.headers)
            #expect(page.body.string.contains("Cancelled 4 (0 with less than 24 hours&#39; notice) · no-shows 0")
                    || page.body.string.contains("Cancelled 4 (0 with less than 24 hours' notice) · no-shows 0"))
            #expect(page.body.string.contains("Also cancel the later visits of this series"))
        }
    }

    @Test func aSeriesBooksUpToTheReferralsLastVisitAndNeedsAReasonBeyond() async throws {
        try await withClinic(clock: Self.clock()) { clinic in
            let p = clinic.anaPatient!
            _ = try await clinic.addReferral(p, visits: 4, start: "2026-10-01", expiry: "2026-12-31")
            let desk = try await API(clinic, "fran.desk")
            let ana = clinic.user("ana.lmt").id.uuidString
            // One visit already booked counts: three more fit in the referral.
            _ = try await desk.json(.POST, "/api/v1/patients/\(p.id)/appointments",
                                    #"{"clinicianId":"\#(ana)","start":"2026-10-26T20:00:00Z","minutes":30,"kind":"session"}"#, expect: .created)
            let out = try await desk.json(.POST, "/api/v1/patients/\(p.id)/appointment-series", self.series(ana), expect: .created)
            #expect(((out["booked"] as? [[String: Any]]) ?? []).count == 3)
            let missed = (out["notBooked"] as? [[String: Any]]) ?? []
            #expect(missed.compactMap { $0["local"] as? String } == ["2026-11-05T09:00", "2026-11-10T09:00", "2026-11-12T09:00"])
            #expect(missed.allSatisfy { ($0["reason"] as? String)?.contains("has no authorized visits left (4 of 4 used): give a reason to go beyond it") == true },
                    "\(missed)")
            // With a reason the rest are booked, each override recorded.
            let rest = try await desk.json(.POST, "/api/v1/patients/\(p.id)/appointment-series",
                                           self.series(ana, #","overrideReason":"New referral requested from the physician""#).replacingOccurrences(of: "2026-10-26", with: "2026-11-09")
                                               .replacingOccurrences(of: "\"weeks\":3", with: "\"weeks\":1"), expect: .created)
            #expect(((rest["booked"] as? [[String: Any]]) ?? []).count == 2)
            #expect(try await ReferralStore(database: clinic.app.db).overrides().count == 2)
        }
    }
}
