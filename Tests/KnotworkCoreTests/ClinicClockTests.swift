import Foundation
import Testing
@testable import KnotworkCore

/// The clinic's clock around the 2026 and 2027 US daylight-saving changes (second Sunday of March, first Sunday of
/// November, at 2:00 local: 15 U.S.C. §260a as amended by the Energy Policy Act of 2005), in two zones that change and
/// one that does not; and visit series that keep their local time across a change.
@Suite struct ClinicClockTests {
    static func t(_ s: String) -> LocalTime { LocalTime(s)! }
    static func utc(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

    @Test(arguments: [
        // zone, local wall time, expected: "skipped", one instant, or "earlier|later"
        ("America/Chicago", "2026-03-08T01:59", "2026-03-08T07:59:00Z"),
        ("America/Chicago", "2026-03-08T02:00", "skipped"),
        ("America/Chicago", "2026-03-08T02:30", "skipped"),
        ("America/Chicago", "2026-03-08T03:00", "2026-03-08T08:00:00Z"),
        ("America/Chicago", "2026-11-01T00:59", "2026-11-01T05:59:00Z"),
        ("America/Chicago", "2026-11-01T01:30", "2026-11-01T06:30:00Z|2026-11-01T07:30:00Z"),
        ("America/Chicago", "2026-11-01T02:00", "2026-11-01T08:00:00Z"),
        ("America/Chicago", "2027-03-14T02:30", "skipped"),
        ("America/Chicago", "2027-11-07T01:00", "2027-11-07T06:00:00Z|2027-11-07T07:00:00Z"),
        ("America/New_York", "2026-03-08T02:15", "skipped"),
        ("America/New_York", "2026-11-01T01:45", "2026-11-01T05:45:00Z|2026-11-01T06:45:00Z"),
        ("America/New_York", "2027-03-14T02:59", "skipped"),
        ("America/New_York", "2027-03-14T03:00", "2027-03-14T07:00:00Z"),
        ("America/New_York", "2027-11-07T01:45", "2027-11-07T05:45:00Z|2027-11-07T06:45:00Z"),
        ("America/New_York", "2027-07-01T09:00", "2027-07-01T13:00:00Z"),
        // Arizona keeps standard time all year: no gap, no repeat.
        ("America/Phoenix", "2026-03-08T02:30", "2026-03-08T09:30:00Z"),
        ("America/Phoenix", "2026-11-01T01:30", "2026-11-01T08:30:00Z"),
        ("UTC", "2026-03-08T02:30", "2026-03-08T02:30:00Z"),
    ])
    func localTimesResolve(zone: String, local: String, expected: String) throws {
        let clock = try #require(ClinicClock(identifier: zone))
        let want: LocalResolution
        if expected == "skipped" {
            want = .skipped
        } else if let bar = expected.firstIndex(of: "|") {
            want = .repeated(earlier: Self.utc(String(expected[..<bar])), later: Self.utc(String(expected[expected.index(after: bar)...])))
        } else {
            want = .exact(Self.utc(expected))
        }
        #expect(clock.resolve(Self.t(local)) == want, "\(zone) \(local)")
    }

    @Test func theSkippedHourIsRefusedAndTheRepeatedHourAsksWhichOne() throws {
        let chicago = try #require(ClinicClock(identifier: "America/Chicago"))
        guard case .failure(let gap) = chicago.instant(Self.t("2026-03-08T02:30"), field: "start") else { Issue.record("the gap was accepted"); return }
        #expect(gap.field == "start" && gap.message.contains("does not exist in America/Chicago"))
        guard case .failure(let twice) = chicago.instant(Self.t("2026-11-01T01:30"), field: "start") else { Issue.record("a repeated hour was guessed"); return }
        #expect(twice.message.contains("happens twice") && twice.message.contains("(UTC-05:00, daylight time)") && twice.message.contains("(UTC-06:00, standard time)"), "\(twice.message)")
        #expect(try chicago.instant(Self.t("2026-11-01T01:30"), repeated: .earlier, field: "start").get() == Self.utc("2026-11-01T06:30:00Z"))
        #expect(try chicago.instant(Self.t("2026-11-01T01:30"), repeated: .later, field: "start").get() == Self.utc("2026-11-01T07:30:00Z"))
    }

    @Test func storedInstantsReadInTheClinicsTime() throws {
        let chicago = try #require(ClinicClock(identifier: "America/Chicago"))
        // Both passes of the repeated hour read 01:30; an evening note in Chicago is on that day, not UTC's next one.
        #expect(chicago.local(Self.utc("2026-11-01T06:30:00Z")) == Self.t("2026-11-01T01:30"))
        #expect(chicago.local(Self.utc("2026-11-01T07:30:00Z")) == Self.t("2026-11-01T01:30"))
        #expect(chicago.date(of: Self.utc("2026-12-08T00:30:00Z")) == CalendarDate("2026-12-07"))
        #expect(ClinicClock.utc.date(of: Self.utc("2026-12-08T00:30:00Z")) == CalendarDate("2026-12-08"))
        #expect(chicago.iso8601(Self.utc("2026-11-03T15:00:00Z")) == "2026-11-03T09:00:00-06:00")
        #expect(chicago.iso8601(Self.utc("2026-10-20T14:00:00Z")) == "2026-10-20T09:00:00-05:00")
        let kolkata = try #require(ClinicClock(identifier: "Asia/Kolkata"))
        #expect(kolkata.iso8601(Self.utc("2026-01-01T00:00:00Z")) == "2026-01-01T05:30:00+05:30")
        // A time before 1970 reads right too (day arithmetic rounds down).
        #expect(ClinicClock.utc.local(Self.utc("1969-12-31T23:59:00Z")) == Self.t("1969-12-31T23:59"))
    }

    @Test(arguments: [
        // zone, local day, first instant, hours in the day
        ("America/Chicago", "2026-03-08", "2026-03-08T06:00:00Z", 23),
        ("America/Chicago", "2026-11-01", "2026-11-01T05:00:00Z", 25),
        ("America/Chicago", "2026-12-07", "2026-12-07T06:00:00Z", 24),
        ("America/Phoenix", "2026-03-08", "2026-03-08T07:00:00Z", 24),
        ("Asia/Kolkata", "2026-01-01", "2025-12-31T18:30:00Z", 24),
        ("UTC", "2026-03-08", "2026-03-08T00:00:00Z", 24),
        // Havana springs forward at midnight: its day starts at 01:00 local.
        ("America/Havana", "2026-03-08", "2026-03-08T05:00:00Z", 23),
    ])
    func aLocalDayRunsFromItsFirstInstantToTheNextDays(zone: String, day: String, first: String, hours: Int) throws {
        let clock = try #require(ClinicClock(identifier: zone))
        let range = clock.day(try #require(CalendarDate(day)))
        #expect(range.lowerBound == Self.utc(first), "\(zone) \(day): \(range.lowerBound)")
        #expect(range.upperBound.timeIntervalSince(range.lowerBound) == Double(hours * 3600), "\(zone) \(day)")
        #expect(clock.date(of: range.lowerBound) == CalendarDate(day) && clock.date(of: range.lowerBound.addingTimeInterval(-1)) != CalendarDate(day))
    }

    @Test func aTypedWallTimeIsReadOrRefusedOnItsField() throws {
        let chicago = try #require(ClinicClock(identifier: "America/Chicago"))
        #expect(try chicago.instant(text: "2026-11-03T09:00", field: "start").get() == Self.utc("2026-11-03T15:00:00Z"))
        // A browser may send seconds; they are dropped like the minute field's.
        #expect(try chicago.instant(text: "2026-11-03T09:00:00", field: "start").get() == Self.utc("2026-11-03T15:00:00Z"))
        #expect(try chicago.instant(text: "2026-11-01T01:30", repeated: .later, field: "start").get() == Self.utc("2026-11-01T07:30:00Z"))
        for bad in ["", "9 am", "2026-11-03", "2026-13-03T09:00", "2026-11-03T25:00"] {
            guard case .failure(let e) = chicago.instant(text: bad, field: "timeIn") else { Issue.record("\(bad) was read"); continue }
            #expect(e.field == "timeIn" && e.message.contains("YYYY-MM-DDTHH:MM"), "\(bad): \(e.message)")
        }
        guard case .failure(let gap) = chicago.instant(text: "2026-03-08T02:30", field: "start") else { Issue.record("the gap was read"); return }
        #expect(gap.field == "start" && gap.message.contains("does not exist"))
        #expect(chicago.text(Self.utc("2026-11-03T15:00:00Z")) == "2026-11-03 09:00" && chicago.timeOfDay(Self.utc("2026-11-03T15:05:00Z")) == "09:05")
    }

    @Test(arguments: ["Central", "CST", "GMT+5", "America/Chicagoo", "", "../etc/passwd", "/etc/localtime", "America/../America/Chicago"])
    func onlyIANANamesAreZones(name: String) {
        #expect(ClinicClock(identifier: name) == nil, "\(name)")
    }

    @Test func aTwiceWeeklySeriesKeepsNineOClockAcrossTheNovemberChange() throws {
        let chicago = try #require(ClinicClock(identifier: "America/Chicago"))
        let series = VisitSeries(firstDay: CalendarDate("2026-10-20")!, weekdays: [.tuesday, .thursday], hour: 9, minute: 0, weeks: 3)
        #expect(series.occurrences.map(\.description) == ["2026-10-20T09:00", "2026-10-22T09:00", "2026-10-27T09:00", "2026-10-29T09:00",
                                                          "2026-11-03T09:00", "2026-11-05T09:00"])
        let instants = series.occurrences.map { try? chicago.instant($0, field: "start").get() }
        #expect(instants.first == Self.utc("2026-10-20T14:00:00Z") && instants.last == Self.utc("2026-11-05T15:00:00Z"))
        #expect(instants.compactMap { $0 }.allSatisfy { chicago.local($0).hour == 9 })
    }

