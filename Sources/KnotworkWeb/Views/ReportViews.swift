import Foundation
import KnotworkCore
import KnotworkStore
import Plot

/// Progress reports: the patient's list with what makes one due, the report (draft form or signed document with its
/// delivery log), and the provider's inbox.
enum ReportViews {
    typealias V = AssessmentViews

    static func dueText(_ due: ReportActions.Due?) -> String {
        guard let due else { return "No active plan of care: no report is due." }
        guard !due.reasons.isEmpty else {
            return "Not due yet: \(due.visitsSinceLast) signed visit\(due.visitsSinceLast == 1 ? "" : "s") since \(due.since)."
        }
        return "A progress report is due: " + due.reasons.map(\.text).joined(separator: "; ") + "."
    }

    static func index(_ o: ReportActions.Overview, viewer: User, csrf: String?, errors: [FieldError]) -> Node<HTML.BodyContext> {
        let pid = o.patient.id
        return .group(
            .div(.class("page-title"), .h1(txt("Progress reports · " + o.patient.displayName))),
            SafetyViews.banner(o.safety, patientID: pid, viewer: viewer, csrf: csrf),
            V.chartNav(pid, current: .reports),
            errorSummary(errors),
            .p(.id("report-due"), .class(o.due?.reasons.isEmpty == false ? "notice warning" : "hint"), txt(Self.dueText(o.due))),
            .if(o.plan != nil, .form(.id("report-draft-form"), .method(.post), .action(Paths.reports(pid)), csrfField(csrf),
                                     .button(.id("report-draft"), .type(.submit), .class("primary"), .text("Draft a progress report from the data")))),
            .if(o.reports.isEmpty, .p(.text("No progress report yet."))),
            .if(!o.reports.isEmpty, .table(.id("reports"),
                .thead(.tr(.th("Drafted"), .th("Status"), .th("By"), .th(.span(.class("visually-hidden"), .text("Open"))))),
                .tbody(.forEach(o.reports) { n in
                    .tr(.td(txt(ClinicTime.clock.text(n.createdAt))),
                        .td(txt(n.signedAt.map { "Signed " + ClinicTime.clock.text($0) } ?? "Draft")), .td(txt(n.authorName)),
                        .td(.a(.href(Paths.report(pid, n.id)), .text("Open report"))))
                })))
        )
    }

    static func page(_ d: ReportActions.ReportData, viewer: User, csrf: String?, errors: [FieldError], edits: ReportActions.Edits?,
                     signatureLines: [String]) -> Node<HTML.BodyContext> {
        let r = d.report, pid = d.patient.id, note = d.note
        return .group(
            .div(.class("page-title"), .h1(txt("Progress report · " + d.patient.displayName))),
            SafetyViews.banner(d.safety, patientID: pid, viewer: viewer, csrf: csrf),
            V.chartNav(pid, current: .reports),
            .dl(.id("report-header"),
                .dt(.text("Patient")), .dd(txt("\(d.patient.displayName), record \(d.patient.recordNumber), born \(d.patient.dateOfBirth)")),
                .dt(.text("To")), .dd(txt(r.referral.map { ($0.providerName ?? "the referring provider") + " · " + $0.title } ?? "No referral on file")),
                .dt(.text("Period")), .dd(txt("\(r.periodStart) to \(r.periodEnd)")),
                .dt(.text("Why now")), .dd(txt(r.due.isEmpty ? "Asked for by the therapist" : r.due.map(\.text).joined(separator: "; "))),
                .dt(.text("Sessions")), .dd(.id("report-sessions"), txt(Self.sessionsText(r)))),
            .section(.id("report-goals"), .h2(.text("Goals")),
                .if(r.goals.isEmpty, .p(.text("The plan has no measured goals."))),
                .if(!r.goals.isEmpty, .div(.class("table-wrap"), .table(
                    .thead(.tr(.th("Goal"), .th("Team member"), .th("Measure"), .th("Baseline"), .th("Latest"), .th("Target"), .th("Status"))),
                    .tbody(.forEach(r.goals) { g in
                        .tr(.td(txt(g.goal)), .td(txt(g.owner ?? "–")), .td(txt(g.measure)), .td(txt(V.num(g.baseline))), .td(txt(g.latest.map { V.num($0) } ?? "–")),
                            .td(txt("\(V.num(g.target)) by \(g.targetDate)")), .td(txt(g.status)))
                    })))),
                .forEach(Array(r.goals.enumerated())) { i, g in Self.goalChart(g, index: i) }),
            .section(.id("report-care"), .h2(.text("Care given")),
                .dl(.dt(.text("Techniques used")), .dd(txt(r.techniques.isEmpty ? "None recorded in the period" : r.techniques.joined(separator: ", "))),
                    .dt(.text("Precautions")), .dd(txt(r.precautions.isEmpty ? "None in force" : r.precautions.joined(separator: "; "))),
                    .dt(.text("Home program")), .dd(txt(r.homeProgram.isEmpty ? "None" : r.homeProgram.joined(separator: "; "))),
                    .dt(.text("Home program adherence")), .dd(.text("Not recorded in Knotwork.")))),
            note.isSigned ? Self.signed(d, csrf: csrf, signatureLines: signatureLines) : Self.form(d, csrf: csrf, errors: errors, edits: edits)
        )
    }

