import Foundation

/// A team note (issue 11): any care-team member's note about the patient for the rest of the team (a PT's findings,
/// a behavioral-health update, the provider's instruction). Not a treatment session and not billable; signed and
/// locked when it is saved, like every note.
public struct TeamNote: Codable, Sendable, Equatable {
    public var text: String
    /// The writer's discipline when they wrote it.
    public var discipline: Discipline?

    public init(text: String, discipline: Discipline?) {
        self.text = text
        self.discipline = discipline
    }

    public static let maxText = 4000

    public static func validated(text: String?, discipline: Discipline?) throws(ValidationFailure) -> TeamNote {
        var v = AssessmentValidator()
        let t = v.text(text, "text", "Note", max: Self.maxText)
        if t == nil { v.add("text", "Write the note.") }
        try v.finish()
        return TeamNote(text: t ?? "", discipline: discipline)
    }

    public func canonicalForm(patientID: UUID, noteID: UUID, author: UUID, signedAt: Date) -> String {
        typealias C = SessionNoteCanonical
        return C.text([
            ("version", C.string("knotwork-team-note/1")),
            ("patient", C.uuid(patientID)), ("note", C.uuid(noteID)), ("author", C.uuid(author)), ("signedAt", C.instant(signedAt)),
            ("discipline", C.optional(self.discipline?.rawValue)), ("text", C.string(self.text)),
        ])
    }
}