    @Test func weekdaysAndBadSeries() {
        #expect(Weekday(CalendarDate("1970-01-01")!) == .thursday)
        #expect(Weekday(CalendarDate("2026-12-07")!) == .monday)
        #expect(Weekday(CalendarDate("1969-12-28")!) == .sunday)
        // Starting on a Thursday with Monday and Thursday chosen: Thursday first.
        let thursday = VisitSeries(firstDay: CalendarDate("2026-12-10")!, weekdays: [.monday, .thursday], hour: 8, minute: 30, weeks: 1)
        #expect(thursday.occurrences.map(\.description) == ["2026-12-10T08:30", "2026-12-14T08:30"])
        #expect(VisitSeries(firstDay: CalendarDate("2026-12-10")!, weekdays: [], hour: 8, minute: 0, weeks: 0).problems.map(\.field) == ["weekdays", "weeks"])
        #expect(VisitSeries(firstDay: CalendarDate("2026-12-10")!, weekdays: [.monday], hour: 24, minute: 0, weeks: 2).problems.map(\.field) == ["time"])
        #expect(LocalTime("2026-12-10T9:00") == nil && LocalTime("2026-12-10 09:00") == nil && LocalTime("2026-12-10T09:60") == nil)
    }

    @Test(arguments: [
        ("2026-01-31", 1, "2026-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2026-12-15", 1, "2027-01-15"),
        ("2026-03-31", -24, "2024-03-31"),
        ("2027-01-31", -24, "2025-01-31"),
        ("2026-01-15", -1, "2025-12-15"),
    ])
    func addingMonths(from: String, months: Int, to: String) {
        #expect(CalendarDate(from)!.adding(months: months) == CalendarDate(to)!)
    }

