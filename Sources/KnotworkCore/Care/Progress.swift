import Foundation

// Progress toward a plan-of-care goal (issue 4): goal status, plateau, responder, immediate relief, re-evaluation
// due and maintenance relapse. Pure functions over plain values (a dated series of Doubles, a direction, a
// meaningful-change threshold), so they do not depend on how the plan of care stores a goal.
//
// Every change is judged by the one classifier, `ChangeClassifier.classify` (Measures/ChangeClassifier.swift):
// a change counts when it reaches the threshold (≥), in either direction; anything smaller is noise.
// Numbers are from ../shared/CLINICAL-REFERENCE.md with the section and [S..] tag beside them; where the
// reference is silent the value is a setting and is marked "our choice".

// MARK: - Inputs and settings

/// One measurement of a goal's measure after the baseline (the baseline itself is passed separately).
public struct ProgressPoint: Sendable, Equatable, Codable {
    public var date: CalendarDate
    public var value: Double
    /// The visit the measurement was taken at, for the chart's session markers; nil for a diary or portal entry.
    public var sessionNumber: Int?

    public init(date: CalendarDate, value: Double, sessionNumber: Int? = nil) {
        self.date = date
        self.value = value
        self.sessionNumber = sessionNumber
    }
}

/// Per-clinic progress rules. The defaults are issue 4's numbers; the reference gives none of them (§1 has no
/// plateau or re-evaluation rule), so every one is configurable.
public struct ProgressSettings: Sendable, Equatable, Codable {
    /// Plateau: no meaningful change over the last N measurements (issue 4 default 4).
    public var plateauSessions: Int
    /// Plateau: no meaningful change over the last W weeks (issue 4 default 4).
    public var plateauWeeks: Int
    /// Re-evaluation and progress report due every N visits (issue 4 default 10).
    public var reEvaluationEveryVisits: Int
    /// … or every N days (issue 4 default 30).
    public var reEvaluationEveryDays: Int

    public init(plateauSessions: Int = 4, plateauWeeks: Int = 4, reEvaluationEveryVisits: Int = 10, reEvaluationEveryDays: Int = 30) {
        self.plateauSessions = plateauSessions
        self.plateauWeeks = plateauWeeks
        self.reEvaluationEveryVisits = reEvaluationEveryVisits
        self.reEvaluationEveryDays = reEvaluationEveryDays
    }

    public static let standard = ProgressSettings()

    /// A plateau window needs two measurements to compare, so at least 2 sessions; the others at least 1.
    public func validate() throws(ValidationFailure) {
        var errors: [FieldError] = []
        if !(2...100).contains(self.plateauSessions) { errors.append(FieldError("plateauSessions", "must be between 2 and 100")) }
        if !(1...104).contains(self.plateauWeeks) { errors.append(FieldError("plateauWeeks", "must be between 1 and 104")) }
        if !(1...100).contains(self.reEvaluationEveryVisits) { errors.append(FieldError("reEvaluationEveryVisits", "must be between 1 and 100")) }
        if !(1...730).contains(self.reEvaluationEveryDays) { errors.append(FieldError("reEvaluationEveryDays", "must be between 1 and 730")) }
        guard errors.isEmpty else { throw ValidationFailure(errors) }
    }
}

// MARK: - Goal status

/// Where a goal stands. Precedence when more than one applies: met, worsening, plateau, improving, noMeaningfulChange.
public enum ProgressStatus: String, Sendable, Codable, Equatable, CaseIterable {
    /// No measurement since the baseline.
    case notStarted
    /// Measured, within the meaningful change of the baseline, and no plateau window complete yet
    /// (too early to call a plateau). Not in issue 4's list; needed so noise is never called a trend.
    case noMeaningfulChange
    /// The latest measurement is better than the baseline by at least the meaningful change.
    case improving
    /// The latest measurement reached the target (direction-aware).
    case met
    /// The latest measurement is worse than the baseline by at least the meaningful change.
    case worsening
    /// A complete plateau window shows no change of at least the meaningful change (see `GoalProgress`).
    case plateau
}

