import Foundation
import KnotworkCore
import KnotworkStore
import Plot

/// The patient's chart (issue 4): the header (precautions, hold, active plan, next re-evaluation, each goal with a
/// small trend line), each goal's progress chart with its text equivalent, and the timeline. The progress report is
/// the same content laid out for paper.
enum ChartViews {
    static func statusText(_ s: ProgressStatus) -> String {
        switch s {
        case .notStarted: "not started"
        case .noMeaningfulChange: "no meaningful change yet"
        case .improving: "improving"
        case .met: "met"
        case .worsening: "worsening"
        case .plateau: "plateau"
        }
    }

    /// The measure's name as the plan form shows it (the instrument's name rather than its code).
    static func measureName(_ m: GoalMeasure) -> String {
        switch m {
        case .instrument(let code), .diary(let code): Instruments.named(code)?.name ?? m.label
        default: m.label
        }
    }

    static func series(_ g: CareActions.GoalProgressData) -> ProgressChartSVG.Series? {
        guard let profile = g.goal.measure.profile() else { return nil }
        return ProgressChartSVG.Series(label: self.measureName(g.goal.measure), unit: profile.unit, points: g.evaluation?.points ?? [],
                                       range: profile.range, higherIsBetter: profile.direction == .higherIsBetter)
    }

    static func dueText(_ due: [DueReason]) -> String? {
        guard !due.isEmpty else { return nil }
        return "Re-evaluation and progress report due: " + due.map { reason -> String in
            switch reason {
            case .visits(let count, let every): "\(count) visits since the last evaluation (every \(every))"
            case .days(let elapsed, let every): "\(elapsed) days since the last evaluation (every \(every))"
            case .planEnd(let date): "the plan ends \(date)"
            }
        }.joined(separator: "; ") + "."
    }

    static func chart(_ d: CareActions.ChartData, viewer: User, csrf: String?, report: Bool) -> Node<HTML.BodyContext> {
        let pid = d.patient.id
        return .group(
            .div(.class("page-title"), .h1(txt((report ? "Progress report · " : "Chart · ") + d.patient.displayName))),
            .p(.class("record-meta"), txt("Record \(d.patient.recordNumber) · born \(d.patient.dateOfBirth)")),
            report ? .empty : SafetyViews.banner(d.safety, patientID: pid, viewer: viewer, csrf: csrf),
            report ? .empty : AssessmentViews.chartNav(pid, current: .chart),
            report ? .empty : .p(.class("entry-link"), .a(.class("button primary"), .id("new-note"), .href(Paths.newNote(pid)), .text("New session note"))),
            .unwrap(self.dueText(d.due)) { .p(.id("re-evaluation-due"), .class("notice"), .attribute(named: "role", value: "status"), .text($0)) },
            .section(
                .id("plan"), .attribute(named: "aria-labelledby", value: "plan-heading"),
                .h2(.id("plan-heading"), .text("Plan of care")),
                .unwrap(d.plan) { p in .group(self.planSummary(p, revisions: d.revisions, settings: d.settings),
                                               report ? .empty : .p(.class("entry-link"), .a(.class("button"), .id("open-plan"), .href(Paths.plan(d.patient.id, p.id)),
                                                                                        .text("Open the plan: revise, status, certification")),
                                                                      .a(.class("button"), .id("open-discharge"), .href(Paths.discharge(d.patient.id)),
                                                                         .text("Discharge summary")))) },
                .if(d.plan == nil, .p(.text("No plan of care yet."))),
                .if(!report && (d.plan == nil || d.plan!.plan.status.isFinal),
                    .p(.class("entry-link"), .a(.class("button primary"), .id("new-plan"), .href(Paths.newPlan(d.patient.id)), .text("New plan of care"))))
            ),
            .if(!d.goals.isEmpty, .section(
                .id("goals"), .attribute(named: "aria-labelledby", value: "goals-heading"),
                .h2(.id("goals-heading"), .text("Goals")),
                .ul(.class("goal-list"), .forEach(Array(d.goals.enumerated())) { i, g in
                    .li(
                        .attribute(named: "data-goal", value: "\(i)"),
                        .strong(txt(g.goal.description)), .text(" · "), txt(self.measureName(g.goal.measure)),
                        .unwrap(g.goal.owner) { .span(.class("goal-owner"), txt(" · " + $0.label)) },
                        .text(" · baseline \(AssessmentViews.num(g.goal.baseline))" + (g.goal.baselineRecordedOn.map { " (recorded \($0))" } ?? "") + " → target \(AssessmentViews.num(g.goal.target)) by \(g.goal.targetDate) · "),
                        .strong(.class("goal-status"), .text(g.evaluation.map { self.statusText($0.status) } ?? "no status")),
                        .unwrap(g.evaluation?.plateau) { _ in .text(" — re-evaluate, change the technique mix, refer to a team member, or discharge") },
                        .unwrap(g.evaluation?.suggestion) { _ in .text(" — goal met: consider discharge or maintenance") },
                        .unwrap(self.series(g)) { s in
                            .span(.class("sparkline"), .raw(ProgressChartSVG.sparkline(s, title: "Trend of \(self.measureName(g.goal.measure))", idPrefix: "spark-\(i)-")))
                        }
                    )
                })
            )),
            .unwrap(self.maintenancePrompt(d)) { .p(.id("maintenance-relapse"), .class("notice danger"), .attribute(named: "role", value: "alert"), txt($0)) },
            // The chart is the header and the timeline (issue 4 §6); each goal's full chart with its table, and the relief
            // chart, are the progress report's, one link away (this keeps a two-year chart page light).
            report ? self.relief(d) : self.progressLink(d),
            .forEach(report ? Array(d.goals.enumerated()) : []) { i, g in
                .section(
                    .class("goal-chart"), .id("goal-\(i)"),
                    .h3(txt("\(g.goal.description) (\(self.measureName(g.goal.measure)))")),
                    .unwrap(g.unavailable) { .p(.class("hint"), txt($0)) },
                    .unwrap(self.responderText(g)) { .p(.class("responder"), txt($0)) },
                    .unwrap(self.series(g)) { s in
                        .group(
                            .div(.class("pc-wrap"), .raw(ProgressChartSVG.goal(
                                s, baseline: g.goal.baseline, target: g.goal.target, band: g.evaluation?.band,
                                plateau: g.evaluation?.plateau?.windows.first.map { ($0.from, $0.to) },
                                title: "\(self.measureName(g.goal.measure)) over time",
                                description: "Baseline \(AssessmentViews.num(g.goal.baseline)), target \(AssessmentViews.num(g.goal.target)); status: \(g.evaluation.map { self.statusText($0.status) } ?? "none").",
                                idPrefix: "goal-\(i)-"))),
                            .raw(ProgressChartSVG.table(s, baseline: g.goal.baseline, caption: "\(self.measureName(g.goal.measure)): values since the plan's start", id: "goal-\(i)-table"))
                        )
                    }
                )
            },
            report ? .empty : self.timeline(d)
        )
    }

