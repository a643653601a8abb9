import Foundation

// The coded body pain map: one marking per body region (BodyRegion, the one list of regions), with the
// NRS 0–10 intensity of §1.1 [S4][S10]. Quality and pattern follow the LOINC pain-assessment items of §1.1
// (32419-4 pain quality, 38206-9 temporal pattern [S12][S12b]); the reference gives no answer lists for them,
// so the words below are ours.

public enum PainQuality: String, Codable, Sendable, CaseIterable {
    case aching, burning, sharp, stabbing, throbbing, tingling, numbness, stiffness

    public var label: String { self.rawValue.capitalized }
}

public enum PainPattern: String, Codable, Sendable, CaseIterable {
    case constant, intermittent

    public var label: String { self.rawValue.capitalized }
}

public struct PainMarking: Codable, Sendable, Equatable {
    public var region: BodyRegion
    /// NRS 0–10 (§1.1).
    public var intensity: Int
    /// In `PainQuality.allCases` order, each once.
    public var qualities: [PainQuality]
    public var pattern: PainPattern
    public var note: String

    public init(region: BodyRegion, intensity: Int, qualities: [PainQuality] = [], pattern: PainPattern, note: String = "") {
        self.region = region
        self.intensity = intensity
        self.qualities = qualities
        self.pattern = pattern
        self.note = note
    }
}

public struct PainMapSummary: Codable, Sendable, Equatable {
    public var regionCount: Int
    /// nil when nothing is marked.
    public var maxIntensity: Int?

    public init(regionCount: Int, maxIntensity: Int?) {
        self.regionCount = regionCount
        self.maxIntensity = maxIntensity
    }
}

/// A validated pain map. Empty means "no pain".
public struct PainMap: Codable, Sendable, Equatable {
    /// Sorted by region (the body drawing's order), one per region.
    public private(set) var markings: [PainMarking]

    public init(markings: [PainMarking]) {
        self.markings = markings.sorted { $0.region < $1.region }
    }

    public var summary: PainMapSummary {
        PainMapSummary(regionCount: self.markings.count, maxIntensity: self.markings.map(\.intensity).max())
    }

    public func marking(at region: BodyRegion) -> PainMarking? {
        self.markings.first { $0.region == region }
    }

    // Decoding goes through the initializer so a stored map is sorted however it was written.
    private enum CodingKeys: String, CodingKey { case markings }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(markings: try c.decode([PainMarking].self, forKey: .markings))
    }
}

public struct PainMarkingInput: Codable, Sendable, Equatable {
    /// A `BodyRegion` code such as `lowback.left`.
    public var region: String?
    public var intensity: Int?
    public var qualities: [String]?
    /// `constant` or `intermittent`.
    public var pattern: String?
    public var note: String?

    public init(region: String? = nil, intensity: Int? = nil, qualities: [String]? = nil, pattern: String? = nil, note: String? = nil) {
        self.region = region
        self.intensity = intensity
        self.qualities = qualities
        self.pattern = pattern
        self.note = note
    }
}

public struct PainMapInput: Codable, Sendable, Equatable {
    public var markings: [PainMarkingInput]?

    public init(markings: [PainMarkingInput]? = nil) {
        self.markings = markings
    }

    /// NRS range (§1.1 [S4][S10]: integers 0–10).
    public static let intensityRange = 0...10

