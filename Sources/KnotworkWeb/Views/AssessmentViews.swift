import Foundation
import KnotworkCore
import KnotworkStore
import Plot

/// The assessment pages. Every number shown comes from KnotworkCore (scores, bands, norms, thresholds),
/// with its source printed beside it.
enum AssessmentViews {
    enum ChartPage { case overview, chart, assessments, compare, referrals, reports, team }

    static func chartNav(_ patientID: UUID, current: ChartPage) -> Node<HTML.BodyContext> {
        func item(_ page: ChartPage, _ href: String, _ label: String) -> Node<HTML.ListContext> {
            .li(.a(.href(href), .text(label), .attribute(named: "aria-current", value: page == current ? "page" : "")))
        }
        return .nav(
            .class("chart-nav"), .attribute(named: "aria-label", value: "Chart"),
            .ul(item(.overview, Paths.patient(patientID), "Overview"),
                item(.chart, Paths.chart(patientID), "Chart and progress"),
                item(.assessments, Paths.assessments(patientID), "Assessments"),
                item(.compare, Paths.comparePainMaps(patientID), "Compare pain maps"),
                item(.referrals, Paths.referrals(patientID), "Referrals"),
                item(.reports, Paths.reports(patientID), "Progress reports"),
                item(.team, Paths.teamNotes(patientID), "Care team"))
        )
    }

    static func num(_ x: Double, digits: Int = 1) -> String {
        x.rounded() == x ? String(Int(x)) : String(format: "%.\(digits)f", x)
    }

    static func signed(_ x: Double) -> String { (x > 0 ? "+" : x < 0 ? "−" : "±") + num(abs(x)) }

    static func textarea<C: HTML.BodyContext>(_ id: String, _ name: String, _ label: String, value: String?, errors: [FieldError], hint: String? = nil,
                         rows: Int = 3) -> Node<C> {
        let mine = errors.filter { $0.field == id || $0.field.hasPrefix(id + "[") }
        return .div(
            .class(mine.isEmpty ? "field" : "field has-error"),
            .label(.for(id), .text(label)),
            .unwrap(hint) { .p(.id(id + "-hint"), .class("hint"), txt($0)) },
            .forEach(mine) { e in .p(.class("error"), txt(e.message)) },
            .element(named: "textarea", nodes: [
                .attribute(named: "id", value: esc(id)), .attribute(named: "name", value: esc(name)),
                .attribute(named: "rows", value: "\(rows)"),
                .attribute(named: "aria-describedby", value: hint == nil ? "" : esc(id + "-hint")),
                txt(value ?? ""),
            ])
        )
    }

    /// An input whose id is the field name KnotworkCore reports errors under, and whose name is the form's.
    static func input<C: HTML.BodyContext>(_ id: String, _ name: String, _ label: String, value: String?, errors: [FieldError], type: HTMLInputType = .text,
                      hint: String? = nil, min: String? = nil, max: String? = nil, step: String? = nil, list: String? = nil) -> Node<C> {
        let mine = errors.filter { $0.field == id }
        return .div(
            .class(mine.isEmpty ? "field" : "field has-error"),
            .label(.for(id), txt(label)),
            .unwrap(hint) { .p(.id(id + "-hint"), .class("hint"), txt($0)) },
            .forEach(mine) { e in .p(.id(id + "-error"), .class("error"), txt(e.message)) },
            .input(.type(type), .id(esc(id)), .name(esc(name)), .value(esc(value ?? "")),
                   .attribute(named: "aria-invalid", value: mine.isEmpty ? "" : "true"),
                   .attribute(named: "aria-describedby", value: hint == nil ? "" : esc(id + "-hint")),
                   .attribute(named: "min", value: min ?? ""), .attribute(named: "max", value: max ?? ""),
                   .attribute(named: "step", value: step ?? ""), .attribute(named: "list", value: list ?? ""))
        )
    }

    static func select<C: HTML.BodyContext>(_ id: String, _ name: String, _ label: String, options: [(String, String)], selected: String?,
                       errors: [FieldError], multiple: Bool = false, selectedSet: Set<String> = []) -> Node<C> {
        let mine = errors.filter { $0.field == id || $0.field.hasPrefix(id + "[") }
        return .div(
            .class(mine.isEmpty ? "field" : "field has-error"),
            .label(.for(id), txt(label)),
            .forEach(mine) { e in .p(.class("error"), txt(e.message)) },
            .select(.id(esc(id)), .attribute(named: "name", value: esc(name)),
                    .attribute(named: "multiple", value: multiple ? "multiple" : ""),
                    .attribute(named: "size", value: multiple ? "8" : ""),
                    .forEach(options) { o in option(o.0, o.1, selected: o.0 == (selected ?? "\u{0}") || selectedSet.contains(o.0)) })
        )
    }

    /// A checkbox; one of a group sends its own `value` under the group's `name`.
    static func checkbox<C: HTML.BodyContext>(_ id: String, _ name: String, _ label: String, checked: Bool, value: String = "1") -> Node<C> {
        .div(.class("field checkbox"),
             .input(.type(.checkbox), .id(esc(id)), .name(esc(name)), .value(esc(value)), .checked(checked)),
             .label(.for(id), txt(label)))
    }

    // MARK: list

    static func index(patient: Patient, assessments: [AssessmentHeader], safety: SafetyStatus, viewer: User, today: CalendarDate,
                      errors: [FieldError], form: FormFields?, csrf: String?) -> Node<HTML.BodyContext> {
        .group(
            .div(.class("page-title"), .h1(txt("Assessments · " + patient.displayName))),
            SafetyViews.banner(safety, patientID: patient.id, viewer: viewer, csrf: csrf),
            self.chartNav(patient.id, current: .assessments),
            .if(assessments.isEmpty, .p(.text("No assessment yet: start with an initial evaluation."))),
            .if(!assessments.isEmpty, .div(.class("table-wrap"), .table(
                .id("assessment-list"),
                .caption(.text("Initial evaluations and re-evaluations, newest first")),
                .thead(.tr(.th(.text("Date")), .th(.text("Kind")), .th(.text("Clinician")), .th(.text("Summary")))),
                .tbody(.forEach(assessments) { a in
                    .tr(.td(.a(.href(Paths.assessment(patient.id, a.id)), .text(a.assessedOn.description))), .td(.text(a.kind.label)),
                        .td(txt(a.clinicianName)), .td(txt(a.summary)))
                })
            ))),
            .section(
                .id("new-assessment"), .attribute(named: "aria-labelledby", value: "new-assessment-heading"),
                .h2(.id("new-assessment-heading"), .text("Start an assessment")),
                errorSummary(errors),
                .form(
                    .id("assessment-form"), .method(.post), .action(Paths.assessments(patient.id)),
                    csrfField(csrf),
                    self.select("kind", "kind", "Kind", options: AssessmentKind.allCases.map { ($0.rawValue, $0.label) },
                                selected: form?["kind"] ?? (assessments.isEmpty ? AssessmentKind.initial.rawValue : AssessmentKind.reEvaluation.rawValue),
                                errors: errors),
                    self.input("assessedOn", "assessedOn", "Date", value: form?["assessedOn"] ?? today.description, errors: errors, type: .date),
                    self.textarea("summary", "summary", "Summary (optional)", value: form?["summary"], errors: errors),
                    .button(.id("assessment-submit"), .type(.submit), .class("primary"), .text("Start"))
                )
            )
        )
    }

