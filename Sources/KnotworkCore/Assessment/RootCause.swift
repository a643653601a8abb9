import Foundation

// Root-cause hypothesis: where the pain is thought to come from (a muscle with trigger points, or another
// structure) and the perpetuating factors that keep it going, each with a self-care action. The reference
// has no list of perpetuating factors: PRODUCT.md names posture, work, sleep, stress and activity; the rest
// of the list is the issue's.

public enum PerpetuatingFactorKind: String, Codable, Sendable, CaseIterable {
    case posture, workstation, repetitiveTask, sleepPosition, stress, activityLevel, footwear, carryingLoads, deviceUse,
         legLengthOrAsymmetry
    /// Commonly listed as a perpetuating factor, without a source in the reference.
    case nutritionOrHydration
    case other

    public var label: String {
        switch self {
        case .posture: "Posture"
        case .workstation: "Workstation set-up"
        case .repetitiveTask: "Repetitive task"
        case .sleepPosition: "Sleep position"
        case .stress: "Stress"
        case .activityLevel: "Activity level"
        case .footwear: "Footwear"
        case .carryingLoads: "Carrying loads"
        case .deviceUse: "Phone, tablet or computer use"
        case .legLengthOrAsymmetry: "Leg length difference or asymmetry"
        case .nutritionOrHydration: "Nutrition or hydration (commonly listed)"
        case .other: "Other"
        }
    }

    /// Listed by custom rather than from a source, so the UI can say so.
    public var commonlyListedOnly: Bool { self == .nutritionOrHydration }
}

/// Where a factor stands as treatment goes on.
public enum FactorStatus: String, Codable, Sendable, CaseIterable {
    /// Suspected, being worked on.
    case active
    /// Confirmed (e.g. pain follows the factor).
    case confirmed
    /// Changed in light of new findings.
    case revised
    /// No longer thought to matter.
    case dropped

    public var label: String { self.rawValue.capitalized }
}

public struct PerpetuatingFactor: Codable, Sendable, Equatable {
    public var kind: PerpetuatingFactorKind
    public var detail: String
    /// What the patient does about it (home care); required.
    public var selfCareAction: String
    public var status: FactorStatus
    public var statusNote: String

    public init(kind: PerpetuatingFactorKind, detail: String = "", selfCareAction: String, status: FactorStatus = .active,
                statusNote: String = "") {
        self.kind = kind
        self.detail = detail
        self.selfCareAction = selfCareAction
        self.status = status
        self.statusNote = statusNote
    }
}

public struct PerpetuatingFactorInput: Codable, Sendable, Equatable {
    public var kind: String?
    public var detail: String?
    public var selfCareAction: String?
    /// Missing means `active`.
    public var status: String?
    public var statusNote: String?

    public init(kind: String? = nil, detail: String? = nil, selfCareAction: String? = nil, status: String? = nil,
                statusNote: String? = nil) {
        self.kind = kind
        self.detail = detail
        self.selfCareAction = selfCareAction
        self.status = status
        self.statusNote = statusNote
    }
}

/// A suspected source of the pain: a trigger-point muscle, another structure ("L5–S1 facet"), or both.
public struct SuspectedSource: Codable, Sendable, Equatable {
    /// A `TriggerPointCatalog` muscle code.
    public var muscle: String?
    public var structure: String?
    public var side: Side?

    public init(muscle: String? = nil, structure: String? = nil, side: Side? = nil) {
        self.muscle = muscle
        self.structure = structure
        self.side = side
    }
}

public struct SuspectedSourceInput: Codable, Sendable, Equatable {
    public var muscle: String?
    public var structure: String?
    /// `left`, `right`, or blank for midline / both.
    public var side: String?

    public init(muscle: String? = nil, structure: String? = nil, side: String? = nil) {
        self.muscle = muscle
        self.structure = structure
        self.side = side
    }
}

public struct RootCauseHypothesis: Codable, Sendable, Equatable {
    /// At least one.
    public var suspectedSources: [SuspectedSource]
    /// What points to these sources (findings, history); required.
    public var evidence: String
    public var factors: [PerpetuatingFactor]

    public init(suspectedSources: [SuspectedSource], evidence: String, factors: [PerpetuatingFactor] = []) {
        self.suspectedSources = suspectedSources
        self.evidence = evidence
        self.factors = factors
    }
}

public struct RootCauseHypothesisInput: Codable, Sendable, Equatable {
    public var suspectedSources: [SuspectedSourceInput]?
    public var evidence: String?
    public var factors: [PerpetuatingFactorInput]?

    public init(suspectedSources: [SuspectedSourceInput]? = nil, evidence: String? = nil, factors: [PerpetuatingFactorInput]? = nil) {
        self.suspectedSources = suspectedSources
        self.evidence = evidence
        self.factors = factors
    }

