import Foundation

/// The kinds of dated clinical finding an assessment is assembled from. The raw value is stored.
public enum EntryKind: String, Codable, Sendable, CaseIterable {
    case intake
    case screen
    case painMap = "pain_map"
    case triggerPoint = "trigger_point"
    case rangeOfMotion = "rom"
    case measure
    case rootCause = "root_cause"

    public var label: String {
        switch self {
        case .intake: "Intake"
        case .screen: "Safety screen"
        case .painMap: "Pain map"
        case .triggerPoint: "Trigger point"
        case .rangeOfMotion: "Range of motion"
        case .measure: "Outcome measure"
        case .rootCause: "Root cause"
        }
    }
}

/// One administered or entered outcome measure, kept with the answers it was scored from.
public struct MeasureResult: Codable, Sendable, Equatable {
    public var instrumentCode: String
    public var answers: MeasureAnswers
    public var score: MeasureScore

    public init(instrumentCode: String, answers: MeasureAnswers, score: MeasureScore) {
        self.instrumentCode = instrumentCode
        self.answers = answers
        self.score = score
    }
}

/// A dated assessment header: an initial evaluation or a re-evaluation.
public struct AssessmentHeader: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var patientID: UUID
    public var kind: AssessmentKind
    public var assessedOn: CalendarDate
    public var summary: String
    public var clinicianID: UUID
    public var clinicianName: String

    public init(id: UUID, patientID: UUID, kind: AssessmentKind, assessedOn: CalendarDate, summary: String,
                clinicianID: UUID, clinicianName: String) {
        self.id = id
        self.patientID = patientID
        self.kind = kind
        self.assessedOn = assessedOn
        self.summary = summary
        self.clinicianID = clinicianID
        self.clinicianName = clinicianName
    }
}

/// One dated finding with its validated value.
public struct ClinicalEntry<Value: Sendable & Equatable>: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var assessmentID: UUID?
    public var recordedOn: CalendarDate
    public var recordedAt: Date
    public var recordedBy: UUID
    public var recordedByName: String
    public var value: Value

    public init(id: UUID, assessmentID: UUID?, recordedOn: CalendarDate, recordedAt: Date, recordedBy: UUID,
                recordedByName: String, value: Value) {
        self.id = id
        self.assessmentID = assessmentID
        self.recordedOn = recordedOn
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
        self.recordedByName = recordedByName
        self.value = value
    }
}
