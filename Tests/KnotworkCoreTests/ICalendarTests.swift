import Foundation
import Testing
@testable import KnotworkCore

/// The iCalendar writer's RFC 5545 rules: TEXT escaping (§3.3.11), line folding at 75 octets without splitting a UTF-8
/// character (§3.1), UTC times (§3.3.5), CRLF line ends.
@Suite struct ICalendarTests {
    @Test(arguments: [
        ("Visit · A.A.", "Visit · A.A."),
        ("a,b;c\\d", "a\\,b\\;c\\\\d"),
        ("two\nlines", "two\\nlines"),
        ("bell\u{07}gone", "bellgone"),
    ])
    func textIsEscaped(input: String, written: String) {
        #expect(ICalendar.text(input) == written)
    }

    @Test func longLinesFoldAt75OctetsWithoutSplittingACharacter() {
        let line = "SUMMARY:" + String(repeating: "é", count: 80)
        let folded = ICalendar.fold(line)
        let parts = folded.components(separatedBy: "\r\n")
        #expect(parts.count == 3)
        #expect(parts.allSatisfy { $0.utf8.count <= 75 }, "\(parts.map(\.utf8.count))")
        #expect(parts.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(parts.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst()) }.joined() == line)
        #expect(ICalendar.fold("SHORT:x") == "SHORT:x")
    }

    @Test func aFeedIsCRLFWithUTCTimes() {
        let start = Date(timeIntervalSince1970: 1_793_718_000)  // 2026-11-03T15:00:00Z
        let feed = ICalendar.feed(name: "Knotwork · Ana", zone: "America/Chicago",
                                  events: [.init(uid: "x@knotwork.test", start: start, end: start.addingTimeInterval(3600), summary: "Visit", stamp: start)])
        #expect(feed.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") && feed.hasSuffix("END:VCALENDAR\r\n"))
        #expect(feed.contains("DTSTART:20261103T150000Z\r\nDTEND:20261103T160000Z\r\n") && feed.contains("STATUS:CONFIRMED"))
        #expect(!feed.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(ICalendar.utc(Date(timeIntervalSince1970: -1)) == "19691231T235959Z")
    }
}
