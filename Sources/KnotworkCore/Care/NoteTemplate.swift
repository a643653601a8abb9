import Foundation

// Note templates (issue 4): the part of a session note that repeats from visit to visit, saved under a name by a
// therapist (for themselves or shared with the clinic) and used to start a new note. Never a time, a pain score, an
// acknowledgement or a hold override: those are the session's own.

extension SessionNoteInput {
    /// The part of a note that carries to another session: the interventions (without the patient's response), the
    /// trigger points treated (without tenderness) and home care; with `wording`, also the objective findings and the
    /// assessment and plan text (a template's, not copy forward's).
    public func reusablePart(wording: Bool) -> SessionNoteInput {
        SessionNoteInput(
            objective: wording ? self.objective.map { ObjectiveInput(findings: $0.findings, text: $0.text) } : nil,
            assessment: wording ? self.assessment.map { AssessmentInput(text: $0.text) } : nil,
            plan: wording ? self.plan.map { PlanInput(text: $0.text) } : nil,
            interventions: self.interventions?.map { InterventionInput(technique: $0.technique, regions: $0.regions, minutes: $0.minutes, pressure: $0.pressure) },
            triggerPointsTreated: self.triggerPointsTreated?.map { TriggerPointInput(muscle: $0.muscle, side: $0.side) },
            homeCare: self.homeCare)
    }
}

extension SessionNote {
    /// The signed note as the form's input (for copy forward).
    public var input: SessionNoteInput {
        SessionNoteInput(
            interventions: self.interventions.map { .init(technique: $0.technique, regions: $0.regions.map(\.code), minutes: $0.minutes,
                                                          pressure: $0.pressure.rawValue) },
            triggerPointsTreated: self.triggerPointsTreated.map { .init(muscle: $0.muscle, side: $0.side.rawValue) },
            homeCare: self.homeCare)
    }
}

public struct NoteTemplate: Sendable, Equatable, Codable, Identifiable {
    public var id: UUID
    public var name: String
    public var ownerID: UUID
    public var ownerName: String
    /// Offered to every clinician of the clinic, not only its owner.
    public var shared: Bool
    public var body: SessionNoteInput

    public init(id: UUID, name: String, ownerID: UUID, ownerName: String, shared: Bool, body: SessionNoteInput) {
        self.id = id
        self.name = name
        self.ownerID = ownerID
        self.ownerName = ownerName
        self.shared = shared
        self.body = body
    }
}

public struct NoteTemplateInput: Codable, Sendable, Equatable {
    public var name: String?
    public var shared: Bool?
    public var note: SessionNoteInput?

    public init(name: String? = nil, shared: Bool? = nil, note: SessionNoteInput? = nil) {
        self.name = name
        self.shared = shared
        self.note = note
    }

    /// Errors: `name` (1–80 characters), `note` (nothing to reuse), `note.interventions[i].technique` (not offered).
    /// The body kept is the note's reusable part only.
    public func validated(techniques: Set<String>) throws(ValidationFailure) -> (name: String, shared: Bool, body: SessionNoteInput) {
        var v = AssessmentValidator()
        let name = v.requiredLine(self.name, "name", "Template name", max: 80)
        let body = (self.note ?? SessionNoteInput()).reusablePart(wording: true)
        let empty = (body.interventions ?? []).isEmpty && (body.triggerPointsTreated ?? []).isEmpty && (body.homeCare ?? []).isEmpty
            && Text.clean(body.objective?.text).isEmpty && Text.clean(body.assessment?.text).isEmpty && Text.clean(body.plan?.text).isEmpty
        if empty { v.add("note", "The template would be empty: add an intervention, home care or some wording first.") }
        for (i, x) in (body.interventions ?? []).enumerated() {
            if let t = x.technique, !Text.clean(t).isEmpty,
               TechniqueCatalog.technique(t, in: techniques.map { Technique(code: $0, label: $0) }) == nil {
                v.add("note.interventions[\(i)].technique", "“\(t)” is not one of the clinic's techniques.")
            }
        }
        try v.finish()
        return (name, self.shared ?? false, body)
    }
}
