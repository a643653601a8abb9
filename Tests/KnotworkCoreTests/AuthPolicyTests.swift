import Foundation
import Testing
@testable import KnotworkCore

struct AuthPolicyTests {
    @Test(arguments: [
        ("short-pass", false),            // ASVS 2.1.1: at least 12 characters
        ("twelve chars", true),
        ("password1234", false),          // ASVS 2.1.7: breached
        ("ana.lmt-secret-99", false),     // contains the username
        (String(repeating: "é", count: 37), false),  // 74 bytes: past bcrypt's 72
        ("correct horse battery staple", true),
    ])
    func passwordPolicy(password: String, acceptable: Bool) {
        #expect(PasswordPolicy.problems(password, username: "ana.lmt").isEmpty == acceptable)
    }

    @Test func usernames() {
        #expect(UsernamePolicy.problems("ana.lmt").isEmpty)
        #expect(!UsernamePolicy.problems("ab").isEmpty)
        #expect(!UsernamePolicy.problems("Ana Lmt").isEmpty)
        #expect(UsernamePolicy.normalize("  Ana.LMT ") == "ana.lmt")
    }

    let t0 = Date(timeIntervalSince1970: 1_000_000)

    /// ONC 170.315(d)(5), ASVS 3.3.2: 30 minutes idle, 12 hours absolute.
    static let sessionCases: [(TimeInterval, TimeInterval, Bool, SessionPolicy.Verdict)] = [
        (0.0, 0.0, false, SessionPolicy.Verdict.valid(touch: false)),
        (29 * 60.0, 0.0, false, .valid(touch: true)),
        (30 * 60.0, 0.0, false, .idleExpired),
        (12 * 3600.0, 11.9 * 3600, false, .absoluteExpired),
        (11.9 * 3600, 11.8 * 3600, false, .valid(touch: true)),
        (10.0, 5.0, false, .valid(touch: false)),
        (0.0, 0.0, true, .revoked),
    ]

    @Test(arguments: Self.sessionCases)
    func sessionPolicy(elapsed: TimeInterval, lastSeenAfterStart: TimeInterval, revoked: Bool, verdict: SessionPolicy.Verdict) {
        let policy = SessionPolicy()
        #expect(policy.check(createdAt: self.t0, lastSeenAt: self.t0.addingTimeInterval(lastSeenAfterStart), revoked: revoked,
                             now: self.t0.addingTimeInterval(elapsed)) == verdict)
    }

    @Test func throttleCountsFailuresInTheWindowOnly() {
        let p = ThrottlePolicy()
        let now = self.t0
        let four = (1...4).map { now.addingTimeInterval(TimeInterval(-$0 * 60)) }
        #expect(p.retryAfter(failures: four, limit: 5, now: now) == nil)
        let five = four + [now.addingTimeInterval(-10)]
        // The oldest of the five failed 4 minutes ago: free again when it leaves the 15-minute window.
        #expect(p.retryAfter(failures: five, limit: 5, now: now) == 11 * 60)
        let old = five.map { $0.addingTimeInterval(-20 * 60) }
        #expect(p.retryAfter(failures: old, limit: 5, now: now) == nil)
    }

    @Test func auditCanonicalFormIsStableAndCoversEveryField() {
        let r = AuditRecord(seq: 7, occurredAt: AuditRecord.timestamp(Date(timeIntervalSince1970: 1_790_000_000.1234)),
                            userID: UUID(uuidString: "11111111-2222-3333-4444-555555555555"), username: "ana.lmt",
                            role: "massage_therapist", action: "patient.read", patientID: nil, entity: "patient",
                            outcome: "success", clientAddress: "127.0.0.1", requestID: "r1", detail: "session")
        #expect(r.occurredAt == "2026-09-21T14:13:20.123Z")
        let c = r.canonical(previousHash: AuditRecord.genesisHash)
        #expect(c.split(separator: "\u{1F}", omittingEmptySubsequences: false).count == 13)
        var changed = r
        changed.detail = "session!"
        #expect(changed.canonical(previousHash: AuditRecord.genesisHash) != c)
    }
}