    /// On the chart page: where the full charts are.
    static func progressLink(_ d: CareActions.ChartData) -> Node<HTML.BodyContext> {
        .if(!d.goals.isEmpty || d.notes.contains(where: \.isSigned), .p(
            .id("progress-charts"),
            .text("Each goal's chart with its values as a table, and pain before and after each session, are in the "),
            .a(.href(Paths.progressReport(d.patient.id)), .text("progress charts and report")), .text(".")))
    }

    /// Responder classification against the goal's baseline (§1.11: ≥ 30 % moderate, ≥ 50 % substantial).
    static func responderText(_ g: CareActions.GoalProgressData) -> String? {
        guard let latest = g.evaluation?.latest, let direction = g.goal.measure.direction,
              let r = try? Responder.classify(baseline: g.goal.baseline, followUp: latest.value, direction: direction) else { return nil }
        if let why = r.undefinedReason { return "Responder: undefined (\(why))." }
        return "Responder: \(r.isResponder == true ? "yes" : "no") — \(AssessmentViews.num(r.percentImprovement ?? 0, digits: 0)) % better than baseline"
            + (r.category.map { ", IMMPACT \($0.rawValue)" } ?? "") + " (§1.11)."
    }

    /// In maintenance, a goal's measure worse than when maintenance began by its meaningful change prompts a return
    /// to active treatment.
    static func maintenancePrompt(_ d: CareActions.ChartData) -> String? {
        guard let plan = d.plan, plan.plan.status == .maintenance else { return nil }
        let since = d.revisions.last { $0.changes.contains { $0.after == PlanStatus.maintenance.label || $0.after == PlanStatus.maintenance.rawValue } }
            .map { CalendarDate($0.at) } ?? plan.plan.start
        for g in d.goals {
            guard let e = g.evaluation, let direction = g.goal.measure.direction else { continue }
            let before = e.points.filter { $0.date <= since }
            let after = e.points.filter { $0.date > since }
            guard let start = before.last?.value, !after.isEmpty,
                  let check = try? Maintenance.relapse(startValue: start, points: after, direction: direction, meaningfulChange: e.threshold),
                  check.prompt != nil else { continue }
            return "\(self.measureName(g.goal.measure)) has worsened beyond its meaningful change since maintenance began: consider returning to active treatment."
        }
        return nil
    }

