import Foundation
import KnotworkCore
import KnotworkStore
import Plot

/// Licenses, the CE log and compliance: the clinician's own page and the administrator's compliance page.
enum CredentialViews {
    typealias V = AssessmentViews
    typealias Credentials = CredentialActions.Credentials

    static func statusLabel(_ s: CECompliance.Status) -> String {
        switch s {
        case .compliant: "Compliant"
        case .ceShort: "CE short"
        case .expiringSoon: "Expiring soon"
        case .lapsed: "Lapsed"
        }
    }

    static func gateText(_ c: Credentials) -> String {
        switch c.gate {
        case .notApplicable:
            c.clinicState == nil ? "Not checked: the clinic's state is not on record (set it in the clinic settings' letterhead)."
                : "No license needed for this role."
        case .licensed(let l): "May treat in \(c.clinicState ?? ""): \(l.summary)."
        case .refused(let why): "May not be booked or sign notes in \(c.clinicState ?? ""): \(why)"
        }
    }

    static func licenseTable(_ c: Credentials, id: String) -> Node<HTML.BodyContext> {
        .if(c.licenses.isEmpty, .p(.text("No license or certification is on record.")), else: .div(.class("table-wrap"), .table(.id(esc(id)),
            .thead(.tr(.th("License"), .th("Number"), .th("Issued"), .th("Expires"), .th("Board status"), .th("Verified"), .th("Standing"), .th("CE rule"))),
            .tbody(.forEach(c.licenses) { s in
                let l = s.stored.license
                return .tr(.td(txt("\(l.kind.label), \(l.jurisdiction)")), .td(txt(l.number)), .td(txt(l.issuedOn.description)),
                           .td(txt(l.expiresOn.description)), .td(txt(l.status.label)),
                           .td(txt(l.verification.label + (l.verifiedOn.map { " on \($0)" } ?? ""))),
                           .td(.strong(txt(Self.statusLabel(s.compliance.status))), .text(" "), txt(s.compliance.summary)),
                           .td(.unwrap(s.rule, { r in
                               .group(txt("\(CEHours.text(r.hoursRequired)) h every \(r.cycleMonths) months; "
                                          + "\(Self.counted(s.compliance.countedHours)) counted. Source: \(r.source)."),
                                      .unwrap(r.uncertain) { u in .p(.class("hint"), txt("Uncertain: \(u)")) },
                                      .forEach(r.otherRequirements) { o in .p(.class("hint"), txt(o)) })
                           }, else: .text("No CE rule on record; only the expiry is checked."))))
            }))))
    }

    static func counted(_ h: Double) -> String { CEHours.text(h) + " h" }

    /// The license form; `prefix` keeps its ids apart from another clinician's form on the same page.
    static func licenseForm<C: HTML.BodyContext>(action: String, id: String, errors: [FieldError], form: FormFields?, verify: Bool, csrf: String?,
                                                 prefix: String = "") -> Node<C> {
        let errors = errors.map { FieldError(prefix + $0.field, $0.message) }
        func i(_ field: String) -> String { prefix + field }
        return .form(.id(esc(id)), .method(.post), .action(action), csrfField(csrf),
            V.select(i("kind"), "kind", "Kind", options: LicenseKind.allCases.map { ($0.rawValue, $0.label) }, selected: form?["kind"], errors: errors),
            V.input(i("jurisdiction"), "jurisdiction", "Issuing state", value: form?["jurisdiction"], errors: errors,
                    hint: "The two-letter USPS code (a board certification needs none)."),
            V.input(i("number"), "number", "License number", value: form?["number"], errors: errors),
            V.input(i("issuedOn"), "issuedOn", "Issued on", value: form?["issuedOn"], errors: errors, type: .date),
            V.input(i("expiresOn"), "expiresOn", "Expires on", value: form?["expiresOn"], errors: errors, type: .date),
            V.select(i("status"), "status", "Status with the board", options: LicenseStatus.allCases.map { ($0.rawValue, $0.label) },
                     selected: form?["status"] ?? "active", errors: errors),
            V.checkbox(i("firstRenewal"), "firstRenewal", "This is the first renewal period after licensure", checked: form?.flag("firstRenewal") ?? false),
            .if(verify, .group(
                V.select(i("verification"), "verification", "Verified by", options: LicenseVerification.allCases.map { ($0.rawValue, $0.label) },
                         selected: form?["verification"] ?? LicenseVerification.primarySource.rawValue, errors: errors),
                V.input(i("verifiedOn"), "verifiedOn", "Verified on", value: form?["verifiedOn"], errors: errors, type: .date)
            )),
            .p(.class("hint"), .text("A license of the same kind and state is replaced by the new dates (a renewal).")),
            .button(.type(.submit), .class("primary"), .text("Save license")))
    }

