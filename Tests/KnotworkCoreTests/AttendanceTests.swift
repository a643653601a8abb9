import Foundation
import Testing
@testable import KnotworkCore

/// Late cancellations under the clinic's notice rule (24 hours unless the clinic sets another).
@Suite struct AttendanceTests {
    static let visit = Date(timeIntervalSince1970: 1_793_718_000)  // 2026-11-03T15:00:00Z

    @Test(arguments: [
        // hours before the visit the cancellation was made, notice hours, late?
        (48.0, 24, false), (24.0, 24, false), (23.9, 24, true), (1.0, 24, true), (-2.0, 24, true),
        (30.0, 48, true), (0.5, 0, false),
    ])
    func aCancellationInsideTheNoticeIsLate(hoursBefore: Double, notice: Int, late: Bool) {
        let a = Attendance.count([(.cancelled, Self.visit, Self.visit.addingTimeInterval(-hoursBefore * 3600))], noticeHours: notice)
        #expect(a.cancelled == 1 && a.lateCancellations == (late ? 1 : 0), "\(hoursBefore) h before, notice \(notice) h")
    }

    @Test func noShowsAndOtherVisitsAreCountedApart() {
        let v = Self.visit
        let a = Attendance.count([(.noShow, v, v), (.completed, v, v), (.booked, v, v), (.cancelled, v, v.addingTimeInterval(-3600)), (.noShow, v, v)],
                                 noticeHours: 24)
        #expect(a == Attendance(cancelled: 1, lateCancellations: 1, noShows: 2))
        #expect(a.summary(noticeHours: 24) == "Cancelled 1 (1 with less than 24 hours' notice) · no-shows 2")
    }
}
