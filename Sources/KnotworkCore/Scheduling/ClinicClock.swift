import Foundation

/// A wall-clock time as a person in the clinic reads or types it: a local date and a time of day, in no zone yet.
public struct LocalTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var date: CalendarDate
    public var hour: Int
    public var minute: Int

    public init?(date: CalendarDate, hour: Int, minute: Int) {
        guard (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        self.date = date
        self.hour = hour
        self.minute = minute
    }

    /// Parses `YYYY-MM-DDTHH:MM` (a `datetime-local` field's value).
    public init?(_ text: String) {
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 2, let date = CalendarDate(String(parts[0])) else { return nil }
        let hm = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard hm.count == 2, hm[0].count == 2, hm[1].count == 2, let h = Int(hm[0]), let m = Int(hm[1]) else { return nil }
        self.init(date: date, hour: h, minute: m)
    }

    /// The wall time's seconds since 1970-01-01T00:00 on the same wall clock.
    var wallSeconds: Int { self.date.dayNumber * 86_400 + self.hour * 3_600 + self.minute * 60 }

    public var description: String {
        "\(self.date)T\(CalendarDate.padded(self.hour, 2)):\(CalendarDate.padded(self.minute, 2))"
    }

    public static func < (a: Self, b: Self) -> Bool { a.wallSeconds < b.wallSeconds }
}

/// What a local wall time is on the clinic's clock: one instant, none (the hour skipped when clocks go forward), or
/// two (the hour repeated when they go back).
public enum LocalResolution: Equatable, Sendable {
    case exact(Date)
    case skipped
    case repeated(earlier: Date, later: Date)
}

/// Which of a repeated hour's two instants a person meant (asked for, never guessed).
public enum RepeatedHour: String, Codable, Sendable, CaseIterable {
    /// The first pass, still on daylight-saving time.
    case earlier
    /// The second pass, after the clocks went back.
    case later
}

/// The clinic's clock: its IANA time zone, in which every time is entered and shown, while instants are stored in UTC.
/// Changing the zone changes how stored instants read, never the instants.
public struct ClinicClock: Sendable, Equatable {
    public let zone: TimeZone
    /// The IANA name as configured (Foundation calls UTC "GMT").
    public let identifier: String

    public static let utc = ClinicClock(identifier: "UTC")!

    /// A clock for an IANA zone name (`America/Chicago`, or `UTC`); nil for anything else, such as an abbreviation
    /// (`CST`) or an offset (`GMT+5`). Foundation's list of known names lags the IANA database (it lacks
    /// `Asia/Kolkata`), so the name's form is checked and the zone must load under exactly that name.
    public init?(identifier: String) {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/")
        guard identifier == "UTC" || (identifier.contains("/") && identifier.count <= 64 && identifier.allSatisfy(allowed.contains)
                                      && !identifier.hasPrefix("/") && !identifier.contains("..")),
              let zone = TimeZone(identifier: identifier), zone.identifier == identifier || identifier == "UTC" else { return nil }
        self.zone = zone
        self.identifier = identifier
    }

