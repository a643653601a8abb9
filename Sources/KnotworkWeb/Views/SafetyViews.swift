import Foundation
import KnotworkCore
import KnotworkStore
import Plot

/// The safety screen on the chart: the banner at the top of every chart page, the screen form, the hold's
/// clearance form, the worklist of tasks and the administrator's rule editor.
enum SafetyViews {
    /// Active precautions and the hold, at the top of every chart page.
    static func banner(_ status: SafetyStatus?, patientID: UUID, viewer: User, csrf: String?, errors: [FieldError] = []) -> Node<HTML.BodyContext> {
        guard let status else { return .empty }
        // The banner's fields have ids of their own: the page below may have a "kind" or "reason" field too.
        let holdErrors = errors.map { FieldError("clear-hold-" + $0.field, $0.message) }
        return .section(
            .id("safety"), .class("safety-banner"), .attribute(named: "aria-labelledby", value: "safety-heading"),
            .h2(.id("safety-heading"), .class("visually-hidden"), .text("Safety")),
            .unwrap(status.hold) { hold in
                .div(
                    .id("treatment-hold"), .class("notice danger"), .attribute(named: "role", value: "alert"),
                    .p(.strong(.text(hold.urgent ? "Treatment on hold: urgent referral. " : "Treatment on hold: referral. ")), txt(hold.reason)),
                    .p(.class("hint"), .text("Since \(ClinicTime.clock.text(hold.since)). No session may start until the medical provider clears the hold or a clinician overrides it with a reason.")),
                    .details(
                        .if(!errors.isEmpty, .open(true)),
                        .summary(.text(viewer.role == .medicalProvider ? "Clear or override the hold" : "Override the hold")),
                        errorSummary(holdErrors),
                        .form(
                            .id("clear-hold-form"), .method(.post), .action(Paths.clearHold(patientID)),
                            csrfField(csrf),
                            AssessmentViews.select("clear-hold-kind", "kind", "How the hold is lifted",
                                                   options: (viewer.role == .medicalProvider ? [ClearanceKind.providerCleared] : []).map { ($0.rawValue, $0.label) }
                                                       + [(ClearanceKind.clinicianOverride.rawValue, ClearanceKind.clinicianOverride.label)],
                                                   selected: nil, errors: holdErrors),
                            AssessmentViews.input("clear-hold-reason", "reason", "Reason", value: nil, errors: holdErrors,
                                                  hint: "Required for an override (at least 10 characters)."),
                            .button(.id("clear-hold-submit"), .type(.submit), .class("danger"), .text("Lift the hold"))
                        )
                    )
                )
            },
            .if(!status.precautions.isEmpty, .div(
                .id("precautions"), .class("notice warning"),
                .h3(.text("Active precautions (\(status.precautions.count))")),
                .ul(.forEach(status.precautions) { p in
                    .li(
                        .class("precaution"), .attribute(named: "data-rule", value: esc(p.precaution.ruleKey)),
                        .strong(txt(p.precaution.action.label + ": ")), txt(p.precaution.title),
                        .unwrap(p.precaution.region) { .text(" — \($0.name)") },
                        .text(". "), txt(p.precaution.guidance),
                        .span(.class("source"), txt(" (\(p.precaution.source)" + (p.precaution.fromIntakeFact.map { "; from the intake: \($0.label)" } ?? "") + ")")),
                        .details(
                            .class("resolve"),
                            .summary(.text("No longer applies")),
                            .form(
                                .method(.post), .action(Paths.resolvePrecaution(patientID, p.id)), .class("inline"),
                                csrfField(csrf),
                                .label(.for("resolve-\(p.id.uuidString.lowercased())"), .text("Why")),
                                .input(.type(.text), .id("resolve-\(p.id.uuidString.lowercased())"), .name("reason"),
                                       .attribute(named: "minlength", value: "10")),
                                .button(.type(.submit), .text("End precaution"))
                            )
                        )
                    )
                })
            )),
            .if(status.hold == nil && status.precautions.isEmpty, .p(.id("no-precautions"), .class("hint"), .text("No active precautions.")))
        )
    }