    @Test func aSeriesPlacedOnTheClockLeavesOutTheNightsThatHaveNoSuchTime() throws {
        let chicago = try #require(ClinicClock(identifier: "America/Chicago"))
        let spring = try VisitSeriesInput(firstDay: "2026-03-01", weekdays: ["sunday"], time: "02:30", weeks: 3).validated()
        let placed = PlacedOccurrence.place(spring, on: chicago)
        #expect(placed.count == 3)
        #expect(placed[0] == .at(Self.t("2026-03-01T02:30"), Self.utc("2026-03-01T08:30:00Z")))
        guard case .impossible(let t, let why) = placed[1] else { Issue.record("the gap was booked"); return }
        #expect(t == Self.t("2026-03-08T02:30") && why.contains("does not exist in America/Chicago"))
        #expect(placed[2] == .at(Self.t("2026-03-15T02:30"), Self.utc("2026-03-15T07:30:00Z")))
        let autumn = try VisitSeriesInput(firstDay: "2026-10-25", weekdays: ["sunday"], time: "01:15", weeks: 2).validated()
        guard case .impossible(_, let twice) = PlacedOccurrence.place(autumn, on: chicago)[1] else { Issue.record("the repeated hour was guessed"); return }
        #expect(twice.contains("happens twice"))
    }

    @Test(arguments: [
        (VisitSeriesInput(firstDay: "2026-02-30", weekdays: ["monday"], time: "09:00", weeks: 2), ["firstDay"]),
        (VisitSeriesInput(firstDay: "2026-03-02", weekdays: [], time: "09:00", weeks: 2), ["weekdays"]),
        (VisitSeriesInput(firstDay: "2026-03-02", weekdays: ["Mon"], time: "9:00", weeks: 53), ["weekdays", "time", "weeks"]),
        (VisitSeriesInput(firstDay: "2026-03-02", weekdays: ["MONDAY"], time: "24:00", weeks: nil), ["time", "weeks"]),
    ])
    func aBadSeriesNamesEveryField(input: VisitSeriesInput, fields: [String]) {
        do {
            _ = try input.validated()
            Issue.record("accepted \(input)")
        } catch {
            #expect(Set(error.errors.map(\.field)) == Set(fields), "\(error.errors)")
        }
    }
}
