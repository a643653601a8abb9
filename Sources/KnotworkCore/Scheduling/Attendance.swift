import Foundation

/// A patient's cancellations and no-shows, with the clinic's notice rule: a cancellation made less than
/// `noticeHours` before the visit is a late one (many clinics' policies charge or warn for those).
public struct Attendance: Equatable, Sendable {
    public var cancelled: Int
    public var lateCancellations: Int
    public var noShows: Int

    /// - Parameter visits: each visit's status, start, and when its status last changed (the cancellation's time).
    public static func count(_ visits: [(status: AppointmentStatus, start: Date, changedAt: Date)], noticeHours: Int) -> Attendance {
        let cancelled = visits.filter { $0.status == .cancelled }
        return Attendance(cancelled: cancelled.count,
                          lateCancellations: cancelled.filter { $0.start.timeIntervalSince($0.changedAt) < Double(noticeHours) * 3600 }.count,
                          noShows: visits.filter { $0.status == .noShow }.count)
    }

    public func summary(noticeHours: Int) -> String {
        "Cancelled \(self.cancelled) (\(self.lateCancellations) with less than \(noticeHours) hours' notice) · no-shows \(self.noShows)"
    }
}
