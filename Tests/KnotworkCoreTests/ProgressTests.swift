import Foundation
import Testing
@testable import KnotworkCore

/// Table tests for goal progress, plateau, responder, immediate relief, re-evaluation due and maintenance relapse.
/// Thresholds are from ../shared/CLINICAL-REFERENCE.md: NRS 2 points (§1.1 [S4][S13]), PEG 1.0 (§1.2 [S3]),
/// PSEQ MIC 5.5 / SDC 12.67 (§1.9 [S28b][S28c]), goniometer same examiner 4° (§2.2 [S33]), IMMPACT 30 % / 50 % (§1.11 [S6]).
struct ProgressTests {
    func fields(_ body: () throws -> Void) -> [String] {
        do { try body(); return [] } catch let failure as ValidationFailure { return failure.errors.map(\.field) } catch { return ["unexpected \(error)"] }
    }

    static let start = CalendarDate("2025-03-03")!

    static func day(_ offset: Int) -> CalendarDate { start.adding(days: offset) }

    /// One measurement a week from `start`, session numbers 1, 2, …
    static func weekly(_ values: [Double]) -> [ProgressPoint] {
        values.enumerated().map { ProgressPoint(date: day(7 * $0.offset), value: $0.element, sessionNumber: $0.offset + 1) }
    }

    /// NRS goal: higher is worse, 2-point meaningful change (§1.1 [S4][S13]), scale 0–10.
    func nrs(baseline: Double = 7, target: Double = 3, _ points: [ProgressPoint],
             settings: ProgressSettings = .standard) throws -> GoalEvaluation {
        try GoalProgress.evaluate(baseline: baseline, target: target, direction: .higherIsWorse, meaningfulChange: 2,
                                  scale: 0...10, points: points, settings: settings)
    }

    // MARK: status

    @Test func noPointsIsNotStarted() throws {
        let e = try nrs([])
        #expect(e.status == .notStarted)
        #expect(e.latest == nil && e.changeFromBaseline == nil && e.plateau == nil && e.suggestion == nil)
        #expect(e.band == 5...9)
        #expect(e.threshold == 2)
    }

    /// Steady improvement on the NRS, 7 → 3, one point a week.
    @Test(arguments: [
        ([6.0], ProgressStatus.noMeaningfulChange),
        ([6.0, 5.0], .improving),           // 7 → 5 = 2 points (§1.1)
        ([6.0, 5.0, 4.0], .improving),
        ([6.0, 5.0, 4.0, 3.0], .met),       // target reached
        ([6.0, 5.0, 4.0, 2.0], .met),       // beyond the target is still met
    ])
    func steadyImprovementBecomesMet(values: [Double], status: ProgressStatus) throws {
        let e = try nrs(Self.weekly(values))
        #expect(e.status == status)
        #expect(e.plateau == nil)
        #expect(e.suggestion == (status == .met ? .dischargeOrMaintenance : nil))
        #expect(e.latest?.value == values.last)
        #expect(e.changeFromBaseline == values.last! - 7)
    }

    @Test func metCarriesPercentImprovementFromTheClassifier() throws {
        let e = try nrs(Self.weekly([6, 5, 4, 3]))
        // (7 − 3) ÷ 7 × 100 (§1.11 formula).
        #expect(abs(e.percentImprovement! - 400.0 / 7) < 1e-9)
        #expect(e.change == .improved)
        #expect(e.targetReached)
    }

    @Test func relapseIsWorsening() throws {
        // Baseline 5, then 6, 7: worse by 2 (§1.1) → worsening.
        #expect(try nrs(baseline: 5, target: 2, Self.weekly([5, 6])).status == .noMeaningfulChange)
        let e = try nrs(baseline: 5, target: 2, Self.weekly([5, 6, 7]))
        #expect(e.status == .worsening)
        #expect(e.change == .worse)
        #expect(e.changeFromBaseline == 2)
    }

    @Test func improvedThenRelapsedIsWorsening() throws {
        let e = try nrs(Self.weekly([5, 4, 6, 9]))
        #expect(e.status == .worsening)
    }