    // MARK: the record page

    static func record(_ d: AssessmentActions.RecordData, viewer: User, csrf: String?) -> Node<HTML.BodyContext> {
        let r = d.record
        let pid = d.patient.id
        func action(_ s: AssessmentController.Section) -> String { Paths.assessmentSection(pid, r.header.id, s.rawValue) }
        return .group(
            .div(.class("page-title"),
                 .h1(txt("\(r.header.kind.label) · \(r.header.assessedOn) · \(d.patient.displayName)"))),
            .p(.class("record-meta"), txt("Record \(d.patient.recordNumber) · born \(d.patient.dateOfBirth) · assessed by \(r.header.clinicianName)"
                                          + (r.baseline.map { " · compared with the baseline of \($0.assessedOn)" } ?? ""))),
            .if(!r.header.summary.isEmpty, .p(txt(r.header.summary))),
            SafetyViews.banner(d.safety, patientID: pid, viewer: viewer, csrf: csrf),
            self.chartNav(pid, current: .assessments),
            .nav(.class("section-nav"), .attribute(named: "aria-label", value: "Sections"),
                 .ul(.forEach(AssessmentController.Section.allCases) { s in .li(.a(.href("#" + s.rawValue), .text(s.title))) })),
            .p(.class("hint print-hint"), .text("This page is the assessment record: print it for a paper copy (the entry links are left out).")),
            .forEach(AssessmentController.Section.allCases) { s in
                self.sectionNode(d, s, link: s == .painMap ? nil : action(s), measure: nil, failed: nil, csrf: csrf, viewer: viewer)
            }
        )
    }

    /// One section: on the record page with a link to its entry page, or on that page with its form.
    static func sectionNode(_ d: AssessmentActions.RecordData, _ s: AssessmentController.Section, link: String?, measure: Instrument?,
                            failed: AssessmentController.Failed?, csrf: String?, viewer: User) -> Node<HTML.BodyContext> {
        let r = d.record
        let action = Paths.assessmentSection(d.patient.id, r.header.id, s.rawValue)
        let errors = failed?.section == s ? failed!.errors : []
        let form = failed?.section == s ? failed!.form : nil
        switch s {
        case .intake: return self.intakeSection(r, action: action, link: link, errors: errors, form: form, csrf: csrf)
        case .safetyScreen: return self.screenSection(d, action: action, link: link, errors: errors, csrf: csrf)
        case .painMap: return self.painMapSection(d)
        case .triggerPoints:
            return self.triggerPointSection(r, action: action, link: link, errors: self.prefixed("tp-", errors), form: form, csrf: csrf)
        case .rangeOfMotion:
            return self.romSection(r, action: action, link: link, errors: self.prefixed("rom-", errors), form: form, csrf: csrf, viewer: viewer)
        case .measures:
            return self.measureSection(d, measure: measure ?? form?["instrument"].flatMap { Instruments.named($0) }, action: action, link: link,
                                       errors: errors, form: form, csrf: csrf)
        case .rootCause: return self.rootCauseSection(r, action: action, link: link, errors: errors, form: form, csrf: csrf)
        }
    }

    /// A section's entry page: the record's header, the safety banner, and the section with its form.
    static func sectionPage(_ d: AssessmentActions.RecordData, _ s: AssessmentController.Section, measure: Instrument?,
                            failed: AssessmentController.Failed?, csrf: String?, viewer: User) -> Node<HTML.BodyContext> {
        let r = d.record
        return .group(
            .div(.class("page-title"), .h1(txt("\(s.title) · \(r.header.kind.label) · \(r.header.assessedOn) · \(d.patient.displayName)"))),
            SafetyViews.banner(d.safety, patientID: d.patient.id, viewer: viewer, csrf: csrf),
            .p(.a(.id("back-to-record"), .href(Paths.assessment(d.patient.id, r.header.id) + "#" + s.rawValue), .text("Back to the assessment"))),
            self.sectionNode(d, s, link: nil, measure: measure, failed: failed, csrf: csrf, viewer: viewer)
        )
    }

    /// Two forms on the record page name a field "side": each form's fields, and so its errors, get a prefix.
    static func prefixed(_ prefix: String, _ errors: [FieldError]) -> [FieldError] {
        errors.map { FieldError(prefix + $0.field, $0.message) }
    }

    static func section(_ s: AssessmentController.Section, _ content: Node<HTML.BodyContext>...) -> Node<HTML.BodyContext> {
        .section(.id(s.rawValue), .class("record-section"), .attribute(named: "aria-labelledby", value: s.rawValue + "-heading"),
                 .h2(.id(s.rawValue + "-heading"), .text(s.title)), .group(content))
    }

    /// A section's entry form. The record page links to the section's own page instead (`link`), so that the
    /// printable record carries no forms and stays light; the section page renders the form (`link` nil).
    static func entryForm(_ label: String, link: String?, _ content: @autoclosure () -> Node<HTML.BodyContext>) -> Node<HTML.BodyContext> {
        guard let link else { return .div(.class("entry-form"), .h3(.text(label)), content()) }
        return .p(.class("entry-link"), .a(.class("button"), .id("open-" + (link.split(separator: "/").last.map(String.init) ?? "")), .href(link), .text(label)))
    }

    // MARK: intake

    static func list(_ items: [String]) -> Node<HTML.BodyContext> {
        items.isEmpty ? .text("none recorded") : .text(items.joined(separator: "; "))
    }