    static func courseForm(action: String, errors: [FieldError], form: FormFields?, csrf: String?) -> Node<HTML.BodyContext> {
        let chosen = Set(form?.list("categories") ?? [])
        return .form(.id("course-form"), .method(.post), .action(action), csrfField(csrf),
            V.input("title", "title", "Course", value: form?["title"], errors: errors),
            V.input("provider", "provider", "Provider", value: form?["provider"], errors: errors, hint: "For example an NCBTMB-approved provider."),
            V.input("completedOn", "completedOn", "Completed on", value: form?["completedOn"], errors: errors, type: .date),
            V.input("hours", "hours", "Hours", value: form?["hours"], errors: errors, type: .number, min: "0.5", max: "100", step: "0.5"),
            V.select("delivery", "delivery", "How it was taken", options: [("live", "Live, in person"), ("online", "Online or self-study")],
                     selected: form?["delivery"] ?? "live", errors: errors),
            .fieldset(legend("Categories (as the certificate states)"),
                      .forEach(CECategory.allCases) { c in
                          V.checkbox("category-\(c.rawValue)", "categories", c.label.prefix(1).uppercased() + c.label.dropFirst(), checked: chosen.contains(c.rawValue),
                                     value: c.rawValue)
                      }),
            .button(.type(.submit), .class("primary"), .text("Add course")))
    }

    static func courseTable(_ courses: [StoredCourse]) -> Node<HTML.BodyContext> {
        .if(courses.isEmpty, .p(.text("No course is logged.")), else: .div(.class("table-wrap"), .table(.id("courses"),
            .thead(.tr(.th("Completed"), .th("Course"), .th("Provider"), .th("Hours"), .th("Delivery"), .th("Categories"))),
            .tbody(.forEach(courses) { s in
                .tr(.td(txt(s.course.completedOn.description)), .td(txt(s.course.title)), .td(txt(s.course.provider)), .td(txt(Self.counted(s.course.hours))),
                    .td(txt(s.course.delivery.rawValue)), .td(txt(s.course.categories.map(\.label).joined(separator: ", "))))
            }))))
    }

    static func minePage(_ c: Credentials, errors: [FieldError], form: FormFields?, csrf: String?) -> Node<HTML.BodyContext> {
        .group(
            .h1("My licenses and continuing education"),
            .p(.id("gate"), .class(Self.isRefused(c) ? "warning" : "hint"), txt(Self.gateText(c))),
            errorSummary(errors),
            .section(.id("licenses"), .h2("Licenses and certifications"), Self.licenseTable(c, id: "license-table"),
                     .h3("Add or renew a license"),
                     .p(.class("hint"), .text("Your entry is self-reported until an administrator verifies it with the board.")),
                     Self.licenseForm(action: Paths.myLicenses, id: "license-form", errors: errors, form: form, verify: false, csrf: csrf)),
            .section(.id("ce"), .h2("Continuing-education log"), Self.courseTable(c.courses),
                     .h3("Log a completed course"),
                     Self.courseForm(action: Paths.myCourses, errors: errors, form: form, csrf: csrf))
        )
    }

    /// The top of a clinician's worklist when a license needs attention: lapsed, short of CE, expiring, or refused by the gate.
    static func worklistWarnings(_ c: Credentials?) -> Node<HTML.BodyContext> {
        .unwrap(c.flatMap { $0.warnings.isEmpty ? nil : $0 }) { c in
            .section(.id("license-warnings"), .class("notice warning"), .attribute(named: "role", value: "status"),
                     .h2("Your licenses need attention"),
                     .ul(.forEach(c.warnings) { .li(txt($0)) }),
                     .p(.a(.href(Paths.myCredentials), .text("My licenses and continuing education"))))
        }
    }

