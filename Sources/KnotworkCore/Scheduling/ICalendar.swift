import Foundation

/// An iCalendar (RFC 5545) feed of visits, as calendar programs subscribe to it. Times are written in UTC (`…Z`, RFC
/// 5545 §3.3.5 form 2), which every client shows in its own zone correctly across daylight-saving changes; the clinic's
/// zone is named for clients that label the calendar with it.
public enum ICalendar {
    public struct Event: Equatable, Sendable {
        public var uid: String
        public var start: Date
        public var end: Date
        public var summary: String
        public var cancelled: Bool
        /// When the visit last changed (DTSTAMP).
        public var stamp: Date

        public init(uid: String, start: Date, end: Date, summary: String, cancelled: Bool = false, stamp: Date) {
            self.uid = uid
            self.start = start
            self.end = end
            self.summary = summary
            self.cancelled = cancelled
            self.stamp = stamp
        }
    }

    public static func feed(name: String, zone: String, events: [Event]) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Knotwork//Appointment book//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:" + Self.text(name), "X-WR-TIMEZONE:" + Self.text(zone)]
        for e in events {
            lines += ["BEGIN:VEVENT", "UID:" + Self.text(e.uid), "DTSTAMP:" + Self.utc(e.stamp), "DTSTART:" + Self.utc(e.start), "DTEND:" + Self.utc(e.end),
                      "SUMMARY:" + Self.text(e.summary), "STATUS:" + (e.cancelled ? "CANCELLED" : "CONFIRMED"), "TRANSP:OPAQUE", "END:VEVENT"]
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// `20261103T150000Z`.
    public static func utc(_ date: Date) -> String {
        let t = ClinicClock.utc.local(date)
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) % 60
        return "\(t.date.year)\(CalendarDate.padded(t.date.month, 2))\(CalendarDate.padded(t.date.day, 2))T"
            + "\(CalendarDate.padded(t.hour, 2))\(CalendarDate.padded(t.minute, 2))\(CalendarDate.padded((seconds + 60) % 60, 2))Z"
    }

    /// A TEXT value (§3.3.11): backslash, semicolon, comma and newline escaped; other control characters dropped.
    public static func text(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n", "\r": out += "\\n"
            default: if !(ch.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false) { out.append(ch) }
            }
        }
        return out
    }

    /// Lines longer than 75 octets are folded (§3.1): CRLF and a space, never inside a UTF-8 character.
    public static func fold(_ line: String) -> String {
        var out = "", count = 0
        for ch in line {
            let size = String(ch).utf8.count
            if count + size > 75 {
                out += "\r\n "
                count = 1
            }
            out.append(ch)
            count += size
        }
        return out
    }
}