    static func intakeSection(_ r: AssessmentRecord, action: String, link: String?, errors: [FieldError], form: FormFields?, csrf: String?) -> Node<HTML.BodyContext> {
        let today = r.header.assessedOn
        return self.section(
            .intake,
            .unwrap(r.intake) { (e: ClinicalEntry<Intake>) -> Node<HTML.BodyContext> in
                let i = e.value
                let c = i.complaint
                return .div(
                    .id("intake-summary"),
                    .if(r.intakeIsCarriedForward, .p(.class("hint"), .text("Carried forward from \(e.recordedOn); record a new intake to update it."))),
                    .h3(.text("Presenting complaint")),
                    .dl(
                        .dt(.text("Complaint")), .dd(txt(c.summary)),
                        .dt(.text("Onset")), .dd(.text("\(c.onset) · \(c.mechanism.label)"), .unwrap(c.mechanismDetail) { txt(" (\($0))") }),
                        .dt(.text("Duration")), .dd(.id("intake-duration"),
                                                    .text("\(i.durationMonths(asOf: today)) months · " + (i.isChronic(asOf: today) ? "chronic (3 months or more)" : "not chronic (under 3 months)"))),
                        .dt(.text("Aggravating")), .dd(self.list(c.aggravating)),
                        .dt(.text("Easing")), .dd(self.list(c.easing)),
                        .dt(.text("Earlier treatments")), .dd(self.list(c.earlierTreatments)),
                        .dt(.text("Goals, in the patient's words")), .dd(.ul(.forEach(i.goals) { .li(txt("“" + $0 + "”")) }))
                    ),
                    .h3(.text("Health history")),
                    .dl(
                        .dt(.text("Conditions")), .dd(self.list(i.conditions)),
                        .dt(.text("Surgeries")), .dd(self.list(i.surgeries.map { $0.description + ($0.date.map { " (\($0))" } ?? "") })),
                        .dt(.text("Injuries")), .dd(self.list(i.injuries.map { $0.description + ($0.date.map { " (\($0))" } ?? "") })),
                        .dt(.text("Medications")), .dd(self.list(i.medications.map { m in
                            m.name + (m.dose.map { " \($0)" } ?? "") + (m.anticoagulant ? " [anticoagulant/antiplatelet]" : "") + (m.corticosteroid ? " [corticosteroid]" : "")
                        })),
                        .dt(.text("Allergies")), .dd(self.list(i.allergies + (i.lotionOrOilAllergy ? ["oils or lotions" + (i.lotionOrOilAllergyDetail.map { ": \($0)" } ?? "")] : []))),
                        .dt(.text("Pregnancy")), .dd(.text(i.pregnancy.label)),
                        .dt(.text("Implanted devices")), .dd(self.list(i.implantedDevices))
                    )
                )
            },
            .if(r.intake == nil, .p(.text("No intake recorded yet."))),
            self.entryForm(r.intake == nil ? "Record the intake" : "Record an updated intake", link: link,
                           self.intakeForm(action: action, errors: errors, form: form, csrf: csrf))
        )
    }

    static func intakeForm<C: HTML.BodyContext>(action: String, errors: [FieldError], form f: FormFields?, csrf: String?) -> Node<C> {
        .form(
            .id("intake-form"), .method(.post), .action(action),
            csrfField(csrf),
            errorSummary(errors),
            .fieldset(
                legend("Presenting complaint"),
                self.textarea("complaint.summary", "complaint[summary]", "What brings the patient in", value: f?["complaint[summary]"], errors: errors, rows: 2),
                self.input("complaint.onset", "complaint[onset]", "Onset date", value: f?["complaint[onset]"], errors: errors, type: .date),
                self.select("complaint.mechanism", "complaint[mechanism]", "How it started",
                            options: [("", "Choose…")] + OnsetMechanism.allCases.map { ($0.rawValue, $0.label) }, selected: f?["complaint[mechanism]"], errors: errors),
                self.input("complaint.mechanismDetail", "complaint[mechanismDetail]", "Details of how it started (optional)", value: f?["complaint[mechanismDetail]"], errors: errors),
                self.textarea("complaint.aggravating", "complaint[aggravating]", "What makes it worse (one per line)", value: f?["complaint[aggravating]"], errors: errors),
                self.textarea("complaint.easing", "complaint[easing]", "What eases it (one per line)", value: f?["complaint[easing]"], errors: errors),
                self.textarea("complaint.earlierTreatments", "complaint[earlierTreatments]", "Earlier treatments (one per line)", value: f?["complaint[earlierTreatments]"], errors: errors)
            ),
            .fieldset(
                legend("The patient's goals"),
                self.textarea("goals", "goals", "Goals in the patient's own words (one per line)", value: f?["goals"], errors: errors,
                              hint: "For example: “Sleep through the night without my shoulder waking me.”")
            ),
            .fieldset(
                legend("Health history"),
                self.textarea("conditions", "conditions", "Conditions (one per line)", value: f?["conditions"], errors: errors),
                .forEach(["surgeries", "injuries"]) { name in
                    .fieldset(legend(name == "surgeries" ? "Surgeries" : "Injuries"), .forEach(0..<AssessmentForms.eventRows) { i in
                        .div(.class("row"),
                             self.input("\(name)[\(i)].description", "\(name)[\(i)][description]", "\(name == "surgeries" ? "Surgery" : "Injury") \(i + 1)",
                                        value: f?["\(name)[\(i)][description]"], errors: errors),
                             self.input("\(name)[\(i)].date", "\(name)[\(i)][date]", "Date", value: f?["\(name)[\(i)][date]"], errors: errors, type: .date))
                    })
                },
                .fieldset(legend("Medications"), .p(.class("hint"), .text("Anticoagulants, antiplatelets and systemic corticosteroids are also recognised by name.")),
                          .forEach(0..<AssessmentForms.medicationRows) { i in
                    .div(.class("row"),
                         self.input("medications[\(i)].name", "medications[\(i)][name]", "Medication \(i + 1)", value: f?["medications[\(i)][name]"], errors: errors),
                         self.input("medications[\(i)].dose", "medications[\(i)][dose]", "Dose", value: f?["medications[\(i)][dose]"], errors: errors),
                         self.checkbox("medications[\(i)].anticoagulant", "medications[\(i)][anticoagulant]", "Anticoagulant or antiplatelet",
                                       checked: f?.flag("medications[\(i)][anticoagulant]") ?? false),
                         self.checkbox("medications[\(i)].corticosteroid", "medications[\(i)][corticosteroid]", "Corticosteroid",
                                       checked: f?.flag("medications[\(i)][corticosteroid]") ?? false))
                }),
                self.textarea("allergies", "allergies", "Allergies (one per line)", value: f?["allergies"], errors: errors),
                self.checkbox("lotionOrOilAllergy", "lotionOrOilAllergy", "Allergic or sensitive to oils or lotions", checked: f?.flag("lotionOrOilAllergy") ?? false),
                self.input("lotionOrOilAllergyDetail", "lotionOrOilAllergyDetail", "Which oils or lotions", value: f?["lotionOrOilAllergyDetail"], errors: errors),
                self.select("pregnancy", "pregnancy", "Pregnancy", options: [("notApplicable", "Not applicable"), ("no", "Not pregnant"), ("yes", "Pregnant")],
                            selected: f?["pregnancy"] ?? "notApplicable", errors: errors),
                self.input("pregnancyWeeks", "pregnancyWeeks", "Weeks of pregnancy (if pregnant)", value: f?["pregnancyWeeks"], errors: errors, type: .number),
                self.textarea("implantedDevices", "implantedDevices", "Implanted devices (one per line)", value: f?["implantedDevices"], errors: errors,
                              hint: "Pacemaker, pump, stimulator, port, joint replacement…")
            ),
            .button(.id("intake-submit"), .type(.submit), .class("primary"), .text("Save intake"))
        )
    }

    // MARK: safety screen