public enum PlateauWindowKind: String, Sendable, Codable, Equatable {
    case sessions
    case weeks
}

/// One window that showed a plateau.
public struct PlateauWindow: Sendable, Equatable, Codable {
    public var kind: PlateauWindowKind
    /// N sessions or W weeks, as configured.
    public var size: Int
    public var from: CalendarDate
    public var to: CalendarDate
    public var pointCount: Int
    /// Last − first value of the window: within the threshold, which is why this is a plateau.
    public var netChange: Double
    /// The largest |value − first value| inside the window (swings that came back do not break a plateau).
    public var largestSwing: Double
}

/// What the therapist may do about a plateau (issue 4).
public enum PlateauChoice: String, Sendable, Codable, Equatable, CaseIterable {
    case reEvaluate
    case changeTechniques
    case refer
    case discharge
}

public struct PlateauFlag: Sendable, Equatable, Codable {
    /// Every complete window that showed no meaningful change (sessions first).
    public var windows: [PlateauWindow]
    public var threshold: Double
    public var choices: [PlateauChoice]
}

public enum ProgressSuggestion: String, Sendable, Codable, Equatable {
    /// Goal met: discharge, or continue in a maintenance phase at a lower frequency (issue 4).
    case dischargeOrMaintenance
}

public struct GoalEvaluation: Sendable, Equatable, Codable {
    public var status: ProgressStatus
    public var baseline: Double
    public var target: Double
    public var direction: MeasureDirection
    /// The points a change must reach: the larger of the meaningful change and the measurement error.
    public var threshold: Double
    /// baseline ± threshold: the chart's meaningful-change band; a value strictly inside it is noise.
    public var band: ClosedRange<Double>
    /// The measurements in date order (the chart's series; those with a session number are session markers).
    public var points: [ProgressPoint]
    public var latest: ProgressPoint?
    /// latest − baseline, signed in the measure's units.
    public var changeFromBaseline: Double?
    /// Direction-aware percent (positive = better); nil without a scale starting at a true zero or with baseline 0.
    public var percentImprovement: Double?
    /// The classifier's verdict on latest vs baseline.
    public var change: ChangeClass?
    public var targetReached: Bool
    /// nil when no window shows a plateau, or when the goal is met.
    public var plateau: PlateauFlag?
    public var suggestion: ProgressSuggestion?
}

