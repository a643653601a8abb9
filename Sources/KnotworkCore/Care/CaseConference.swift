import Foundation

/// A case conference (issue 11): who of the care team met, what they discussed, and what they decided. Each decision
/// may become a task for a team member. Signed and locked when saved, like a team note.
public struct CaseConference: Codable, Sendable, Equatable {
    public struct Decision: Codable, Sendable, Equatable {
        public var text: String
        /// The team member who carries it out, when it became a task.
        public var assigneeID: UUID?
        public var dueOn: CalendarDate?

        public init(text: String, assigneeID: UUID? = nil, dueOn: CalendarDate? = nil) {
            self.text = text
            self.assigneeID = assigneeID
            self.dueOn = dueOn
        }
    }

    public var attendees: [String]
    public var discussion: String
    public var decisions: [Decision]

    public init(attendees: [String], discussion: String, decisions: [Decision]) {
        self.attendees = attendees
        self.discussion = discussion
        self.decisions = decisions
    }

    public static let maxDecisions = 10

    public func canonicalForm(patientID: UUID, noteID: UUID, author: UUID, signedAt: Date) -> String {
        typealias C = SessionNoteCanonical
        var l: [(String, String)] = [
            ("version", C.string("knotwork-case-conference/1")),
            ("patient", C.uuid(patientID)), ("note", C.uuid(noteID)), ("author", C.uuid(author)), ("signedAt", C.instant(signedAt)),
            ("attendees.count", String(self.attendees.count)),
        ]
        for (i, a) in self.attendees.enumerated() { l.append(("attendees[\(i)]", C.string(a))) }
        l.append(("discussion", C.string(self.discussion)))
        l.append(("decisions.count", String(self.decisions.count)))
        for (i, d) in self.decisions.enumerated() {
            l += [("decisions[\(i)].text", C.string(d.text)), ("decisions[\(i)].assignee", C.optional(d.assigneeID.map(C.uuid))),
                  ("decisions[\(i)].dueOn", d.dueOn?.description ?? "null")]
        }
        return C.text(l)
    }
}

/// The conference as typed: attendees by user id (checked against the team by the caller), decisions with an
/// optional assignee and due date.
public struct CaseConferenceInput: Codable, Sendable, Equatable {
    public struct DecisionInput: Codable, Sendable, Equatable {
        public var text: String?
        public var assigneeId: UUID?
        public var dueOn: String?

        public init(text: String? = nil, assigneeId: UUID? = nil, dueOn: String? = nil) {
            self.text = text
            self.assigneeId = assigneeId
            self.dueOn = dueOn
        }
    }

    public var attendeeIds: [UUID]?
    public var discussion: String?
    public var decisions: [DecisionInput]?

    public init(attendeeIds: [UUID]? = nil, discussion: String? = nil, decisions: [DecisionInput]? = nil) {
        self.attendeeIds = attendeeIds
        self.discussion = discussion
        self.decisions = decisions
    }

    /// Errors on `attendeeIds`, `discussion`, `decisions[i].text|assigneeId|dueOn`. `team` names who may attend and be
    /// assigned (user id → name); blank decision rows are skipped.
    public func validated(team: [UUID: String], today: CalendarDate) throws(ValidationFailure) -> CaseConference {
        var v = AssessmentValidator()
        let ids = self.attendeeIds ?? []
        if ids.count < 2 { v.add("attendeeIds", "A case conference has at least two team members.") }
        if ids.contains(where: { team[$0] == nil }) { v.add("attendeeIds", "Only members of the patient's care team attend.") }
        let discussion = v.text(self.discussion, "discussion", "Discussion", max: 8000)
        if discussion == nil { v.add("discussion", "Write what was discussed.") }
        var decisions: [CaseConference.Decision] = []
        let rows = self.decisions ?? []
        if rows.count > CaseConference.maxDecisions { v.add("decisions", "At most \(CaseConference.maxDecisions) decisions.") }
        for (i, d) in rows.prefix(CaseConference.maxDecisions).enumerated() {
            let f = "decisions[\(i)]"
            guard let text = v.line(d.text, "\(f).text", "Decision", max: 200) else {
                if d.assigneeId != nil { v.add("\(f).text", "Write the decision for the task.") }
                continue
            }
            if let a = d.assigneeId, team[a] == nil { v.add("\(f).assigneeId", "Choose a member of the patient's care team.") }
            var due: CalendarDate?
            if let raw = v.line(d.dueOn, "\(f).dueOn", "Due date", max: 10) {
                if let date = CalendarDate(raw), date >= today { due = date } else { v.add("\(f).dueOn", "Use a date from today on, YYYY-MM-DD.") }
            }
            decisions.append(.init(text: text, assigneeID: d.assigneeId, dueOn: due))
        }
        try v.finish()
        let names = Set(ids).compactMap { team[$0] }.sorted()
        return CaseConference(attendees: names, discussion: discussion ?? "", decisions: decisions)
    }
}
