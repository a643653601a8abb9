import Foundation
import KnotworkCore
import KnotworkStore
import Plot

/// The session note (issue 4): one page built for a tablet at the end of a session: the pre-session check first
/// (active precautions to acknowledge, the hold), then big controls with little typing. Saving keeps a draft under
/// the page's idempotency key, so a repeated submit after a dropped connection creates nothing twice.
enum NoteViews {
    typealias V = AssessmentViews

    static func options(_ range: ClosedRange<Int>, blank: String) -> [(String, String)] {
        [("", blank)] + range.map { ("\($0)", "\($0)") }
    }

    static func form(_ c: CareActions.NoteContext, input: SessionNoteInput?, key: String, errors: [FieldError], csrf: String?) -> Node<HTML.BodyContext> {
        let pid = c.patient.id
        let n = input
        let techniques = [("", "Technique…")] + c.settings.techniques.map { ($0.code, $0.label) }
        let regions = BodyRegions.all.map { ($0.code, $0.name) }
        let muscles = [("", "Muscle…")] + TriggerPointCatalog.muscles.map { ($0.code, $0.name) }
        return .form(
            .id("note-form"), .class("note-form"), .method(.post), .action(Paths.notes(pid)),
            csrfField(csrf),
            .input(.type(.hidden), .name("idempotencyKey"), .value(esc(key))),
            .unwrap(c.plan) { .input(.type(.hidden), .name("planId"), .value($0.id.uuidString.lowercased())) },
            .unwrap(c.appointment) { .input(.type(.hidden), .name("appointmentId"), .value($0.id.uuidString.lowercased())) },
            errorSummary(errors),
            .fieldset(
                .id("pre-session"), legend("Before the session"),
                .if(c.safety.precautions.isEmpty && c.safety.hold == nil, .p(.text("No active precautions."))),
                .forEach(c.safety.precautions) { p in
                    .div(.class("field checkbox"),
                         .input(.type(.checkbox), .id("ack-\(esc(p.precaution.ruleKey))"), .name("acknowledged"), .value(esc(p.precaution.ruleKey)),
                                .checked(n?.precautionsAcknowledged?.contains(p.precaution.ruleKey) ?? false)),
                         .label(.for("ack-\(esc(p.precaution.ruleKey))"),
                                txt("I have read: \(p.precaution.action.label) — \(p.precaution.title)" + (p.precaution.region.map { " (\($0.name))" } ?? ""))))
                },
                .forEach(errors.filter { $0.field.hasPrefix("precautionsAcknowledged") }) { e in .p(.class("error"), txt(e.message)) },
                .unwrap(c.safety.hold) { hold in
                    .group(
                        .p(.class("notice danger"), txt("Treatment is on hold: \(hold.reason). A session needs an override with a reason.")),
                        V.input("holdOverrideReason", "holdOverrideReason", "Reason to treat despite the hold", value: n?.holdOverrideReason, errors: errors)
                    )
                },
                V.select("subjective.painToday", "painToday", "Pain today (0–10)", options: self.options(0...10, blank: "Choose…"),
                         selected: n?.subjective?.painToday.map(String.init), errors: errors),
                V.select("subjective.changesSinceLast", "changesSinceLast", "Since the last visit",
                         options: [("", "Choose…")] + ChangeSinceLast.allCases.map { ($0.rawValue, $0.rawValue.capitalized) },
                         selected: n?.subjective?.changesSinceLast, errors: errors)
            ),
            .fieldset(
                legend("Session"),
                .div(.class("row"),
                     V.input("timeIn", "timeIn", "Time in (\(ClinicTime.clock.identifier))", value: NoteForms.localText(n?.timeIn), errors: errors, type: .datetimeLocal),
                     V.input("timeOut", "timeOut", "Time out (\(ClinicTime.clock.identifier))", value: NoteForms.localText(n?.timeOut), errors: errors, type: .datetimeLocal)),
                V.textarea("subjective.text", "subjectiveText", "Subjective (what the patient reports)", value: n?.subjective?.text, errors: errors, rows: 2),
                V.textarea("objective.findings", "findings", "Objective findings (one per line)", value: n?.objective?.findings?.joined(separator: "\n"), errors: errors, rows: 2),
                V.textarea("objective.text", "objectiveText", "Objective notes", value: n?.objective?.text, errors: errors, rows: 2)
            ),
            .fieldset(
                legend("Interventions"),
                .forEach(0..<NoteForms.interventionRows) { i in
                    let x = i < (n?.interventions?.count ?? 0) ? n!.interventions![i] : nil
                    let p = "interventions[\(i)]"
                    return .div(.class("row intervention"),
                        V.select("interventions[\(i)].technique", "\(p)[technique]", "Technique \(i + 1)", options: techniques, selected: x?.technique, errors: errors),
                        V.select("interventions[\(i)].regions", "\(p)[regions]", "Regions", options: regions, selected: nil, errors: errors, multiple: true,
                                 selectedSet: Set(x?.regions ?? [])),
                        V.input("interventions[\(i)].minutes", "\(p)[minutes]", "Minutes", value: x?.minutes.map(String.init), errors: errors, type: .number,
                                min: "0", max: "480"),
                        V.select("interventions[\(i)].pressure", "\(p)[pressure]", "Pressure", options: Pressure.allCases.map { ($0.rawValue, $0.rawValue.capitalized) },
                                 selected: x?.pressure ?? "moderate", errors: errors),
                        V.input("interventions[\(i)].response", "\(p)[response]", "Response", value: x?.response, errors: errors))
                }
            ),
            .fieldset(
                legend("Trigger points treated"),
                .forEach(0..<NoteForms.triggerPointRows) { i in
                    let x = i < (n?.triggerPointsTreated?.count ?? 0) ? n!.triggerPointsTreated![i] : nil
                    let p = "triggerPoints[\(i)]"
                    return .div(.class("row"),
                        V.select("triggerPointsTreated[\(i)].muscle", "\(p)[muscle]", "Muscle \(i + 1)", options: muscles, selected: x?.muscle, errors: errors),
                        V.select("triggerPointsTreated[\(i)].side", "\(p)[side]", "Side", options: Side.allCases.map { ($0.rawValue, $0.label) }, selected: x?.side, errors: errors),
                        V.select("triggerPointsTreated[\(i)].tendernessBefore", "\(p)[before]", "Tenderness before", options: self.options(0...3, blank: "–"),
                                 selected: x?.tendernessBefore.map(String.init), errors: errors),
                        V.select("triggerPointsTreated[\(i)].tendernessAfter", "\(p)[after]", "Tenderness after", options: self.options(0...3, blank: "–"),
                                 selected: x?.tendernessAfter.map(String.init), errors: errors))
                }
            ),
            .fieldset(
                legend("After the session"),
                V.select("painAfter", "painAfter", "Pain after the session (0–10)", options: self.options(0...10, blank: "Choose…"),
                         selected: n?.painAfter.map(String.init), errors: errors),
                V.textarea("homeCare", "homeCare", "Home care given (one per line)", value: n?.homeCare?.joined(separator: "\n"), errors: errors, rows: 2),
                V.textarea("assessment.text", "assessmentText", "Assessment", value: n?.assessment?.text, errors: errors, rows: 2),
                V.input("assessment.progressNote", "progressNote", "Progress toward the goals", value: n?.assessment?.progressNote, errors: errors),
                V.textarea("plan.text", "planText", "Plan", value: n?.plan?.text, errors: errors, rows: 2),
                V.input("plan.nextVisit", "nextVisit", "Next visit", value: n?.plan?.nextVisit, errors: errors, type: .date)
            ),
            ReferralViews.coverageFieldset(c.referrals, date: (n?.timeIn ?? c.appointment?.appointment.start).map(CalendarDate.init) ?? c.today, errors: errors),
            .p(.id("autosave-status"), .class("hint"), .attribute(named: "role", value: "status"),
               .text("The draft is saved as you go and whenever you press Save draft.")),
            .div(.class("actions"),
                 .button(.id("note-save"), .type(.submit), .name("intent"), .value("draft"), .text("Save draft")),
                 .button(.id("note-sign"), .type(.submit), .name("intent"), .value("sign"), .class("primary"), .text("Save and sign"))),
            self.saveAsTemplate(errors: errors)
        )
    }

