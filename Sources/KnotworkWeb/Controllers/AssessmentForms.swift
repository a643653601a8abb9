import Foundation
import KnotworkCore

/// Turns the assessment pages' HTML forms into the same KnotworkCore inputs the JSON API takes, so that
/// validation happens once, in KnotworkCore. Form rows left blank are skipped; number fields that are not
/// numbers are field errors here (a JSON client sends numbers).
enum AssessmentForms {
    static let eventRows = 3
    static let medicationRows = 5
    static let sourceRows = 3
    static let psfsRows = 5

    static func int(_ form: FormFields, _ key: String, field: String, errors: inout [FieldError]) -> Int? {
        guard let text = form[key] else { return nil }
        guard let n = Int(text) else {
            errors.append(FieldError(field, "must be a whole number"))
            return nil
        }
        return n
    }

    static func intake(_ form: FormFields) throws -> IntakeInput {
        var errors: [FieldError] = []
        func events(_ name: String) -> [DatedEventInput] {
            (0..<self.eventRows).compactMap { i in
                let d = form["\(name)[\(i)][description]"], date = form["\(name)[\(i)][date]"]
                return d == nil && date == nil ? nil : DatedEventInput(description: d, date: date)
            }
        }
        let medications: [MedicationInput] = (0..<self.medicationRows).compactMap { i in
            let p = "medications[\(i)]"
            guard let name = form["\(p)[name]"] else { return nil }
            // An unticked box is "not said", so that Core's suggestion by drug name (warfarin, prednisone…) applies.
            return MedicationInput(name: name, dose: form["\(p)[dose]"], anticoagulant: form.flag("\(p)[anticoagulant]") ? true : nil,
                                   corticosteroid: form.flag("\(p)[corticosteroid]") ? true : nil)
        }
        let weeks = self.int(form, "pregnancyWeeks", field: "pregnancyWeeks", errors: &errors)
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        return IntakeInput(
            conditions: form.lines("conditions"), surgeries: events("surgeries"), injuries: events("injuries"),
            medications: medications, allergies: form.lines("allergies"), lotionOrOilAllergy: form.flag("lotionOrOilAllergy"),
            lotionOrOilAllergyDetail: form["lotionOrOilAllergyDetail"], pregnancy: form["pregnancy"], pregnancyWeeks: weeks,
            implantedDevices: form.lines("implantedDevices"),
            complaint: ComplaintInput(summary: form["complaint[summary]"], onset: form["complaint[onset]"], mechanism: form["complaint[mechanism]"],
                                      mechanismDetail: form["complaint[mechanismDetail]"], aggravating: form.lines("complaint[aggravating]"),
                                      easing: form.lines("complaint[easing]"), earlierTreatments: form.lines("complaint[earlierTreatments]")),
            goals: form.lines("goals"))
    }