    /// The screen's questions as yes/no radios. At an evaluation every active question is asked; at a visit only the red flags.
    static func screenForm<C: HTML.BodyContext>(rules: [SafetyRule], action: String, visitOnly: Bool, facts: Set<IntakeFact>, errors: [FieldError],
                           csrf: String?) -> Node<C> {
        let asked = rules.filter { r in
            guard r.active, case .answer = r.trigger else { return false }
            return !visitOnly || r.askEveryVisit
        }
        let fired = rules.filter { r in
            guard r.active, case .intake(let fact) = r.trigger else { return false }
            return facts.contains(fact)
        }
        let regionOptions = [("", "Choose a region…")] + BodyRegions.all.map { ($0.code, $0.name) }
        return .form(
            .id(visitOnly ? "visit-screen-form" : "screen-form"), .method(.post), .action(action),
            csrfField(csrf),
            errorSummary(errors),
            .if(!fired.isEmpty, .div(
                .class("notice"),
                .p(.text("From the intake, these rules apply without a question:")),
                .ul(.forEach(fired) { r in .li(.strong(txt(r.action.label + ": ")), txt(r.title), .text(" — "), txt(r.guidance)) })
            )),
            .forEach(Array(asked.enumerated())) { i, r in
                let name = "answers[\(i)]"
                let mine = errors.filter { $0.field.hasPrefix("answers[\(i)]") || $0.field.hasPrefix("answers.\(i)") }
                return .fieldset(
                    .id("q-" + esc(r.key)), .class(mine.isEmpty ? "question" : "question has-error"),
                    legend(r.question),
                    .p(.class("hint"), txt("\(r.action.label)\(r.urgent ? " (urgent)" : "") · \(r.source)\(r.confidence == .uncertain ? " · uncertain in the reference" : "")")),
                    .forEach(mine) { e in .p(.class("error"), txt(e.message)) },
                    .input(.type(.hidden), .name(name + "[ruleKey]"), .value(esc(r.key))),
                    .div(.class("choices"),
                         .label(.class("choice"), .input(.type(.radio), .name(name + "[answer]"), .value("false"), .id("q-\(esc(r.key))-no")), .text(" No")),
                         .label(.class("choice"), .input(.type(.radio), .name(name + "[answer]"), .value("true"), .id("q-\(esc(r.key))-yes")), .text(" Yes"))),
                    .if(r.needsRegion, .div(
                        .class("field"),
                        .label(.for("q-\(esc(r.key))-region"), .text("Where (if yes)")),
                        .select(.id("q-\(esc(r.key))-region"), .attribute(named: "name", value: name + "[region]"),
                                .forEach(regionOptions) { o in option(o.0, o.1, selected: false) })
                    )),
                    .div(.class("field"),
                         .label(.for("q-\(esc(r.key))-note"), .text("Note")),
                         .input(.type(.text), .id("q-\(esc(r.key))-note"), .name(name + "[note]")))
                )
            },
            .button(.id(visitOnly ? "visit-screen-submit" : "screen-submit"), .type(.submit), .class("primary"),
                    .text(visitOnly ? "Record red-flag check" : "Record safety screen"))
        )
    }

    static func tasks(_ tasks: [CareTask], today: CalendarDate) -> Node<HTML.BodyContext> {
        .group(
            .h1(.text("My tasks")),
            .if(tasks.isEmpty, .p(.id("no-tasks"), .text("No open tasks."))),
            .ul(.id("task-list"), .forEach(tasks) { t in
                .li(
                    .class(t.urgent ? "task urgent" : t.isOverdue(on: today) ? "task overdue" : "task"),
                    .a(.href(t.kind == "team" ? Paths.teamNotes(t.patientID) + "#tasks" : Paths.patient(t.patientID)), txt(t.title)),
                    .p(.class("hint"), .text("Since \(ClinicTime.clock.text(t.createdAt))"
                                             + (t.createdByName.map { " · set by \($0)" } ?? "")
                                             + (t.dueOn.map { " · due \($0)" } ?? "")), .if(t.isOverdue(on: today), .strong(.text(" · overdue")))),
                    .p(txt(t.detail))
                )
            })
        )
    }

    /// The therapist's unsigned notes whose session ended more than 24 hours ago.
    static func overdueNotes(_ notes: [StoredNote]) -> Node<HTML.BodyContext> {
        .section(
            .id("unsigned-notes"), .h2(.text("Unsigned notes older than 24 hours")),
            .if(notes.isEmpty, .p(.text("None."))),
            .ul(.forEach(notes) { n in
                .li(.a(.href(Paths.note(n.patientID, n.id)), .text("Session of \(n.sessionEnd.map { ClinicTime.clock.text($0) } ?? "")")))
            })
        )
    }