/// Goal status from a series of measurements.
///
/// Definitions (points are sorted by date; same-day points keep their given order):
/// - **notStarted**: no points.
/// - **met**: the latest value reached the target — `≥ target` when higher is better, `≤ target` when higher is worse.
/// - **worsening**: `ChangeClassifier` calls latest vs baseline `.worse` (worse by ≥ the threshold).
/// - **plateau**: a plateau window is complete and shows no change; see below.
/// - **improving**: `ChangeClassifier` calls latest vs baseline `.improved`.
/// - **noMeaningfulChange**: otherwise (within the band, no complete plateau window).
///
/// Plateau ("not changed by at least its meaningful change over the last N sessions or W weeks", issue 4):
/// - the *session window* is the last N points; complete when there are at least N points;
/// - the *week window* runs from the last point dated at least 7·W days before the latest point, to the latest point;
///   complete when such a point exists (so the window spans at least W weeks);
/// - a window shows no change when `ChangeClassifier` calls its last point `.withinNoise` against its first point:
///   the net change over the window is smaller than the threshold in either direction. Swings inside the window
///   that came back do not break a plateau (a series bouncing within noise is exactly the patient who needs a
///   re-evaluation); they are reported as `largestSwing`;
/// - the flag is raised when EITHER complete window shows no change. A goal that is met carries no flag.
///
/// The threshold is `max(meaningfulChange, measurementError)` (as `MeaningfulChange.pointsThreshold`), so a noisy
/// series inside the measurement error is never called improving or worsening. Only the points criterion is used:
/// a percent criterion (NRS 30 %, §1.1) is relative to one baseline and does not carry over to plateau windows;
/// the percent view is `Responder`.
public enum GoalProgress {
    /// - Parameters:
    ///   - meaningfulChange: the goal's meaningful change in the measure's units (> 0), e.g. NRS 2 points (§1.1 [S4][S13]),
    ///     PEG 1.0 (§1.2 [S3], configurable), ROM same-examiner goniometer 4° (§2.2 [S33]).
    ///   - measurementError: an MDC/SDC, when larger than the meaningful change (PSEQ 12.67, §1.9 [S28c]).
    ///   - scale: the measure's range; values outside it are errors, and a percent is computed only when it starts at 0.
    ///     nil: any finite value (within ±10¹²), no percent.
    public static func evaluate(baseline: Double, target: Double, direction: MeasureDirection, meaningfulChange: Double,
                                measurementError: Double? = nil, scale: ClosedRange<Double>? = nil,
                                points: [ProgressPoint], settings: ProgressSettings = .standard) throws(ValidationFailure) -> GoalEvaluation {
        var errors: [FieldError] = []
        func inScale(_ v: Double) -> Bool { v.isFinite && (scale ?? GoalProgress.unbounded).contains(v) }
        let scaleText = scale.map { " between \(measureText($0.lowerBound)) and \(measureText($0.upperBound))" } ?? ""
        if !inScale(baseline) { errors.append(FieldError("baseline", "must be a number\(scaleText)")) }
        if !inScale(target) { errors.append(FieldError("target", "must be a number\(scaleText)")) }
        if !(meaningfulChange.isFinite && meaningfulChange > 0) { errors.append(FieldError("meaningfulChange", "must be a number greater than 0")) }
        if let e = measurementError, !(e.isFinite && e >= 0) { errors.append(FieldError("measurementError", "must be a number of at least 0")) }
        if inScale(baseline), inScale(target), (target - baseline) * direction.improvementSign <= 0 {
            // A goal is an improvement; a target equal to or worse than the baseline would be met at once.
            errors.append(FieldError("target", "must be better than the baseline (\(direction == .higherIsBetter ? "higher" : "lower") than \(measureText(baseline)))"))
        }
        for (i, p) in points.enumerated() {
            if !inScale(p.value) { errors.append(FieldError("points[\(i)].value", "must be a number\(scaleText)")) }
            if let n = p.sessionNumber, n < 1 { errors.append(FieldError("points[\(i)].sessionNumber", "must be at least 1")) }
        }
        do { try settings.validate() } catch { errors += error.errors.map { FieldError("settings.\($0.field)", $0.message) } }
        guard errors.isEmpty else { throw ValidationFailure(errors) }

        let instrument = goalInstrument(direction: direction, meaningfulChange: meaningfulChange, measurementError: measurementError, scale: scale)
        let threshold = instrument.meaningfulChange!.pointsThreshold!
        let series = points.enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
        var out = GoalEvaluation(status: .notStarted, baseline: baseline, target: target, direction: direction, threshold: threshold,
                                 band: (baseline - threshold)...(baseline + threshold), points: series, latest: series.last,
                                 targetReached: false)
        guard let latest = series.last else { return out }

        let vsBaseline = try ChangeClassifier.classify(instrument, baseline: baseline, followUp: latest.value)
        out.changeFromBaseline = vsBaseline.absoluteChange
        out.percentImprovement = vsBaseline.percentImprovement
        out.change = vsBaseline.classification
        out.targetReached = (latest.value - target) * direction.improvementSign >= -ChangeClassifier.epsilon
        if out.targetReached {
            out.status = .met
            out.suggestion = .dischargeOrMaintenance
            return out
        }
        out.plateau = try plateau(series, instrument: instrument, threshold: threshold, settings: settings)
        out.status = switch vsBaseline.classification {
        case .worse: .worsening
        case _ where out.plateau != nil: .plateau
        case .improved: .improving
        default: .noMeaningfulChange
        }
        return out
    }