    /// Every instant that reads as `t` here. Candidate offsets are the zone's offsets a day either side (no zone changes
    /// twice within two days); an offset is right when the zone has that offset at the instant it gives.
    public func resolve(_ t: LocalTime) -> LocalResolution {
        let wall = t.wallSeconds
        let offsets = Set([-86_400, 0, 86_400].map { self.zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(wall + $0))) })
        let instants = offsets.map { wall - $0 }.filter { self.zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double($0))) == wall - $0 }.sorted()
        switch instants.count {
        case 0: return .skipped
        case 1: return .exact(Date(timeIntervalSince1970: Double(instants[0])))
        default: return .repeated(earlier: Date(timeIntervalSince1970: Double(instants[0])), later: Date(timeIntervalSince1970: Double(instants[instants.count - 1])))
        }
    }

    /// The instant a person meant by `t`, or the field error to show: the skipped hour is refused, and the repeated hour
    /// needs `repeated` to say which pass.
    public func instant(_ t: LocalTime, repeated choice: RepeatedHour? = nil, field: String) -> Result<Date, FieldError> {
        switch self.resolve(t) {
        case .exact(let d):
            return .success(d)
        case .skipped:
            return .failure(FieldError(field, "\(self.spoken(t)) does not exist in \(self.identifier): the clocks go forward that night. Choose another time."))
        case .repeated(let earlier, let later):
            guard let choice else {
                return .failure(FieldError(field, "\(self.spoken(t)) happens twice in \(self.identifier) (the clocks go back that night): "
                                           + "say whether you mean the first (\(self.offsetText(earlier))) or the second (\(self.offsetText(later)))."))
            }
            return .success(choice == .earlier ? earlier : later)
        }
    }

    /// A typed wall time (`YYYY-MM-DDTHH:MM`, a `datetime-local` field's value) as an instant, or the field's error.
    public func instant(text: String, repeated choice: RepeatedHour? = nil, field: String) -> Result<Date, FieldError> {
        guard let t = LocalTime(text) ?? LocalTime(String(text.prefix(16))) else {
            return .failure(FieldError(field, "must be a date and time written YYYY-MM-DDTHH:MM"))
        }
        return self.instant(t, repeated: choice, field: field)
    }

    /// The first instant of a local day: midnight, or the moment the clocks jump past it where midnight is skipped.
    public func startOfDay(_ day: CalendarDate) -> Date {
        let wall = day.dayNumber * 86_400
        let offsets = Set([-86_400, 0, 86_400].map { self.zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(wall + $0))) })
        let candidates = offsets.map { Date(timeIntervalSince1970: Double(wall - $0)) }.filter { self.date(of: $0) == day }
        return candidates.min() ?? Date(timeIntervalSince1970: Double(wall))
    }

    /// The instants of the local day `day` as a half-open range (23, 24 or 25 hours long).
    public func day(_ day: CalendarDate) -> Range<Date> { self.startOfDay(day)..<self.startOfDay(day.adding(days: 1)) }

    /// `2026-11-03 09:00`: how every page shows an instant (the zone is named once on the page).
    public func text(_ instant: Date) -> String {
        let t = self.local(instant)
        return "\(t.date) \(CalendarDate.padded(t.hour, 2)):\(CalendarDate.padded(t.minute, 2))"
    }

    /// `09:00`.
    public func timeOfDay(_ instant: Date) -> String { String(self.text(instant).suffix(5)) }

    /// The local wall time of a stored instant.
    public func local(_ instant: Date) -> LocalTime {
        let wall = Int((instant.timeIntervalSince1970).rounded(.down)) + self.zone.secondsFromGMT(for: instant)
        let day = Int((Double(wall) / 86_400).rounded(.down))
        let seconds = wall - day * 86_400
        return LocalTime(date: CalendarDate(dayNumber: day), hour: seconds / 3_600, minute: seconds % 3_600 / 60)!
    }

    /// The clinic's date of an instant: a date of service, the worklist's "today".
    public func date(of instant: Date) -> CalendarDate { self.local(instant).date }

    /// Seconds east of UTC at `instant`.
    public func offset(at instant: Date) -> Int { self.zone.secondsFromGMT(for: instant) }

    /// ISO 8601 with the clinic's offset at that instant (`2026-11-03T09:00:00-06:00`).
    public func iso8601(_ instant: Date) -> String {
        let t = self.local(instant), offset = self.offset(at: instant)
        let seconds = (Int(instant.timeIntervalSince1970.rounded(.down)) % 60 + 60) % 60
        let sign = offset < 0 ? "-" : "+", minutes = abs(offset) / 60
        return "\(t):\(CalendarDate.padded(seconds, 2))\(sign)\(CalendarDate.padded(minutes / 60, 2)):\(CalendarDate.padded(minutes % 60, 2))"
    }

    /// "UTC-05:00, daylight time": Linux's Foundation has no zone abbreviations (it says GMT-5 for CDT).
    public func offsetText(_ instant: Date) -> String {
        let offset = self.offset(at: instant), minutes = abs(offset) / 60
        return "UTC\(offset < 0 ? "-" : "+")\(CalendarDate.padded(minutes / 60, 2)):\(CalendarDate.padded(minutes % 60, 2)), "
            + (self.zone.isDaylightSavingTime(for: instant) ? "daylight time" : "standard time")
    }

    func spoken(_ t: LocalTime) -> String { "\(CalendarDate.padded(t.hour, 2)):\(CalendarDate.padded(t.minute, 2)) on \(t.date)" }
}
