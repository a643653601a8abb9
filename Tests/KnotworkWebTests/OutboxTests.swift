import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import Testing
import Vapor
@testable import KnotworkWeb

/// The outbox against a real SMTP server (aiosmtpd, tests/smtp/sink.py) on SQLite and PostgreSQL: delivery with
/// STARTTLS and authentication, retries with back-off, no second copy across restarts, one copy under two workers.
@Suite(.serialized) struct OutboxTests {
    static func smtp(_ sink: SMTPSink, security: SMTPSettings.Security = .startTLS, auth: Bool = true) -> SMTPSettings {
        SMTPSettings(host: "127.0.0.1", port: sink.port, security: security, username: auth ? "knotwork" : nil, password: auth ? "s3cret-relay" : nil,
                     from: "clinic@knotwork.test", fromName: "Knotwork Test Clinic", caFile: sink.ca, timeout: 10)
    }

    static func delivery(_ clinic: Clinic, _ smtp: SMTPSettings, worker: String = "worker-a") -> OutboxDelivery {
        OutboxDelivery(database: clinic.app.db, client: SMTPClient(settings: smtp, group: clinic.app.eventLoopGroup), worker: worker,
                       clock: clinic.clock.knotworkClock, policy: .standard, gate: clinic.app.knotwork.writeGate, logger: clinic.app.logger)
    }

    @discardableResult
    static func enqueue(_ clinic: Clinic, to: String, subject: String = "A progress report is waiting in Knotwork",
                        body: String = "Sign in to Knotwork to read it.") async throws -> OutboxMessage {
        let draft = try OutboxDraft(kind: "test", to: to, subject: subject, body: body).validated()
        return try await OutboxStore(database: clinic.app.db).enqueue(draft, by: nil, domain: "knotwork.test", at: clinic.clock.now)
    }

    static let sinkAuth = "knotwork:s3cret-relay"

    @Test func aMessageArrivesOverSTARTTLSWithAuthentication() async throws {
        try await withSMTPSink(starttls: true, auth: Self.sinkAuth) { sink in
            try await withClinic(seed: false) { clinic in
                let body = "Dear colleague,\n.a line that starts with a dot\n\nKnotwork"
                let queued = try await Self.enqueue(clinic, to: "dr.rivera@example.org", subject: "Rückmeldung – progress report ready", body: body)
                let result = try await Self.delivery(clinic, Self.smtp(sink)).deliverDue()
                #expect(result == [queued.id: .sent])
                let got = try sink.messages()
                try #require(got.count == 1)
                #expect(got[0].to == ["dr.rivera@example.org"] && got[0].from == "clinic@knotwork.test")
                #expect(got[0].subject == "Rückmeldung – progress report ready")
                #expect(got[0].body.trimmingCharacters(in: .newlines) == body)
                #expect(got[0].message_id == queued.messageID && got[0].from_header.contains("Knotwork Test Clinic"))
                #expect(got[0].tls && got[0].auth == "knotwork")
                let stored = try #require(try await OutboxStore(database: clinic.app.db).message(queued.id))
                #expect(stored.status == .sent && stored.attempts == 1 && stored.sentAt == clinic.clock.now && stored.claimedBy == nil)
                // Nothing is due any more.
                #expect(try await Self.delivery(clinic, Self.smtp(sink)).deliverDue().isEmpty)
            }
        }
    }

    @Test func aRefusingServerIsTriedAgainWithBackOff() async throws {
        try await withSMTPSink(starttls: true, auth: Self.sinkAuth) { sink in
            try await withClinic(seed: false) { clinic in
                let queued = try await Self.enqueue(clinic, to: "tempfail-2@example.org")
                let store = OutboxStore(database: clinic.app.db)
                let delivery = Self.delivery(clinic, Self.smtp(sink))
                let start = clinic.clock.now
                #expect(try await delivery.deliverDue() == [queued.id: .pending])
                var m = try #require(try await store.message(queued.id))
                #expect(m.attempts == 1 && m.nextAttemptAt == start.addingTimeInterval(60) && m.lastError?.hasPrefix("451") == true)
                // Not due before its time.
                clinic.clock.advance(59)
                #expect(try await delivery.deliverDue().isEmpty)
                clinic.clock.advance(1)
                #expect(try await delivery.deliverDue() == [queued.id: .pending])
                m = try #require(try await store.message(queued.id))
                #expect(m.attempts == 2 && m.nextAttemptAt == clinic.clock.now.addingTimeInterval(120))
                clinic.clock.advance(120)
                #expect(try await delivery.deliverDue() == [queued.id: .sent])
                #expect(try sink.messages().map(\.to) == [["tempfail-2@example.org"]])
                m = try #require(try await store.message(queued.id))
                #expect(m.status == .sent && m.attempts == 3 && m.lastError == nil)
            }
        }
    }