    /// The same, with direction, scale and threshold from a catalog instrument (its `pointsThreshold`).
    public static func evaluate(instrument: Instrument, baseline: Double, target: Double, points: [ProgressPoint],
                                settings: ProgressSettings = .standard) throws(ValidationFailure) -> GoalEvaluation {
        guard let threshold = instrument.meaningfulChange?.pointsThreshold else {
            throw ValidationFailure([FieldError("meaningfulChange", "\(instrument.code) has no meaningful-change threshold in points; configure one for this goal")])
        }
        return try evaluate(baseline: baseline, target: target, direction: instrument.direction, meaningfulChange: threshold,
                            scale: instrument.range, points: points, settings: settings)
    }

    /// The plateau flag for a date-sorted series, or nil.
    static func plateau(_ series: [ProgressPoint], instrument: Instrument, threshold: Double,
                        settings: ProgressSettings) throws(ValidationFailure) -> PlateauFlag? {
        func flat(_ window: ArraySlice<ProgressPoint>, _ kind: PlateauWindowKind, _ size: Int) throws(ValidationFailure) -> PlateauWindow? {
            guard let first = window.first, let last = window.last, window.count >= 2 else { return nil }
            let net = try ChangeClassifier.classify(instrument, baseline: first.value, followUp: last.value)
            guard net.classification == .withinNoise else { return nil }
            let swing = window.map { abs($0.value - first.value) }.max() ?? 0
            return PlateauWindow(kind: kind, size: size, from: first.date, to: last.date, pointCount: window.count,
                                 netChange: net.absoluteChange, largestSwing: swing)
        }
        var windows: [PlateauWindow] = []
        let n = settings.plateauSessions
        if series.count >= n, let w = try flat(series.suffix(n), .sessions, n) { windows.append(w) }
        let latestDay = series.last!.date.dayNumber
        if let anchor = series.lastIndex(where: { $0.date.dayNumber <= latestDay - 7 * settings.plateauWeeks }),
           let w = try flat(series[anchor...], .weeks, settings.plateauWeeks) {
            windows.append(w)
        }
        return windows.isEmpty ? nil : PlateauFlag(windows: windows, threshold: threshold, choices: PlateauChoice.allCases)
    }

    /// The range used when no scale is given: far beyond any clinical measure, and small enough for the classifier's
    /// messages to print (it formats bounds as integers).
    static let unbounded: ClosedRange<Double> = -1e12...1e12

    /// A one-off instrument carrying the goal's direction and threshold, so `ChangeClassifier` judges every change.
    /// Without a scale the range does not start at 0, so the classifier gives no percent (no true zero is known).
    static func goalInstrument(direction: MeasureDirection, meaningfulChange: Double, measurementError: Double?,
                               scale: ClosedRange<Double>?) -> Instrument {
        Instrument(code: "GOAL", name: "Goal measure", range: scale ?? unbounded,
                   direction: direction, kind: .scoreEntry, missingItemRule: .scoreOnly,
                   meaningfulChange: MeaningfulChange(points: meaningfulChange, measurementError: measurementError,
                                                      citation: "the goal's meaningful change"),
                   source: "plan-of-care goal")
    }
}

// MARK: - Responder

/// One patient's responder classification (§1.11 [S4][S6]).
public struct ResponderResult: Sendable, Equatable, Codable {
    /// Direction-aware percent improvement: (baseline − followUp) ÷ baseline × 100 when higher is worse (§1.11).
    public var percentImprovement: Double?
    /// IMMPACT category: ≥ 10 % minimal (configurable lower end of 10–20 %), ≥ 30 % moderate, ≥ 50 % substantial.
    public var category: ImmpactCategory?
    /// ≥ 30 % = responder (§1.11 "responder ≥ 30 % (moderate)" [S4][S6]); nil when undefined.
    public var isResponder: Bool?
    /// Why there is no percent (baseline 0: "undefined — exclude or flag", §1.11 [S4]).
    public var undefinedReason: String?
}

