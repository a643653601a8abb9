import Foundation
import Testing
@testable import KnotworkCore

/// The outbox's pure rules: back-off, what an SMTP reply means, which addresses the envelope may carry.
struct OutboxRuleTests {
    @Test(arguments: [
        // attempt that failed, wait before the next (nil: no attempt left)
        (1, 60.0 as TimeInterval?), (2, 120), (3, 240), (4, 480), (5, 960), (6, 1920), (7, 3600), (8, nil), (9, nil),
    ])
    func backOffDoublesToItsCeilingAndStops(attempt: Int, wait: TimeInterval?) {
        #expect(OutboxRetryPolicy.standard.delay(afterAttempt: attempt) == wait)
    }

    @Test(arguments: [
        // outcome, attempt, status, seconds to the next attempt
        (DeliveryOutcome.delivered, 1, OutboxStatus.sent, nil as TimeInterval?),
        (.temporary("451 busy"), 1, .pending, 60),
        (.temporary("connection refused"), 3, .pending, 240),
        (.temporary("451 busy"), 8, .failed, nil),
        (.permanent("550 no such user"), 1, .failed, nil),
        (.unknown("closed after the dot"), 1, .uncertain, nil),
    ])
    func anAttemptsEndSetsTheNextStatus(outcome: DeliveryOutcome, attempt: Int, status: OutboxStatus, wait: TimeInterval?) {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let next = OutboxRetryPolicy.standard.next(after: outcome, attempt: attempt, at: now)
        #expect(next.status == status)
        #expect(next.nextAttempt == wait.map { now.addingTimeInterval($0) })
    }

    /// RFC 5321 §4.2.1: 4yz is transient, 5yz permanent.
    @Test(arguments: [(421, false), (450, false), (451, false), (452, false), (535, true), (550, true), (552, true), (554, true)])
    func repliesAreTransientOrPermanentByTheirFirstDigit(code: Int, permanent: Bool) {
        let outcome = DeliveryOutcome.refusal(code: code, text: "x")
        #expect(outcome == (permanent ? .permanent("\(code) x") : .temporary("\(code) x")))
    }

    @Test(arguments: [
        ("dr.rivera@example.org", true), ("a+b_c-d@mail.example.org", true),
        ("no-at-sign.example.org", false), ("two@@example.org", false), ("name@localhost", false), ("name@example..org", false),
        ("Name <name@example.org>", false), ("name@example.org\r\nBcc: x@example.org", false), ("námé@example.org", false),
        ("quoted\"@example.org", false), (String(repeating: "a", count: 65) + "@example.org", false),
    ])
    func envelopeAddresses(address: String, ok: Bool) {
        #expect((EmailAddress.problem(address) == nil) == ok, "\(address)")
    }

    @Test func aDraftNeedsARecipientASubjectAndABodyWithoutHeaderInjection() throws {
        let good = try OutboxDraft(kind: "test", to: " dr.rivera@example.org ", subject: "  A report  is ready ", body: "Line one\nLine two\n").validated()
        #expect(good.to == "dr.rivera@example.org" && good.subject == "A report is ready" && good.body == "Line one\nLine two")
        #expect(throws: ValidationFailure.self) { try OutboxDraft(kind: "test", to: "", subject: "", body: " ").validated() }
        do {
            _ = try OutboxDraft(kind: "test", to: "x@example.org", subject: "Hi\u{7}there", body: "b").validated()
            Issue.record("a control character in the subject was accepted")
        } catch {
            #expect(error.errors.map(\.field) == ["subject"])
        }
        do {
            _ = try OutboxDraft(kind: "test", to: "bad", subject: "", body: "").validated()
        } catch {
            #expect(Set(error.errors.map(\.field)) == ["to", "subject", "body"])
        }
    }
}
