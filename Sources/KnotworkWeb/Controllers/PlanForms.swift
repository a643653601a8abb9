import Foundation
import KnotworkCore

/// The plan-of-care form read into the `PlanOfCareInput` the JSON API takes. A goal's measure is one choice
/// ("instrument:PEG", "diary:SLEEP-HOURS", "rom:shoulder/flexion/left", "psfs:<activity>"). Rows left blank are skipped.
enum PlanForms {
    static let problemRows = 3
    static let goalRows = 3
    static let techniqueRows = 4
    static let homeCareRows = 4

    static func measure(_ choice: String) -> GoalMeasureInput {
        let parts = choice.split(separator: ":", maxSplits: 1).map(String.init)
        let kind = parts.first ?? "", value = parts.count > 1 ? parts[1] : ""
        switch kind {
        case "rom":
            let m = value.split(separator: "/").map(String.init)
            return GoalMeasureInput(kind: GoalMeasureKind.rangeOfMotion.rawValue, joint: m.first, motion: m.count > 1 ? m[1] : nil,
                                    side: m.count > 2 && !m[2].isEmpty ? m[2] : nil)
        case "psfs": return GoalMeasureInput(kind: GoalMeasureKind.psfsActivity.rawValue, activity: value)
        case "diary": return GoalMeasureInput(kind: GoalMeasureKind.diary.rawValue, code: value)
        default: return GoalMeasureInput(kind: GoalMeasureKind.instrument.rawValue, code: value)
        }
    }

    static func choice(_ m: GoalMeasure) -> String {
        switch m {
        case .instrument(let code): "instrument:\(code)"
        case .diary(let code): "diary:\(code)"
        case .rangeOfMotion(let joint, let motion, let side): "rom:\(joint)/\(motion)/\(side?.rawValue ?? "")"
        case .psfsActivity(let name): "psfs:\(name)"
        }
    }

    static func plan(_ form: FormFields) throws -> PlanOfCareInput {
        var errors: [FieldError] = []
        let goals: [GoalInput] = (0..<self.goalRows).compactMap { i in
            let p = "goals[\(i)]"
            guard let choice = form["\(p)[measure]"] else { return nil }
            return GoalInput(id: form["\(p)[id]"].flatMap(UUID.init(uuidString:)), description: form["\(p)[description]"], measure: self.measure(choice),
                             baseline: form.number("\(p)[baseline]", field: "goals[\(i)].baseline", errors: &errors),
                             target: form.number("\(p)[target]", field: "goals[\(i)].target", errors: &errors), targetDate: form["\(p)[targetDate]"])
        }
        let frequency = form.number("frequencyPerWeek", field: "frequencyPerWeek", errors: &errors)
        let weeks = AssessmentForms.int(form, "durationWeeks", field: "durationWeeks", errors: &errors)
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        return PlanOfCareInput(
            problems: (0..<self.problemRows).compactMap { i in form["problems[\(i)][icd10]"].map { ProblemInput(icd10: $0, note: form["problems[\(i)][note]"]) } },
            goals: goals,
            techniques: (0..<self.techniqueRows).compactMap { i in
                form["techniques[\(i)][technique]"].map { PlannedTechniqueInput(technique: $0, regions: form.list("techniques[\(i)][regions]")) }
            },
            frequencyPerWeek: frequency, durationWeeks: weeks, start: form["start"], reEvaluationDate: form["reEvaluationDate"],
            endGoal: form["endGoal"], dischargeCriteria: form["dischargeCriteria"],
            homeCare: (0..<self.homeCareRows).compactMap { i in
                form["homeCare[\(i)][instruction]"].map { HomeCareItemInput(factor: form["homeCare[\(i)][factor]"], instruction: $0) }
            })
    }
}