public enum Responder {
    /// Classifies with `ChangeClassifier` (its IMMPACT categories), on a ratio scale with a true zero.
    /// The thresholds are IMMPACT's for pain intensity (§1.11 [S6]); applied to another measure with a true zero they
    /// are the percent thresholds the reference uses for responders generally (Farrar 2001 [S4]; ePPOC [S7]).
    /// A measure without a true zero (PROMIS T-scores, GROC) has no percent change: do not use this for it.
    public static func classify(baseline: Double, followUp: Double, direction: MeasureDirection,
                                minimalPercent: Double = ChangeClassifier.immpactMinimalPercent) throws(ValidationFailure) -> ResponderResult {
        var errors: [FieldError] = []
        for (field, v) in [("baseline", baseline), ("followUp", followUp)] where !(v.isFinite && v >= 0 && v <= GoalProgress.unbounded.upperBound) {
            errors.append(FieldError(field, "must be a number of at least 0 (percent change needs a scale with a true zero)"))
        }
        if !(minimalPercent.isFinite && minimalPercent > 0 && minimalPercent < ChangeClassifier.immpactModeratePercent) {
            errors.append(FieldError("minimalPercent", "must be greater than 0 and below \(measureText(ChangeClassifier.immpactModeratePercent))"))
        }
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        let ratio = Instrument(code: "RESPONDER", name: "Responder measure", range: 0...GoalProgress.unbounded.upperBound, direction: direction,
                               kind: .scoreEntry, missingItemRule: .scoreOnly, immpactPainIntensity: true,
                               source: "§1.11 IMMPACT responder rules [S4][S6]")
        let c = try ChangeClassifier.classify(ratio, baseline: baseline, followUp: followUp, immpactMinimalPercent: minimalPercent)
        return ResponderResult(percentImprovement: c.percentImprovement, category: c.immpact,
                               isResponder: c.immpact.map { $0 >= .moderate }, undefinedReason: c.percentUnavailableReason)
    }
}

// MARK: - Immediate relief

/// Pain before and after one session (NRS 0–10, §1.1).
public struct ReliefPair: Sendable, Equatable, Codable {
    public var before: Int
    public var after: Int
    public var date: CalendarDate

    public init(before: Int, after: Int, date: CalendarDate) {
        self.before = before
        self.after = after
        self.date = date
    }
}

public struct SessionRelief: Sendable, Equatable, Codable {
    public var date: CalendarDate
    public var before: Int
    public var after: Int
    /// before − after: positive = less pain after the session.
    public var relief: Int
}

public enum ProgressTrend: String, Sendable, Codable, Equatable {
    case increasing
    case stable
    case decreasing
    case notEnoughSessions
}

/// Trend rules; the reference has none for within-session change, so both are settings.
public struct ReliefSettings: Sendable, Equatable, Codable {
    /// Sessions needed before a trend is shown. Our choice (3: the fewest for a slope that is not just two points).
    public var minimumSessions: Int
    /// A trend whose fitted change across the whole series is smaller than this (NRS points) is stable.
    /// Default 1 point: Salaffi 2004's minimal change on the 0–10 NRS (§1.1 [S5]). Configurable.
    public var stableWithin: Double

    public init(minimumSessions: Int = 3, stableWithin: Double = 1) {
        self.minimumSessions = minimumSessions
        self.stableWithin = stableWithin
    }

    public static let standard = ReliefSettings()
}

public struct ReliefSummary: Sendable, Equatable, Codable {
    /// In date order.
    public var sessions: [SessionRelief]
    public var meanRelief: Double?
    public var meanBefore: Double?
    public var meanAfter: Double?
    /// Least-squares slope of relief per session (by session order), when there are enough sessions.
    public var reliefSlope: Double?
    /// increasing = each session brings more relief.
    public var reliefTrend: ProgressTrend
    /// Pain coming into each session: decreasing = the relief is carrying over between visits.
    public var painBeforeTrend: ProgressTrend
}