    // MARK: plateau

    @Test func flatForFourSessionsIsAPlateauWithTheFourChoices() throws {
        // Improved 7 → 5, then flat within 2 points for 4 sessions.
        let points = Self.weekly([5, 5, 4, 5])
        let e = try nrs(points)
        #expect(e.status == .plateau)
        let flag = try #require(e.plateau)
        #expect(flag.choices == [.reEvaluate, .changeTechniques, .refer, .discharge])
        #expect(flag.threshold == 2)
        let w = try #require(flag.windows.first)
        #expect(w.kind == .sessions && w.size == 4 && w.pointCount == 4)
        #expect(w.from == points[0].date && w.to == points[3].date)
        #expect(w.netChange == 0 && w.largestSwing == 1)
        // Three weeks only: the 4-week window is not complete.
        #expect(flag.windows.count == 1)
        // Three points: no complete window yet; 7 → 5 is still improving.
        #expect(try nrs(Array(points.prefix(3))).status == .improving)
    }

    @Test func bothWindowsAreReportedWhenBothAreFlat() throws {
        let e = try nrs(Self.weekly([5, 5, 5, 5, 5]))   // 4 sessions and 4 weeks
        #expect(e.plateau?.windows.map(\.kind) == [.sessions, .weeks])
        #expect(e.plateau?.windows.last?.pointCount == 5)
    }

