import Foundation
import KnotworkCore

/// The session-note form (tablet layout) read into the same `SessionNoteInput` the JSON API takes; rows left blank
/// are skipped. Times come from `datetime-local` fields, read as UTC like every instant the server keeps.
enum NoteForms {
    static let interventionRows = 4
    static let triggerPointRows = 3

    static func instant(_ text: String?) -> Date? {
        guard let text, !text.isEmpty else { return nil }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime]
        return f.date(from: text) ?? ISO8601DateFormatter().date(from: text) ?? f.date(from: text + ":00")
    }

    static func localText(_ date: Date?) -> String? {
        guard let date else { return nil }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime]
        return String(f.string(from: date).prefix(16))
    }

    static func note(_ form: FormFields) throws -> SessionNoteInput {
        var errors: [FieldError] = []
        func int(_ key: String, _ field: String) -> Int? { AssessmentForms.int(form, key, field: field, errors: &errors) }
        let interventions: [SessionNoteInput.InterventionInput] = (0..<self.interventionRows).compactMap { i in
            let p = "interventions[\(i)]"
            guard let technique = form["\(p)[technique]"] else { return nil }
            return .init(technique: technique, regions: form.list("\(p)[regions]"), minutes: int("\(p)[minutes]", "interventions[\(i)].minutes"),
                         pressure: form["\(p)[pressure]"], response: form["\(p)[response]"])
        }
        let points: [SessionNoteInput.TriggerPointInput] = (0..<self.triggerPointRows).compactMap { i in
            let p = "triggerPoints[\(i)]"
            guard let muscle = form["\(p)[muscle]"] else { return nil }
            return .init(muscle: muscle, side: form["\(p)[side]"], tendernessBefore: int("\(p)[before]", "triggerPointsTreated[\(i)].tendernessBefore"),
                         tendernessAfter: int("\(p)[after]", "triggerPointsTreated[\(i)].tendernessAfter"))
        }
        let timeIn = self.instant(form["timeIn"]), timeOut = self.instant(form["timeOut"])
        if form["timeIn"] != nil && timeIn == nil { errors.append(FieldError("timeIn", "must be a date and time")) }
        if form["timeOut"] != nil && timeOut == nil { errors.append(FieldError("timeOut", "must be a date and time")) }
        let input = SessionNoteInput(
            subjective: .init(painToday: int("painToday", "subjective.painToday"), changesSinceLast: form["changesSinceLast"], text: form["subjectiveText"]),
            objective: .init(findings: form.lines("findings"), text: form["objectiveText"]),
            assessment: .init(text: form["assessmentText"], progressNote: form["progressNote"]),
            plan: .init(text: form["planText"], nextVisit: form["nextVisit"]),
            interventions: interventions, triggerPointsTreated: points, painAfter: int("painAfter", "painAfter"),
            homeCare: form.lines("homeCare"), timeIn: timeIn, timeOut: timeOut,
            precautionsAcknowledged: form.list("acknowledged"), holdOverrideReason: form["holdOverrideReason"])
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        return input
    }
}