    static func sessionsText(_ r: ProgressReport) -> String {
        var text = "\(r.sessionsInPeriod) in the period, \(r.sessionsTotal) since the plan's start"
        if let ref = r.referral { text += "; \(ref.used) of \(ref.authorized) authorized visits used, \(ref.left) left, the referral expires \(ref.expires)" }
        return text + "."
    }

    static func goalChart(_ g: ProgressReport.GoalLine, index i: Int) -> Node<HTML.BodyContext> {
        guard let profile = g.measureRef?.profile(), !g.points.isEmpty else { return .empty }
        let series = ProgressChartSVG.Series(label: g.measure, unit: profile.unit, points: g.points.map { ProgressPoint(date: $0.date, value: $0.value) },
                                             range: profile.range, higherIsBetter: profile.direction == .higherIsBetter)
        return .section(.class("goal-chart"), .id("report-goal-\(i)"),
            .h3(txt("\(g.goal) (\(g.measure))")),
            .div(.class("pc-wrap"), .raw(ProgressChartSVG.goal(series, baseline: g.baseline, target: g.target, band: nil, plateau: nil,
                                                              title: "\(g.measure) over time",
                                                              description: "Baseline \(V.num(g.baseline)), target \(V.num(g.target)); status: \(g.status).",
                                                              idPrefix: "report-goal-\(i)-"))))
    }

    static func form(_ d: ReportActions.ReportData, csrf: String?, errors: [FieldError], edits: ReportActions.Edits?) -> Node<HTML.BodyContext> {
        let r = d.report
        return .section(.id("report-edit"), .h2(.text("Recommendation")),
            errorSummary(errors),
            .form(.id("report-form"), .method(.post), .action(Paths.report(d.patient.id, d.note.id)), csrfField(csrf),
                V.select("recommendation", "recommendation", "Recommendation", options: ProgressReport.Recommendation.allCases.map { ($0.rawValue, $0.label) },
                         selected: edits?.recommendation ?? r.recommendation.rawValue, errors: errors),
                V.checkbox("requestRenewal", "requestRenewal", "Ask the provider to renew the referral", checked: edits?.requestRenewal ?? r.requestRenewal),
                V.textarea("narrative", "narrative", "Narrative for the provider", value: edits?.narrative ?? r.narrative, errors: errors,
                           hint: "What changed, what the patient can do now, and why you recommend this.", rows: 6),
                .div(.class("actions"),
                     .button(.id("report-save"), .type(.submit), .name("action"), .value("save"), .text("Save draft")),
                     .button(.id("report-sign"), .type(.submit), .name("action"), .value("sign"), .class("primary"), .text("Sign and send")))))
    }