    /// Fortnightly visits: 3 visits over 4 weeks never fill the 4-session window, but the 4-week one.
    @Test(arguments: [
        ([0, 14, 28], true),    // spans 28 days = 4 weeks → complete
        ([0, 13, 27], false),   // spans 27 days → incomplete
        ([0, 21, 35], true),    // window runs from day 0 (last point ≥ 28 days before day 35)
    ])
    func weekWindowNeedsAFullSpan(days: [Int], flagged: Bool) throws {
        let points = days.map { ProgressPoint(date: Self.day($0), value: 5) }
        let e = try nrs(points)
        #expect((e.plateau != nil) == flagged)
        if flagged { #expect(e.plateau?.windows.map(\.kind) == [.weeks]) }
        #expect(e.status == (flagged ? .plateau : .improving))
    }

    @Test func weekWindowStartsAtTheLastPointBeforeTheSpan() throws {
        // Day 0 at 9, day 7 at 5, then 5 on days 35 and 36: the window runs from day 7 (last ≤ day 36 − 28), flat.
        let points = [(0, 9.0), (7, 5.0), (35, 5.0), (36, 5.0)].map { ProgressPoint(date: Self.day($0.0), value: $0.1) }
        let flag = try #require(try nrs(baseline: 9, target: 3, points).plateau)
        #expect(flag.windows.map(\.kind) == [.weeks])
        #expect(flag.windows[0].from == Self.day(7))
    }

    @Test func aMeaningfulChangeInsideTheWindowIsNoPlateau() throws {
        // Still improving by 2 inside the last 4 sessions.
        let e = try nrs(baseline: 8, target: 1, Self.weekly([6, 5, 5, 4]))
        #expect(e.plateau == nil)
        #expect(e.status == .improving)
    }

    /// The window's net change decides; swings that came back do not.
    @Test(arguments: [
        ([5.0, 7.0, 3.0, 5.0], true),     // swings of 2, net 0
        ([5.0, 5.0, 5.0, 6.5], true),     // net 1.5 < 2
        ([5.0, 5.0, 5.0, 3.0], false),    // net −2: improved over the window
        ([4.0, 4.0, 5.0, 6.0], false),    // net +2: worse over the window
    ])
    func plateauIsTheNetChangeOverTheWindow(values: [Double], flagged: Bool) throws {
        let e = try nrs(baseline: 9, target: 1, Self.weekly(values))
        #expect((e.plateau != nil) == flagged)
    }

    @Test func plateauWindowsAreConfigurable() throws {
        let flat = Self.weekly([5, 5, 5, 5])
        let six = ProgressSettings(plateauSessions: 6, plateauWeeks: 6)
        #expect(try nrs(flat, settings: six).plateau == nil)
        let two = ProgressSettings(plateauSessions: 2, plateauWeeks: 8)
        #expect(try nrs(Array(flat.prefix(2)), settings: two).status == .plateau)
    }

    @Test func aMetGoalCarriesNoPlateau() throws {
        let e = try nrs(Self.weekly([3, 3, 3, 3]))
        #expect(e.status == .met)
        #expect(e.plateau == nil)
    }

    @Test func worseningTakesPrecedenceOverAFlatWindowButKeepsTheFlag() throws {
        let e = try nrs(baseline: 4, target: 2, Self.weekly([7, 7, 6, 7]))
        #expect(e.status == .worsening)
        #expect(e.plateau != nil)
    }

    // MARK: noise

    /// Series that stay inside the threshold around the baseline are never called improving or worsening,
    /// at any length.
    @Test(arguments: [
        // NRS 6 ± 1 (threshold 2, §1.1).
        ([7.0, 5.0, 6.0, 7.0, 5.0, 6.0, 5.0, 7.0], MeasureDirection.higherIsWorse, 6.0, 2.0, 2.0, nil as Double?),
        // PSEQ 30 ± 12 (higher is better; SDC 12.67 > MIC 5.5, §1.9 [S28b][S28c]).
        ([38.0, 22.0, 41.0, 19.0, 35.0, 24.0], .higherIsBetter, 30.0, 55.0, 5.5, 12.67),
        // Shoulder flexion 120° ± 3° (same-examiner goniometer 4°, §2.2 [S33]).
        ([123.0, 117.0, 121.0, 119.0, 122.0], .higherIsBetter, 120.0, 170.0, 4.0, nil),
    ])
    func noiseIsNeverATrend(values: [Double], direction: MeasureDirection, baseline: Double, target: Double,
                            meaningfulChange: Double, measurementError: Double?) throws {
        for n in 1...values.count {
            let e = try GoalProgress.evaluate(baseline: baseline, target: target, direction: direction, meaningfulChange: meaningfulChange,
                                              measurementError: measurementError, points: Self.weekly(Array(values.prefix(n))))
            #expect(e.status == .noMeaningfulChange || e.status == .plateau, "\(n) points: \(e.status)")
            #expect(e.change == .withinNoise)
        }
    }

    @Test func measurementErrorRaisesTheThreshold() throws {
        // PSEQ +10: beyond the MIC 5.5 but within the SDC 12.67 (§1.9) → not improving.
        let e = try GoalProgress.evaluate(baseline: 30, target: 50, direction: .higherIsBetter, meaningfulChange: 5.5,
                                          measurementError: 12.67, scale: 0...60, points: Self.weekly([40]))
        #expect(e.threshold == 12.67)
        #expect(e.status == .noMeaningfulChange)
        let f = try GoalProgress.evaluate(baseline: 30, target: 50, direction: .higherIsBetter, meaningfulChange: 5.5,
                                          measurementError: 12.67, scale: 0...60, points: Self.weekly([43]))
        #expect(f.status == .improving)
    }

    // MARK: direction

    /// PEG, lower is better, MID 1.0 from the catalog (§1.2 [S3], configurable).
    @Test(arguments: [
        (5.0, ProgressStatus.improving), (5.5, .noMeaningfulChange), (7.0, .worsening), (3.0, .met), (2.5, .met),
    ])
    func pegLowerIsBetter(latest: Double, status: ProgressStatus) throws {
        let peg = Instruments.named("PEG")!
        let e = try GoalProgress.evaluate(instrument: peg, baseline: 6, target: 3, points: Self.weekly([latest]))
        #expect(e.status == status)
        #expect(e.threshold == 1)
        #expect(e.direction == .higherIsWorse)
    }

    /// Range of motion, higher is better, same-examiner goniometer 4° (§2.2 Boone 1978 [S33]).
    @Test(arguments: [
        (93.0, ProgressStatus.noMeaningfulChange), (94.0, .improving), (100.0, .improving), (86.0, .worsening),
        (87.0, .noMeaningfulChange), (150.0, .met), (160.0, .met),
    ])
    func rangeOfMotionHigherIsBetter(latest: Double, status: ProgressStatus) throws {
        let e = try GoalProgress.evaluate(baseline: 90, target: 150, direction: .higherIsBetter,
                                          meaningfulChange: ROMErrorThresholds().goniometerSameExaminer, points: Self.weekly([latest]))
        #expect(e.status == status)
        #expect(e.percentImprovement == nil)   // no scale given: no percent
        #expect(e.band == 86...94)
    }

    @Test func pointsAreSortedByDateAndKeepTheirSessionMarkers() throws {
        let points = [ProgressPoint(date: Self.day(14), value: 4, sessionNumber: 3), ProgressPoint(date: Self.day(0), value: 6, sessionNumber: 1),
                      ProgressPoint(date: Self.day(7), value: 5)]
        let e = try nrs(points)
        #expect(e.points.map(\.value) == [6, 5, 4])
        #expect(e.points.map(\.sessionNumber) == [1, nil, 3])
        #expect(e.latest?.value == 4)
    }

    // MARK: bad input

    @Test func badGoalInputIsReported() {
        #expect(fields { _ = try GoalProgress.evaluate(baseline: 7, target: 8, direction: .higherIsWorse, meaningfulChange: 2, points: []) } == ["target"])
        #expect(fields { _ = try GoalProgress.evaluate(baseline: 7, target: 7, direction: .higherIsWorse, meaningfulChange: 2, points: []) } == ["target"])
        #expect(fields { _ = try GoalProgress.evaluate(baseline: 90, target: 80, direction: .higherIsBetter, meaningfulChange: 4, points: []) } == ["target"])
        #expect(fields { _ = try GoalProgress.evaluate(baseline: 7, target: 3, direction: .higherIsWorse, meaningfulChange: 0, points: []) } == ["meaningfulChange"])
        #expect(fields { _ = try GoalProgress.evaluate(baseline: .nan, target: 3, direction: .higherIsWorse, meaningfulChange: 2, points: []) } == ["baseline"])
        #expect(fields { _ = try self.nrs(Self.weekly([5, 11])) } == ["points[1].value"])
        #expect(fields { _ = try self.nrs([ProgressPoint(date: Self.start, value: 5, sessionNumber: 0)]) } == ["points[0].sessionNumber"])
        #expect(fields { _ = try self.nrs([], settings: ProgressSettings(plateauSessions: 1)) } == ["settings.plateauSessions"])
        #expect(fields { _ = try GoalProgress.evaluate(baseline: 7, target: 3, direction: .higherIsWorse, meaningfulChange: 2,
                                                       measurementError: -1, points: []) } == ["measurementError"])
    }

    @Test func anInstrumentWithoutAThresholdCannotBeAGoalMeasure() {
        // PGIC has no points threshold (§1.10: a global rating is itself a rating of change).
        #expect(fields { _ = try GoalProgress.evaluate(instrument: Instruments.named("PGIC")!, baseline: 4, target: 2, points: []) }
            == ["meaningfulChange"])
    }

    // MARK: responder (§1.11)

    @Test(arguments: [
        (8.0, 8.0, ImmpactCategory.none, false, 0.0),
        (8.0, 7.5, .none, false, 6.25),
        (8.0, 7.2, .minimal, false, 10.0),       // ≥ 10 % minimal (lower end of IMMPACT 10–20 %, ePPOC [S7])
        (8.0, 6.0, .minimal, false, 25.0),
        (10.0, 7.0, .moderate, true, 30.0),      // ≥ 30 % responder (Farrar 2001 [S4]; IMMPACT [S6])
        (8.0, 5.0, .moderate, true, 37.5),
        (8.0, 4.0, .substantial, true, 50.0),    // ≥ 50 % substantial
        (6.0, 0.0, .substantial, true, 100.0),
        (5.0, 7.0, .none, false, -40.0),         // worse
    ])
    func responderForPainIntensity(baseline: Double, followUp: Double, category: ImmpactCategory, responder: Bool, percent: Double) throws {
        let r = try Responder.classify(baseline: baseline, followUp: followUp, direction: .higherIsWorse)
        #expect(r.category == category)
        #expect(r.isResponder == responder)
        #expect(abs(r.percentImprovement! - percent) < 1e-9)
        #expect(r.undefinedReason == nil)
        // The same verdict as the classifier on the NRS instrument.
        let c = try ChangeClassifier.classify(Instruments.named("NRS-WEEK")!, baseline: baseline, followUp: followUp)
        #expect(c.immpact == category)
    }

    @Test func baselineZeroIsUndefined() throws {
        // §1.11: baseline 0 → undefined (exclude or flag) [S4].
        let r = try Responder.classify(baseline: 0, followUp: 3, direction: .higherIsWorse)
        #expect(r.percentImprovement == nil && r.category == nil && r.isResponder == nil)
        #expect(r.undefinedReason?.contains("baseline is 0") == true)
        let p = try Responder.classify(baseline: 0, followUp: 6, direction: .higherIsBetter)
        #expect(p.isResponder == nil)
    }

    @Test func responderWhenHigherIsBetter() throws {
        // PSFS 4 → 6: +50 % (direction-aware).
        let r = try Responder.classify(baseline: 4, followUp: 6, direction: .higherIsBetter)
        #expect(r.percentImprovement == 50)
        #expect(r.category == .substantial)
        let worse = try Responder.classify(baseline: 4, followUp: 3, direction: .higherIsBetter)
        #expect(worse.isResponder == false)
    }

    @Test func responderMinimalThresholdIsConfigurableAndInputChecked() throws {
        // IMMPACT gives 10–20 % for minimal (§1.11): the upper end as a setting.
        #expect(try Responder.classify(baseline: 10, followUp: 8.5, direction: .higherIsWorse, minimalPercent: 20).category == ImmpactCategory.none)
        #expect(try Responder.classify(baseline: 10, followUp: 8, direction: .higherIsWorse, minimalPercent: 20).category == .minimal)
        #expect(fields { _ = try Responder.classify(baseline: -1, followUp: 2, direction: .higherIsWorse) } == ["baseline"])
        #expect(fields { _ = try Responder.classify(baseline: 5, followUp: .infinity, direction: .higherIsWorse) } == ["followUp"])
        #expect(fields { _ = try Responder.classify(baseline: 5, followUp: 2, direction: .higherIsWorse, minimalPercent: 35) } == ["minimalPercent"])
    }

    // MARK: immediate relief

    @Test func reliefPerSessionMeanAndTrends() throws {
        let pairs = [(7, 4), (6, 3), (6, 2), (5, 1)].enumerated().map { ReliefPair(before: $0.element.0, after: $0.element.1, date: Self.day(7 * $0.offset)) }
        let s = try ImmediateRelief.summarise(pairs: pairs)
        #expect(s.sessions.map(\.relief) == [3, 3, 4, 4])
        #expect(s.meanRelief == 3.5)
        #expect(s.meanBefore == 6 && s.meanAfter == 2.5)
        #expect(abs(s.reliefSlope! - 0.4) < 1e-9)   // fitted change 1.2 ≥ 1 point
        #expect(s.reliefTrend == .increasing)
        #expect(s.painBeforeTrend == .decreasing)   // 7, 6, 6, 5: slope −0.6, fitted −1.8
    }

    @Test(arguments: [
        ([(7, 4), (6, 3)], ProgressTrend.notEnoughSessions),
        ([(7, 4), (6, 3), (6, 3)], .stable),
        ([(7, 4), (7, 4), (7, 4), (7, 5)], .stable),  // slope −0.3, fitted −0.9: within 1 point (§1.1 Salaffi [S5])
        ([(7, 4), (7, 4), (7, 5)], .decreasing),      // slope −0.5, fitted −1.0
        ([(7, 1), (7, 3), (7, 5)], .decreasing),
        ([(4, 4), (5, 3), (6, 2), (7, 1)], .increasing),
    ])
    func reliefTrendTable(values: [(Int, Int)], trend: ProgressTrend) throws {
        let s = try ImmediateRelief.summarise(pairs: values.enumerated().map { (before: $0.element.0, after: $0.element.1, date: Self.day($0.offset)) })
        #expect(s.reliefTrend == trend)
    }

    @Test func reliefIsOrderedByDateAndEmptyIsNotEnough() throws {
        let s = try ImmediateRelief.summarise(pairs: [ReliefPair(before: 6, after: 2, date: Self.day(7)), ReliefPair(before: 8, after: 7, date: Self.day(0))])
        #expect(s.sessions.map(\.relief) == [1, 4])
        let empty = try ImmediateRelief.summarise(pairs: [ReliefPair]())
        #expect(empty.meanRelief == nil && empty.reliefTrend == .notEnoughSessions && empty.painBeforeTrend == .notEnoughSessions)
        let custom = try ImmediateRelief.summarise(pairs: s.sessions.map { ReliefPair(before: $0.before, after: $0.after, date: $0.date) },
                                                   settings: ReliefSettings(minimumSessions: 2, stableWithin: 1))
        #expect(custom.reliefTrend == .increasing)
    }

    @Test func reliefRejectsScoresOutsideTheNRS() {
        #expect(fields { _ = try ImmediateRelief.summarise(pairs: [ReliefPair(before: 11, after: 3, date: Self.start),
                                                                    ReliefPair(before: 5, after: -1, date: Self.start)]) }
            == ["pairs[0].before", "pairs[1].after"])
    }

    // MARK: re-evaluation due

    static func d(_ s: String) -> CalendarDate { CalendarDate(s)! }

    @Test(arguments: [
        (9, "2025-01-01", nil as String?, "2025-01-30", [DueReason]()),
        (10, "2025-01-01", nil, "2025-01-30", [.visits(count: 10, every: 10)]),
        (12, "2025-01-01", nil, "2025-01-15", [.visits(count: 12, every: 10)]),
        (3, "2025-01-01", nil, "2025-01-31", [.days(elapsed: 30, every: 30)]),
        (3, "2024-02-01", nil, "2024-03-02", [.days(elapsed: 30, every: 30)]),   // leap year: 29 days in February
        (3, "2025-02-01", nil, "2025-03-02", []),                                // 29 days
        (0, "2025-01-01", "2025-01-20", "2025-01-20", [.planEnd(CalendarDate("2025-01-20")!)]),
        (0, "2025-01-01", "2025-01-21", "2025-01-20", []),
        (10, "2025-01-01", "2025-01-31", "2025-02-01", [.visits(count: 10, every: 10), .days(elapsed: 31, every: 30),
                                                        .planEnd(CalendarDate("2025-01-31")!)]),
    ])
    func reEvaluationDue(visits: Int, last: String, planEnd: String?, today: String, due: [DueReason]) throws {
        #expect(try ReEvaluationDue.check(visitsSinceLast: visits, lastEvaluation: Self.d(last), planEnd: planEnd.map(Self.d),
                                          today: Self.d(today)) == due)
    }

    @Test func reEvaluationIntervalsAreConfigurable() throws {
        let s = ProgressSettings(reEvaluationEveryVisits: 12, reEvaluationEveryDays: 60)
        #expect(try ReEvaluationDue.check(visitsSinceLast: 10, lastEvaluation: Self.d("2025-01-01"), planEnd: nil,
                                          today: Self.d("2025-02-15"), settings: s).isEmpty)
        #expect(try ReEvaluationDue.check(visitsSinceLast: 12, lastEvaluation: Self.d("2025-01-01"), planEnd: nil,
                                          today: Self.d("2025-03-02"), settings: s) == [.visits(count: 12, every: 12), .days(elapsed: 60, every: 60)])
    }

    @Test func reEvaluationRejectsBadInput() {
        #expect(fields { _ = try ReEvaluationDue.check(visitsSinceLast: -1, lastEvaluation: Self.d("2025-01-02"), planEnd: nil,
                                                       today: Self.d("2025-01-01")) } == ["visitsSinceLast", "lastEvaluation"])
        #expect(fields { _ = try ReEvaluationDue.check(visitsSinceLast: 1, lastEvaluation: Self.d("2025-01-01"), planEnd: nil,
                                                       today: Self.d("2025-01-01"), settings: ProgressSettings(reEvaluationEveryDays: 0)) }
            == ["settings.reEvaluationEveryDays"])
    }

    @Test func nextDueDateIsTheDayRuleOrThePlanEnd() {
        #expect(ReEvaluationDue.nextDueDate(lastEvaluation: Self.d("2025-01-01"), planEnd: nil) == Self.d("2025-01-31"))
        #expect(ReEvaluationDue.nextDueDate(lastEvaluation: Self.d("2025-01-01"), planEnd: Self.d("2025-01-20")) == Self.d("2025-01-20"))
        #expect(ReEvaluationDue.nextDueDate(lastEvaluation: Self.d("2024-12-15"), planEnd: Self.d("2025-03-01")) == Self.d("2025-01-14"))
    }

    @Test(arguments: ["1970-01-01", "1969-12-31", "2000-02-29", "2024-12-31", "2025-03-01", "1900-03-01", "9999-12-31"])
    func dayArithmeticMatchesTheCalendar(text: String) {
        let date = CalendarDate(text)!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let instant = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day))!
        #expect(date.dayNumber == Int((instant.timeIntervalSince1970 / 86_400).rounded(.down)))
        #expect(CalendarDate(dayNumber: date.dayNumber) == date)
    }

    @Test func dayArithmeticRoundTripsAcrossTheWholeRange() {
        for text in ["0001-01-01", "1600-02-29", "1582-10-15", "9999-12-31"] {
            let date = CalendarDate(text)!
            #expect(CalendarDate(dayNumber: date.dayNumber) == date, "\(text)")
        }
        #expect(CalendarDate("2000-03-01")!.dayNumber - CalendarDate("2000-02-28")!.dayNumber == 2)
    }

    // MARK: maintenance relapse

    @Test(arguments: [
        ([4.0], nil as MaintenancePrompt?),
        ([5.0], .returnToActiveTreatment),       // 3 → 5: worse by 2 (§1.1)
        ([2.0], nil),
        ([6.0, 4.0], nil),                        // a bad day that has recovered
        ([4.0, 6.0], .returnToActiveTreatment),
        ([], nil),
    ])
    func maintenanceRelapseOnTheNRS(values: [Double], prompt: MaintenancePrompt?) throws {
        let m = try Maintenance.relapse(startValue: 3, points: Self.weekly(values), direction: .higherIsWorse, meaningfulChange: 2, scale: 0...10)
        #expect(m.prompt == prompt)
        #expect(m.latest?.value == values.last)
        #expect(m.threshold == 2)
    }

    @Test func maintenanceRelapseWhenHigherIsBetter() throws {
        // Shoulder abduction kept at 150°, now 145°: worse by more than the 4° goniometer error (§2.2 [S33]).
        let m = try Maintenance.relapse(startValue: 150, points: Self.weekly([148, 145]), direction: .higherIsBetter, meaningfulChange: 4)
        #expect(m.prompt == .returnToActiveTreatment)
        #expect(m.changeFromStart == -5)
        #expect(m.change == .worse)
        let ok = try Maintenance.relapse(startValue: 150, points: Self.weekly([147]), direction: .higherIsBetter, meaningfulChange: 4)
        #expect(ok.prompt == nil && ok.change == .withinNoise)
    }

    @Test func maintenanceRejectsBadInput() {
        #expect(fields { _ = try Maintenance.relapse(startValue: 3, points: Self.weekly([12]), direction: .higherIsWorse,
                                                     meaningfulChange: 2, scale: 0...10) } == ["points[0].value"])
        #expect(fields { _ = try Maintenance.relapse(startValue: 3, points: [], direction: .higherIsWorse, meaningfulChange: -2) }
            == ["meaningfulChange"])
    }
}
