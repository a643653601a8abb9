import Foundation
import Testing
@testable import KnotworkCore

/// Dates and timestamps are computed in integer arithmetic (Foundation's `Calendar` cost a time-zone lookup per date);
/// these check the arithmetic against Foundation's Gregorian calendar in UTC and its ISO 8601 formatter.
@Suite struct CalendarArithmeticTests {
    static var utc: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }

    /// Foundation's calendar is Julian before 1582; ours is proleptic Gregorian throughout (as `dayNumber` is), so the two
    /// are compared from 1583 on.
    @Test func validityMatchesTheGregorianCalendar() {
        let calendar = Self.utc
        #expect(CalendarDate(year: 1, month: 1, day: 1) != nil && CalendarDate(year: 100, month: 2, day: 29) == nil && CalendarDate(year: 10_000, month: 1, day: 1) == nil)
        for year in [1600, 1700, 1900, 1999, 2000, 2023, 2024, 2100, 2400, 9999] {
            for month in 0...13 {
                for day in 0...32 {
                    let ours = CalendarDate(year: year, month: month, day: day)
                    let date = (1...12).contains(month) ? calendar.date(from: DateComponents(year: year, month: month, day: day)) : nil
                    let foundation = date.map { calendar.component(.day, from: $0) == day && calendar.component(.month, from: $0) == month } ?? false
                    #expect((ours != nil) == foundation, "\(year)-\(month)-\(day)")
                }
            }
        }
    }

    /// The audit trail's timestamp as it was written with Foundation (its text is hashed into the chain, so it must not change).
    static func foundationTimestamp(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = Date(timeIntervalSince1970: TimeInterval(ms / 1000))
        let c = Self.utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: seconds)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, Int(ms % 1000))
    }

    @Test func instantsAndTimestampsMatchFoundation() {
        let calendar = Self.utc
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            // Whole milliseconds from 1970 to 2200, as the audit trail keeps them.
            let ms = Double(Int64.random(in: 0...7_258_118_400_000, using: &rng))
            let date = Date(timeIntervalSince1970: ms / 1000)
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            #expect(CalendarDate(date) == CalendarDate(year: c.year!, month: c.month!, day: c.day!))
            #expect(AuditRecord.timestamp(date) == Self.foundationTimestamp(date), "\(ms)")
            #expect(CalendarDate(CalendarDate(date).description) == CalendarDate(date))
        }
        #expect(AuditRecord.timestamp(Date(timeIntervalSince1970: 1_790_000_000.0421)) == "2026-09-21T14:13:20.042Z")
    }

    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-1-01", "2026-01-1", "20260101", "2026/01/01", "٢٠٢٦-٠١-٠١", "2026-01-01 ", "", "0000-01-01"])
    func badDatesAreRefused(text: String) {
        #expect(CalendarDate(text) == nil)
    }
}
