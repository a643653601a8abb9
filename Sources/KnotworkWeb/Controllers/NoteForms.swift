import Foundation
import KnotworkCore

/// The session-note form (tablet layout) read into the same `SessionNoteInput` the JSON API takes; rows left blank
/// are skipped. Times come from `datetime-local` fields, read on the clinic's clock.
enum NoteForms {
    static let interventionRows = 4
    static let triggerPointRows = 3

    /// A `datetime-local` field read on the clinic's clock. The hour skipped in spring is refused; the hour repeated in
    /// autumn needs `<key>Repeated` (earlier or later) to say which pass. Nil when the field is absent or blank.
    static func instant(_ form: FormFields, _ key: String, field: String, clock: ClinicClock, errors: inout [FieldError]) -> Date? {
        guard let text = form[key], !text.isEmpty else { return nil }
        switch clock.instant(text: text, repeated: form["\(key)Repeated"].flatMap(RepeatedHour.init(rawValue:)), field: field) {
        case .success(let date): return date
        case .failure(let error): errors.append(error); return nil
        }
    }

    /// An instant as a `datetime-local` field's value on the clinic's clock.
    static func localText(_ date: Date?) -> String? {
        date.map { ClinicTime.clock.local($0).description }
    }

    static func note(_ form: FormFields, clock: ClinicClock) throws -> SessionNoteInput {
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
        let timeIn = self.instant(form, "timeIn", field: "timeIn", clock: clock, errors: &errors)
        let timeOut = self.instant(form, "timeOut", field: "timeOut", clock: clock, errors: &errors)
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