    static func screenSection(_ d: AssessmentActions.RecordData, action: String, link: String?, errors: [FieldError], csrf: String?) -> Node<HTML.BodyContext> {
        let r = d.record
        let facts = r.intake?.value.facts(asOf: r.header.assessedOn) ?? []
        return self.section(
            .safetyScreen,
            .if(r.screens.isEmpty, .p(.text("Not screened yet in this assessment."))),
            .forEach(r.screens) { s in
                let yes = s.value.answers.filter(\.answer)
                return .div(
                    .class("screen-result"),
                    .p(.text("Screened \(s.recordedOn) by "), txt(s.recordedByName), .text(": "),
                       .text(yes.isEmpty ? "no positive answers" : "\(yes.count) positive answer\(yes.count == 1 ? "" : "s")"),
                       .text(s.value.hold ? " · treatment put on hold" : "")),
                    .ul(.forEach(s.value.precautions) { p in
                        .li(.strong(txt(p.action.label + ": ")), txt(p.title), .unwrap(p.region) { .text(" — \($0.name)") })
                    })
                )
            },
            self.entryForm("Ask the safety-screen questions", link: link,
                           SafetyViews.screenForm(rules: d.rules, action: action, visitOnly: false, facts: facts, errors: errors, csrf: csrf))
        )
    }

    // MARK: pain map

    static func marks(_ map: PainMap?, triggerPoints: [TriggerPointFinding] = []) -> [String: [RegionMark]] {
        var marks: [String: [RegionMark]] = [:]
        for m in map?.markings ?? [] {
            marks[m.region.code, default: []].append(RegionMark(kind: .pain(intensity: m.intensity), label: self.markingText(m)))
        }
        var counts: [String: Int] = [:]
        for f in triggerPoints {
            if let region = TriggerPointCatalog.region(of: f) { counts[region.code, default: 0] += 1 }
        }
        for (code, n) in counts {
            marks[code, default: []].append(RegionMark(kind: .triggerPoint(count: n), label: "\(n) trigger point\(n == 1 ? "" : "s")"))
        }
        // Where the active trigger points usually refer (§5, Travell & Simons): a hypothesis, hatched.
        var referral: [String: [String]] = [:]
        for f in triggerPoints where f.state == .active {
            let name = TriggerPointCatalog.muscle(f.muscle)?.name ?? f.muscle
            for r in TriggerPointCatalog.referralRegions(of: f) { referral[r.code, default: []].append("\(f.side.label.lowercased()) \(name.lowercased())") }
        }
        for (code, muscles) in referral {
            marks[code, default: []].append(RegionMark(kind: .referral, label: "usual referral of " + Array(Set(muscles)).sorted().joined(separator: ", ")))
        }
        return marks
    }

    static func markingText(_ m: PainMarking) -> String {
        ([m.region.name + ": \(m.intensity)/10"] + (m.qualities.isEmpty ? [] : [m.qualities.map(\.label).joined(separator: ", ").lowercased()])
            + [m.pattern.label.lowercased()] + (m.note.isEmpty ? [] : [m.note])).joined(separator: ", ")
    }

    static func svg(_ marks: [String: [RegionMark]], title: String, description: String, linkPrefix: String?, id: String) -> Node<HTML.BodyContext> {
        .div(.class("bodymap-wrap"), .raw(BodyMapSVG.render(marks: marks, title: title, description: description, linkPrefix: linkPrefix, idPrefix: id)))
    }

    static func painMapSection(_ d: AssessmentActions.RecordData) -> Node<HTML.BodyContext> {
        let r = d.record
        let pid = d.patient.id
        let last = r.painMaps.last
        return self.section(
            .painMap,
            .unwrap(last) { e in
                .group(
                    .p(.text("Pain map of \(e.recordedOn), with this assessment's trigger points. \(e.value.markings.count) region\(e.value.markings.count == 1 ? "" : "s") marked.")),
                    self.svg(self.marks(e.value, triggerPoints: r.triggerPoints.map(\.value)), title: "Pain map of \(e.recordedOn)",
                             description: "Front and back views; each marked region shows its intensity out of 10; TP marks trigger points; hatching shows where active trigger points usually refer.",
                             linkPrefix: nil, id: "map-current-"),
                    .raw(BodyMapSVG.legend(kinds: [.pain(intensity: 5), .triggerPoint(count: 1), .referral])),
                    self.markingsTable(e.value, caption: "Marked regions on \(e.recordedOn)", id: "markings-table")
                )
            },
            .if(last == nil, .p(.text("No pain map in this assessment yet."))),
            .if(!r.painMapChanges.isEmpty, self.changesTable(r.painMapChanges,
                                                             caption: "Change since the previous assessment's map (\(r.previousPainMap?.recordedOn.description ?? ""))",
                                                             id: "map-changes")),
            .p(.class("entry-link"), .a(.class("button primary"), .id("record-pain-map"), .href(Paths.assessmentSection(pid, r.header.id, AssessmentController.Section.painMap.rawValue)),
                  .text(last == nil ? "Record a pain map" : "Record a new pain map"))),
            .p(.class("no-print"), .a(.class("button"), .id("compare-maps"), .href(Paths.comparePainMaps(pid)), .text("Compare two dates")))
        )
    }

    static func markingsTable(_ map: PainMap, caption: String, id: String) -> Node<HTML.BodyContext> {
        .div(.class("table-wrap"), .table(
            .id(id), .caption(txt(caption)),
            .thead(.tr(.th(.text("Region")), .th(.text("SNOMED CT")), .th(.text("Intensity (0–10)")), .th(.text("Quality")), .th(.text("Pattern")), .th(.text("Note")))),
            .tbody(.forEach(map.markings) { m in
                .tr(.td(.text(m.region.name)), .td(.text(m.region.bodyArea.snomed ?? "—")), .td(.text("\(m.intensity)")),
                    .td(.text(m.qualities.map(\.label).joined(separator: ", "))), .td(.text(m.pattern.label)), .td(txt(m.note)))
            })
        ))
    }

    static func changesTable(_ changes: [RegionChange], caption: String, id: String) -> Node<HTML.BodyContext> {
        .div(.class("table-wrap"), .table(
            .id(id), .caption(txt(caption)),
            .thead(.tr(.th(.text("Region")), .th(.text("Change")), .th(.text("Before")), .th(.text("After")), .th(.text("Difference")),
                       .th(.text("Beyond the NRS meaningful change (2 points)")))),
            .tbody(.forEach(changes) { c in
                .tr(.class("change-" + c.kind.rawValue), .td(.text(c.region.name)), .td(.text(c.kind.label)),
                    .td(.text(c.earlier.map { "\($0)" } ?? "—")), .td(.text(c.later.map { "\($0)" } ?? "—")),
                    .td(.text(self.signed(Double(c.delta)))), .td(.text(c.beyondMeaningfulChange ? "yes" : "no")))
            })
        ))
    }

    static func changeMarks(_ changes: [RegionChange]) -> [String: [RegionMark]] {
        var marks: [String: [RegionMark]] = [:]
        for c in changes {
            let kind: RegionMark.Kind = switch c.kind {
            case .new: .new(intensity: c.later ?? 0)
            case .resolved: .resolved
            case .better: .better(delta: c.delta)
            case .worse: .worse(delta: c.delta)
            case .unchanged: .unchanged
            }
            marks[c.region.code, default: []].append(RegionMark(
                kind: kind, label: "\(c.kind.label): \(c.earlier.map { "\($0)" } ?? "none") → \(c.later.map { "\($0)" } ?? "none")"))
        }
        return marks
    }