    @Test func aPermanentRefusalFailsAtOnceAndAnUnencryptedServerIsRefused() async throws {
        try await withSMTPSink(starttls: true, auth: Self.sinkAuth) { sink in
            try await withClinic(seed: false) { clinic in
                let queued = try await Self.enqueue(clinic, to: "reject@example.org")
                #expect(try await Self.delivery(clinic, Self.smtp(sink)).deliverDue() == [queued.id: .failed])
                let m = try #require(try await OutboxStore(database: clinic.app.db).message(queued.id))
                #expect(m.attempts == 1 && m.lastError?.hasPrefix("550") == true && m.nextAttemptAt == nil)
                #expect(try sink.messages().isEmpty)
            }
        }
        // A server without STARTTLS gets nothing: no fall-back to plain text, the message waits.
        try await withSMTPSink { sink in
            try await withClinic(seed: false) { clinic in
                let queued = try await Self.enqueue(clinic, to: "dr.rivera@example.org")
                #expect(try await Self.delivery(clinic, Self.smtp(sink, auth: false)).deliverDue() == [queued.id: .pending])
                let m = try #require(try await OutboxStore(database: clinic.app.db).message(queued.id))
                #expect(m.lastError?.contains("STARTTLS") == true)
                #expect(try sink.messages().isEmpty)
                // The same server, configured as a local relay without encryption, takes it.
                clinic.clock.advance(60)
                #expect(try await Self.delivery(clinic, Self.smtp(sink, security: .none, auth: false)).deliverDue() == [queued.id: .sent])
                #expect(try sink.messages().count == 1)
            }
        }
    }

    /// A restart between the final dot and the reply, a worker that died before the final dot and one that died after
    /// it: each message reaches the server at most once, and the first is never resent by itself.
    @Test func aRestartSendsNothingTwice() async throws {
        try await withSMTPSink(starttls: true, auth: Self.sinkAuth) { sink in
            let (target, cleanup) = try await TestDatabase.make()
            let clock = TestClock()
            var ids: [UUID] = []
            try await withClinic(clock: clock, target: target, seed: false) { clinic in
                let dropped = try await Self.enqueue(clinic, to: "drop-after-data@example.org")
                #expect(try await Self.delivery(clinic, Self.smtp(sink)).deliverDue() == [dropped.id: .uncertain])
                let store = OutboxStore(database: clinic.app.db)
                // Two workers that "die": one holding a message before its final dot, one after.
                let before = try await Self.enqueue(clinic, to: "before-dot@example.org")
                let after = try await Self.enqueue(clinic, to: "after-dot@example.org")
                let a = try #require(try await store.claimNext(worker: "dead-1", lease: 70, at: clock.now))
                let b = try #require(try await store.claimNext(worker: "dead-2", lease: 70, at: clock.now))
                #expect(Set([a.id, b.id]) == Set([before.id, after.id]))
                #expect(try await store.commitData(after.id, worker: after.id == a.id ? "dead-1" : "dead-2", at: clock.now))
                ids = [dropped.id, before.id, after.id]
            }
            // The restarted server: a new application on the same database.
            clock.advance(71)
            try await withClinic(clock: clock, target: target, seed: false) { clinic in
                let result = try await Self.delivery(clinic, Self.smtp(sink), worker: "worker-b").deliverDue()
                #expect(result == [ids[1]: .sent])
                let store = OutboxStore(database: clinic.app.db)
                #expect(try await store.message(ids[0])?.status == .uncertain)
                let abandoned = try #require(try await store.message(ids[2]))
                #expect(abandoned.status == .uncertain && abandoned.attempts == 1)
                #expect(try await store.message(ids[1])?.attempts == 2)
                clock.advance(24 * 3600)
                #expect(try await Self.delivery(clinic, Self.smtp(sink), worker: "worker-c").deliverDue().isEmpty)
                #expect(try sink.messages().map(\.to).sorted { $0[0] < $1[0] } == [["before-dot@example.org"], ["drop-after-data@example.org"]])
                // An administrator who checked with the recipient sends the uncertain one again, deliberately.
                #expect(try await store.retry(ids[2], at: clock.now))
                #expect(!(try await store.retry(ids[1], at: clock.now)), "a sent message is not sent again")
                #expect(try await Self.delivery(clinic, Self.smtp(sink), worker: "worker-c").deliverDue() == [ids[2]: .sent])
            }
            try await cleanup()
        }
    }

    /// Two workers on one database (as two instances would run, each with its own connections) share the queue: every
    /// message is claimed once and arrives once.
    @Test func twoWorkersSendEachMessageOnce() async throws {
        try await withSMTPSink(starttls: true, auth: Self.sinkAuth) { sink in
            try await withClinic(seed: false) { clinic in
                var queued: [UUID] = []
                for i in 0..<24 { queued.append(try await Self.enqueue(clinic, to: "member-\(i)@example.org").id) }
                let one = Self.delivery(clinic, Self.smtp(sink), worker: "instance-1")
                let two = Self.delivery(clinic, Self.smtp(sink), worker: "instance-2")
                async let a = one.deliverDue()
                async let b = two.deliverDue()
                let (ra, rb) = try await (a, b)
                #expect(Set(ra.keys).isDisjoint(with: rb.keys))
                #expect(Set(ra.keys).union(rb.keys) == Set(queued))
                #expect((Array(ra.values) + Array(rb.values)).allSatisfy { $0 == .sent })
                let got = try sink.messages()
                #expect(got.count == 24)
                #expect(Set(got.map(\.message_id)).count == 24)
                let stored = try await OutboxStore(database: clinic.app.db).list()
                #expect(stored.allSatisfy { $0.status == .sent && $0.attempts == 1 })
            }
        }
    }
}

