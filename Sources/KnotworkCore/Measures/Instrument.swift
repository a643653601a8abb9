import Foundation

// Outcome-measure engine: instruments as data. Every number comes from ../shared/CLINICAL-REFERENCE.md
// (section numbers and [S..] source tags are named beside each constant in Instruments.swift).

/// Which way is good. A PROMIS Pain Interference T-score going down is better; a PSFS going up is better.
public enum MeasureDirection: String, Sendable, Codable, Equatable {
    case higherIsBetter
    case higherIsWorse

    /// +1 when a rise is an improvement, −1 when a fall is.
    public var improvementSign: Double { self == .higherIsBetter ? 1 : -1 }
}

/// Administered here item by item, or a score entered from a licensed form administered elsewhere
/// (we store the score only and never reproduce the licensed items).
public enum InstrumentKind: String, Sendable, Codable, Equatable {
    case administered
    case scoreEntry
}

/// One item of an administered instrument (labels are paraphrases, never licensed wording),
/// or one numbered section of a score-entry instrument that also accepts section scores (ODI, NDI).
public struct InstrumentItem: Sendable, Equatable, Codable {
    public var code: String
    public var label: String
    public var loinc: String?
    public var range: ClosedRange<Double>
    /// Whole numbers only (an NRS is answered 0, 1, … 10).
    public var integer: Bool

    public init(_ code: String, _ label: String, loinc: String? = nil, range: ClosedRange<Double>, integer: Bool = true) {
        self.code = code
        self.label = label
        self.loinc = loinc
        self.range = range
        self.integer = integer
    }
}

/// How missing items are handled when scoring.
public enum MissingItemRule: Sendable, Equatable, Codable {
    /// Every item must be answered.
    case allRequired
    /// PSFS: a list of patient-named activities, at least one, each rated.
    case atLeastOneActivity(maxActivities: Int)
    /// ODI v2.1a: sum ÷ (5 × sections answered) × 100, up to `maxMissing` sections skipped.
    case prorateSections(maxMissing: Int)
    /// NDI developer rule: each missing item is replaced by the mean of the answered items.
    case imputeMeanOfAnswered(maxMissing: Int)
    /// Score entry only: the entered score is validated against the range.
    case scoreOnly
}

/// A labelled severity band: a score belongs to the last band whose lower bound it meets.
public struct SeverityBand: Sendable, Equatable, Codable {
    public var label: String
    public var lower: Double
    /// true: score ≥ lower; false: score > lower.
    public var lowerInclusive: Bool

    public init(_ label: String, from lower: Double, inclusive: Bool = true) {
        self.label = label
        self.lower = lower
        self.lowerInclusive = inclusive
    }

    func admits(_ x: Double) -> Bool { self.lowerInclusive ? x >= self.lower : x > self.lower }
}

/// The clinically meaningful change for one instrument, with its citation.
public struct MeaningfulChange: Sendable, Equatable, Codable {
    /// MCID / MIC in score points (a change of at least this size in the good direction is meaningful).
    public var points: Double?
    /// Alternative percent criterion (change ÷ baseline × 100), e.g. 30 % for NRS and ODI (Ostelo 2008).
    public var percent: Double?
    /// Measurement error (MDC / SDC) in points: a change smaller than this is noise.
    public var measurementError: Double?
    public var citation: String

    public init(points: Double? = nil, percent: Double? = nil, measurementError: Double? = nil, citation: String) {
        self.points = points
        self.percent = percent
        self.measurementError = measurementError
        self.citation = citation
    }

    /// The points a change has to reach to count: the larger of the MCID and the measurement error,
    /// so "improved" is both meaningful and beyond noise.
    public var pointsThreshold: Double? {
        switch (self.points, self.measurementError) {
        case let (p?, e?): max(p, e)
        case let (p?, nil): p
        case let (nil, e?): e
        case (nil, nil): nil
        }
    }
}

public struct Instrument: Sendable, Equatable, Codable, Identifiable {
    public var code: String
    public var name: String
    /// LOINC code for the score, where the reference gives one.
    public var loinc: String?
    public var range: ClosedRange<Double>
    public var direction: MeasureDirection
    public var kind: InstrumentKind
    public var items: [InstrumentItem]
    public var missingItemRule: MissingItemRule
    public var bands: [SeverityBand]
    public var bandsSource: String?
    public var meaningfulChange: MeaningfulChange?
    /// Pain-intensity measure to which the IMMPACT 10–20 % / 30 % / 50 % categories apply.
    public var immpactPainIntensity: Bool
    /// Where the definition comes from (reference section and source tags).
    public var source: String

    public var id: String { self.code }

    public init(code: String, name: String, loinc: String? = nil, range: ClosedRange<Double>, direction: MeasureDirection,
                kind: InstrumentKind, items: [InstrumentItem] = [], missingItemRule: MissingItemRule,
                bands: [SeverityBand] = [], bandsSource: String? = nil, meaningfulChange: MeaningfulChange? = nil,
                immpactPainIntensity: Bool = false, source: String) {
        self.code = code
        self.name = name
        self.loinc = loinc
        self.range = range
        self.direction = direction
        self.kind = kind
        self.items = items
        self.missingItemRule = missingItemRule
        self.bands = bands
        self.bandsSource = bandsSource
        self.meaningfulChange = meaningfulChange
        self.immpactPainIntensity = immpactPainIntensity
        self.source = source
    }

    /// The severity band for a score, or nil when the instrument has none.
    public func band(for score: Double) -> String? {
        self.bands.last(where: { $0.admits(score) })?.label
    }
}