    /// The pain map's own page: the clickable drawing and, for keyboard and screen-reader users, the same
    /// regions as a form grouped by body part (each region's row is the target of its drawing's link).
    static func painMapPage(_ d: AssessmentActions.RecordData, viewer: User, errors: [FieldError], form f: FormFields?, csrf: String?) -> Node<HTML.BodyContext> {
        let r = d.record
        let pid = d.patient.id
        let current = r.painMaps.last?.value
        let groups: [(String, [BodyArea])] = [
            ("Head and neck", ["forehead", "temple", "eye", "jaw", "throat", "vertex", "occiput", "ear", "neck-back"]),
            ("Shoulders, chest and back", ["shoulder-top", "shoulder-front", "shoulder-back", "sternum", "chest", "chest-lateral", "scapula",
                                           "interscapular", "midback", "abdomen", "lowback", "sacroiliac", "sacrum"]),
            ("Arms and hands", ["arm-front", "arm-back", "elbow-lateral", "elbow-medial", "forearm-volar", "forearm-dorsal", "wrist-volar",
                                "wrist-dorsal", "palm", "hand-dorsal", "hand-radial", "hand-ulnar"]),
            ("Hips and legs", ["groin", "hip-lateral", "buttock", "thigh-front", "thigh-medial", "thigh-lateral", "thigh-back", "knee-front",
                               "knee-back", "shin", "leg-lateral", "calf", "ankle", "heel", "foot-top", "sole"]),
        ].map { ($0.0, $0.1.compactMap(BodyRegions.area)) }
        return .group(
            .div(.class("page-title"), .h1(txt("Pain map · \(r.header.assessedOn) · \(d.patient.displayName)"))),
            SafetyViews.banner(d.safety, patientID: pid, viewer: viewer, csrf: csrf),
            .p(.a(.href(Paths.assessment(pid, r.header.id) + "#pain-map"), .text("Back to the assessment"))),
            .p(.text("Tap or click a region on the drawing to record it, or use the form below: open a region, choose its intensity from 0 to 10, its quality and pattern. Regions left without an intensity are not marked."),
               .if(current != nil, .text(" The form starts from this assessment's last map; saving records a new dated map."))),
            errorSummary(errors),
            self.svg(self.marks(current), title: "Body map: choose a region", description: "Front and back views of the body; every region links to its row of the form below.",
                     linkPrefix: "#mark-", id: "map-edit-"),
            .form(
                .id("pain-map-form"), .method(.post), .action(Paths.assessmentSection(pid, r.header.id, AssessmentController.Section.painMap.rawValue)),
                csrfField(csrf),
                .forEach(groups) { group in
                    .fieldset(
                        .class("region-group"), legend(group.0),
                        .forEach(group.1.flatMap { a in BodyRegions.all.filter { $0.area == a.code } }) { region in
                            let code = region.code
                            let p = "markings[\(code)]"
                            let existing = current?.marking(at: region)
                            let intensity = f.map { $0["\(p)[intensity]"] } ?? existing.map { "\($0.intensity)" }
                            let mine = errors.filter { $0.field.hasPrefix("mark-\(code)-") }
                            let qualities = Set(f.map { $0.list("\(p)[qualities][]") } ?? existing?.qualities.map(\.rawValue) ?? [])
                            return .details(
                                .id("mark-" + code), .class(mine.isEmpty ? "region-row" : "region-row has-error"),
                                .if(intensity != nil || !mine.isEmpty, .open(true)),
                                .summary(.text(region.name), .unwrap(intensity) { .span(.class("badge"), .text(" \($0)/10")) }),
                                .forEach(mine) { e in .p(.class("error"), txt(e.message)) },
                                .div(.class("row"),
                                     .div(.class("field"),
                                          .label(.for("mark-\(code)-intensity"), .text("Intensity")),
                                          .select(.id("mark-\(code)-intensity"), .attribute(named: "name", value: "\(p)[intensity]"),
                                                  .attribute(named: "data-intensity", value: "1"),
                                                  option("", "Not marked", selected: intensity == nil),
                                                  .forEach(0...10) { n in option("\(n)", "\(n)", selected: intensity == "\(n)") })),
                                     .div(.class("field"),
                                          .label(.for("mark-\(code)-pattern"), .text("Pattern")),
                                          .select(.id("mark-\(code)-pattern"), .attribute(named: "name", value: "\(p)[pattern]"),
                                                  .forEach(PainPattern.allCases) { pt in
                                                      option(pt.rawValue, pt.label, selected: (f?["\(p)[pattern]"] ?? existing?.pattern.rawValue ?? "constant") == pt.rawValue)
                                                  }))),
                                .fieldset(.class("qualities"), legend("Quality"),
                                          .forEach(PainQuality.allCases) { q in
                                              .label(.class("choice"),
                                                     .input(.type(.checkbox), .name("\(p)[qualities][]"), .value(q.rawValue), .checked(qualities.contains(q.rawValue))),
                                                     .text(" " + q.label))
                                          }),
                                self.input("mark-\(code)-note", "\(p)[note]", "Note", value: f?["\(p)[note]"] ?? existing?.note, errors: errors)
                            )
                        }
                    )
                },
                .button(.id("pain-map-submit"), .type(.submit), .class("primary"), .text("Save pain map"))
            )
        )
    }

    static func compare(_ c: AssessmentActions.MapComparison, viewer: User, errors: [FieldError], csrf: String?) -> Node<HTML.BodyContext> {
        let pid = c.patient.id
        let options = c.maps.reversed().map { ($0.id.uuidString.lowercased(), "\($0.recordedOn) · \($0.value.markings.count) regions · \($0.recordedByName)") }
        return .group(
            .div(.class("page-title"), .h1(txt("Compare pain maps · " + c.patient.displayName))),
            SafetyViews.banner(c.safety, patientID: pid, viewer: viewer, csrf: csrf),
            self.chartNav(pid, current: .compare),
            errorSummary(errors),
            .if(c.maps.count < 2, .p(.text("Two dated pain maps are needed to compare."))),
            .if(c.maps.count >= 2, .form(
                .id("compare-form"), .method(.get), .action(Paths.comparePainMaps(pid)), .class("inline"),
                self.select("earlier", "earlier", "Earlier map", options: options, selected: c.earlier?.id.uuidString.lowercased(), errors: errors),
                self.select("later", "later", "Later map", options: options, selected: c.later?.id.uuidString.lowercased(), errors: errors),
                .button(.id("compare-submit"), .type(.submit), .class("primary"), .text("Compare"))
            )),
            .unwrap(c.earlier.flatMap { a in c.later.map { (a, $0) } }) { pair in
                .group(
                    .h2(.id("comparison-heading"), .text("\(pair.0.recordedOn) → \(pair.1.recordedOn)")),
                    .p(.id("comparison-summary"), .text(RegionChangeKind.allCases.compactMap { k in
                        let n = c.changes.filter { $0.kind == k }.count
                        return n == 0 ? nil : "\(n) \(k.label.lowercased())"
                    }.joined(separator: " · "))),
                    self.svg(self.changeMarks(c.changes), title: "Change from \(pair.0.recordedOn) to \(pair.1.recordedOn)",
                             description: "Each region shows whether its pain is new, resolved, better, worse or unchanged, with the change in points.",
                             linkPrefix: nil, id: "map-compare-"),
                    .raw(BodyMapSVG.legend(kinds: [.new(intensity: 0), .resolved, .better(delta: -1), .worse(delta: 1), .unchanged])),
                    self.changesTable(c.changes, caption: "Region by region", id: "comparison-table")
                )
            }
        )
    }

