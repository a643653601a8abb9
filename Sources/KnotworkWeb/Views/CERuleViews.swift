import Foundation
import KnotworkCore
import KnotworkStore
import Plot

/// The administrator's page of CE rules: every rule in force with its source and what is uncertain, each editable
/// (a save is a new version; a new effective date adds a version that takes over from that date).
enum CERuleViews {
    typealias V = AssessmentViews

    static func hours(_ h: Double?) -> String { h.map(CEHours.text) ?? "" }

    static func page(_ rules: CredentialActions.Rules, selected: String?, errors: [FieldError], form: FormFields?, csrf: String?) -> Node<HTML.BodyContext> {
        .group(
            .h1("Continuing-education rules"),
            .p(.class("hint"), .text("The rules each license is judged against, with the regulation or board page each comes from. A rule marked "
                                     + "uncertain should be checked against the board's current text; an edit is kept as a new version, and the older ones stay.")),
            errorSummary(selected.map { key in errors.map { FieldError(Self.prefix(key) + $0.field, $0.message) } } ?? errors),
            .div(.class("table-wrap"), .table(.id("ce-rules"),
                .caption(.text("Rules in force")),
                .thead(.tr(.th("Jurisdiction"), .th("Credential"), .th("From"), .th("Hours"), .th("Required and capped"), .th("Source"), .th("Edit"))),
                .tbody(.forEach(Array(rules.inForce.enumerated())) { i, r in
                    let key = "\(r.jurisdiction)|\(r.credential)|\(r.effectiveFrom)"
                    let mine = selected == key
                    return .tr(.id("rule-\(i)"),
                        .td(txt(r.jurisdiction)), .td(txt(r.credential)), .td(txt(r.effectiveFrom.description)),
                        .td(txt("\(Self.hours(r.hoursRequired)) h every \(r.cycleMonths) months")),
                        .td(txt((r.minimums.map { "at least " + CERuleInput.quotaLine($0) } + r.maximums.map { "at most " + CERuleInput.quotaLine($0) }
                                 + [r.liveMinimum.map { "at least \(Self.hours($0)) h live" }, r.onlineMaximum.map { "at most \(Self.hours($0)) h online" },
                                    r.firstRenewalExempt ? "none at the first renewal" : nil].compactMap { $0 }).joined(separator: "; "))),
                        .td(txt(r.source), .unwrap(r.uncertain) { u in .p(.class("warning"), txt("Uncertain: \(u)")) }),
                        .td(.details(.if(mine, .attribute(named: "open", value: "open")),
                                     .summary(txt("Edit \(r.jurisdiction) \(r.credential)")),
                                     Self.form(r, key: key, errors: mine ? errors : [], form: mine ? form : nil, csrf: csrf))))
                })
            )),
            .if(!rules.versions.isEmpty, .section(.id("rule-versions"), .h2("Edits"), .ul(.forEach(rules.versions) { v in
                .li(txt("\(v.rule.jurisdiction) \(v.rule.credential) from \(v.rule.effectiveFrom): version \(v.version) by \(v.savedByName), "
                        + ClinicTime.clock.text(v.savedAt)))
            })))
        )
    }

    static func prefix(_ key: String) -> String {
        "r-" + key.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined() + "-"
    }

    static func form<C: HTML.BodyContext>(_ r: CERule, key: String, errors: [FieldError], form f: FormFields?, csrf: String?) -> Node<C> {
        let p = Self.prefix(key)
        let errors = errors.map { FieldError(p + $0.field, $0.message) }
        func value(_ name: String, _ current: String) -> String { f?[name] ?? current }
        return .form(.method(.post), .action(Paths.adminCERules), csrfField(csrf),
            .input(.type(.hidden), .name("jurisdiction"), .value(esc(r.jurisdiction))),
            .input(.type(.hidden), .name("credential"), .value(esc(r.credential))),
            V.input(p + "effectiveFrom", "effectiveFrom", "In force from", value: value("effectiveFrom", r.effectiveFrom.description), errors: errors, type: .date,
                    hint: "Keep the date to correct this version; a later date adds a version that takes over from it."),
            V.input(p + "cycleMonths", "cycleMonths", "Renewal cycle (months)", value: value("cycleMonths", String(r.cycleMonths)), errors: errors, type: .number,
                    min: "6", max: "60"),
            V.input(p + "hoursRequired", "hoursRequired", "Hours per cycle", value: value("hoursRequired", Self.hours(r.hoursRequired)), errors: errors,
                    type: .number, min: "0", max: "200", step: "0.5"),
            V.textarea(p + "minimums", "minimums", "Required hours by category, one a line", value: value("minimums", r.minimums.map(CERuleInput.quotaLine).joined(separator: "\n")),
                       errors: errors, hint: "For example “ethics 2” or “hands-on 12 live”. Categories: " + CECategory.allCases.map(\.rawValue).joined(separator: ", ") + "."),
            V.textarea(p + "maximums", "maximums", "Most hours that count by category, one a line", value: value("maximums", r.maximums.map(CERuleInput.quotaLine).joined(separator: "\n")),
                       errors: errors),
            V.input(p + "liveMinimum", "liveMinimum", "Least live hours", value: value("liveMinimum", Self.hours(r.liveMinimum)), errors: errors, type: .number,
                    min: "0", max: "200", step: "0.5"),
            V.input(p + "onlineMaximum", "onlineMaximum", "Most online hours", value: value("onlineMaximum", Self.hours(r.onlineMaximum)), errors: errors,
                    type: .number, min: "0", max: "200", step: "0.5"),
            V.checkbox(p + "firstRenewalExempt", "firstRenewalExempt", "No CE at the first renewal", checked: f.map { $0.flag("firstRenewalExempt") } ?? r.firstRenewalExempt),
            V.textarea(p + "otherRequirements", "otherRequirements", "Other requirements, one a line", value: value("otherRequirements", r.otherRequirements.joined(separator: "\n")),
                       errors: errors),
            V.input(p + "source", "source", "Source (regulation or board page)", value: value("source", r.source), errors: errors),
            V.input(p + "uncertain", "uncertain", "What is uncertain (blank when checked)", value: value("uncertain", r.uncertain ?? ""), errors: errors),
            .button(.type(.submit), .class("primary"), txt("Save \(r.jurisdiction) \(r.credential)")))
    }
}
