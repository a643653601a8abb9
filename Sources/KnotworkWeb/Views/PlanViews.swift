import Foundation
import KnotworkCore
import KnotworkStore
import Plot

/// The plan of care's pages (issue 4): a new plan (with suggestions from the latest assessment), the plan with its
/// revisions, status and certification, and the same form to revise it.
enum PlanViews {
    typealias V = AssessmentViews

    /// Goal measures offered: every instrument and diary measure, every range-of-motion motion (per side), and the
    /// patient's own PSFS activities.
    static func measureOptions(psfs: [String]) -> [(String, String)] {
        var out: [(String, String)] = [("", "Measure…")]
        for i in Instruments.all where !["PGIC", "GROC"].contains(i.code) {
            out.append((GoalMeasure.isDiaryCode(i.code) ? "diary:\(i.code)" : "instrument:\(i.code)", i.name))
        }
        for n in ROMNorms.all {
            for side in n.paired ? [Side.left, .right] : [] { out.append(("rom:\(n.joint)/\(n.motion)/\(side.rawValue)", "\(n.jointName) \(n.motionName.lowercased()), \(side.rawValue)")) }
            if !n.paired { out.append(("rom:\(n.joint)/\(n.motion)/", "\(n.jointName) \(n.motionName.lowercased())")) }
        }
        out += psfs.map { ("psfs:\($0)", "PSFS activity: \($0)") }
        return out
    }

    static func form(_ c: CareActions.PlanContext, plan: PlanOfCare?, action: String, errors: [FieldError], form f: FormFields?, csrf: String?) -> Node<HTML.BodyContext> {
        let techniques = [("", "Technique…")] + c.settings.techniques.map { ($0.code, $0.label) }
        let regions = BodyRegions.all.map { ($0.code, $0.name) }
        let measures = self.measureOptions(psfs: c.psfsActivities)
        let home = plan?.homeCare ?? c.suggestedHomeCare
        return .form(
            .id("plan-form"), .method(.post), .action(action),
            csrfField(csrf), errorSummary(errors),
            .unwrap(f?["referralId"]) { .input(.type(.hidden), .name("referralId"), .value(esc($0))) },
            CatalogViews.icd10List(on: c.today, dateField: "start"),
            .fieldset(legend("Problems (ICD-10-CM, valid on the plan's start)"), .forEach(0..<PlanForms.problemRows) { i in
                let x = i < (plan?.problems.count ?? 0) ? plan!.problems[i] : nil
                return .div(.class("row"),
                    V.input("problems[\(i)].icd10", "problems[\(i)][icd10]", "Diagnosis \(i + 1)", value: f?["problems[\(i)][icd10]"] ?? x?.icd10,
                            errors: errors, list: CatalogViews.icd10ListID),
                    V.input("problems[\(i)].note", "problems[\(i)][note]", "Note", value: f?["problems[\(i)][note]"] ?? x?.note, errors: errors))
            }),
            .fieldset(legend("Goals, each tied to a measure"), .forEach(0..<PlanForms.goalRows) { i in
                let g = i < (plan?.goals.count ?? 0) ? plan!.goals[i] : nil
                let p = "goals[\(i)]"
                return .fieldset(.class("goal-row"), legend("Goal \(i + 1)" + (g?.owner.map { " · " + $0.label } ?? "")),
                    .unwrap(g) { .input(.type(.hidden), .name("\(p)[id]"), .value($0.id.uuidString.lowercased())) },
                    V.input("goals[\(i)].description", "\(p)[description]", "Goal", value: f?["\(p)[description]"] ?? g?.description, errors: errors),
                    V.select("goals[\(i)].measure", "\(p)[measure]", "Measure", options: measures,
                             selected: f?["\(p)[measure]"] ?? g.map { PlanForms.choice($0.measure) }, errors: errors),
                    .div(.class("row"),
                         V.input("goals[\(i)].baseline", "\(p)[baseline]", "Baseline", value: f?["\(p)[baseline]"] ?? g.map { V.num($0.baseline) }, errors: errors,
                                 type: .number, hint: g?.baselineRecordedOn.map { "Recorded on \($0)." } ?? "Leave blank to take the latest recorded value.",
                                 step: "any"),
                         V.input("goals[\(i)].target", "\(p)[target]", "Target", value: f?["\(p)[target]"] ?? g.map { V.num($0.target) }, errors: errors,
                                 type: .number, step: "any"),
                         V.input("goals[\(i)].targetDate", "\(p)[targetDate]", "Target date", value: f?["\(p)[targetDate]"] ?? g?.targetDate.description,
                                 errors: errors, type: .date)))
            }),
            .fieldset(legend("Techniques per region"), .forEach(0..<PlanForms.techniqueRows) { i in
                let t = i < (plan?.techniques.count ?? 0) ? plan!.techniques[i] : nil
                return .div(.class("row"),
                    V.select("techniques[\(i)].technique", "techniques[\(i)][technique]", "Technique \(i + 1)", options: techniques,
                             selected: f?["techniques[\(i)][technique]"] ?? t?.technique.code, errors: errors),
                    V.select("techniques[\(i)].regions", "techniques[\(i)][regions]", "Regions", options: regions, selected: nil, errors: errors,
                             multiple: true, selectedSet: Set(f?.list("techniques[\(i)][regions]") ?? t?.regions.map(\.code) ?? [])))
            }),
            .fieldset(legend("Frequency and dates"), .div(.class("row"),
                V.input("frequencyPerWeek", "frequencyPerWeek", "Visits a week", value: f?["frequencyPerWeek"] ?? plan.map { V.num($0.frequencyPerWeek) } ?? "1",
                        errors: errors, type: .number, step: "0.25"),
                V.input("durationWeeks", "durationWeeks", "Weeks", value: f?["durationWeeks"] ?? plan.map { "\($0.durationWeeks)" } ?? "8", errors: errors, type: .number),
                V.input("start", "start", "Start", value: f?["start"] ?? plan?.start.description ?? c.today.description, errors: errors, type: .date),
                V.input("reEvaluationDate", "reEvaluationDate", "Re-evaluation", value: f?["reEvaluationDate"] ?? plan?.reEvaluationDate.description,
                        errors: errors, type: .date))),
            V.textarea("endGoal", "endGoal", "End goal", value: f?["endGoal"] ?? plan?.endGoal, errors: errors, rows: 2),
            V.textarea("dischargeCriteria", "dischargeCriteria", "Discharge criteria", value: f?["dischargeCriteria"] ?? plan?.dischargeCriteria, errors: errors, rows: 2),
            .fieldset(legend("Home-care program (from the perpetuating factors)"), .forEach(0..<PlanForms.homeCareRows) { i in
                let h = i < home.count ? home[i] : nil
                return .div(.class("row"),
                    V.select("homeCare[\(i)].factor", "homeCare[\(i)][factor]", "Factor", options: [("", "—")] + PerpetuatingFactorKind.allCases.map { ($0.rawValue, $0.label) },
                             selected: f?["homeCare[\(i)][factor]"] ?? h?.factor?.rawValue, errors: errors),
                    V.input("homeCare[\(i)].instruction", "homeCare[\(i)][instruction]", "Instruction", value: f?["homeCare[\(i)][instruction]"] ?? h?.instruction, errors: errors))
            }),
            .button(.id("plan-submit"), .type(.submit), .class("primary"), .text(plan == nil ? "Create the plan (draft)" : "Save a new revision"))
        )
    }