    // MARK: trigger points

    static func triggerPointSection(_ r: AssessmentRecord, action: String, link: String?, errors: [FieldError], form f: FormFields?, csrf: String?) -> Node<HTML.BodyContext> {
        let groups = Dictionary(grouping: TriggerPointCatalog.muscles, by: \.group)
        let groupOrder = TriggerPointCatalog.muscles.map(\.group).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return self.section(
            .triggerPoints,
            .if(r.triggerPoints.isEmpty, .p(.text("No trigger-point findings in this assessment."))),
            .if(!r.triggerPoints.isEmpty, .div(.class("table-wrap"), .table(
                .id("trigger-point-table"), .caption(.text("Findings (hypotheses for the therapist, never a diagnosis)")),
                .thead(.tr(.th(.text("Muscle")), .th(.text("Side")), .th(.text("Active/latent")), .th(.text("Tenderness (0–3)")),
                           .th(.text("Taut band")), .th(.text("Twitch")), .th(.text("Referral reproduced")), .th(.text("Expected referral (catalog)")), .th(.text("Note")))),
                .tbody(.forEach(r.triggerPoints) { e in
                    let f = e.value
                    let muscle = TriggerPointCatalog.muscle(f.muscle)
                    return .tr(.td(txt(muscle?.name ?? f.muscle)), .td(.text(f.side.label)), .td(.text(f.state.rawValue)), .td(.text("\(f.tenderness)")),
                               .td(.text(f.tautBand ? "yes" : "no")), .td(.text(f.twitchResponse ? "yes" : "no")),
                               .td(.text(f.reproducedRegions.map(\.name).joined(separator: ", "))),
                               .td(txt(muscle.map { "\($0.referralText) (\($0.confidence == .confirmed ? "confirmed" : "uncertain"); \($0.source))" } ?? "")),
                               .td(txt(f.note)))
                })
            ))),
            .if(!r.triggerPointChanges.isEmpty, .div(.class("table-wrap"), .table(
                .id("trigger-point-changes"), .caption(txt("Since the previous assessment (\(r.previous?.assessedOn.description ?? ""))")),
                .thead(.tr(.th(.text("Muscle")), .th(.text("Side")), .th(.text("Change")), .th(.text("Before")), .th(.text("After")))),
                .tbody(.forEach(r.triggerPointChanges) { c in
                    .tr(.td(txt(TriggerPointCatalog.muscle(c.muscle)?.name ?? c.muscle)), .td(.text(c.side.label)), .td(.text(c.change.rawValue)),
                        .td(.text(c.earlier.map { "\($0.state.rawValue), \($0.tenderness)/3" } ?? "—")),
                        .td(.text(c.later.map { "\($0.state.rawValue), \($0.tenderness)/3" } ?? "—")))
                })
            ))),
            self.entryForm("Record a trigger point", link: link,
                .form(
                    .id("trigger-point-form"), .method(.post), .action(action),
                    csrfField(csrf),
                    errorSummary(errors),
                    .div(.class(errors.contains { $0.field == "tp-muscle" } ? "field has-error" : "field"),
                         .label(.for("tp-muscle"), .text("Muscle")),
                         .forEach(errors.filter { $0.field == "tp-muscle" }) { e in .p(.class("error"), txt(e.message)) },
                         .select(.id("tp-muscle"), .attribute(named: "name", value: "muscle"),
                                 option("", "Choose a muscle…", selected: f?["muscle"] == nil),
                                 .forEach(groupOrder) { g in
                                     .element(named: "optgroup", nodes: [.attribute(named: "label", value: esc(g)),
                                        .forEach(groups[g] ?? []) { m in option(m.code, m.name, selected: f?["muscle"] == m.code) }])
                                 })),
                    self.select("tp-side", "side", "Side", options: [("", "Choose…")] + Side.allCases.map { ($0.rawValue, $0.label) }, selected: f?["side"], errors: errors),
                    self.select("tp-state", "state", "Active or latent", options: TriggerPointState.allCases.map { ($0.rawValue, $0.rawValue.capitalized) },
                                selected: f?["state"], errors: errors),
                    self.select("tp-tenderness", "tenderness", "Tenderness (0 none – 3 severe, with jump sign)", options: (0...3).map { ("\($0)", "\($0)") },
                                selected: f?["tenderness"], errors: errors),
                    self.checkbox("tp-tautBand", "tautBand", "Taut band palpable", checked: f?.flag("tautBand") ?? false),
                    self.checkbox("tp-twitchResponse", "twitchResponse", "Local twitch response", checked: f?.flag("twitchResponse") ?? false),
                    self.select("tp-reproducedRegions", "reproducedRegions", "Referral regions reproduced (choose any)",
                                options: BodyRegions.all.map { ($0.code, $0.name) }, selected: nil, errors: errors, multiple: true,
                                selectedSet: Set(f?.list("reproducedRegions") ?? [])),
                    self.input("tp-note", "note", "Note", value: f?["note"], errors: errors),
                    .button(.id("trigger-point-submit"), .type(.submit), .class("primary"), .text("Save finding"))
                ))
        )
    }

    // MARK: range of motion