    static func signed(_ d: ReportActions.ReportData, csrf: String?, signatureLines: [String]) -> Node<HTML.BodyContext> {
        let r = d.report, note = d.note
        return .group(
            .section(.id("report-recommendation"), .h2(.text("Recommendation")),
                .p(.strong(txt(r.recommendation.label)), .if(r.requestRenewal, .text(" · Please renew the referral: the authorized visits or its dates run out."))),
                .p(.class("narrative"), txt(r.narrative))),
            .p(.id("signature"), .class("notice"),
               txt("Signed by \(note.authorName) at \(note.signedAt.map { ClinicTime.clock.text($0) } ?? ""). SHA-256 \(note.signature ?? "") — "
                   + (NoteSignature.verify(note) ? "verified." : "DOES NOT VERIFY."))),
            NoteViews.signatureBlock(signatureLines),
            .section(.id("deliveries"), .class("no-print"), .h2(.text("Delivery log")),
                .if(d.deliveries.isEmpty, .p(.text("Not delivered yet: print it, or record that it was sent."))),
                .if(!d.deliveries.isEmpty, .table(.id("delivery-log"),
                    .thead(.tr(.th("When"), .th("How"), .th("To"), .th("State"))),
                    .tbody(.forEach(d.deliveries) { x in
                        .tr(.td(txt(ClinicTime.clock.text(x.createdAt))), .td(txt(x.channel.label)),
                            .td(txt(x.recipientName + (x.recipientAddress.map { " <\($0)>" } ?? ""))), .td(txt(Self.state(x))))
                    }))),
                .p(.class("print-hint"), .text("Print this page for the provider's paper copy; the letterhead and signature print, the forms do not.")),
                .form(.id("report-printed-form"), .method(.post), .action(Paths.report(d.patient.id, note.id) + "/printed"), csrfField(csrf),
                      .button(.id("report-printed"), .type(.submit), .text("Record that it was printed and sent"))))
        )
    }

    static func state(_ x: ReportDelivery) -> String {
        switch x.channel {
        case .inbox: x.acknowledgedAt.map { "Acknowledged " + ClinicTime.clock.text($0) } ?? "Delivered, not yet acknowledged"
        case .email: "Notice " + (x.outboxStatus?.label.lowercased() ?? "queued") + " (the report itself is not e-mailed)"
        case .print: "Recorded by \(x.createdByName)"
        }
    }

    static func inbox(_ items: [InboxItem], csrf: String?) -> Node<HTML.BodyContext> {
        .group(
            .h1(.text("Inbox")),
            .p(.class("hint"), .text("Progress reports sent to you by the therapists of your patients. Acknowledge each once you have read it.")),
            .if(items.isEmpty, .p(.text("Nothing has been sent to you."))),
            .if(!items.isEmpty, .div(.class("table-wrap"), .table(.id("inbox"),
                .thead(.tr(.th("Received"), .th("Patient"), .th("From"), .th("Report"), .th("Status"))),
                .tbody(.forEach(items) { i in
                    .tr(.td(txt(ClinicTime.clock.text(i.delivery.createdAt))), .td(txt("\(i.patientName) (\(i.recordNumber))")), .td(txt(i.authorName)),
                        .td(.a(.href(Paths.report(i.delivery.patientID, i.delivery.reportID)), .text("Progress report"))),
                        .td(i.delivery.acknowledgedAt.map { .text("Acknowledged " + ClinicTime.clock.text($0)) } ?? .form(
                            .method(.post), .action(Paths.acknowledge(i.delivery.id)), .class("inline"), csrfField(csrf),
                            .button(.type(.submit), .class("primary"), .attribute(named: "aria-label", value: esc("Acknowledge the report on " + i.patientName)),
                                    .text("Acknowledge")))))
                }))))
        )
    }

    /// Plan certification requests: the active plans of the provider's patients not certified yet.
    static func certifications(_ plans: [CareStore.PlanForWorklist]) -> Node<HTML.BodyContext> {
        .if(!plans.isEmpty, .section(.id("certification-requests"), .h2(.text("Plans of care to certify")),
            .ul(.forEach(plans) { w in
                .li(.a(.href(Paths.plan(w.plan.patientID, w.plan.id)), txt(w.patientName)),
                    txt(" · plan from \(w.plan.plan.start), revision \(w.plan.revision)"))
            })))
    }
}
