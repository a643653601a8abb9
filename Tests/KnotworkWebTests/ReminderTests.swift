import Foundation
import KnotworkCore
import KnotworkStore
import Testing
import Vapor
@testable import KnotworkWeb

/// Visit reminders (issue 13 §6) through the outbox to a real SMTP server (aiosmtpd), on SQLite and PostgreSQL: two
/// instances queue each reminder once, a restart queues nothing twice, a cancelled visit's reminder is withdrawn, and
/// the message says when and where but nothing clinical. The test clock's now is 2026-09-21T14:13:20Z.
@Suite(.serialized) struct ReminderTests {
    typealias API = AssessmentTests.API

    static func queue(_ clinic: Clinic) -> ReminderQueue {
        ReminderQueue(database: clinic.app.db, clock: clinic.clock.knotworkClock, gate: clinic.app.knotwork.writeGate, domain: "knotwork.test",
                      logger: clinic.app.logger)
    }

    static func reminders(_ clinic: Clinic) async throws -> [OutboxMessage] {
        try await OutboxStore(database: clinic.app.db).list().filter { $0.kind == AppointmentReminder.kind }
    }

    @Test func eachVisitIsRemindedOnceAcrossInstancesAndARestartAndACancelledVisitIsNot() async throws {
        try await withSMTPSink(starttls: true, auth: OutboxTests.sinkAuth) { sink in
            let (target, cleanup) = try await TestDatabase.make()
            let clock = TestClock()
            var visits: [String] = []
            try await withClinic(clock: clock, target: target) { clinic in
                let admin = try await API(clinic, "admin")
                let desk = try await API(clinic, "fran.desk")
                let p = clinic.anaPatient!
                _ = try await desk.json(.PATCH, "/api/v1/patients/\(p.id)", #"{"email":"amara.abernathy@example.org"}"#, expect: .ok)
                for start in ["2026-09-22T14:00:00Z", "2026-09-23T15:00:00Z", "2026-09-22T13:00:00Z"] {
                    let v = try await desk.json(.POST, "/api/v1/patients/\(p.id)/appointments",
                                                #"{"clinicianId":"\#(clinic.user("ana.lmt").id)","start":"\#(start)","minutes":60,"kind":"session","reason":"Pelvic pain after surgery"}"#,
                                                expect: .created)
                    visits.append((v["id"] as! String).lowercased())
                }
                // Off by default: nothing is queued.
                #expect(try await Self.queue(clinic).queueDue().isEmpty)
                let refused = try await admin.json(.PUT, "/api/v1/clinic-settings", #"{"reminderHours":500}"#, expect: .unprocessableEntity)
                #expect(((refused["errors"] as? [[String: Any]]) ?? []).first?["field"] as? String == "reminderHours")
                _ = try await admin.json(.PUT, "/api/v1/clinic-settings", """
                    {"timeZone":"America/Chicago","reminderHours":24,"identity":{"legalName":"Lakeshore Medical Massage LLC","addressLine1":"200 W Example St","city":"Chicago","phone":"555-010-0100"}}
                    """, expect: .ok)

                // Two instances at once: the visits within 24 hours are queued once between them; the third is not due yet.
                async let one = Self.queue(clinic).queueDue()
                async let two = Self.queue(clinic).queueDue()
                let (a, b) = try await (one, two)
                #expect(Set(a).isDisjoint(with: b))
                #expect(Set((a + b).map { $0.uuidString.lowercased() }) == [visits[0], visits[2]])
                #expect(try await Self.reminders(clinic).count == 2)

                // The 08:00 visit is cancelled before its reminder goes out: it is withdrawn, and only one reaches the server.
                _ = try await desk.json(.POST, "/api/v1/patients/\(p.id)/appointments/\(visits[2])/status", #"{"status":"cancelled","reason":"Patient called"}"#,
                                        expect: .ok)
                let withdrawn = try await Self.reminders(clinic).first { $0.reference == "appointment:\(visits[2])" }
                #expect(withdrawn?.status == .withdrawn)
                let sent = try await OutboxTests.delivery(clinic, OutboxTests.smtp(sink)).deliverDue()
                #expect(sent.count == 1 && sent.values.allSatisfy { $0 == .sent })
                let got = try sink.messages()
                #expect(got.count == 1 && got.first?.to == ["amara.abernathy@example.org"])
                let message = try #require(got.first)
                #expect(message.subject == "Appointment reminder: Tuesday 22 September 2026 at 09:00", "\(message.subject)")
                #expect(message.body.contains("Lakeshore Medical Massage LLC") && message.body.contains("(America/Chicago time)") && message.body.contains("555-010-0100"))
                for clinical in ["Pelvic", "Ana", "session", "massage therapist"] { #expect(!message.body.contains(clinical), "\(clinical)") }
            }
            // A restart: the reminded visits are not reminded again; the third one's day comes.
            clock.advance(3600)
            let third = visits[1]
            try await withClinic(clock: clock, target: target, seed: false) { (clinic: inout Clinic) async throws in
                #expect(try await Self.queue(clinic).queueDue().isEmpty)
                clock.advance(24 * 3600)
                #expect(try await Self.queue(clinic).queueDue().map { $0.uuidString.lowercased() } == [third])
                #expect(try await Self.reminders(clinic).count == 3)
            }
            try await cleanup()
        }
    }
}