    static func newPage(_ c: CareActions.PlanContext, errors: [FieldError], form: FormFields?, csrf: String?, viewer: User) -> Node<HTML.BodyContext> {
        .group(
            .div(.class("page-title"), .h1(txt("New plan of care · " + c.patient.displayName))),
            SafetyViews.banner(c.safety, patientID: c.patient.id, viewer: viewer, csrf: csrf),
            AssessmentViews.chartNav(c.patient.id, current: .chart),
            self.form(c, plan: nil, action: Paths.plans(c.patient.id), errors: errors, form: form, csrf: csrf)
        )
    }

    static func page(_ c: CareActions.PlanContext, plan: StoredPlan, revisions: [PlanRevision], errors: [FieldError], form: FormFields?, csrf: String?,
                     viewer: User) -> Node<HTML.BodyContext> {
        let pid = c.patient.id
        return .group(
            .div(.class("page-title"), .h1(txt("Plan of care · " + c.patient.displayName))),
            SafetyViews.banner(c.safety, patientID: pid, viewer: viewer, csrf: csrf),
            AssessmentViews.chartNav(pid, current: .chart),
            ChartViews.planSummary(plan, revisions: revisions, settings: c.settings),
            .section(.id("plan-status-change"), .h2(.text("Status")),
                     .if(plan.plan.status.next.isEmpty, .p(.text("This plan is closed."))),
                     .form(.id("plan-status-form"), .method(.post), .action(Paths.plan(pid, plan.id) + "/status"), .class("inline"),
                           csrfField(csrf),
                           .forEach(plan.plan.status.next) { s in
                               .button(.type(.submit), .name("status"), .value(s.rawValue), .id("status-\(s.rawValue)"), .text("Move to: \(s.label)"))
                           })),
            .if(viewer.role == .medicalProvider && c.settings.certification.required, .form(.id("certify-form"), .method(.post), .action(Paths.plan(pid, plan.id) + "/certify"),
                                                      csrfField(csrf), .button(.type(.submit), .class("primary"), .text("Certify this plan (sign and date)")))),
            .section(.id("revisions"), .h2(.text("Revisions")), .ol(.forEach(revisions) { r in
                .li(txt("\(ClinicTime.clock.text(r.at)) · \(r.by) · " + (r.changes.isEmpty ? "created" : r.changes.map(\.summary).joined(separator: "; "))))
            })),
            .section(.id("revise"), .h2(.text("Revise")),
                     self.form(c, plan: plan.plan, action: Paths.plan(pid, plan.id), errors: errors, form: form, csrf: csrf))
        )
    }
}

