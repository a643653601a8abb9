import Foundation

/// A day of the week, Monday first (ISO 8601).
public enum Weekday: Int, Codable, Sendable, CaseIterable, Comparable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    public init(_ date: CalendarDate) {
        // 1970-01-01 (day 0) was a Thursday.
        self = Weekday(rawValue: ((date.dayNumber + 3) % 7 + 7) % 7 + 1)!
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// A series of visits: on chosen weekdays, at one local time, for a number of weeks (from a plan's frequency, such as
/// twice a week for 6 weeks). Each occurrence keeps its local time across a daylight-saving change: its instant moves.
public struct VisitSeries: Equatable, Sendable {
    public var firstDay: CalendarDate
    public var weekdays: Set<Weekday>
    public var hour: Int
    public var minute: Int
    public var weeks: Int

    public static let maxWeeks = 52

    public init(firstDay: CalendarDate, weekdays: Set<Weekday>, hour: Int, minute: Int, weeks: Int) {
        self.firstDay = firstDay
        self.weekdays = weekdays
        self.hour = hour
        self.minute = minute
        self.weeks = weeks
    }

    /// The problems that make the series unbookable, by field.
    public var problems: [FieldError] {
        var errors: [FieldError] = []
        if self.weekdays.isEmpty { errors.append(FieldError("weekdays", "Choose at least one weekday.")) }
        if !(1...Self.maxWeeks).contains(self.weeks) { errors.append(FieldError("weeks", "A series runs 1 to \(Self.maxWeeks) weeks.")) }
        if LocalTime(date: self.firstDay, hour: self.hour, minute: self.minute) == nil { errors.append(FieldError("time", "Give a time of day (00:00–23:59).")) }
        return errors
    }

    /// The occurrences' local times, in order: the chosen weekdays of each week from `firstDay` (week one starts that
    /// day, so a Thursday start with Monday and Thursday chosen gives Thursday, then Monday, ...).
    public var occurrences: [LocalTime] {
        guard self.problems.isEmpty else { return [] }
        return (0..<(self.weeks * 7)).compactMap { offset in
            let day = self.firstDay.adding(days: offset)
            return self.weekdays.contains(Weekday(day)) ? LocalTime(date: day, hour: self.hour, minute: self.minute) : nil
        }
    }
}
