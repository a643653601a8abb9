import Foundation

/// The discharge summary (issue 4): drafted from the data — each goal's baseline against its final value, the number
/// of sessions, the techniques used, the home program — then edited and signed by the therapist like a note.
public struct DischargeSummary: Codable, Sendable, Equatable {
    public struct GoalOutcome: Codable, Sendable, Equatable {
        public var goal: String
        public var measure: String
        public var baseline: Double
        public var final: Double?
        public var target: Double
        public var status: String

        public init(goal: String, measure: String, baseline: Double, final: Double?, target: Double, status: String) {
            self.goal = goal
            self.measure = measure
            self.baseline = baseline
            self.final = final
            self.target = target
            self.status = status
        }
    }

    public enum Reason: String, Codable, Sendable, CaseIterable {
        case goalsMet, maintenance, plateau, patientChoice, referred, other

        public var label: String {
            switch self {
            case .goalsMet: "Goals met"
            case .maintenance: "Moved to maintenance"
            case .plateau: "Plateau"
            case .patientChoice: "Patient's choice"
            case .referred: "Referred to another provider"
            case .other: "Other"
            }
        }
    }

    public var reason: Reason
    public var goals: [GoalOutcome]
    public var sessions: Int
    public var techniques: [String]
    public var homeProgram: [String]
    public var summary: String

    public init(reason: Reason, goals: [GoalOutcome], sessions: Int, techniques: [String], homeProgram: [String], summary: String) {
        self.reason = reason
        self.goals = goals
        self.sessions = sessions
        self.techniques = techniques
        self.homeProgram = homeProgram
        self.summary = summary
    }

    /// The therapist's edits to a drafted summary: the reason and the summary text (the numbers come from the data).
    public func edited(reason: String?, summary: String?) throws(ValidationFailure) -> DischargeSummary {
        var v = AssessmentValidator()
        let r: Reason? = v.requiredChoice(reason, "reason", "Reason")
        let text = v.text(summary, "summary", "Summary") ?? ""
        if text.isEmpty { v.add("summary", "Summary is required.") }
        try v.finish()
        var out = self
        out.reason = r!
        out.summary = text
        return out
    }

    /// The canonical text a discharge summary's signature is computed over (same conventions as `SessionNoteCanonical`).
    public func canonicalForm(patientID: UUID, noteID: UUID, author: UUID, signedAt: Date) -> String {
        typealias C = SessionNoteCanonical
        var l: [(String, String)] = [
            ("version", C.string("knotwork-discharge-summary/1")),
            ("patient", C.uuid(patientID)), ("note", C.uuid(noteID)), ("author", C.uuid(author)), ("signedAt", C.instant(signedAt)),
            ("reason", C.string(self.reason.rawValue)), ("sessions", String(self.sessions)),
            ("goals.count", String(self.goals.count)),
        ]
        for (i, g) in self.goals.enumerated() {
            l += [("goals[\(i)].goal", C.string(g.goal)), ("goals[\(i)].measure", C.string(g.measure)),
                  ("goals[\(i)].baseline", C.string(measureText(g.baseline))), ("goals[\(i)].final", C.optional(g.final.map(measureText))),
                  ("goals[\(i)].target", C.string(measureText(g.target))), ("goals[\(i)].status", C.string(g.status))]
        }
        l.append(("techniques.count", String(self.techniques.count)))
        for (i, t) in self.techniques.enumerated() { l.append(("techniques[\(i)]", C.string(t))) }
        l.append(("homeProgram.count", String(self.homeProgram.count)))
        for (i, h) in self.homeProgram.enumerated() { l.append(("homeProgram[\(i)]", C.string(h))) }
        l.append(("summary", C.string(self.summary)))
        return C.text(l)
    }
}