    static func isRefused(_ c: Credentials) -> Bool {
        if case .refused = c.gate { return true }
        return false
    }

    static let exceptionFields: Set<String> = ["startsOn", "endsOn", "reason"]

    /// A field error of one clinician's form on the compliance page, named by that form's own id.
    static func prefixed(_ e: FieldError, uid: String) -> FieldError {
        FieldError((Self.exceptionFields.contains(e.field) ? "x-\(uid)-" : "l-\(uid)-") + e.field, e.message)
    }

    static func compliancePage(_ all: [Credentials], today: CalendarDate, selected: UUID?, errors: [FieldError], form: FormFields?, csrf: String?) -> Node<HTML.BodyContext> {
        .group(
            .h1("License and CE compliance"),
            .p(.a(.id("ce-rules-link"), .href(Paths.adminCERules), .text("The continuing-education rules (edit a rule)"))),
            .p(.class("hint"), txt("Each clinician's licenses against the CE rule in force on \(today), and whether they may be booked and sign notes. "
                                   + "Rules come from each state's board regulations and NCBTMB; a rule marked uncertain should be checked against the board's current text.")),
            errorSummary(selected.map { id in errors.map { Self.prefixed($0, uid: id.uuidString.lowercased()) } } ?? errors),
            .forEach(all) { c in
                let uid = c.user.id.uuidString.lowercased()
                let mine = selected == c.user.id
                let licenseErrors = errors.filter { !Self.exceptionFields.contains($0.field) }
                let exceptionErrors = errors.filter { Self.exceptionFields.contains($0.field) }.map { Self.prefixed($0, uid: uid) }
                return .section(.id(esc("clinician-\(uid)")), .class("clinician-credentials"),
                    .h2(txt("\(c.user.displayName) · \(c.user.role.label)")),
                    .p(.class(Self.isRefused(c) ? "warning gate" : "hint gate"), txt(Self.gateText(c))),
                    Self.licenseTable(c, id: "licenses-\(uid)"),
                    .p(txt("CE log: \(c.courses.count) course\(c.courses.count == 1 ? "" : "s"), \(Self.counted(c.courses.reduce(0) { $0 + $1.course.hours })) in all.")),
                    .if(!c.exceptions.isEmpty, .ul(.class("exceptions"), .forEach(c.exceptions) { e in
                        .li(txt("Exception \(e.exception.startsOn) to \(e.exception.endsOn), granted by \(e.grantedByName) on \(ClinicTime.clock.text(e.grantedAt)): "
                                + "\(e.exception.reason) (the check said: \(e.problem))"))
                    })),
                    .details(.if(mine, .attribute(named: "open", value: "open")),
                        .summary(txt("Record a verified license for \(c.user.displayName)")),
                        Self.licenseForm(action: Paths.adminLicenses(c.user.id), id: "license-form-\(uid)", errors: mine ? licenseErrors : [],
                                         form: mine ? form : nil, verify: true, csrf: csrf, prefix: "l-\(uid)-")),
                    .if(Self.isRefused(c), .details(.if(mine, .attribute(named: "open", value: "open")),
                        .summary(txt("Grant a short exception to the license check")),
                        .form(.id(esc("exception-form-\(uid)")), .method(.post), .action(Paths.adminLicenseException(c.user.id)), csrfField(csrf),
                              V.input("x-\(uid)-startsOn", "startsOn", "First day", value: mine ? form?["startsOn"] : nil, errors: mine ? exceptionErrors : [], type: .date),
                              V.input("x-\(uid)-endsOn", "endsOn", "Last day", value: mine ? form?["endsOn"] : nil, errors: mine ? exceptionErrors : [], type: .date,
                                      hint: "At most \(LicenseException.maxDays) days."),
                              V.input("x-\(uid)-reason", "reason", "Reason", value: mine ? form?["reason"] : nil, errors: mine ? exceptionErrors : [],
                                      hint: "For example: renewal filed on 2 December, not yet posted by the board. Kept and shown here."),
                              .button(.type(.submit), .class("danger"), .text("Grant exception")))))
                )
            }
        )
    }
}
