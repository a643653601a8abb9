import Foundation
import KnotworkCore
import Plot

enum PatientViews {
    static func index(user: User, params: PatientController.SearchParams, errors: [FieldError], results: ResultPage<Patient>?,
                      csrf: String?, breakGlassErrors: [FieldError] = [], breakGlassInput: PatientController.BreakGlassForm? = nil) -> Node<HTML.BodyContext> {
        let seesAll = AccessPolicy.seesAllPatients(user.role)
        return .group(
            .div(
                .class("page-title"),
                .h1(.text(seesAll ? "Patients" : "My patients")),
                .if(AccessPolicy.registrarRoles.contains(user.role),
                    .a(.class("button"), .id("new-patient"), .href(Paths.newPatient), .text("New patient")))
            ),
            .p(.class("hint"), .text(seesAll
                ? "Every patient's demographics; clinical records open only to each patient's care team."
                : "Patients whose care team you are on.")),
            errorSummary(errors),
            .form(
                .id("patient-search"), .method(.get), .action(Paths.patients), .attribute(named: "role", value: "search"),
                .div(
                    .class("search-grid"),
                    field("q", "Name", value: params.q, errors: errors, type: .search, hint: "Start of a given or family name"),
                    field("dob", "Date of birth", value: params.dob, errors: errors, type: .date),
                    field("record", "Record number", value: params.record, errors: errors),
                    field("phone", "Phone", value: params.phone, errors: errors, type: .tel)
                ),
                .div(
                    .class("field checkbox"),
                    .input(.type(.checkbox), .id("inactive"), .name("inactive"), .value("1"), .checked(params.inactive == "1")),
                    .label(.for("inactive"), .text("Include deactivated patients"))
                ),
                .button(.id("search-submit"), .type(.submit), .class("primary"), .text("Search"))
            ),
            .unwrap(results) { page in self.results(page, params: params) },
            .if(user.role.mayBreakGlass, self.breakGlassForm(errors: breakGlassErrors, input: breakGlassInput, csrf: csrf))
        )
    }

    static func results(_ page: ResultPage<Patient>, params: PatientController.SearchParams) -> Node<HTML.BodyContext> {
        .section(
            .attribute(named: "aria-labelledby", value: "results-heading"),
            .h2(.id("results-heading"), .text("\(page.total)\(page.totalIsExact ? "" : "+") patient\(page.total == 1 ? "" : "s")")),
            .if(page.items.isEmpty, .p(.text("No patients match."))),
            .if(!page.items.isEmpty, .div(
                .class("table-wrap"),
                .table(
                    .id("patient-results"),
                    .thead(.tr(.th(.text("Name")), .th(.text("Date of birth")), .th(.text("Record")), .th(.text("Phone")), .th(.text("Status")))),
                    .tbody(.forEach(page.items) { p in
                        .tr(
                            .td(.a(.class("patient-link"), .href(Paths.patient(p.id)), txt(p.sortName))),
                            .td(.text(p.dateOfBirth.description)),
                            .td(.text(p.recordNumber)),
                            .td(txt(p.phone ?? "")),
                            .td(.text(p.active ? "Active" : "Deactivated"))
                        )
                    })
                )
            )),
            .if(page.pageCount > 1, .nav(
                .id("pagination"), .attribute(named: "aria-label", value: "Pages"),
                .if(page.page > 1, .a(.rel(.prev), .href(esc(self.pageLink(params, page.page - 1))), .text("Previous"))),
                .span(.text(" Page \(page.page) of \(page.pageCount) ")),
                .if(page.page < page.pageCount, .a(.rel(.next), .href(esc(self.pageLink(params, page.page + 1))), .text("Next")))
            ))
        )
    }

    static func pageLink(_ p: PatientController.SearchParams, _ page: Int) -> String {
        Paths.query(Paths.patients, [("q", p.q), ("dob", p.dob), ("record", p.record), ("phone", p.phone),
                                     ("inactive", p.inactive), ("page", String(page))])
    }