    /// Pain before and after each signed session (immediate relief) and its trend.
    static func relief(_ d: CareActions.ChartData) -> Node<HTML.BodyContext> {
        // Only the three fields the chart needs are decoded from each signed note (a whole note costs ten times more).
        struct Relief: Decodable {
            struct Subjective: Decodable { var painToday: Int }
            var subjective: Subjective
            var painAfter: Int?
            var timeIn: Date
        }
        let pairs: [(date: CalendarDate, before: Int, after: Int)] = d.notes.filter { $0.isSigned && $0.kind == "session" }.reversed().compactMap { n in
            guard let note = try? n.decode(Relief.self), let after = note.painAfter else { return nil }
            return (ClinicTime.clock.date(of: note.timeIn), note.subjective.painToday, after)
        }
        guard !pairs.isEmpty else { return .empty }
        return .section(
            .id("relief"), .h2(.text("Pain before and after each session")),
            .div(.class("pc-wrap"), .raw(ProgressChartSVG.relief(pairs, title: "Immediate relief", description: "Pain 0–10 before (open circle) and after (filled) each signed session, with trend lines.", idPrefix: "relief-"))),
            .ul(.class("visually-hidden"), .forEach(pairs) { p in .li(.text("\(p.date): \(p.before) before, \(p.after) after")) })
        )
    }

    static func planSummary(_ p: StoredPlan, revisions: [PlanRevision], settings: ClinicSettings) -> Node<HTML.BodyContext> {
        let plan = p.plan
        return .group(
            .dl(
                .dt(.text("Status")), .dd(.id("plan-status"), .text(plan.status.label)),
                .dt(.text("Problems")), .dd(txt(plan.problems.map { $0.icd10 + (ICD10Catalog.code($0.icd10).map { " \($0.description)" } ?? "") }.joined(separator: "; "))),
                .dt(.text("Frequency")), .dd(.text("\(AssessmentViews.num(plan.frequencyPerWeek)) a week for \(plan.durationWeeks) weeks (\(plan.plannedVisits) visits), \(plan.start) to \(plan.endDate)")),
                .dt(.text("Re-evaluation")), .dd(.text(plan.reEvaluationDate.description)),
                .dt(.text("Techniques")), .dd(txt(plan.techniques.map { "\($0.technique.label): " + $0.regions.map(\.name).joined(separator: ", ") }.joined(separator: "; "))),
                .dt(.text("End goal")), .dd(txt(plan.endGoal)),
                .dt(.text("Discharge criteria")), .dd(txt(plan.dischargeCriteria)),
                .dt(.text("Home care")), .dd(txt(plan.homeCare.map(\.instruction).joined(separator: "; "))),
                .dt(.text("Certification")), .dd(txt(p.certification.map { "Signed by \($0.providerName) on \(CalendarDate($0.signedAt)) for \($0.period.lowerBound) to \($0.period.upperBound)" } ?? (settings.certification.required ? "Not certified (the clinic asks for it)" : "Not required by the clinic's settings"))),
                .dt(.text("Revision")), .dd(.text("\(p.revision)"))
            )
        )
    }

    static func timeline(_ d: CareActions.ChartData) -> Node<HTML.BodyContext> {
        enum Item { case assessment(AssessmentHeader), note(StoredNote), revision(PlanRevision), addendum(StoredAddendum) }
        var items: [(CalendarDate, Item)] = d.assessments.map { ($0.assessedOn, .assessment($0)) }
        items += d.notes.map { (CalendarDate($0.sessionStart ?? $0.createdAt), .note($0)) }
        items += d.revisions.map { (CalendarDate($0.at), .revision($0)) }
        items += d.addenda.map { (CalendarDate($0.signedAt), .addendum($0)) }
        items.sort { $0.0 > $1.0 }
        return .section(
            .id("timeline"), .attribute(named: "aria-labelledby", value: "timeline-heading"),
            .h2(.id("timeline-heading"), .text("Timeline")),
            .if(items.isEmpty, .p(.text("Nothing recorded yet."))),
            .ol(.class("timeline"), .forEach(items) { date, item in
                switch item {
                case .assessment(let a):
                    return .li(txt("\(date) · "), .a(.href(Paths.assessment(d.patient.id, a.id)), txt(a.kind.label)), txt(" · " + a.clinicianName))
                case .note(let n):
                    let label = ["discharge": "Discharge summary", "progress-report": "Progress report", "team-note": "Team note",
                                 "case-conference": "Case conference"][n.kind] ?? "Session note"
                    return .li(txt("\(date) · "), .a(.href(Paths.document(n)), txt(label)),
                               txt(" · " + n.authorName),
                               txt(n.isSigned ? " · signed" + (n.late ? " (late entry)" : "") : " · draft, not signed"))
                case .addendum(let a):
                    let note = d.notes.first { $0.id == a.noteID }
                    return .li(.class("timeline-addendum"), txt("\(date) · "), .a(.href(Paths.note(d.patient.id, a.noteID) + "#addenda"), txt("Addendum")),
                               txt(" to the note of " + (note.map { "\(CalendarDate($0.sessionStart ?? $0.createdAt))" } ?? "an earlier session")),
                               txt(" · " + a.authorName + " · signed"))
                case .revision(let r):
                    return .li(txt("\(date) · Plan revision \(r.number)"), txt(r.changes.isEmpty ? " · created" : " · " + r.changes.map(\.summary).joined(separator: "; ")),
                               txt(" · " + r.by))
                }
            })
        )
    }
}
