import Foundation
import KnotworkCore
import KnotworkStore
import Testing
import Vapor
import VaporTesting
@testable import KnotworkWeb

/// Clinicians' calendar feeds (issue 13 §7) over real HTTP, read back by the independent Python `icalendar` package
/// (tests/feeds/check_ics.py): the clinician's visits at their local times across the November change, initials at
/// most, a revoked or unknown address 404.
@Suite struct CalendarFeedTests {
    typealias API = AssessmentTests.API

    struct Read: Decodable {
        struct Event: Decodable {
            var uid: String
            var start: String
            var end: String
            var summary: String
            var status: String
        }

        var name: String
        var events: [Event]
    }

    /// The feed as `icalendar` reads it in `zone`; fails the test when the checker does.
    static func check(_ ics: String, zone: String) throws -> Read {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kw-feed-\(UUID().uuidString).ics")
        try Data(ics.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("tests/feeds/check_ics.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, file.path, zone]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let problems = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "check_ics.py (run `make deps` for icalendar): \(problems)")
        return try JSONDecoder().decode(Read.self, from: data)
    }

    @Test func aClinicianSubscribesToTheirVisitsAndRevokesTheAddress() async throws {
        try await withClinic(clock: TestClock(ISO8601DateFormatter().date(from: "2026-10-25T15:00:00Z")!)) { clinic in
            let admin = try await API(clinic, "admin")
            _ = try await admin.json(.PUT, "/api/v1/clinic-settings", #"{"timeZone":"America/Chicago"}"#, expect: .ok)
            let desk = try await API(clinic, "fran.desk")
            let ana = clinic.user("ana.lmt").id, ben = clinic.user("ben.lmt").id
            var ids: [String] = []
            for (patient, clinician, start) in [(clinic.anaPatient!, ana, "2026-10-27T14:00:00Z"), (clinic.anaPatient!, ana, "2026-11-03T15:00:00Z"),
                                                (clinic.anaPatient!, ana, "2026-11-05T15:00:00Z"), (clinic.benPatient!, ben, "2026-10-27T14:00:00Z")] {
                let v = try await desk.json(.POST, "/api/v1/patients/\(patient.id)/appointments",
                                            #"{"clinicianId":"\#(clinician)","start":"\#(start)","minutes":60,"kind":"session","reason":"Neck; shoulder"}"#,
                                            expect: .created)
                ids.append((v["id"] as! String).lowercased())
            }
            _ = try await desk.json(.POST, "/api/v1/patients/\(clinic.anaPatient.id)/appointments/\(ids[2])/status", #"{"status":"cancelled","reason":"Ill"}"#,
                                    expect: .ok)

            // Ana makes a feed; its address is shown once, on the account page.
            let session = try await clinic.signIn("ana.lmt")
            let t = try clinic.tester
            let (h, b) = session.form([])
            let made = try await t.sendRequest(.POST, Paths.accountFeeds, headers: h, body: b)
            let html = made.body.string
            let start = try #require(html.range(of: "/calendar-feeds/"))
            let path = String(html[start.lowerBound...].prefix { $0 != "<" && $0 != "\"" })
            #expect(path.hasSuffix(".ics") && path.count > 50, "\(path)")
            #expect(!(try await t.sendRequest(.GET, Paths.account, headers: session.headers)).body.string.contains(path), "shown once")

            // Read without any session: the three visits of Ana's (the cancelled one marked), 09:00 in Chicago each.
            let feed = try await t.sendRequest(.GET, path)
            #expect(feed.status == .ok && feed.headers.contentType?.description.hasPrefix("text/calendar") == true)
            let read = try Self.check(feed.body.string, zone: "America/Chicago")
            #expect(read.name == "Knotwork · Ana.Lmt")
            #expect(read.events.map(\.start) == ["2026-10-27T09:00:00-05:00", "2026-11-03T09:00:00-06:00", "2026-11-05T09:00:00-06:00"])
            #expect(read.events.map(\.status) == ["CONFIRMED", "CONFIRMED", "CANCELLED"])
            #expect(read.events.allSatisfy { $0.summary == "Visit · A.A." }, "initials only: \(read.events.map(\.summary))")
            #expect(!feed.body.string.contains("Neck") && !feed.body.string.contains("Amara"))
            #expect(try await clinic.auditCount(.calendarFeedRead, outcome: "success") == 1)

            // The clinic hides even the initials.
            _ = try await admin.json(.PUT, "/api/v1/clinic-settings", #"{"feedShowsInitials":false}"#, expect: .ok)
            #expect(try Self.check(try await t.sendRequest(.GET, path).body.string, zone: "America/Chicago").events.allSatisfy { $0.summary == "Visit" })

            // Another clinician cannot revoke Ana's feed; Ana can, and then it is 404, as an unknown address is.
            let feedID = try #require(try await CalendarFeedStore(database: clinic.app.db).feeds(of: ana).first?.id)
            let bens = try await clinic.signIn("ben.lmt")
            var (bh, bb) = bens.form([])
            #expect(try await t.sendRequest(.POST, Paths.revokeFeed(feedID), headers: bh, body: bb).status == .notFound)
            (bh, bb) = session.form([])
            #expect(try await t.sendRequest(.POST, Paths.revokeFeed(feedID), headers: bh, body: bb).status == .seeOther)
            #expect(try await t.sendRequest(.GET, path).status == .notFound)
            #expect(try await t.sendRequest(.GET, Paths.calendarFeed("not-a-feed")).status == .notFound)
            #expect(try await t.sendRequest(.GET, "/calendar-feeds/\(String(path.dropFirst("/calendar-feeds/".count).dropLast(4)))").status == .notFound)
        }
    }
}