    static func breakGlassForm(errors: [FieldError], input: PatientController.BreakGlassForm?, csrf: String?) -> Node<HTML.BodyContext> {
        .details(
            .class("break-glass"), .if(!errors.isEmpty, .open(true)),
            .summary(.text("Emergency access to a patient outside your care team")),
            .p(.text("Use only in an emergency. Access lasts a limited time, and every use is flagged in the audit report.")),
            errorSummary(errors),
            .form(
                .id("break-glass"), .method(.post), .action(Paths.breakGlass),
                csrfField(csrf),
                field("recordNumber", "Record number", value: input?.recordNumber, errors: errors, required: true),
                field("reason", "Reason", value: input?.reason, errors: errors, required: true),
                .button(.type(.submit), .class("danger"), .text("Open with emergency access"))
            )
        )
    }

    static func form(action: String, title: String, input: PatientInput, errors: [FieldError], duplicates: [Patient], csrf: String?) -> Node<HTML.BodyContext> {
        .group(
            .h1(txt(title)),
            errorSummary(errors),
            .if(!duplicates.isEmpty, .div(
                .id("duplicate-warning"), .class("notice"), .attribute(named: "role", value: "alert"),
                .h2(.text("This may be a patient who is already registered")),
                .p(.text("A patient with the same name and date of birth exists:")),
                .ul(.forEach(duplicates) { d in
                    .li(.a(.href(Paths.patient(d.id)), txt(d.sortName)), .text(" · \(d.dateOfBirth) · \(d.recordNumber)"))
                }),
                .p(.text("Open that record instead, or confirm below that this is a different person."))
            )),
            .form(
                .id("patient-form"), .method(.post), .action(esc(action)), .attribute(named: "novalidate", value: nil, ignoreIfValueIsEmpty: false),
                csrfField(csrf),
                .fieldset(
                    legend("Name and birth"),
                    field("givenName", "Given name", value: input.givenName, errors: errors, required: true, autocomplete: "off"),
                    field("familyName", "Family name", value: input.familyName, errors: errors, required: true, autocomplete: "off"),
                    field("dateOfBirth", "Date of birth", value: input.dateOfBirth, errors: errors, type: .date, required: true, hint: "YYYY-MM-DD"),
                    selectField("sex", "Sex", options: [("", "Choose…")] + AdministrativeSex.allCases.map { ($0.rawValue, $0.label) },
                                selected: input.sex, errors: errors, required: true)
                ),
                .fieldset(
                    legend("Contact"),
                    field("phone", "Phone", value: input.phone, errors: errors, type: .tel),
                    field("email", "Email", value: input.email, errors: errors, type: .email),
                    field("addressLine", "Address", value: input.addressLine, errors: errors),
                    field("city", "City", value: input.city, errors: errors),
                    field("state", "State", value: input.state, errors: errors),
                    field("postalCode", "Postal code", value: input.postalCode, errors: errors)
                ),
                .if(!duplicates.isEmpty, .div(
                    .class("field checkbox"),
                    .input(.type(.checkbox), .id("confirmDuplicate"), .name("confirmDuplicate"), .value("1")),
                    .label(.for("confirmDuplicate"), .text("This is a different person; create a new record"))
                )),
                .button(.id("patient-submit"), .type(.submit), .class("primary"), .text("Save"))
            )
        )
    }