    /// Saves the note's treatment (interventions, trigger points, home care, wording; no times or scores) under a name.
    static func saveAsTemplate(errors: [FieldError]) -> Node<HTML.FormContext> {
        .details(
            .id("save-template"),
            .if(errors.contains { $0.field.hasPrefix("template.") }, .open(true)),
            .summary(.text("Save this treatment as a template")),
            V.input("template.name", "templateName", "Template name", value: nil, errors: errors,
                    hint: "Interventions, trigger points, home care and the wording are kept; times, pain scores and acknowledgements are not."),
            .forEach(errors.filter { $0.field.hasPrefix("template.") && $0.field != "template.name" }) { e in .p(.class("error"), txt(e.message)) },
            V.checkbox("template.shared", "templateShared", "Share with the clinic's other clinicians", checked: false),
            .button(.id("note-template"), .type(.submit), .name("intent"), .value("template"), .text("Save draft and template"))
        )
    }

    /// Starting a new note from a template (a plain GET form: the page reloads with the template's treatment).
    static func templatePicker(_ c: CareActions.NoteContext, chosen: NoteTemplate?) -> Node<HTML.BodyContext> {
        .if(!c.templates.isEmpty, .form(
            .id("template-picker"), .method(.get), .action(Paths.newNote(c.patient.id)), .class("inline"),
            .unwrap(c.appointment) { .input(.type(.hidden), .name("appointment"), .value($0.id.uuidString.lowercased())) },
            V.select("template", "template", "Start from a template",
                     options: c.templates.map { ($0.id.uuidString, $0.name + ($0.shared ? " (shared by \($0.ownerName))" : "")) },
                     selected: chosen?.id.uuidString, errors: []),
            .button(.id("template-start"), .type(.submit), .text("Start from this template"))
        ))
    }

