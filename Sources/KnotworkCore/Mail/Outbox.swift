import Foundation

// The e-mail outbox (issue 11): a message is written to the database in the same transaction as the change that causes
// it, and a worker delivers it over SMTP. The rules here are pure: what a message may hold, when a failed attempt is
// tried again, and what an SMTP reply means for the message.

/// Where a message is on its way out.
public enum OutboxStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for its next attempt.
    case pending
    /// A worker holds it (until its lease ends).
    case sending
    case sent
    /// Refused for good (a 5xx reply) or out of attempts.
    case failed
    /// The server may have taken it: the connection ended after the message's final dot and before the server's
    /// answer. Never sent again by itself (that could deliver it twice); an administrator decides.
    case uncertain
    /// Taken back before it was sent, because it is no longer true (a reminder of a cancelled visit).
    case withdrawn

    public var label: String {
        switch self {
        case .pending: "Waiting"
        case .sending: "Sending"
        case .sent: "Sent"
        case .failed: "Failed"
        case .uncertain: "Uncertain (check with the recipient)"
        case .withdrawn: "Withdrawn (no longer needed)"
        }
    }
}

/// A message to queue. Plain text only: notifications carry no patient data beyond what the clinic allows, and no
/// HTML means nothing in a message can load from elsewhere.
public struct OutboxDraft: Sendable, Equatable {
    /// What caused it (`test`, `report-notice`, `invitation` …), for the outbox page and the delivery logs.
    public var kind: String
    public var to: String
    public var subject: String
    public var body: String
    /// The record it belongs to (a report, an invitation), for a delivery log.
    public var reference: String?

    public static let maxSubject = 200
    public static let maxBody = 20_000

    public init(kind: String, to: String, subject: String, body: String, reference: String? = nil) {
        self.kind = kind
        self.to = to
        self.subject = subject
        self.body = body
        self.reference = reference
    }

    /// The draft, cleaned, or field errors on `to`, `subject`, `body`.
    public func validated() throws(ValidationFailure) -> OutboxDraft {
        var v = AssessmentValidator()
        let to = v.requiredLine(self.to, "to", "Recipient", max: 254)
        if !to.isEmpty, let problem = EmailAddress.problem(to) { v.add("to", "Recipient \(problem)") }
        let subject = v.requiredLine(self.subject, "subject", "Subject", max: Self.maxSubject)
        let body = v.text(self.body, "body", "Message", max: Self.maxBody)
        if body == nil { v.add("body", "Message is required.") }
        try v.finish()
        return OutboxDraft(kind: self.kind, to: to, subject: subject, body: body ?? "", reference: self.reference)
    }
}

/// Addresses as the SMTP envelope carries them (RFC 5321 §4.1.2 without quoted local parts, and ASCII only since
/// Knotwork does not speak SMTPUTF8).
public enum EmailAddress {
    public static func problem(_ address: String) -> String? {
        if let problem = Text.emailProblem(address) { return problem }
        let allowed = address.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 32 && $0.value < 127 && !"<>()[]\\,;:\"".unicodeScalars.contains($0) }
        guard allowed, address.utf8.count <= 254 else { return "must be a plain address such as name@example.org (letters, digits and . _ - + only)." }
        let parts = address.split(separator: "@")
        guard parts[0].utf8.count <= 64, !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !parts[1].contains("..") else {
            return "must be a plain address such as name@example.org."
        }
        return nil
    }
}

/// When a failed attempt is tried again: exponential back-off from `firstDelay`, doubling up to `maxDelay`, and at most
/// `maxAttempts` attempts in all. The numbers are ours (no rule gives them); RFC 5321 §4.5.4.1 asks a sender to wait
/// at least 30 minutes between attempts to one host and to give up after 4–5 days, which suits a relay with a queue
/// of its own. Knotwork hands each message to the clinic's relay, so it retries sooner and fewer times, and a failure
/// shows on the outbox page within hours rather than days.
public struct OutboxRetryPolicy: Sendable, Equatable {
    public var firstDelay: TimeInterval
    public var maxDelay: TimeInterval
    public var maxAttempts: Int

    public init(firstDelay: TimeInterval = 60, maxDelay: TimeInterval = 3600, maxAttempts: Int = 8) {
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
        self.maxAttempts = maxAttempts
    }

    public static let standard = OutboxRetryPolicy()

    /// The wait after attempt number `attempt` (1 for the first) failed for a while, or nil when no attempt is left.
    public func delay(afterAttempt attempt: Int) -> TimeInterval? {
        guard attempt < self.maxAttempts else { return nil }
        let doubled = self.firstDelay * pow(2, Double(max(0, attempt - 1)))
        return min(doubled, self.maxDelay)
    }
}

/// What an attempt's end means for the message.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// Try again later: a 4xx reply, or the connection failed before the message's final dot.
    case temporary(String)
    /// A 5xx reply: the server will never take it.
    case permanent(String)
    /// The connection ended after the final dot and before the reply.
    case unknown(String)

    /// An SMTP reply code to a command before the message's final dot (RFC 5321 §4.2.1: 2 and 3 go on, 4 is transient,
    /// 5 is permanent).
    public static func refusal(code: Int, text: String) -> DeliveryOutcome {
        let message = "\(code) \(text)"
        return (500...599).contains(code) ? .permanent(message) : .temporary(message)
    }
}

extension OutboxRetryPolicy {
    /// The message's next status and attempt time after an attempt numbered `attempt` ended with `outcome`.
    public func next(after outcome: DeliveryOutcome, attempt: Int, at now: Date) -> (status: OutboxStatus, nextAttempt: Date?) {
        switch outcome {
        case .delivered: return (.sent, nil)
        case .permanent: return (.failed, nil)
        case .unknown: return (.uncertain, nil)
        case .temporary:
            guard let wait = self.delay(afterAttempt: attempt) else { return (.failed, nil) }
            return (.pending, now.addingTimeInterval(wait))
        }
    }
}