    /// - Parameter isKnownMuscle: whether a code is in the trigger-point catalog (passed in so this file does
    ///   not depend on the catalog).
    /// Errors: `suspectedSources`, `suspectedSources[i].muscle|structure|side`, `evidence`,
    /// `factors[i].kind|detail|selfCareAction|status|statusNote`.
    public func validated(isKnownMuscle: (String) -> Bool) throws(ValidationFailure) -> RootCauseHypothesis {
        var v = AssessmentValidator()

        var sources: [SuspectedSource] = []
        let sourceInputs = self.suspectedSources ?? []
        if sourceInputs.count > AssessmentLimits.listItems {
            v.add("suspectedSources", "At most \(AssessmentLimits.listItems) entries.")
        } else {
            for (i, input) in sourceInputs.enumerated() {
                let f = "suspectedSources[\(i)]"
                let muscle = v.line(input.muscle, "\(f).muscle", "Muscle", max: 100)
                if let muscle, !isKnownMuscle(muscle) {
                    v.add("\(f).muscle", "“\(muscle)” is not a muscle in the trigger-point catalog.")
                }
                let structure = v.line(input.structure, "\(f).structure", "Structure")
                let side: Side? = v.choice(input.side, "\(f).side", "Side")
                // An empty form row is skipped; a side alone says nothing.
                if muscle == nil && structure == nil {
                    if side != nil { v.add("\(f).muscle", "Name a muscle or a structure.") }
                    continue
                }
                sources.append(SuspectedSource(muscle: muscle, structure: structure, side: side))
            }
            if sources.isEmpty { v.add("suspectedSources", "At least one suspected source (a muscle or a structure) is required.") }
        }

        let evidence = v.text(self.evidence, "evidence", "Evidence")
        if evidence == nil { v.add("evidence", "Evidence is required.") }

        var factors: [PerpetuatingFactor] = []
        let factorInputs = self.factors ?? []
        if factorInputs.count > AssessmentLimits.listItems {
            v.add("factors", "At most \(AssessmentLimits.listItems) entries.")
        } else {
            for (i, input) in factorInputs.enumerated() {
                let f = "factors[\(i)]"
                let kind: PerpetuatingFactorKind? = v.requiredChoice(input.kind, "\(f).kind", "Kind")
                let detail = v.line(input.detail, "\(f).detail", "Detail", max: AssessmentLimits.statement)
                if kind == .other && detail == nil { v.add("\(f).detail", "Describe the factor when its kind is other.") }
                let action = v.text(input.selfCareAction, "\(f).selfCareAction", "Self-care action", max: AssessmentLimits.statement)
                if action == nil { v.add("\(f).selfCareAction", "Self-care action is required.") }
                let status: FactorStatus = v.choice(input.status, "\(f).status", "Status") ?? .active
                let note = v.text(input.statusNote, "\(f).statusNote", "Status note") ?? ""
                if let kind, let action {
                    factors.append(PerpetuatingFactor(kind: kind, detail: detail ?? "", selfCareAction: action, status: status,
                                                      statusNote: note))
                }
            }
        }

        try v.finish()
        return RootCauseHypothesis(suspectedSources: sources, evidence: evidence!, factors: factors)
    }
}

// MARK: - Reviewing a hypothesis at re-evaluation

public struct FactorStatusChange: Codable, Sendable, Equatable {
    public var factor: PerpetuatingFactor
    public var from: FactorStatus
    public var to: FactorStatus

    public init(factor: PerpetuatingFactor, from: FactorStatus, to: FactorStatus) {
        self.factor = factor
        self.from = from
        self.to = to
    }
}

public struct RootCauseReview: Codable, Sendable, Equatable {
    /// In the current hypothesis only.
    public var added: [PerpetuatingFactor]
    /// In both, with the same status (as it is now).
    public var kept: [PerpetuatingFactor]
    /// In both, with another status (as it is now).
    public var statusChanged: [FactorStatusChange]
    /// In the previous hypothesis only.
    public var removed: [PerpetuatingFactor]

    public init(added: [PerpetuatingFactor], kept: [PerpetuatingFactor], statusChanged: [FactorStatusChange], removed: [PerpetuatingFactor]) {
        self.added = added
        self.kept = kept
        self.statusChanged = statusChanged
        self.removed = removed
    }

    /// Matches factors by kind and detail (ignoring case and accents), then any left over by kind in order,
    /// so an edited detail is the same factor rather than one removed and one added.
    public static func compare(previous: RootCauseHypothesis, current: RootCauseHypothesis) -> RootCauseReview {
        var unmatched = Array(previous.factors.indices)
        var match: [Int: Int] = [:]  // current index → previous index
        func pass(_ same: (PerpetuatingFactor, PerpetuatingFactor) -> Bool) {
            for (ci, factor) in current.factors.enumerated() where match[ci] == nil {
                if let k = unmatched.firstIndex(where: { same(previous.factors[$0], factor) }) {
                    match[ci] = unmatched.remove(at: k)
                }
            }
        }
        pass { $0.kind == $1.kind && Text.searchKey($0.detail) == Text.searchKey($1.detail) }
        pass { $0.kind == $1.kind }

        var review = RootCauseReview(added: [], kept: [], statusChanged: [], removed: unmatched.map { previous.factors[$0] })
        for (ci, factor) in current.factors.enumerated() {
            guard let pi = match[ci] else {
                review.added.append(factor)
                continue
            }
            let before = previous.factors[pi].status
            if before == factor.status {
                review.kept.append(factor)
            } else {
                review.statusChanged.append(FactorStatusChange(factor: factor, from: before, to: factor.status))
            }
        }
        return review
    }
}