    static func romSection(_ r: AssessmentRecord, action: String, link: String?, errors: [FieldError], form f: FormFields?, csrf: String?, viewer: User) -> Node<HTML.BodyContext> {
        self.section(
            .rangeOfMotion,
            .if(r.rangeOfMotion.isEmpty, .p(.text("No range-of-motion measurement in this assessment."))),
            .if(!r.rangeOfMotion.isEmpty, .div(.class("table-wrap"), .table(
                .id("rom-table"), .caption(.text("Measured against AAOS norms (VA 38 CFR 4.71 where it differs); CLINICAL-REFERENCE §2")),
                .thead(.tr(.th(.text("Joint and motion")), .th(.text("Side")), .th(.text("Mode")), .th(.text("Degrees")), .th(.text("Method, examiner")),
                           .th(.text("Normal")), .th(.text("% of normal")), .th(.text("Side-to-side")), .th(.text("Since baseline")))),
                .tbody(.forEach(r.rangeOfMotion) { row in
                    let m = row.entry.value
                    let ev = row.evaluation
                    let norm = ROMNorms.norm(joint: m.joint, motion: m.motion)
                    return .tr(
                        .td(txt("\(norm?.jointName ?? m.joint) \(norm?.motionName.lowercased() ?? m.motion)")),
                        .td(.text(m.side?.label ?? "—")), .td(.text(m.mode.rawValue)), .td(.class("num"), .text(self.num(m.degrees) + "°")),
                        .td(txt("\(m.method.label), \(m.examinerName)")),
                        .td(txt([ev.normAAOS.map { "AAOS \(self.num($0))°" }, ev.vaDiffers ? ev.normVA.map { "VA \(self.num($0))°" } : nil]
                            .compactMap { $0 }.joined(separator: " · ") + (norm.map { " (\($0.source))" } ?? ""))),
                        .td(.class("num"), .text(ev.percentOfNormal.map { self.num($0, digits: 0) + " %" } ?? (ev.percentUnavailableReason ?? "—"))),
                        .td(.class("num"), .text(ev.sideDifference.map { self.num($0) + "°" } ?? "—")),
                        .td(.unwrap(ev.change) { c in
                            .group(.text(self.signed(c.delta) + "° "),
                                   .strong(.text(c.beyondMeasurementError ? "beyond measurement error" : "within measurement error")),
                                   .span(.class("hint"), txt(" (threshold \(self.num(c.threshold))°, \(c.thresholdSource); \(c.sameExaminer ? "same examiner" : "different examiner")\(c.note.isEmpty ? "" : "; " + c.note))")))
                        }, .if(ev.change == nil, .text("—")))
                    )
                })
            ))),
            self.entryForm("Record a range-of-motion measurement", link: link,
                .form(
                    .id("rom-form"), .method(.post), .action(action),
                    csrfField(csrf),
                    errorSummary(errors),
                    self.select("rom-joint", "jointMotion", "Joint and motion",
                                options: [("", "Choose…")] + ROMNorms.all.map { ("\($0.joint)/\($0.motion)", "\($0.jointName): \($0.motionName)") },
                                selected: f?["jointMotion"], errors: errors),
                    self.select("rom-side", "side", "Side", options: [("", "Not sided (spine flexion/extension)")] + Side.allCases.map { ($0.rawValue, $0.label) },
                                selected: f?["side"], errors: errors),
                    self.select("rom-mode", "mode", "Active or passive", options: ROMMode.allCases.map { ($0.rawValue, $0.rawValue.capitalized) },
                                selected: f?["mode"], errors: errors),
                    self.input("rom-degrees", "degrees", "Degrees", value: f?["degrees"], errors: errors, type: .number,
                               hint: "Loss of extension at the elbow or knee as a negative number.", step: "0.5"),
                    self.select("rom-method", "method", "Method", options: ROMMethod.allCases.map { ($0.rawValue, $0.label) }, selected: f?["method"], errors: errors),
                    self.input("rom-examinerName", "examinerName", "Examiner", value: f?["examinerName"] ?? viewer.displayName, errors: errors),
                    self.input("rom-position", "position", "Position (optional)", value: f?["position"], errors: errors),
                    .button(.id("rom-submit"), .type(.submit), .class("primary"), .text("Save measurement"))
                ))
        )
    }

    // MARK: outcome measures

    static func measureSection(_ d: AssessmentActions.RecordData, measure: Instrument?, action: String, link: String?, errors: [FieldError], form f: FormFields?,
                               csrf: String?) -> Node<HTML.BodyContext> {
        let r = d.record
        return self.section(
            .measures,
            .if(r.measures.isEmpty, .p(.text("No outcome measure in this assessment."))),
            .if(!r.measures.isEmpty, .div(.class("table-wrap"), .table(
                .id("measure-table"), .caption(.text("Scores, bands and change since the baseline evaluation (CLINICAL-REFERENCE §1)")),
                .thead(.tr(.th(.text("Instrument")), .th(.text("Score")), .th(.text("Band")), .th(.text("Baseline")), .th(.text("Change")), .th(.text("Classification")))),
                .tbody(.forEach(r.measures) { row in
                    let s = row.entry.value.score
                    return .tr(
                        .attribute(named: "data-instrument", value: esc(row.instrument.code)),
                        .td(txt(row.instrument.name), .unwrap(row.instrument.loinc) { .span(.class("hint"), .text(" LOINC \($0)")) }),
                        .td(.class("num"), .text(self.num(s.value, digits: 2)), .unwrap(s.percent) { .text(" (\(self.num($0)) %)") },
                            .unwrap(s.missingItemNote) { .span(.class("hint"), txt(" · \($0)")) },
                            .if(row.instrument.code == "PSFS", .span(.class("hint"), txt(" · " + row.entry.value.answers.activities.map { "\($0.name) \($0.score.map { self.num($0) } ?? "–")" }.joined(separator: "; "))))),
                        .td(txt(s.band ?? "—"), .unwrap(row.instrument.bandsSource) { .span(.class("hint"), txt(" (\($0))")) }),
                        .td(.text(row.baseline.map { "\(self.num($0.value.score.value, digits: 2)) on \($0.recordedOn)" } ?? "—")),
                        .td(.unwrap(row.change) { c in
                            .text(self.signed(c.absoluteChange) + (c.percentImprovement.map { " (\(self.num($0, digits: 0)) % better)" } ?? (c.percentUnavailableReason.map { " (\($0))" } ?? "")))
                        }),
                        .td(.unwrap(row.change) { c in
                            .group(.strong(.text(c.classification.map { $0 == .improved ? "Improved beyond the meaningful change" : $0 == .worse ? "Worse beyond the meaningful change" : "Within noise" } ?? (c.unclassifiedReason ?? "—"))),
                                   .unwrap(c.immpact) { .text(" · IMMPACT: \($0.rawValue)") },
                                   .unwrap(c.citation) { .span(.class("hint"), txt(" (\($0))")) })
                        })
                    )
                })
            ))),
            self.entryForm("Record an outcome measure", link: link, .group(
            .form(
                .id("measure-choose"), .method(.get), .action(action), .class("inline"),
                self.select("measure", "measure", "Record an outcome measure", options: Instruments.all.map { ($0.code, $0.name + ($0.kind == .scoreEntry ? " (score entry)" : "")) },
                            selected: measure?.code, errors: []),
                .button(.id("measure-choose-submit"), .type(.submit), .text("Open"))
            ),
                .unwrap(measure) { inst in self.measureForm(inst, psfs: d.psfsActivities, action: action, errors: errors, form: f, csrf: csrf) }
            ))
        )
    }