    /// Errors at `markings[i].region` (missing, unknown, marked twice), `markings[i].intensity` (missing or
    /// outside 0–10), `markings[i].qualities[j]`, `markings[i].pattern`, `markings[i].note`.
    public func validated() throws(ValidationFailure) -> PainMap {
        var v = AssessmentValidator()
        let inputs = self.markings ?? []
        // One marking per region, and there are only so many regions.
        guard inputs.count <= BodyRegions.all.count else {
            throw ValidationFailure([FieldError("markings", "At most \(BodyRegions.all.count) markings, one per region.")])
        }
        var markings: [PainMarking] = []
        var seen: Set<BodyRegion> = []
        for (i, input) in inputs.enumerated() {
            let f = "markings[\(i)]"
            let code = Text.clean(input.region)
            var region: BodyRegion?
            if code.isEmpty {
                v.add("\(f).region", "Region is required.")
            } else if let r = BodyRegion(code: code) {
                if seen.contains(r) {
                    v.add("\(f).region", "\(r.name) is marked twice.")
                } else {
                    region = r
                    seen.insert(r)
                }
            } else {
                v.add("\(f).region", "“\(code)” is not a body region.")
            }
            let range = Self.intensityRange
            if input.intensity == nil {
                v.add("\(f).intensity", "Intensity is required (\(range.lowerBound)–\(range.upperBound)).")
            } else if !range.contains(input.intensity!) {
                v.add("\(f).intensity", "Intensity must be from \(range.lowerBound) to \(range.upperBound).")
            }
            var qualities: Set<PainQuality> = []
            for (j, text) in (input.qualities ?? []).enumerated() {
                if let q: PainQuality = v.choice(text, "\(f).qualities[\(j)]", "Quality") { qualities.insert(q) }
            }
            let pattern: PainPattern? = v.requiredChoice(input.pattern, "\(f).pattern", "Pattern")
            let note = v.text(input.note, "\(f).note", "Note") ?? ""
            if let region, let intensity = input.intensity, let pattern {
                markings.append(PainMarking(region: region, intensity: intensity,
                                            qualities: PainQuality.allCases.filter(qualities.contains), pattern: pattern, note: note))
            }
        }
        try v.finish()
        return PainMap(markings: markings)
    }
}

// MARK: - Comparing two maps

public enum RegionChangeKind: String, Codable, Sendable, CaseIterable {
    /// Marked now, not before.
    case new
    /// Marked before, not now.
    case resolved
    case better, worse, unchanged

    public var label: String { self.rawValue.capitalized }
}

public struct RegionChange: Codable, Sendable, Equatable {
    public var region: BodyRegion
    public var kind: RegionChangeKind
    public var earlier: Int?
    public var later: Int?
    /// later − earlier, an unmarked region counting as 0 (no pain): negative is better.
    public var delta: Int
    /// |delta| reaches the NRS meaningful change (§1.1: 2 points, Farrar 2001 [S4], Ostelo 2008 [S13]).
    public var beyondMeaningfulChange: Bool

    public init(region: BodyRegion, kind: RegionChangeKind, earlier: Int?, later: Int?, delta: Int, beyondMeaningfulChange: Bool) {
        self.region = region
        self.kind = kind
        self.earlier = earlier
        self.later = later
        self.delta = delta
        self.beyondMeaningfulChange = beyondMeaningfulChange
    }
}

public enum PainMapComparison {
    /// The NRS MCID in points, from the instrument catalog so the number lives in one place (§1.1).
    public static let meaningfulChange: Double? = Instruments.named("NRS-NOW")?.meaningfulChange?.points

    /// One change per region marked in either map, in region order.
    public static func compare(earlier: PainMap, later: PainMap,
                               meaningfulChange: Double? = PainMapComparison.meaningfulChange) -> [RegionChange] {
        let regions = Set(earlier.markings.map(\.region)).union(later.markings.map(\.region)).sorted()
        return regions.map { region in
            let before = earlier.marking(at: region)?.intensity
            let after = later.marking(at: region)?.intensity
            let delta = (after ?? 0) - (before ?? 0)
            let kind: RegionChangeKind = switch (before, after) {
            case (nil, _): .new
            case (_, nil): .resolved
            default: delta < 0 ? .better : delta > 0 ? .worse : .unchanged
            }
            let beyond = meaningfulChange.map { Double(abs(delta)) >= $0 } ?? false
            return RegionChange(region: region, kind: kind, earlier: before, later: after, delta: delta, beyondMeaningfulChange: beyond)
        }
    }
}