/// The discharge summary page: draft it from the data, edit the reason and text, sign it.
enum DischargeViews {
    static func page(_ d: CareActions.Discharge, errors: [FieldError], csrf: String?, viewer: User, signatureLines: [String]) -> Node<HTML.BodyContext> {
        let pid = d.patient.id
        return .group(
            .div(.class("page-title"), .h1(txt("Discharge summary · " + d.patient.displayName))),
            SafetyViews.banner(d.safety, patientID: pid, viewer: viewer, csrf: csrf),
            AssessmentViews.chartNav(pid, current: .chart),
            .if(d.plan == nil, .p(.text("There is no plan of care to discharge from."))),
            .if(d.plan != nil && d.note == nil, .form(
                .id("discharge-draft-form"), .method(.post), .action(Paths.discharge(pid) + "/draft"), csrfField(csrf),
                .p(.text("The summary is drafted from the data: each goal's baseline against its latest value, the signed sessions, the techniques used and the home program.")),
                .button(.id("discharge-draft"), .type(.submit), .class("primary"), .text("Draft the discharge summary"))
            )),
            .unwrap(d.summary) { s in
                .group(
                    .div(.class("table-wrap"), .table(
                        .id("discharge-goals"), .caption(.text("Goals: baseline against final")),
                        .thead(.tr(.th(.text("Goal")), .th(.text("Measure")), .th(.text("Baseline")), .th(.text("Final")), .th(.text("Target")), .th(.text("Status")))),
                        .tbody(.forEach(s.goals) { g in
                            .tr(.td(txt(g.goal)), .td(txt(g.measure)), .td(.text(AssessmentViews.num(g.baseline))),
                                .td(.text(g.final.map { AssessmentViews.num($0, digits: 2) } ?? "—")), .td(.text(AssessmentViews.num(g.target))), .td(.text(g.status)))
                        })
                    )),
                    .dl(.dt(.text("Sessions")), .dd(.id("discharge-sessions"), .text("\(s.sessions)")),
                        .dt(.text("Techniques used")), .dd(txt(s.techniques.joined(separator: ", "))),
                        .dt(.text("Home program")), .dd(txt(s.homeProgram.joined(separator: "; "))))
                )
            },
            .unwrap(d.note) { note in
                note.isSigned
                    ? .group(.p(.id("discharge-signed"), .class("notice"), txt("Signed by \(note.authorName) at \(note.signedAt.map { ClinicTime.clock.text($0) } ?? ""). Reason: \(d.summary?.reason.label ?? ""). \(d.summary?.summary ?? "") SHA-256 \(note.signature ?? "") — " + (NoteSignature.verify(note) ? "verified." : "DOES NOT VERIFY."))),
                             NoteViews.signatureBlock(signatureLines))
                    : .form(
                        .id("discharge-form"), .method(.post), .action(Paths.discharge(pid)), csrfField(csrf), errorSummary(errors),
                        .input(.type(.hidden), .name("noteId"), .value(note.id.uuidString.lowercased())),
                        AssessmentViews.select("reason", "reason", "Reason", options: DischargeSummary.Reason.allCases.map { ($0.rawValue, $0.label) },
                                               selected: d.summary?.reason.rawValue, errors: errors),
                        AssessmentViews.textarea("summary", "summary", "Summary for the referring provider", value: d.summary?.summary, errors: errors, rows: 4),
                        .button(.id("discharge-sign"), .type(.submit), .class("primary"), .text("Sign the discharge summary"))
                    )
            }
        )
    }
}
