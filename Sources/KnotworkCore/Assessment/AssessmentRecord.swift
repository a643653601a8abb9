import Foundation

/// One decoded finding of any kind.
public enum Finding: Sendable, Equatable {
    case intake(Intake)
    case screen(ScreenResult)
    case painMap(PainMap)
    case triggerPoint(TriggerPointFinding)
    case rangeOfMotion(ROMMeasurement)
    case measure(MeasureResult)
    case rootCause(RootCauseHypothesis)
}

/// A range-of-motion measurement with what the chart shows beside it.
public struct ROMRow: Sendable, Equatable {
    public var entry: ClinicalEntry<ROMMeasurement>
    public var evaluation: ROMEvaluation
}

/// An outcome-measure result with its change since the baseline evaluation.
public struct MeasureRow: Sendable, Equatable {
    public var entry: ClinicalEntry<MeasureResult>
    public var instrument: Instrument
    public var baseline: ClinicalEntry<MeasureResult>?
    /// nil for the baseline itself, or when the change could not be classified (see `changeError`).
    public var change: ChangeAssessment?
}

/// An initial evaluation or re-evaluation, assembled from its dated findings and compared with the
/// baseline (the first evaluation) and with the assessment before it.
public struct AssessmentRecord: Sendable, Equatable {
    public var header: AssessmentHeader
    public var baseline: AssessmentHeader?
    public var previous: AssessmentHeader?
    /// This assessment's intake, or else the latest earlier one (a re-evaluation need not repeat it).
    public var intake: ClinicalEntry<Intake>?
    public var intakeIsCarriedForward: Bool
    public var screens: [ClinicalEntry<ScreenResult>]
    public var painMaps: [ClinicalEntry<PainMap>]
    /// The previous assessment's last pain map, and the region-by-region change to this one's last map.
    public var previousPainMap: ClinicalEntry<PainMap>?
    public var painMapChanges: [RegionChange]
    public var triggerPoints: [ClinicalEntry<TriggerPointFinding>]
    public var triggerPointChanges: [TriggerPointChange]
    public var rangeOfMotion: [ROMRow]
    public var measures: [MeasureRow]
    public var rootCause: ClinicalEntry<RootCauseHypothesis>?
    public var previousRootCause: RootCauseHypothesis?

    /// Assembles the record of `header` from the findings of this, the baseline and the previous assessment.
    /// - Parameter all: every assessment of the patient, oldest first.
    public static func assemble(_ header: AssessmentHeader, all: [AssessmentHeader], findings: [ClinicalEntry<Finding>],
                                carriedIntake: ClinicalEntry<Intake>? = nil,
                                thresholds: ROMErrorThresholds = ROMErrorThresholds()) -> AssessmentRecord {
        let index = all.firstIndex(where: { $0.id == header.id })
        let baseline = all.first(where: { $0.kind == .initial }) ?? all.first
        let previous = index.flatMap { $0 > 0 ? all[$0 - 1] : nil }
        let baselineID = baseline?.id == header.id ? nil : baseline?.id

        func of<V>(_ id: UUID?, _ pick: (Finding) -> V?) -> [ClinicalEntry<V>] {
            guard let id else { return [] }
            return findings.filter { $0.assessmentID == id }.compactMap { e in
                pick(e.value).map { ClinicalEntry(id: e.id, assessmentID: e.assessmentID, recordedOn: e.recordedOn, recordedAt: e.recordedAt,
                                                  recordedBy: e.recordedBy, recordedByName: e.recordedByName, value: $0) }
            }
        }
        let intakes = of(header.id) { if case .intake(let v) = $0 { v } else { nil } }
        let screens = of(header.id) { if case .screen(let v) = $0 { v } else { nil } }
        let maps = of(header.id) { if case .painMap(let v) = $0 { v } else { nil } }
        let previousMaps = of(previous?.id) { if case .painMap(let v) = $0 { v } else { nil } }
        let points = of(header.id) { if case .triggerPoint(let v) = $0 { v } else { nil } }
        let previousPoints = of(previous?.id) { if case .triggerPoint(let v) = $0 { v } else { nil } }
        let roms = of(header.id) { if case .rangeOfMotion(let v) = $0 { v } else { nil } }
        let baselineRoms = of(baselineID) { if case .rangeOfMotion(let v) = $0 { v } else { nil } }
        let measures = of(header.id) { if case .measure(let v) = $0 { v } else { nil } }
        let baselineMeasures = of(baselineID) { if case .measure(let v) = $0 { v } else { nil } }
        let causes = of(header.id) { if case .rootCause(let v) = $0 { v } else { nil } }
        let previousCauses = of(previous?.id) { if case .rootCause(let v) = $0 { v } else { nil } }

        // Range of motion: the other side of the same motion and mode today, and the same side at baseline.
        func sameMotion(_ a: ROMMeasurement, _ b: ROMMeasurement) -> Bool {
            a.joint == b.joint && a.motion == b.motion && a.mode == b.mode
        }
        let romRows = roms.map { e in
            let m = e.value
            let other = roms.last { sameMotion($0.value, m) && $0.value.side != nil && $0.value.side != m.side }?.value
            let base = baselineRoms.last { sameMotion($0.value, m) && $0.value.side == m.side }?.value
            return ROMRow(entry: e, evaluation: RangeOfMotion.evaluate(m, otherSide: other, baseline: base, thresholds: thresholds))
        }

        let measureRows: [MeasureRow] = measures.compactMap { e in
            guard let instrument = Instruments.named(e.value.instrumentCode) else { return nil }
            let base = baselineMeasures.last { $0.value.instrumentCode == e.value.instrumentCode }
            let change = base.flatMap { try? ChangeClassifier.classify(instrument, baseline: $0.value.score.value, followUp: e.value.score.value) }
            return MeasureRow(entry: e, instrument: instrument, baseline: base, change: change)
        }

        let lastMap = maps.last
        let previousMap = previousMaps.last
        let mapChanges = (lastMap != nil && previousMap != nil)
            ? PainMapComparison.compare(earlier: previousMap!.value, later: lastMap!.value) : []

        let intake = intakes.last ?? carriedIntake
        return AssessmentRecord(
            header: header, baseline: baselineID == nil ? nil : baseline, previous: previous,
            intake: intake, intakeIsCarriedForward: intakes.isEmpty && intake != nil,
            screens: screens, painMaps: maps, previousPainMap: previousMap, painMapChanges: mapChanges,
            triggerPoints: points,
            triggerPointChanges: previous == nil ? [] : TriggerPointComparison.compare(previousPoints.map(\.value), points.map(\.value)),
            rangeOfMotion: romRows, measures: measureRows,
            rootCause: causes.last, previousRootCause: previousCauses.last?.value
        )
    }
}