    /// The caller's patients whose re-evaluation and progress report is due (the worklist).
    static func reEvaluationsDue(_ due: [CareActions.DuePlan]) -> Node<HTML.BodyContext> {
        .section(
            .id("re-evaluations-due"), .h2(.text("Re-evaluations and progress reports due")),
            .if(due.isEmpty, .p(.text("None."))),
            .ul(.forEach(due) { d in
                .li(.a(.href(Paths.chart(d.patientID)), txt(d.patientName)),
                    txt(" · " + [ChartViews.dueText(d.reasons), d.report.isEmpty ? nil : "Progress report due: " + d.report.map(\.text).joined(separator: "; ") + "."]
                        .compactMap { $0 }.joined(separator: " ") + " "),
                    .a(.href(Paths.reports(d.patientID)), .attribute(named: "aria-label", value: esc("Progress reports of " + d.patientName)), .text("Progress reports")))
            })
        )
    }

    /// The administrator's rule list, each with its current version and an editor that adds a version.
    static func rules(_ rules: [SafetyRule], errors: [FieldError], input: SafetyRuleForm?, csrf: String?) -> Node<HTML.BodyContext> {
        .group(
            .h1(.text("Safety-screen rules")),
            .p(.text("Rules are data: each edit adds a version, and every answer keeps the version it was given under. Seeded from CLINICAL-REFERENCE §4; sources disagree widely (Batavia 2004), so check each rule against your clinic's policy.")),
            .div(.class("table-wrap"), .table(
                .id("rules-table"),
                .caption(.text("Current rules")),
                .thead(.tr(.th(.text("Key")), .th(.text("Version")), .th(.text("Question")), .th(.text("Action")), .th(.text("Trigger")),
                           .th(.text("Every visit")), .th(.text("Source")), .th(.text("Active")))),
                .tbody(.forEach(rules) { r in
                    .tr(.td(.code(txt(r.key))), .td(.text("\(r.version)")), .td(txt(r.question)),
                        .td(txt(r.action.label + (r.urgent ? " (urgent)" : ""))), .td(txt(r.trigger.label)),
                        .td(.text(r.askEveryVisit ? "yes" : "no")), .td(txt(r.source)), .td(.text(r.active ? "yes" : "no")))
                })
            )),
            .details(
                .if(!errors.isEmpty, .open(true)),
                .summary(.text("Add a rule or a new version of one")),
                errorSummary(errors),
                self.ruleForm(input ?? SafetyRuleForm(), csrf: csrf, errors: errors)
            )
        )
    }

    struct SafetyRuleForm: Codable, Sendable {
        var key: String?
        var title: String?
        var question: String?
        var category: String?
        var action: String?
        var urgent: String?
        var needsRegion: String?
        var guidance: String?
        var trigger: String?
        var askEveryVisit: String?
        var source: String?
        var confidence: String?
        var active: String?
    }

    static func ruleForm<C: HTML.BodyContext>(_ f: SafetyRuleForm, csrf: String?, errors: [FieldError]) -> Node<C> {
        .form(
            .id("rule-form"), .method(.post), .action(Paths.adminSafetyRules),
            csrfField(csrf),
            field("key", "Key", value: f.key, errors: errors, required: true, hint: "An existing key adds a version; a new key adds a rule."),
            field("title", "Title", value: f.title, errors: errors, required: true),
            field("question", "Question (yes/no)", value: f.question, errors: errors, required: true),
            selectField("category", "Category", options: SafetyCategory.allCases.map { ($0.rawValue, $0.label) }, selected: f.category, errors: errors),
            selectField("action", "Action", options: SafetyAction.allCases.map { ($0.rawValue, $0.label) }, selected: f.action, errors: errors),
            selectField("trigger", "Trigger", options: [("answer", "Asked as a question")] + IntakeFact.allCases.map { ("intake:" + $0.rawValue, "From the intake: " + $0.label) },
                        selected: f.trigger, errors: errors),
            field("guidance", "Guidance", value: f.guidance, errors: errors, required: true),
            field("source", "Source", value: f.source, errors: errors, required: true),
            selectField("confidence", "Confidence", options: Confidence.allCases.map { ($0.rawValue, $0.rawValue) }, selected: f.confidence, errors: errors),
            AssessmentViews.checkbox("urgent", "urgent", "Urgent referral (stop and refer only)", checked: ["1", "true"].contains(f.urgent)),
            AssessmentViews.checkbox("needsRegion", "needsRegion", "Ask where (avoid the area only)", checked: ["1", "true"].contains(f.needsRegion)),
            AssessmentViews.checkbox("askEveryVisit", "askEveryVisit", "Ask at every visit (red flag)", checked: ["1", "true"].contains(f.askEveryVisit)),
            AssessmentViews.checkbox("active", "active", "Active", checked: ["1", "true"].contains(f.active ?? "1")),
            .button(.id("rule-submit"), .type(.submit), .class("primary"), .text("Save rule version"))
        )
    }
}
