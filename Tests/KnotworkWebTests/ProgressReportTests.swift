import Foundation
import KnotworkCore
import KnotworkStore
import SQLKit
import Testing
import Vapor
@testable import KnotworkWeb

/// Progress reports end to end through the JSON API on SQLite and PostgreSQL: due when the referral runs out, drafted
/// from the data, edited, signed and locked, delivered to the internal provider's inbox and acknowledged there; an
/// outside provider gets an e-mail notice through the outbox that names no patient.
struct ProgressReportTests {
    typealias API = AssessmentTests.API
    func base(_ p: Patient) -> String { "/api/v1/patients/\(p.id.uuidString)" }

    /// An active plan (CareAPITests' PEG goal) and `count` signed sessions on it; returns the plan's id.
    func planWithSessions(_ clinic: Clinic, _ ana: API, _ p: Patient, count: Int) async throws -> String {
        let plan = try await ana.json(.POST, self.base(p) + "/plans", CareAPITests.plan, expect: .created)
        let planID = try #require(plan["id"] as? String)
        _ = try await ana.json(.POST, self.base(p) + "/plans/\(planID)/status", #"{"status":"active"}"#, expect: .ok)
        for i in 0..<count {
            let body = CareAPITests.note().replacingOccurrences(of: #"{"idempotencyKey":"visit-2026-09-01""#, with: #"{"planId":"\#(planID)","idempotencyKey":"visit-\#(i)""#)
                .replacingOccurrences(of: "2026-09-21T08:00:00Z", with: "2026-09-\(10 + i)T08:00:00Z").replacingOccurrences(of: "2026-09-21T09:00:00Z", with: "2026-09-\(10 + i)T09:00:00Z")
            let note = try await ana.json(.POST, self.base(p) + "/notes", body, expect: .created)
            _ = try await ana.json(.POST, self.base(p) + "/notes/\(note["id"] as! String)/sign", "{}", expect: .ok)
        }
        return planID
    }

    @Test func aReportFallsDueIsDraftedSignedAndAcknowledgedByTheProvider() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let referral = try await clinic.addReferral(p, visits: 4)
            _ = try await self.planWithSessions(clinic, ana, p, count: 2)

            let list = try await ana.json(.GET, self.base(p) + "/reports", expect: .ok)
            let due = try #require(list["due"] as? [String: Any])
            #expect(due["due"] as? Bool == true && due["visitsSinceLast"] as? Int == 2)
            #expect((due["reasons"] as? [String])?.contains { $0.hasPrefix("the referral ends: 2 visits left") } == true, "\(due)")

            let drafted = try await ana.json(.POST, self.base(p) + "/reports", expect: .created)
            let id = try #require(drafted["id"] as? String)
            let report = try #require(drafted["report"] as? [String: Any])
            #expect(report["sessionsTotal"] as? Int == 2 && report["requestRenewal"] as? Bool == true)
            let line = try #require(report["referral"] as? [String: Any])
            #expect(line["used"] as? Int == 2 && line["authorized"] as? Int == 4 && line["providerUserID"] as? String == clinic.user("max.md").id.uuidString)
            #expect((report["goals"] as? [[String: Any]])?.first?["measure"] as? String != nil)
            // Asking again returns the same open draft.
            #expect(try await ana.json(.POST, self.base(p) + "/reports", expect: .created)["id"] as? String == id)

            _ = try await ana.json(.PATCH, self.base(p) + "/reports/\(id)", #"{"recommendation":"stop"}"#, expect: .unprocessableEntity)
            _ = try await ana.json(.POST, self.base(p) + "/reports/\(id)/sign", #"{"recommendation":"continue"}"#, expect: .unprocessableEntity)
            let pat = try await API(clinic, "pat.pt")
            _ = try await pat.json(.POST, self.base(p) + "/reports/\(id)/sign", #"{"recommendation":"continue","narrative":"x"}"#, expect: .forbidden)
            let saved = try await ana.json(.PATCH, self.base(p) + "/reports/\(id)", #"{"recommendation":"continue","narrative":"Turns the head further when driving."}"#, expect: .ok)
            #expect((saved["report"] as? [String: Any])?["narrative"] as? String == "Turns the head further when driving.")
            let signed = try await ana.json(.POST, self.base(p) + "/reports/\(id)/sign",
                                            #"{"recommendation":"continue","requestRenewal":true,"narrative":"Turns the head further when driving."}"#, expect: .ok)
            #expect(signed["status"] as? String == "signed" && signed["signatureVerified"] as? Bool == true)
            let deliveries = try #require(signed["deliveries"] as? [[String: Any]])
            #expect(deliveries.map { $0["channel"] as? String } == ["inbox"])
            // Locked: the API says 409, and the database refuses a change by itself.
            _ = try await ana.json(.PATCH, self.base(p) + "/reports/\(id)", #"{"recommendation":"discharge"}"#, expect: .conflict)
            await #expect(throws: (any Error).self) {
                try await (clinic.app.db as! any SQLDatabase).raw("UPDATE session_notes SET body = '{}' WHERE id = \(bind: UUID(uuidString: id)!)").run()
            }
            // No longer due: the report told the provider that the referral ends.
            let after = try await ana.json(.GET, self.base(p) + "/reports", expect: .ok)
            #expect((after["due"] as? [String: Any])?["due"] as? Bool == false)

            // The provider's inbox.
            let max = try await API(clinic, "max.md")
            let inbox = try await max.json(.GET, "/api/v1/inbox", expect: .ok)
            let items = try #require(inbox["items"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["recordNumber"] as? String == p.recordNumber)
            let deliveryID = try #require((items[0]["delivery"] as? [String: Any])?["id"] as? String)
            let anasInbox = try await ana.json(.GET, "/api/v1/inbox", expect: .ok)
            #expect((anasInbox["items"] as? [Any])?.isEmpty == true, "a report goes to its provider only")
            _ = try await ana.json(.POST, "/api/v1/inbox/\(deliveryID)/acknowledge", expect: .notFound)
            let ack = try await max.json(.POST, "/api/v1/inbox/\(deliveryID)/acknowledge", expect: .ok)
            #expect(ack["acknowledgedAt"] as? String != nil)
            #expect(try await clinic.lastAudit().action == AuditAction.reportAcknowledge.rawValue)
            _ = try await max.json(.POST, "/api/v1/inbox/\(deliveryID)/acknowledge", expect: .conflict)
            let shown = try await max.json(.GET, self.base(p) + "/reports/\(id)", expect: .ok)
            #expect((shown["deliveries"] as? [[String: Any]])?.first?["acknowledgedAt"] as? String != nil)
            _ = referral
        }
    }

    @Test func anOutsideProviderGetsANoticeWithoutThePatient() async throws {
        try await withClinic { clinic in
            let admin = try await API(clinic, "admin")
            _ = try await admin.json(.PUT, "/api/v1/clinic-settings", #"{"reportNotice":"recordNumber","identity":{"legalName":"Lakeshore Medical Massage LLC","phone":"312-555-0100"}}"#, expect: .ok)
            _ = try await admin.json(.PUT, "/api/v1/clinic-settings", #"{"reportNotice":"everything"}"#, expect: .unprocessableEntity)
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            _ = try await ana.json(.POST, self.base(p) + "/referrals", ReferralTests.outside, expect: .created)
            _ = try await self.planWithSessions(clinic, ana, p, count: 1)
            let drafted = try await ana.json(.POST, self.base(p) + "/reports", expect: .created)
            let id = try #require(drafted["id"] as? String)
            let signed = try await ana.json(.POST, self.base(p) + "/reports/\(id)/sign", #"{"recommendation":"continue","narrative":"Less pain at work."}"#, expect: .ok)
            let delivery = try #require((signed["deliveries"] as? [[String: Any]])?.first)
            #expect(delivery["channel"] as? String == "email" && delivery["recipientAddress"] as? String == "rvale@direct.example.org")
            #expect(delivery["outboxStatus"] as? String == "pending")
            let message = try #require(try await OutboxStore(database: clinic.app.db).list(reference: "report:\(id.lowercased())").first)
            #expect(message.kind == "report-notice" && message.to == "rvale@direct.example.org")
            #expect(message.body.contains(p.recordNumber) && message.body.contains("312-555-0100"))
            for secret in [p.givenName, p.familyName, p.dateOfBirth.description, "Less pain at work"] {
                #expect(!message.body.contains(secret) && !message.subject.contains(secret), "the notice leaks \(secret)")
            }
        }
    }
}

extension ProgressReportTests {
    /// Plan certification requests reach the medical provider's inbox the same way, and leave it once certified.
    @Test func aPlanToCertifyIsInTheProvidersInboxUntilCertified() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let plan = try await ana.json(.POST, self.base(p) + "/plans", CareAPITests.plan, expect: .created)
            let planID = try #require(plan["id"] as? String)
            _ = try await ana.json(.POST, self.base(p) + "/plans/\(planID)/status", #"{"status":"active"}"#, expect: .ok)
            let max = try await clinic.signIn("max.md")
            var inbox = try await clinic.tester.sendRequest(.GET, "/inbox", headers: max.headers).body.string
            #expect(inbox.contains("Plans of care to certify") && inbox.contains("/plans/\(planID.lowercased())"))
            // Not for the therapist.
            let anaSession = try await clinic.signIn("ana.lmt")
            #expect(!(try await clinic.tester.sendRequest(.GET, "/inbox", headers: anaSession.headers).body.string.contains("Plans of care to certify")))
            _ = try await API(clinic, "max.md").json(.POST, self.base(p) + "/plans/\(planID)/certify", "{}", expect: .ok)
            inbox = try await clinic.tester.sendRequest(.GET, "/inbox", headers: max.headers).body.string
            #expect(!inbox.contains("/plans/\(planID.lowercased())"))
        }
    }

    /// Reports and team notes share the notes table; the session-note routes neither list, read, edit, sign nor amend them
    /// (each has its own routes and schema), and a session key cannot overwrite a report's draft.
    @Test func theNoteRoutesLeaveReportsAndTeamNotesAlone() async throws {
        try await withClinic { clinic in
            let ana = try await API(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            _ = try await self.planWithSessions(clinic, ana, p, count: 1)
            let report = try await ana.json(.POST, self.base(p) + "/reports", expect: .created)
            let reportID = try #require(report["id"] as? String)
            let teamNote = try await ana.json(.POST, self.base(p) + "/team-notes", #"{"text":"Discussed the home program with the PT."}"#, expect: .created)
            let teamNoteID = try #require(teamNote["id"] as? String)
            let listed = try await ana.json(.GET, self.base(p) + "/notes", expect: .ok)
            #expect((listed["items"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["session"])
            for id in [reportID, teamNoteID] {
                _ = try await ana.json(.GET, self.base(p) + "/notes/\(id)", expect: .notFound)
                _ = try await ana.json(.POST, self.base(p) + "/notes/\(id)/addenda", #"{"text":"x"}"#, expect: .notFound)
            }
            _ = try await ana.json(.PUT, self.base(p) + "/notes/\(reportID)", #"{"subjective":{"painToday":3}}"#, expect: .notFound)
            _ = try await ana.json(.POST, self.base(p) + "/notes/\(reportID)/sign", "{}", expect: .notFound)
            let row = try await (clinic.app.db as! any SQLDatabase).raw("SELECT idempotency_key FROM session_notes WHERE id = \(bind: UUID(uuidString: reportID)!)").first()
            let key = try #require(try row?.decode(column: "idempotency_key", as: String.self))
            _ = try await ana.json(.POST, self.base(p) + "/notes", #"{"idempotencyKey":"\#(key)","note":{}}"#, expect: .conflict)
            let again = try await ana.json(.GET, self.base(p) + "/reports/\(reportID)", expect: .ok)
            #expect(again["status"] as? String == "draft" && (again["report"] as? [String: Any])?["sessionsTotal"] as? Int == 1)
        }
    }
}