    static func newPage(_ c: CareActions.NoteContext, input: SessionNoteInput?, key: String, copied: Bool, template: NoteTemplate?,
                        errors: [FieldError], csrf: String?, viewer: User) -> Node<HTML.BodyContext> {
        .group(
            .div(.class("page-title"), .h1(txt("Session note · " + c.patient.displayName))),
            SafetyViews.banner(c.safety, patientID: c.patient.id, viewer: viewer, csrf: csrf),
            AssessmentViews.chartNav(c.patient.id, current: .chart),
            .unwrap(c.appointment) { a in
                .p(.id("note-visit"), .class("notice"),
                   txt("For the visit of \(ClinicTime.clock.text(a.appointment.start)) with \(a.clinicianName) (\(a.appointment.kind.label.lowercased()), "
                       + "\(a.appointment.minutes) min). Saving the draft marks the patient arrived; signing completes the visit."))
            },
            .if(c.note == nil, self.templatePicker(c, chosen: template)),
            .if(copied, .p(.class("hint"), .text("Copied forward from the last signed note: check every field before signing."))),
            .unwrap(template) { .p(.id("template-started"), .class("hint"), txt("Started from the template “\($0.name)”: check every field before signing.")) },
            self.form(c, input: input, key: key, errors: errors, csrf: csrf)
        )
    }

    /// The signer's name with credentials, NPI and signature block as they were when the document was signed.
    static func signatureBlock(_ lines: [String]) -> Node<HTML.BodyContext> {
        .div(.id("signature-block"), .class("signature-block"), .forEach(lines) { .p(txt($0)) })
    }

    static func signedPage(_ c: CareActions.NoteContext, note: StoredNote, addenda: [StoredAddendum], errors: [FieldError], csrf: String?,
                           viewer: User, signatureLines: [String]) -> Node<HTML.BodyContext> {
        let body = try? note.decode(SessionNote.self)
        return .group(
            .div(.class("page-title"), .h1(txt("Session note · " + c.patient.displayName))),
            SafetyViews.banner(c.safety, patientID: c.patient.id, viewer: viewer, csrf: csrf),
            AssessmentViews.chartNav(c.patient.id, current: .chart),
            .p(.id("signature"), .class("notice"),
               txt("Signed by \(note.authorName) at \(note.signedAt.map { ClinicTime.clock.text($0) } ?? "")" + (note.late ? " (late entry)" : "")
                   + ". SHA-256 \(note.signature ?? "") — " + (NoteSignature.verify(note) ? "verified." : "DOES NOT VERIFY."))),
            Self.signatureBlock(signatureLines),
            .unwrap(body) { b in
                .dl(
                    .dt(.text("Session")), .dd(.text("\(ClinicTime.clock.text(b.timeIn)) – \(ClinicTime.clock.text(b.timeOut)) (\(b.sessionMinutes) min)")),
                    .dt(.text("Pain")), .dd(.id("note-pain"), .text("\(b.subjective.painToday) before, \(b.painAfter.map(String.init) ?? "–") after")),
                    .dt(.text("Subjective")), .dd(txt(b.subjective.text)),
                    .dt(.text("Objective")), .dd(txt((b.objective.findings + [b.objective.text]).filter { !$0.isEmpty }.joined(separator: "; "))),
                    .dt(.text("Interventions")), .dd(txt(b.interventions.map { i in
                        "\(c.settings.techniqueLabel(i.technique)), \(i.minutes) min, \(i.pressure.rawValue): " + i.regions.map(\.name).joined(separator: ", ")
                    }.joined(separator: "; "))),
                    .dt(.text("Trigger points")), .dd(txt(b.triggerPointsTreated.map { "\($0.side.label) \(TriggerPointCatalog.muscle($0.muscle)?.name ?? $0.muscle) \($0.tendernessBefore)→\($0.tendernessAfter)" }.joined(separator: "; "))),
                    .dt(.text("Home care")), .dd(txt(b.homeCare.joined(separator: "; "))),
                    .dt(.text("Assessment")), .dd(txt([b.assessment.text, b.assessment.progressNote].filter { !$0.isEmpty }.joined(separator: " "))),
                    .dt(.text("Plan")), .dd(txt(b.plan.text + (b.plan.nextVisit.map { " Next visit \($0)." } ?? ""))),
                    .dt(.text("Precautions acknowledged")), .dd(txt(b.precautionsAcknowledged.joined(separator: ", ")))
                )
            },
            .section(
                .id("addenda"), .h2(.text("Addenda")),
                .if(addenda.isEmpty, .p(.text("None."))),
                .ul(.forEach(addenda) { a in .li(txt("\(ClinicTime.clock.text(a.signedAt)) · \(a.authorName): \(a.text)")) }),
                .form(
                    .id("addendum-form"), .method(.post), .action(Paths.note(c.patient.id, note.id) + "/addenda"),
                    csrfField(csrf), errorSummary(errors),
                    V.textarea("text", "text", "Add a dated, signed addendum (the note itself never changes)", value: nil, errors: errors, rows: 2),
                    .button(.id("addendum-submit"), .type(.submit), .class("primary"), .text("Sign addendum"))
                )
            )
        )
    }
}