    static func screenAnswers(_ form: FormFields) -> [ScreenAnswerInput] {
        form.rows("answers").sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }.map { i in
            let p = "answers[\(i)]"
            return ScreenAnswerInput(ruleKey: form["\(p)[ruleKey]"], answer: form["\(p)[answer]"].map { $0 == "true" },
                                     region: form["\(p)[region]"], note: form["\(p)[note]"])
        }
    }

    /// The regions with an intensity, in region order: the order of the input's `markings`.
    static func painMapRegions(_ form: FormFields) -> [String] {
        form.rows("markings").filter { form["markings[\($0)][intensity]"] != nil }
            .sorted { (BodyRegion(code: $0) ?? BodyRegions.all[0], $0) < (BodyRegion(code: $1) ?? BodyRegions.all[0], $1) }
    }

    static func painMap(_ form: FormFields) throws -> PainMapInput {
        var errors: [FieldError] = []
        let markings = self.painMapRegions(form).map { code in
            let p = "markings[\(code)]"
            return PainMarkingInput(region: code, intensity: self.int(form, "\(p)[intensity]", field: "mark-\(code)-intensity", errors: &errors),
                                    qualities: form.list("\(p)[qualities][]"), pattern: form["\(p)[pattern]"], note: form["\(p)[note]"])
        }
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        return PainMapInput(markings: markings)
    }

    /// Core names a marking's errors by its index (`markings[2].pattern`); the form's fields are named by region.
    static func painMapErrors(_ errors: [FieldError], _ form: FormFields) -> [FieldError] {
        let regions = self.painMapRegions(form)
        return errors.map { e in
            guard e.field.hasPrefix("markings["), let close = e.field.firstIndex(of: "]"),
                  let i = Int(e.field[e.field.index(e.field.startIndex, offsetBy: 9)..<close]), regions.indices.contains(i) else { return e }
            let rest = e.field[e.field.index(after: close)...].drop(while: { $0 == "." })
            let leaf = rest.split(separator: "[").first.map(String.init) ?? "intensity"
            return FieldError("mark-\(regions[i])-\(leaf.isEmpty ? "intensity" : leaf)", "\(BodyRegion(code: regions[i])?.name ?? regions[i]): \(e.message)")
        }
    }

    /// Core names a factor's errors by its index among the ticked factors; the form's fields are named by kind.
    static func rootCauseErrors(_ errors: [FieldError], _ form: FormFields) -> [FieldError] {
        let kinds = PerpetuatingFactorKind.allCases.filter { form.flag("factors[\($0.rawValue)][include]") }
        let leaves = ["selfCareAction": "action", "detail": "detail", "status": "status", "statusNote": "detail", "kind": "detail"]
        return errors.map { e in
            guard e.field.hasPrefix("factors["), let close = e.field.firstIndex(of: "]"),
                  let i = Int(e.field[e.field.index(e.field.startIndex, offsetBy: 8)..<close]), kinds.indices.contains(i) else { return e }
            let leaf = String(e.field[e.field.index(after: close)...].drop(while: { $0 == "." }))
            return FieldError("factor-\(kinds[i].rawValue)-\(leaves[leaf] ?? "detail")", "\(kinds[i].label): \(e.message)")
        }
    }

    static func triggerPoint(_ form: FormFields) throws -> TriggerPointFindingInput {
        var errors: [FieldError] = []
        let tenderness = self.int(form, "tenderness", field: "tenderness", errors: &errors)
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        return TriggerPointFindingInput(muscle: form["muscle"], side: form["side"], state: form["state"], tenderness: tenderness,
                                        tautBand: form.flag("tautBand"), twitchResponse: form.flag("twitchResponse"),
                                        reproducedRegions: form.list("reproducedRegions"), note: form["note"])
    }

    static func rangeOfMotion(_ form: FormFields) throws -> ROMMeasurementInput {
        var errors: [FieldError] = []
        let degrees = form.number("degrees", field: "degrees", errors: &errors)
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        // The form offers joint and motion as one choice ("shoulder/flexion").
        let parts = (form["jointMotion"] ?? "").split(separator: "/").map(String.init)
        return ROMMeasurementInput(joint: parts.first, motion: parts.count > 1 ? parts[1] : nil, side: form["side"], mode: form["mode"],
                                   degrees: degrees, method: form["method"], examinerName: form["examinerName"], position: form["position"])
    }

    static func measure(_ form: FormFields) throws -> AssessmentActions.MeasureInput {
        var errors: [FieldError] = []
        var items: [String: Double] = [:]
        for key in form.values.keys where key.hasPrefix("items[") && key.hasSuffix("]") {
            let code = String(key.dropFirst(6).dropLast())
            if let n = form.number(key, field: "answers.\(code)", errors: &errors) { items[code] = n }
        }
        var activities: [PSFSActivity] = []
        for i in 0..<self.psfsRows {
            let name = form["activities[\(i)][name]"]
            let score = form.number("activities[\(i)][score]", field: "activities[\(activities.count)].score", errors: &errors)
            if name != nil || score != nil { activities.append(PSFSActivity(name ?? "", score)) }
        }
        let score = form.number("score", field: "score", errors: &errors)
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        return AssessmentActions.MeasureInput(instrument: form["instrument"], items: items, activities: activities, score: score)
    }

    static func rootCause(_ form: FormFields) -> RootCauseHypothesisInput {
        let sources: [SuspectedSourceInput] = (0..<self.sourceRows).compactMap { i in
            let p = "sources[\(i)]"
            let muscle = form["\(p)[muscle]"], structure = form["\(p)[structure]"]
            return muscle == nil && structure == nil ? nil : SuspectedSourceInput(muscle: muscle, structure: structure, side: form["\(p)[side]"])
        }
        let factors: [PerpetuatingFactorInput] = PerpetuatingFactorKind.allCases.compactMap { kind in
            let p = "factors[\(kind.rawValue)]"
            guard form.flag("\(p)[include]") else { return nil }
            return PerpetuatingFactorInput(kind: kind.rawValue, detail: form["\(p)[detail]"], selfCareAction: form["\(p)[selfCareAction]"],
                                           status: form["\(p)[status]"], statusNote: form["\(p)[statusNote]"])
        }
        return RootCauseHypothesisInput(suspectedSources: sources, evidence: form["evidence"], factors: factors)
    }
}