public enum ImmediateRelief {
    public static func summarise(pairs: [ReliefPair], settings: ReliefSettings = .standard) throws(ValidationFailure) -> ReliefSummary {
        var errors: [FieldError] = []
        for (i, p) in pairs.enumerated() {
            if !(0...10).contains(p.before) { errors.append(FieldError("pairs[\(i)].before", "must be between 0 and 10")) }
            if !(0...10).contains(p.after) { errors.append(FieldError("pairs[\(i)].after", "must be between 0 and 10")) }
        }
        if settings.minimumSessions < 2 { errors.append(FieldError("settings.minimumSessions", "must be at least 2")) }
        if !(settings.stableWithin.isFinite && settings.stableWithin >= 0) { errors.append(FieldError("settings.stableWithin", "must be at least 0")) }
        guard errors.isEmpty else { throw ValidationFailure(errors) }

        let sorted = pairs.enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
        let sessions = sorted.map { SessionRelief(date: $0.date, before: $0.before, after: $0.after, relief: $0.before - $0.after) }
        func mean(_ xs: [Int]) -> Double? { xs.isEmpty ? nil : Double(xs.reduce(0, +)) / Double(xs.count) }
        let reliefs = sessions.map(\.relief)
        let enough = sessions.count >= settings.minimumSessions
        let reliefSlope = enough ? slope(reliefs) : nil
        func trend(_ s: Double?) -> ProgressTrend {
            guard let s else { return .notEnoughSessions }
            let fitted = s * Double(sessions.count - 1)
            return abs(fitted) < settings.stableWithin ? .stable : fitted > 0 ? .increasing : .decreasing
        }
        return ReliefSummary(sessions: sessions, meanRelief: mean(reliefs), meanBefore: mean(sessions.map(\.before)),
                             meanAfter: mean(sessions.map(\.after)), reliefSlope: reliefSlope, reliefTrend: trend(reliefSlope),
                             painBeforeTrend: trend(enough ? slope(sessions.map(\.before)) : nil))
    }

    public static func summarise(pairs: [(before: Int, after: Int, date: CalendarDate)],
                                 settings: ReliefSettings = .standard) throws(ValidationFailure) -> ReliefSummary {
        try summarise(pairs: pairs.map { ReliefPair(before: $0.before, after: $0.after, date: $0.date) }, settings: settings)
    }

    /// Ordinary least-squares slope against the session index 0, 1, … (visits, not days: spacing varies with the plan).
    static func slope(_ ys: [Int]) -> Double {
        let n = Double(ys.count)
        let meanX = (n - 1) / 2
        let meanY = Double(ys.reduce(0, +)) / n
        var sxy = 0.0, sxx = 0.0
        for (i, y) in ys.enumerated() {
            sxy += (Double(i) - meanX) * (Double(y) - meanY)
            sxx += (Double(i) - meanX) * (Double(i) - meanX)
        }
        return sxx == 0 ? 0 : sxy / sxx
    }
}

// MARK: - Re-evaluation due

public enum DueReason: Sendable, Equatable, Codable {
    /// `visits` since the last evaluation reached the configured count.
    case visits(count: Int, every: Int)
    /// `elapsed` days since the last evaluation reached the configured interval.
    case days(elapsed: Int, every: Int)
    /// The plan of care ends on or before today.
    case planEnd(CalendarDate)
}

