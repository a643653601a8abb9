import Foundation

/// One PSFS activity as the patient names it, carried forward to follow-ups.
public struct PSFSActivity: Sendable, Equatable, Codable {
    public var name: String
    public var score: Double?
    public init(_ name: String, _ score: Double?) {
        self.name = name
        self.score = score
    }
}

/// What a clinician entered: item answers by item code, PSFS activities, or an entered total score.
public struct MeasureAnswers: Sendable, Equatable, Codable {
    public var items: [String: Double]
    public var activities: [PSFSActivity]
    public var score: Double?

    public init(items: [String: Double] = [:], activities: [PSFSActivity] = [], score: Double? = nil) {
        self.items = items
        self.activities = activities
        self.score = score
    }
}

public struct MeasureScore: Sendable, Equatable, Codable {
    public var instrumentCode: String
    /// The score on the instrument's own range (ODI %, NDI raw, PEG mean, T-score …).
    public var value: Double
    /// Percent of the maximum where the instrument reports one (ODI, NDI: raw × 2).
    public var percent: Double?
    public var band: String?
    public var itemsAnswered: Int
    /// Items skipped and handled by the missing-item rule.
    public var itemsMissing: Int
    /// How missing items were handled, stored with the score (§1.6: "pick one rule and store which").
    public var missingItemNote: String?
}

/// Scores one administration. Errors name the field: `answers.<item>`, `activities`, `activities[i].score`,
/// `activities[i].name`, `score`. Nothing is partially scored.
public func score(_ instrument: Instrument, answers: MeasureAnswers) throws(ValidationFailure) -> MeasureScore {
    var errors: [FieldError] = []

    func check(_ value: Double, _ range: ClosedRange<Double>, integer: Bool, field: String) -> Bool {
        guard value.isFinite else { errors.append(FieldError(field, "must be a number")); return false }
        guard range.contains(value) else {
            errors.append(FieldError(field, "must be between \(measureText(range.lowerBound)) and \(measureText(range.upperBound))"))
            return false
        }
        if integer, value.rounded() != value {
            errors.append(FieldError(field, "must be a whole number"))
            return false
        }
        return true
    }
    func unknownItems(_ known: Set<String>) {
        for key in answers.items.keys.sorted() where !known.contains(key) {
            errors.append(FieldError("answers.\(key)", "is not an item of \(instrument.code)"))
        }
    }
    func result(_ value: Double, percent: Double? = nil, answered: Int, missing: Int = 0, note: String? = nil) -> MeasureScore {
        MeasureScore(instrumentCode: instrument.code, value: value, percent: percent, band: instrument.band(for: value),
                     itemsAnswered: answered, itemsMissing: missing, missingItemNote: note)
    }

    // Score entry: a total entered from the licensed form (ODI, NDI may instead give section scores).
    if instrument.kind == .scoreEntry, answers.items.isEmpty {
        guard let s = answers.score else { throw ValidationFailure([FieldError("score", "is required")]) }
        guard check(s, instrument.range, integer: false, field: "score") else { throw ValidationFailure(errors) }
        let percent: Double? = switch instrument.missingItemRule {
        case .imputeMeanOfAnswered: s / instrument.range.upperBound * 100   // NDI: raw × 2 (§1.6 [S18])
        case .prorateSections: s                                            // ODI is already a %
        default: nil
        }
        return result(s, percent: percent, answered: 0)
    }
    if instrument.kind == .scoreEntry, answers.score != nil {
        throw ValidationFailure([FieldError("score", "enter the total or the section scores, not both")])
    }

    switch instrument.missingItemRule {
    case .scoreOnly:
        // Licensed instruments: no item answers are taken (§0.2).
        unknownItems([])
        throw ValidationFailure(errors)

    case .atLeastOneActivity(let maxActivities):
        // §1.4 PSFS: score = sum of activity scores ÷ number of activities [S19].
        unknownItems([])
        if answers.activities.isEmpty { errors.append(FieldError("activities", "name at least one activity")) }
        if answers.activities.count > maxActivities {
            errors.append(FieldError("activities", "at most \(maxActivities) activities"))
        }
        var scores: [Double] = []
        for (i, a) in answers.activities.enumerated() {
            if a.name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                errors.append(FieldError("activities[\(i)].name", "is required"))
            }
            guard let s = a.score else { errors.append(FieldError("activities[\(i)].score", "is required")); continue }
            if check(s, instrument.items[0].range, integer: instrument.items[0].integer, field: "activities[\(i)].score") {
                scores.append(s)
            }
        }
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        return result(scores.reduce(0, +) / Double(scores.count), answered: scores.count)

    case .allRequired:
        // Single items and the PEG (§1.2: mean of the 3 items [S1]).
        unknownItems(Set(instrument.items.map(\.code)))
        var values: [Double] = []
        for item in instrument.items {
            guard let v = answers.items[item.code] else { errors.append(FieldError("answers.\(item.code)", "is required")); continue }
            if check(v, item.range, integer: item.integer, field: "answers.\(item.code)") { values.append(v) }
        }
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        return result(values.reduce(0, +) / Double(values.count), answered: values.count)

    case .prorateSections(let maxMissing), .imputeMeanOfAnswered(let maxMissing):
        unknownItems(Set(instrument.items.map(\.code)))
        var values: [Double] = []
        for item in instrument.items {
            guard let v = answers.items[item.code] else { continue }
            if check(v, item.range, integer: item.integer, field: "answers.\(item.code)") { values.append(v) }
        }
        let missingCodes = instrument.items.map(\.code).filter { answers.items[$0] == nil }
        if missingCodes.count > maxMissing {
            for code in missingCodes {
                errors.append(FieldError("answers.\(code)", "is required (at most \(maxMissing) may be skipped)"))
            }
        }
        guard errors.isEmpty, !values.isEmpty else { throw ValidationFailure(errors) }
        let sum = values.reduce(0, +)
        let itemMax = instrument.items[0].range.upperBound   // 5 per section (§1.5, §1.6)
        if case .prorateSections = instrument.missingItemRule {
            // §1.5 ODI: (sum ÷ (5 × sections answered)) × 100, e.g. 16/45 = 35.5 % [S15][S14b].
            let pct = sum / (itemMax * Double(values.count)) * 100
            return result(pct, percent: pct, answered: values.count, missing: missingCodes.count,
                          note: missingCodes.isEmpty ? nil : "prorated over \(values.count) answered sections (Fairbank [S15])")
        }
        // §1.6 NDI developer rule: each missing item ← mean of the answered items [S18]; % = raw × 2.
        let raw = sum + Double(missingCodes.count) * (sum / Double(values.count))
        return result(raw, percent: raw / (itemMax * Double(instrument.items.count)) * 100, answered: values.count,
                      missing: missingCodes.count,
                      note: missingCodes.isEmpty ? nil : "missing items replaced by the mean of answered items (Vernon [S18])")
    }
}