extension OutboxTests {
    /// The relay's certificate is checked: an untrusted one gets nothing, and the message waits for the next attempt.
    @Test func anUntrustedCertificateGetsNothing() async throws {
        try await withSMTPSink(starttls: true, auth: Self.sinkAuth) { sink in
            try await withClinic(seed: false) { clinic in
                let queued = try await Self.enqueue(clinic, to: "dr.rivera@example.org")
                var untrusted = Self.smtp(sink)
                untrusted.caFile = nil
                #expect(try await Self.delivery(clinic, untrusted).deliverDue() == [queued.id: .pending])
                let store = OutboxStore(database: clinic.app.db)
                #expect(try await store.message(queued.id)?.lastError?.contains("CERTIFICATE_VERIFY_FAILED") == true)
                #expect(try sink.messages().isEmpty)
            }
        }
    }
}

/// The administrator's outbox page and API: a test message with field errors for a bad address, the queue by state,
/// and sending a failed message again (409 for any other state).
struct OutboxPageTests {
    typealias API = AssessmentTests.API

    @Test func anAdministratorQueuesATestMessageAndSendsAFailedOneAgain() async throws {
        try await withSMTPSink(starttls: true, auth: OutboxTests.sinkAuth) { sink in
            try await withClinic { clinic in
                let api = try await API(clinic, "admin")
                let before = try await OutboxStore(database: clinic.app.db).list().count
                let bad = try await api.json(.POST, "/api/v1/outbox/test", #"{"to":"Dr Rivera <rivera@example.org>"}"#, expect: .unprocessableEntity)
                #expect((bad["errors"] as? [[String: Any]])?.first?["field"] as? String == "to")
                #expect(try await OutboxStore(database: clinic.app.db).list().count == before, "a refused message is not queued")

                let queued = try await api.json(.POST, "/api/v1/outbox/test", #"{"to":"reject@example.org"}"#, expect: .accepted)
                let id = try #require(queued["id"] as? String)
                #expect(queued["status"] as? String == "pending" && queued["kind"] as? String == "test")
                #expect(try await clinic.lastAudit().action == AuditAction.outboxQueue.rawValue)
                // Only a failed or uncertain message is sent again.
                _ = try await api.json(.POST, "/api/v1/outbox/\(id)/retry", expect: .conflict)
                try await OutboxTests.delivery(clinic, OutboxTests.smtp(sink)).deliverDue()
                let list = try await api.json(.GET, "/api/v1/outbox?status=failed", expect: .ok)
                let items = try #require(list["items"] as? [[String: Any]])
                #expect(items.map { $0["id"] as? String } == [id])
                #expect((items[0]["lastError"] as? String)?.hasPrefix("550") == true)
                #expect((list["relay"] as? [String: Any])?["configured"] as? Bool == false)
                #expect((list["counts"] as? [String: Int])?["failed"] == 1)
                _ = try await api.json(.GET, "/api/v1/outbox?status=lost", expect: .unprocessableEntity)
                let again = try await api.json(.POST, "/api/v1/outbox/\(id)/retry", expect: .ok)
                #expect(again["status"] as? String == "pending" && again["attempts"] as? Int == 0)
                #expect(try await clinic.lastAudit().action == AuditAction.outboxRetry.rawValue)
                _ = try await api.json(.POST, "/api/v1/outbox/\(UUID())/retry", expect: .notFound)

                // The page: the relay's state, the message, and the form's field error.
                let admin = try await clinic.signIn("admin")
                let t = try clinic.tester
                let page = try await t.sendRequest(.GET, "/admin/outbox", headers: admin.headers)
                #expect(page.status == .ok && page.body.string.contains("No mail relay is configured") && page.body.string.contains("reject@example.org"))
                let (h, b) = admin.form([("to", "not-an-address")])
                let refused = try await t.sendRequest(.POST, "/admin/outbox/test", headers: h, body: b)
                #expect(refused.status == .unprocessableEntity && refused.body.string.contains("Recipient must"))
                let (h2, b2) = admin.form([("to", "front.office@example.org")])
                let accepted = try await t.sendRequest(.POST, "/admin/outbox/test", headers: h2, body: b2)
                #expect(accepted.status == .ok && accepted.body.string.contains("Queued a test message to front.office@example.org"))
                // A therapist does not see the outbox.
                let ana = try await clinic.signIn("ana.lmt")
                #expect(try await t.sendRequest(.GET, "/admin/outbox", headers: ana.headers).status == .notFound)
            }
        }
    }
}