/// A re-evaluation and progress report fall due every N visits, every N days, or at the plan's end (issue 4:
/// 10 visits, 30 days; the reference has no rule of its own, §3.1 only says "progress reports … at the end of each
/// authorised block" ⚠️). Each is "due" from the day it is reached until a new evaluation resets the count.
public enum ReEvaluationDue {
    /// - Parameters:
    ///   - visitsSinceLast: visits since the last evaluation, not counting the evaluation visit itself.
    public static func check(visitsSinceLast: Int, lastEvaluation: CalendarDate, planEnd: CalendarDate?, today: CalendarDate,
                             settings: ProgressSettings = .standard) throws(ValidationFailure) -> [DueReason] {
        var errors: [FieldError] = []
        if visitsSinceLast < 0 { errors.append(FieldError("visitsSinceLast", "must be at least 0")) }
        if lastEvaluation > today { errors.append(FieldError("lastEvaluation", "cannot be after today")) }
        do { try settings.validate() } catch { errors += error.errors.map { FieldError("settings.\($0.field)", $0.message) } }
        guard errors.isEmpty else { throw ValidationFailure(errors) }

        var due: [DueReason] = []
        if visitsSinceLast >= settings.reEvaluationEveryVisits {
            due.append(.visits(count: visitsSinceLast, every: settings.reEvaluationEveryVisits))
        }
        let elapsed = today.dayNumber - lastEvaluation.dayNumber
        if elapsed >= settings.reEvaluationEveryDays { due.append(.days(elapsed: elapsed, every: settings.reEvaluationEveryDays)) }
        if let planEnd, planEnd <= today { due.append(.planEnd(planEnd)) }
        return due
    }

    /// The date the day rule falls due, or the plan's end when that is earlier (for reminders and scheduling).
    public static func nextDueDate(lastEvaluation: CalendarDate, planEnd: CalendarDate?, settings: ProgressSettings = .standard) -> CalendarDate {
        let byDays = lastEvaluation.adding(days: settings.reEvaluationEveryDays)
        guard let planEnd else { return byDays }
        return min(byDays, planEnd)
    }
}

// MARK: - Maintenance

public enum MaintenancePrompt: String, Sendable, Codable, Equatable {
    /// The measure worsened beyond its meaningful change: reopen active treatment (issue 4).
    case returnToActiveTreatment
}

public struct MaintenanceCheck: Sendable, Equatable, Codable {
    public var startValue: Double
    public var threshold: Double
    /// The latest measurement in the maintenance phase (date order).
    public var latest: ProgressPoint?
    /// latest − startValue, signed.
    public var changeFromStart: Double?
    public var change: ChangeClass?
    public var prompt: MaintenancePrompt?
}

public enum Maintenance {
    /// During maintenance, the latest measurement worse than the maintenance-start value by at least the threshold
    /// (`ChangeClassifier` `.worse`) prompts a return to active treatment. The latest value, not any single
    /// earlier one: a bad day that has already recovered is not a relapse.
    /// - Parameter points: measurements taken since maintenance started.
    public static func relapse(startValue: Double, points: [ProgressPoint], direction: MeasureDirection, meaningfulChange: Double,
                               measurementError: Double? = nil, scale: ClosedRange<Double>? = nil) throws(ValidationFailure) -> MaintenanceCheck {
        var errors: [FieldError] = []
        func inScale(_ v: Double) -> Bool { v.isFinite && (scale ?? GoalProgress.unbounded).contains(v) }
        if !inScale(startValue) { errors.append(FieldError("startValue", "must be a number in the measure's range")) }
        if !(meaningfulChange.isFinite && meaningfulChange > 0) { errors.append(FieldError("meaningfulChange", "must be a number greater than 0")) }
        if let e = measurementError, !(e.isFinite && e >= 0) { errors.append(FieldError("measurementError", "must be a number of at least 0")) }
        for (i, p) in points.enumerated() where !inScale(p.value) {
            errors.append(FieldError("points[\(i)].value", "must be a number in the measure's range"))
        }
        guard errors.isEmpty else { throw ValidationFailure(errors) }

        let instrument = GoalProgress.goalInstrument(direction: direction, meaningfulChange: meaningfulChange,
                                                     measurementError: measurementError, scale: scale)
        var out = MaintenanceCheck(startValue: startValue, threshold: instrument.meaningfulChange!.pointsThreshold!)
        let latest = points.enumerated().max { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }?.element
        guard let latest else { return out }
        let c = try ChangeClassifier.classify(instrument, baseline: startValue, followUp: latest.value)
        out.latest = latest
        out.changeFromStart = c.absoluteChange
        out.change = c.classification
        out.prompt = c.classification == .worse ? .returnToActiveTreatment : nil
        return out
    }
}