    static func measureForm(_ inst: Instrument, psfs: [String], action: String, errors: [FieldError], form f: FormFields?, csrf: String?) -> Node<HTML.BodyContext> {
        func range(_ r: ClosedRange<Double>) -> String { "\(self.num(r.lowerBound))–\(self.num(r.upperBound))" }
        let items: Node<HTML.FormContext>
        switch inst.kind == .scoreEntry ? .scoreOnly : inst.missingItemRule {
        case .atLeastOneActivity(let max):
            items = .fieldset(legend("Activities the patient names, each rated 0 (unable) to 10 (as before)"),
                              .p(.class("hint"), .text(psfs.isEmpty ? "Ask for up to \(max) activities the patient has difficulty with." : "Carried forward from the last PSFS; rate each again.")),
                              .forEach(0..<min(max, AssessmentForms.psfsRows)) { i in
                .div(.class("row"),
                     self.input("activities[\(i)].name", "activities[\(i)][name]", "Activity \(i + 1)", value: f?["activities[\(i)][name]"] ?? (i < psfs.count ? psfs[i] : nil), errors: errors),
                     self.input("activities[\(i)].score", "activities[\(i)][score]", "Rating", value: f?["activities[\(i)][score]"], errors: errors, type: .number,
                                min: "0", max: "10"))
            })
        case .scoreOnly:
            items = .group(
                .p(.class("hint"), .text("Licensed instrument: administer it on the licensed form and enter the total here (the items are not reproduced).")),
                self.input("score", "score", "Score (\(range(inst.range)))", value: f?["score"], errors: errors, type: .number,
                           step: "any"))
        default:
            items = .forEach(inst.items) { item in
                self.input("answers.\(item.code)", "items[\(item.code)]", "\(item.label) (\(range(item.range)))" + (item.loinc.map { " · LOINC \($0)" } ?? ""),
                           value: f?["items[\(item.code)]"], errors: errors, type: .number,
                           min: self.num(item.range.lowerBound), max: self.num(item.range.upperBound), step: item.integer ? "1" : "any")
            }
        }
        return .form(
            .id("measure-form"), .method(.post), .action(action),
            csrfField(csrf),
            .h3(txt(inst.name)),
            .p(.class("hint"), txt("Range \(range(inst.range)), \(inst.direction == .higherIsWorse ? "higher is worse" : "higher is better"). \(inst.source)"
                                   + (inst.meaningfulChange.map { " Meaningful change: \($0.citation)." } ?? ""))),
            errorSummary(errors),
            .input(.type(.hidden), .name("instrument"), .value(esc(inst.code))),
            items,
            .button(.id("measure-submit"), .type(.submit), .class("primary"), .text("Score and save"))
        )
    }

    // MARK: root cause

    static func rootCauseSection(_ r: AssessmentRecord, action: String, link: String?, errors: [FieldError], form f: FormFields?, csrf: String?) -> Node<HTML.BodyContext> {
        let current = r.rootCause?.value ?? r.previousRootCause
        let muscles = [("", "—")] + TriggerPointCatalog.muscles.map { ($0.code, $0.name) }
        return self.section(
            .rootCause,
            .unwrap(r.rootCause) { e in
                let h = e.value
                return .div(
                    .id("root-cause-summary"),
                    .h3(.text("Suspected source")),
                    .ul(.forEach(h.suspectedSources) { s in
                        .li(txt([s.side?.label, s.muscle.flatMap { TriggerPointCatalog.muscle($0)?.name }, s.structure].compactMap { $0 }.joined(separator: " ")))
                    }),
                    .p(.strong(.text("Evidence: ")), txt(h.evidence)),
                    .div(.class("table-wrap"), .table(
                        .id("factor-table"), .caption(.text("Perpetuating factors and planned self-care")),
                        .thead(.tr(.th(.text("Factor")), .th(.text("Detail")), .th(.text("Self-care action")), .th(.text("Status")))),
                        .tbody(.forEach(h.factors) { fct in
                            .tr(.td(.text(fct.kind.label)), .td(txt(fct.detail)), .td(txt(fct.selfCareAction)),
                                .td(.text(fct.status.label), .if(!fct.statusNote.isEmpty, txt(" — " + fct.statusNote))))
                        })
                    ))
                )
            },
            .unwrap(r.rootCause.flatMap { current in r.previousRootCause.map { RootCauseReview.compare(previous: $0, current: current.value) } }) { review in
                .p(.id("root-cause-review"), .text("Since the previous assessment: "),
                   .text([review.added.isEmpty ? nil : "added " + review.added.map { $0.kind.label.lowercased() }.joined(separator: ", "),
                          review.statusChanged.isEmpty ? nil : review.statusChanged.map { "\($0.factor.kind.label.lowercased()) \($0.from.rawValue) → \($0.to.rawValue)" }.joined(separator: ", "),
                          review.removed.isEmpty ? nil : "no longer listed: " + review.removed.map { $0.kind.label.lowercased() }.joined(separator: ", "),
                          "\(review.kept.count) kept"].compactMap { $0 }.joined(separator: "; ") + "."))
            },
            .if(r.rootCause == nil, .p(.text(r.previousRootCause == nil ? "No hypothesis yet." : "Not reviewed in this assessment: the form starts from the previous hypothesis to confirm, revise or drop each factor."))),
            self.entryForm(r.rootCause == nil ? "Record the root-cause hypothesis" : "Revise the hypothesis", link: link,
                .form(
                    .id("root-cause-form"), .method(.post), .action(action),
                    csrfField(csrf),
                    errorSummary(errors),
                    .fieldset(legend("Suspected source muscles or structures"), .forEach(0..<AssessmentForms.sourceRows) { i in
                        let s = i < (current?.suspectedSources.count ?? 0) ? current!.suspectedSources[i] : nil
                        return .div(.class("row"),
                             self.select("suspectedSources[\(i)].muscle", "sources[\(i)][muscle]", "Muscle \(i + 1)", options: muscles,
                                         selected: f?["sources[\(i)][muscle]"] ?? s?.muscle, errors: errors),
                             self.input("suspectedSources[\(i)].structure", "sources[\(i)][structure]", "or structure", value: f?["sources[\(i)][structure]"] ?? s?.structure, errors: errors),
                             self.select("suspectedSources[\(i)].side", "sources[\(i)][side]", "Side", options: [("", "—")] + Side.allCases.map { ($0.rawValue, $0.label) },
                                         selected: f?["sources[\(i)][side]"] ?? s?.side?.rawValue, errors: errors))
                    }),
                    self.textarea("evidence", "evidence", "Evidence for it", value: f?["evidence"] ?? current?.evidence, errors: errors,
                                  hint: "Findings that point to it: reproduced referral, tender taut bands, movement that provokes the pain…"),
                    .fieldset(legend("Perpetuating factors, each with a planned self-care action"), .forEach(Array(PerpetuatingFactorKind.allCases.enumerated())) { _, kind in
                        let p = "factors[\(kind.rawValue)]"
                        let existing = current?.factors.first { $0.kind == kind }
                        return .div(.class("factor-row"),
                             self.checkbox("factor-\(kind.rawValue)", "\(p)[include]", kind.label, checked: f.map { $0.flag("\(p)[include]") } ?? (existing != nil)),
                             self.input("factor-\(kind.rawValue)-detail", "\(p)[detail]", "Detail", value: f?["\(p)[detail]"] ?? existing?.detail, errors: errors),
                             self.input("factor-\(kind.rawValue)-action", "\(p)[selfCareAction]", "Self-care action", value: f?["\(p)[selfCareAction]"] ?? existing?.selfCareAction, errors: errors),
                             self.select("factor-\(kind.rawValue)-status", "\(p)[status]", "Status", options: FactorStatus.allCases.map { ($0.rawValue, $0.label) },
                                         selected: f?["\(p)[status]"] ?? existing?.status.rawValue, errors: errors))
                    }),
                    .button(.id("root-cause-submit"), .type(.submit), .class("primary"), .text("Save hypothesis"))
                ))
        )
    }
}