    static func show(chart: PatientActions.Chart, viewer: User, candidates: [User], breakGlass: Bool,
                     errors: [FieldError], screenErrors: [FieldError], holdErrors: [FieldError], csrf: String?) -> Node<HTML.BodyContext> {
        let patient = chart.patient
        let team = chart.team
        let manages = AccessPolicy.teamManagerRoles.contains(viewer.role)
        let teamIDs = Set(team.map(\.user.id))
        let primaryID = team.first(where: \.isPrimary)?.user.id
        return .group(
            .if(breakGlass, .p(.class("notice danger"), .attribute(named: "role", value: "alert"),
                               .text("You opened this record with emergency access. Your access is time-limited and audited."))),
            .div(
                .class("page-title"),
                .h1(txt(patient.displayName)),
                .if(!patient.active, .span(.class("badge"), .text("Deactivated")))
            ),
            SafetyViews.banner(chart.safety, patientID: patient.id, viewer: viewer, csrf: csrf, errors: holdErrors),
            .unwrap(chart.safety) { _ in AssessmentViews.chartNav(patient.id, current: .overview) },
            ReferralViews.counters(chart.counters, today: chart.today, patientID: patient.id),
            .unwrap(chart.safety) { _ in
                .section(
                    .id("assessments-summary"), .attribute(named: "aria-labelledby", value: "assessments-summary-heading"),
                    .h2(.id("assessments-summary-heading"), .text("Assessments")),
                    .if(chart.assessments.isEmpty, .p(.text("No assessment yet."))),
                    .ul(.forEach(chart.assessments.reversed()) { a in
                        .li(.a(.href(Paths.assessment(patient.id, a.id)), .text("\(a.kind.label) · \(a.assessedOn)")), txt(" · " + a.clinicianName))
                    }),
                    .a(.class("button primary"), .id("start-assessment"), .href(Paths.assessments(patient.id) + "#new-assessment"), .text("Start an assessment")),
                    .details(
                        .id("visit-screen"),
                        .if(!screenErrors.isEmpty, .open(true)),
                        .summary(.text("Re-ask the red-flag questions (any visit)")),
                        SafetyViews.screenForm(rules: chart.rules, action: Paths.visitScreen(patient.id), visitOnly: true, facts: [],
                                               errors: screenErrors, csrf: csrf)
                    )
                )
            },
            ScheduleViews.summary(patient.id, upcoming: chart.upcoming),
            .section(
                .id("demographics"), .attribute(named: "aria-labelledby", value: "demographics-heading"),
                .h2(.id("demographics-heading"), .text("Demographics")),
                .dl(
                    .dt(.text("Record number")), .dd(.text(patient.recordNumber)),
                    .dt(.text("Date of birth")), .dd(.text(patient.dateOfBirth.description)),
                    .dt(.text("Sex")), .dd(.text(patient.sex.label)),
                    .dt(.text("Phone")), .dd(txt(patient.phone ?? "—")),
                    .dt(.text("Email")), .dd(txt(patient.email ?? "—")),
                    .dt(.text("Address")), .dd(txt([patient.addressLine, patient.city, patient.state, patient.postalCode].compactMap { $0 }.joined(separator: ", ")))
                ),
                .a(.class("button"), .id("edit-patient"), .href(Paths.editPatient(patient.id)), .text("Edit demographics"))
            ),
            .section(
                .id("care-team"), .attribute(named: "aria-labelledby", value: "care-team-heading"),
                .h2(.id("care-team-heading"), .text("Care team")),
                .if(team.isEmpty, .p(.text("No care team yet."))),
                .ul(.forEach(team) { m in
                    .li(txt(m.user.displayName), .text(" · \(m.user.role.label)"), .if(m.isPrimary, .strong(.text(" · primary therapist"))))
                }),
                .if(manages, .details(
                    .if(!errors.isEmpty, .open(true)),
                    .summary(.text("Change the care team")),
                    errorSummary(errors),
                    .form(
                        .id("care-team-form"), .method(.post), .action(Paths.careTeam(patient.id)),
                        csrfField(csrf),
                        .table(
                            .caption(.text("Clinicians")),
                            .thead(.tr(.th(.text("Name")), .th(.text("Role")), .th(.text("On team")), .th(.text("Primary")))),
                            .tbody(.forEach(candidates) { u in
                                let id = u.id.uuidString.lowercased()
                                return .tr(
                                    .td(txt(u.displayName)), .td(.text(u.role.label)),
                                    .td(.input(.type(.checkbox), .name("members[]"), .value(id), .id("member-" + id),
                                               .attribute(named: "aria-label", value: esc("On team: " + u.displayName)),
                                               .checked(teamIDs.contains(u.id)))),
                                    .td(.if(u.role == .massageTherapist,
                                            .input(.type(.radio), .name("primary"), .value(id),
                                                   .attribute(named: "aria-label", value: esc("Primary: " + u.displayName)),
                                                   .checked(primaryID == u.id))))
                                )
                            })
                        ),
                        .button(.type(.submit), .class("primary"), .text("Save care team"))
                    )
                ))
            ),
            .if(manages, .section(
                .id("record-status"),
                .h2(.text("Record status")),
                .form(
                    .method(.post), .action(patient.active ? Paths.deactivatePatient(patient.id) : Paths.reactivatePatient(patient.id)),
                    csrfField(csrf),
                    .button(.type(.submit), .class(patient.active ? "danger" : ""),
                            .text(patient.active ? "Deactivate patient" : "Reactivate patient"))
                ),
                .p(.class("hint"), .text("Records are never deleted; a deactivated patient leaves the active list."))
            ))
        )
    }
}
