import Foundation
import Testing
@testable import KnotworkCore

/// When a progress report falls due (every 10 visits or 30 days by default, before the referral runs out at the
/// counter's alert thresholds of 2 visits or 7 days, at discharge), and what a therapist must add before signing.
struct ProgressReportRuleTests {
    static let since = CalendarDate("2026-09-01")!

    static func counter(authorized: Int, used: Int, expiry: String = "2026-12-31") -> VisitCounter {
        VisitCounter(authorized: authorized, used: used, start: Self.since, expiry: CalendarDate(expiry)!)
    }

    @Test(arguments: [
        // visits since the last report, today, referral, the last report already said it ends, discharging, expected
        (9, "2026-09-30", nil as VisitCounter?, false, false, [] as [ReportDueReason]),
        (10, "2026-09-30", nil, false, false, [.visits(count: 10, every: 10)]),
        (3, "2026-10-01", nil, false, false, [.days(elapsed: 30, every: 30)]),
        (3, "2026-09-15", counter(authorized: 12, used: 10), false, false, [.referralEnding(visitsLeft: 2, daysLeft: 107)]),
        (3, "2026-09-15", counter(authorized: 12, used: 9), false, false, []),
        (3, "2026-09-15", counter(authorized: 12, used: 4, expiry: "2026-09-22"), false, false, [.referralEnding(visitsLeft: 8, daysLeft: 7)]),
        (3, "2026-09-15", counter(authorized: 12, used: 4, expiry: "2026-09-23"), false, false, []),
        // Told once: not due again for the same reason.
        (3, "2026-09-15", counter(authorized: 12, used: 11), true, false, []),
        // A referral not used yet asks for nothing.
        (0, "2026-09-15", counter(authorized: 2, used: 0), false, false, []),
        (1, "2026-09-15", nil, false, true, [.discharge]),
    ])
    func dueRules(visits: Int, today: String, referral: VisitCounter?, endingReported: Bool, discharging: Bool, expected: [ReportDueReason]) {
        let due = ProgressReportDue.check(visitsSinceLast: visits, since: Self.since, today: CalendarDate(today)!, referral: referral,
                                          endingReported: endingReported, discharging: discharging)
        #expect(due == expected)
    }

    @Test func theClinicsCountsApply() {
        let settings = ProgressSettings(reEvaluationEveryVisits: 6, reEvaluationEveryDays: 14)
        let due = ProgressReportDue.check(visitsSinceLast: 6, since: Self.since, today: CalendarDate("2026-09-15")!, referral: nil, discharging: false,
                                          settings: settings)
        #expect(due == [.visits(count: 6, every: 6), .days(elapsed: 14, every: 14)])
    }

    @Test func aReportIsSignedWithARecommendationAndANarrative() throws {
        let day = Self.since
        let draft = ProgressReport(periodStart: day, periodEnd: day, due: [], referral: nil, goals: [], sessionsInPeriod: 0, sessionsTotal: 0,
                                   techniques: [], precautions: [], homeProgram: [], recommendation: .continueCare, requestRenewal: false, narrative: "")
        #expect(throws: ValidationFailure.self) { try draft.readyToSign() }
        do {
            _ = try draft.edited(recommendation: "stop", requestRenewal: nil, narrative: "x")
            Issue.record("an unknown recommendation was accepted")
        } catch {
            #expect(error.errors.map(\.field) == ["recommendation"])
        }
        let edited = try draft.edited(recommendation: "change", requestRenewal: true, narrative: "  Sitting tolerance doubled.  ")
        try edited.readyToSign()
        #expect(edited.recommendation == .change && edited.requestRenewal && edited.narrative == "Sitting tolerance doubled.")
        // The signature covers the narrative: another text is another canonical form.
        let id = UUID(), author = UUID(), at = Date(timeIntervalSince1970: 1_790_000_000)
        let other = try draft.edited(recommendation: "change", requestRenewal: true, narrative: "Sitting tolerance tripled.")
        #expect(edited.canonicalForm(patientID: id, noteID: id, author: author, signedAt: at) != other.canonicalForm(patientID: id, noteID: id, author: author, signedAt: at))
        #expect(edited.canonicalForm(patientID: id, noteID: id, author: author, signedAt: at).hasPrefix("version=\"knotwork-progress-report/1\"\n"))
    }
}
