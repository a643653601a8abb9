import Foundation

/// A date without a time (a date of birth), stored as ISO 8601 `YYYY-MM-DD` so both databases sort
/// and compare it the same way.
public struct CalendarDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// Validity by the proleptic Gregorian calendar's own rule, in arithmetic: Foundation's `Calendar` made each date cost
    /// a time-zone lookup, and a chart builds thousands of them.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= Self.days(inMonth: month, of: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    public static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: Self.isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Parses exactly `YYYY-MM-DD` (ASCII digits only).
    public init?(_ text: String) {
        var digits: [Int] = []
        digits.reserveCapacity(8)
        var i = 0
        for byte in text.utf8 {
            switch (i, byte) {
            case (4, UInt8(ascii: "-")), (7, UInt8(ascii: "-")): break
            case (0..<10, UInt8(ascii: "0")...UInt8(ascii: "9")) where i != 4 && i != 7: digits.append(Int(byte - UInt8(ascii: "0")))
            default: return nil
            }
            i += 1
        }
        guard i == 10 else { return nil }
        let y = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
        self.init(year: y, month: digits[4] * 10 + digits[5], day: digits[6] * 10 + digits[7])
    }

    /// The UTC calendar date of an instant.
    public init(_ date: Date) {
        self.init(dayNumber: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    public var description: String {
        Self.padded(self.year, 4) + "-" + Self.padded(self.month, 2) + "-" + Self.padded(self.day, 2)
    }

    /// A non-negative number with leading zeros to `width` digits (`String(format:)` costs a locale lookup per call).
    public static func padded(_ n: Int, _ width: Int) -> String {
        let digits = String(n)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = CalendarDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected a date as YYYY-MM-DD"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(self.description)
    }
}

// MARK: - Day arithmetic (the one place: intake durations, plan dates, plateau windows, chart axes)

extension CalendarDate {
    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Hinnant's days-from-civil): exact integers, no time zone.
    public var dayNumber: Int {
        let y = self.month <= 2 ? self.year - 1 : self.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (self.month + 9) % 12
        let doy = (153 * mp + 2) / 5 + self.day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day number (Hinnant's civil-from-days), clamped to years 1–9999 so an absurd input cannot crash.
    public init(dayNumber days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        self = CalendarDate(year: year, month: month, day: day)
            ?? (year < 1 ? CalendarDate(year: 1, month: 1, day: 1)! : CalendarDate(year: 9999, month: 12, day: 31)!)
    }

    /// The date `days` later (earlier when negative).
    public func adding(days: Int) -> CalendarDate { CalendarDate(dayNumber: self.dayNumber + days) }

    /// The same day `months` later (earlier when negative), or the month's last day when it is shorter (31 Jan + 1 → 28 Feb).
    public func adding(months: Int) -> CalendarDate {
        let index = self.year * 12 + (self.month - 1) + months
        let year = min(9999, max(1, index / 12)), month = index % 12 + 1
        return CalendarDate(year: year, month: month, day: min(self.day, Self.days(inMonth: month, of: year)))!
    }
}
