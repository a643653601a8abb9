import Foundation

/// The three outcomes of the one change classifier.
public enum ChangeClass: String, Sendable, Codable, Equatable {
    /// Improved by at least the meaningful change (and beyond measurement error where one is known).
    case improved
    /// Smaller than the meaningful change / measurement error in either direction.
    case withinNoise
    /// Worse by at least the same threshold.
    case worse
}

/// IMMPACT categories for a reduction in pain intensity (Dworkin 2008, §1.11 [S6]).
public enum ImmpactCategory: String, Sendable, Codable, Equatable, Comparable {
    case none, minimal, moderate, substantial

    private var rank: Int { [.none, .minimal, .moderate, .substantial].firstIndex(of: self)! }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

public struct ChangeAssessment: Sendable, Equatable, Codable {
    public var instrumentCode: String
    public var baseline: Double
    public var followUp: Double
    /// followUp − baseline, signed in the instrument's own units.
    public var absoluteChange: Double
    /// (followUp − baseline) ÷ baseline × 100; nil with `percentUnavailableReason` when undefined.
    public var percentChange: Double?
    /// Direction-aware percent: positive = better (for pain, the IMMPACT reduction (baseline − followUp) ÷ baseline × 100).
    public var percentImprovement: Double?
    public var percentUnavailableReason: String?
    /// nil with `unclassifiedReason` when the instrument has no meaningful-change threshold.
    public var classification: ChangeClass?
    public var unclassifiedReason: String?
    /// For pain-intensity instruments only; nil otherwise or when percent is undefined.
    public var immpact: ImmpactCategory?
    public var citation: String?
}

public enum ChangeClassifier {
    /// IMMPACT minimal = a 10–20 % decrease (§1.11 [S6]); ePPOC operationalises it as ≥ 10 % ([S7]).
    /// The lower end is the default; configurable because the reference gives a range.
    public static let immpactMinimalPercent: Double = 10
    /// IMMPACT moderate ≥ 30 %, substantial ≥ 50 % (Dworkin 2008 [S6]; Farrar 2001 [S4]).
    public static let immpactModeratePercent: Double = 30
    public static let immpactSubstantialPercent: Double = 50
    /// Tolerance for threshold comparisons of computed scores (e.g. 16/45 × 100).
    static let epsilon = 1e-9

    /// The one change classifier used everywhere: baseline and follow-up scores of one instrument.
    public static func classify(_ instrument: Instrument, baseline: Double, followUp: Double,
                                immpactMinimalPercent: Double = ChangeClassifier.immpactMinimalPercent) throws(ValidationFailure) -> ChangeAssessment {
        var errors: [FieldError] = []
        for (field, v) in [("baseline", baseline), ("followUp", followUp)] where !(v.isFinite && instrument.range.contains(v)) {
            errors.append(FieldError(field, "must be between \(measureText(instrument.range.lowerBound)) and \(measureText(instrument.range.upperBound))"))
        }
        guard errors.isEmpty else { throw ValidationFailure(errors) }

        let change = followUp - baseline
        let better = change * instrument.direction.improvementSign   // > 0 is an improvement
        var out = ChangeAssessment(instrumentCode: instrument.code, baseline: baseline, followUp: followUp, absoluteChange: change,
                                   citation: instrument.meaningfulChange?.citation)

        // Percent change needs a true zero and a non-zero baseline (§1.11: baseline 0 → undefined, exclude or flag [S4]).
        if instrument.range.lowerBound != 0 {
            out.percentUnavailableReason = "the scale has no true zero (range starts at \(measureText(instrument.range.lowerBound))); percent change is not meaningful"
        } else if baseline == 0 {
            out.percentUnavailableReason = "baseline is 0: percent change is undefined"
        } else {
            out.percentChange = change / baseline * 100
            out.percentImprovement = better / baseline * 100
        }

        if instrument.code == "PGIC" || instrument.code == "GROC" {
            out.unclassifiedReason = "a global rating is itself a rating of change; see ChangeClassifier.globalRating"
        } else if let mc = instrument.meaningfulChange, mc.pointsThreshold != nil || mc.percent != nil {
            // `gain` is the change in the direction being tested (positive), `pct` the same as a percent of baseline.
            func reaches(_ gain: Double, _ pct: Double?) -> Bool {
                guard gain > 0 else { return false }
                if let p = mc.pointsThreshold, gain >= p - epsilon { return true }
                if let t = mc.percent, let pct, pct >= t - epsilon { return true }
                return false
            }
            let pi = out.percentImprovement
            out.classification = reaches(better, pi) ? .improved : reaches(-better, pi.map { -$0 }) ? .worse : .withinNoise
        } else {
            out.unclassifiedReason = "no meaningful-change threshold for \(instrument.code) in the clinical reference"
        }

        if instrument.immpactPainIntensity {
            if let pi = out.percentImprovement {
                out.immpact = pi >= immpactSubstantialPercent - epsilon ? .substantial
                    : pi >= immpactModeratePercent - epsilon ? .moderate
                    : pi >= immpactMinimalPercent - epsilon ? .minimal : ImmpactCategory.none
            }
        }
        return out
    }

    /// PGIC answer (1 very much improved … 7 very much worse) → IMMPACT category (§1.10/1.11 [S6]):
    /// minimally improved = minimal, much improved = moderate, very much improved = substantial.
    public static func immpact(pgic rating: Int) throws(ValidationFailure) -> ImmpactCategory {
        guard (1...7).contains(rating) else { throw ValidationFailure([FieldError("answers.rating", "must be between 1 and 7")]) }
        return switch rating {
        case 1: .substantial
        case 2: .moderate
        case 3: .minimal
        default: .none
        }
    }

    /// GROC (−7 … +7) → Jaeschke convention (§1.10 [S29] ⚠️ secondary): ±0–1 about the same, ±2–3 small,
    /// ±4–5 moderate, ±6–7 large. Returns the size and whether it is better (true), worse (false) or same (nil).
    public static func globalRating(groc rating: Int) throws(ValidationFailure) -> (size: String, better: Bool?) {
        guard (-7...7).contains(rating) else { throw ValidationFailure([FieldError("answers.rating", "must be between -7 and 7")]) }
        let size = switch abs(rating) {
        case 0...1: "about the same"
        case 2...3: "small"
        case 4...5: "moderate"
        default: "large"
        }
        return (size, abs(rating) <= 1 ? nil : rating > 0)
    }

    /// PSFS single-activity change: MDC 3 points (Stratford 1995, §1.4 [S19]).
    public static let psfsSingleActivityMDC: Double = 3

    /// One PSFS activity compared with its own baseline: the same classifier, with the single-activity MDC.
    public static func classifyPSFSActivity(baseline: Double, followUp: Double) throws(ValidationFailure) -> ChangeClass {
        var activity = Instruments.named("PSFS")!
        activity.code = "PSFS-ACTIVITY"
        activity.meaningfulChange = MeaningfulChange(measurementError: psfsSingleActivityMDC,
                                                     citation: "Stratford 1995: MDC 3 points for a single activity [S19]")
        // Every path through classify sets a classification for an instrument with a threshold.
        return try classify(activity, baseline: baseline, followUp: followUp).classification ?? .withinNoise
    }
}

func measureText(_ x: Double) -> String {
    x.rounded() == x ? String(Int(x)) : String(x)
}
