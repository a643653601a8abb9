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

extension Weekday {
    /// `monday` … `sunday`, as forms and the API name them.
    public var name: String { ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"][self.rawValue - 1] }

    public init?(name: String) {
        guard let d = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = d
    }

    public var label: String { self.name.prefix(1).uppercased() + self.name.dropFirst() }
}

/// A series as the form or the API sends it: the visit (clinician, length, kind, reason) and when it recurs.
public struct VisitSeriesInput: Codable, Sendable, Equatable {
    public var clinicianId: UUID?
    /// The first day the series may start (`YYYY-MM-DD`).
    public var firstDay: String?
    public var weekdays: [String]?
    /// The local time of day of every visit (`HH:MM`).
    public var time: String?
    public var weeks: Int?
    public var minutes: Int?
    public var kind: String?
    public var reason: String?
    /// Why visits beyond the last authorized visit or a referral's dates are booked anyway (as for one visit).
    public var overrideReason: String?

    public init(clinicianId: UUID? = nil, firstDay: String? = nil, weekdays: [String]? = nil, time: String? = nil, weeks: Int? = nil,
                minutes: Int? = nil, kind: String? = nil, reason: String? = nil, overrideReason: String? = nil) {
        self.clinicianId = clinicianId
        self.firstDay = firstDay
        self.weekdays = weekdays
        self.time = time
        self.weeks = weeks
        self.minutes = minutes
        self.kind = kind
        self.reason = reason
        self.overrideReason = overrideReason
    }

    /// The series and the visit each occurrence books; every problem at once. The visit's own rules (clinician on the
    /// team, length, kind) are checked on the first occurrence's template by `AppointmentInput.validated`.
    public func validated() throws(ValidationFailure) -> VisitSeries {
        var errors: [FieldError] = []
        let day = CalendarDate(Text.clean(self.firstDay))
        if day == nil { errors.append(FieldError("firstDay", "Enter the first day of the series (YYYY-MM-DD).")) }
        var days: Set<Weekday> = []
        for raw in self.weekdays ?? [] {
            if let d = Weekday(name: raw) { days.insert(d) } else { errors.append(FieldError("weekdays", "Use weekday names (monday … sunday).")) }
        }
        let parts = Text.clean(self.time).split(separator: ":", omittingEmptySubsequences: false)
        let hm = parts.count == 2 && parts.allSatisfy({ $0.count == 2 }) ? (Int(parts[0]), Int(parts[1])) : (nil, nil)
        if hm.0 == nil || hm.1 == nil { errors.append(FieldError("time", "Give the visits' time of day as HH:MM (for example 09:00).")) }
        if self.weeks == nil { errors.append(FieldError("weeks", "Say for how many weeks the series runs.")) }
        let series = VisitSeries(firstDay: day ?? CalendarDate(dayNumber: 0), weekdays: days, hour: hm.0 ?? 0, minute: hm.1 ?? 0, weeks: self.weeks ?? 1)
        for e in series.problems where !errors.contains(where: { $0.field == e.field }) { errors.append(e) }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return series
    }
}

/// One occurrence of a series placed on the clinic's clock: its instant, or why it has none.
public enum PlacedOccurrence: Equatable, Sendable {
    case at(LocalTime, Date)
    case impossible(LocalTime, String)

    /// The series' local times as instants. A time in the spring gap cannot be booked; a time in the autumn's repeated
    /// hour is not guessed either: it is left out for the person to book alone, choosing the pass.
    public static func place(_ series: VisitSeries, on clock: ClinicClock) -> [PlacedOccurrence] {
        series.occurrences.map { t in
            let text = t.description.replacingOccurrences(of: "T", with: " ")
            switch clock.resolve(t) {
            case .exact(let d): return .at(t, d)
            case .repeated: return .impossible(t, "\(text) happens twice in \(clock.identifier) (the clocks go back): book it on its own and choose which one.")
            case .skipped: return .impossible(t, "\(text) does not exist in \(clock.identifier): the clocks skip that hour.")
            }
        }
    }
}
