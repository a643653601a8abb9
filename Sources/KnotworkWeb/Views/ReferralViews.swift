import Foundation
import KnotworkCore
import KnotworkStore
import Plot

/// Referrals and payer authorizations (issue 11): a patient's list with the entry form, one referral with its counter
/// and the visits counted, the counters shown on other pages, the note form's counting choice, and the override report.
enum ReferralViews {
    typealias V = AssessmentViews

    /// The active counters as a list, alerts first in each line ("Referral from Max.Md: 10 of 12 used, 2 left · …").
    /// - Parameter linked: whether the viewer may open the referral (clinical access; the front desk sees only the counts).
    static func counters<C: HTML.BodyContext>(_ counters: [ReferralActions.Counter], today: CalendarDate, patientID: UUID, linked: Bool = true) -> Node<C> {
        .if(!counters.isEmpty, .ul(.id("visit-counters"), .class("counters"), .forEach(counters) { c in
            .li(.class(c.alerts.isEmpty ? "counter" : "counter alert"),
                linked ? .a(.href(Paths.referral(patientID, c.referral.id)), txt(c.referral.referral.title)) : txt(c.referral.referral.title),
                txt(": " + c.referral.counter.summary(on: today)),
                .if(!c.alerts.isEmpty, .strong(.class("counter-alert"), txt(" — " + c.alerts.map(\.message).joined(separator: ", ")))))
        }))
    }

    /// The note form's counting: what the visit counts against by default, the choice of another, and the reasons.
    static func coverageFieldset(_ referrals: [StoredReferral], date: CalendarDate, errors: [FieldError]) -> Node<HTML.FormContext> {
        let active = referrals.filter { $0.storedStatus == .active }
        let orders = active.filter { $0.referral.kind == .order }, auths = active.filter { $0.referral.kind == .authorization }
        let candidates = active.map(\.candidate)
        func choice(_ kind: ReferralKind, _ list: [StoredReferral], _ field: String) -> Node<HTML.FormContext> {
            let automatic = Coverage.choose(kind, on: date, among: candidates)
            let options = [("", automatic.referralID.flatMap { id in list.first { $0.id == id } }.map { "Automatic: \($0.referral.title)" } ?? "Automatic")]
                + list.map { ($0.id.uuidString.lowercased(), "\($0.referral.title) (\($0.counter.summary(on: date)))") }
            return V.select(field, field, "Counts against (\(kind.label.lowercased()))", options: options, selected: nil, errors: errors)
        }
        return .if(!active.isEmpty, .fieldset(
            .id("coverage"), legend("Visit counter"),
            .p(.class("hint"), .text("A signed session counts against the referral and payer authorization that cover its date. "
                                     + "Choose another only with a reason.")),
            .if(!orders.isEmpty, choice(.order, orders, "orderId")),
            .if(!auths.isEmpty, choice(.authorization, auths, "authorizationId")),
            V.input("changeReason", "changeReason", "Reason for another choice", value: nil, errors: errors),
            V.input("overrideReason", "overrideReason", "Override reason (beyond the last authorized visit or after expiry)", value: nil, errors: errors)
        ))
    }

    static func statusText(_ r: StoredReferral, today: CalendarDate) -> String {
        let status = r.status(on: today)
        return status.label + (status == .cancelled ? r.statusReason.map { ": \($0)" } ?? "" : "")
    }

    /// A patient's referrals and authorizations, and the form to enter one.
    static func patientPage(_ patient: Patient, referrals: [StoredReferral], providers: [User], input: ReferralInput?, errors: [FieldError],
                            today: CalendarDate, csrf: String?) -> Node<HTML.BodyContext> {
        let pid = patient.id
        let i = input
        return .group(
            .h1(txt("Referrals and authorizations · \(patient.displayName)")),
            V.chartNav(pid, current: .referrals),
            .if(referrals.isEmpty, .p(.text("No referral or payer authorization is recorded."))),
            .if(!referrals.isEmpty, .table(.id("referrals"),
                .thead(.tr(.th("Referral"), .th("Status"), .th("Dates"), .th("Visits"))),
                .tbody(.forEach(referrals) { r in
                    .tr(.td(.a(.href(Paths.referral(pid, r.id)), txt(r.referral.title))),
                        .td(txt(self.statusText(r, today: today))),
                        .td(txt("\(r.referral.start) to \(r.referral.expiry)")),
                        .td(txt("\(r.used) of \(r.referral.authorizedVisits) used, \(r.counter.left) left")))
                }))),
            .h2("Enter a referral or authorization"),
            .form(
                .id("referral-form"), .method(.post), .action(Paths.referrals(pid)),
                csrfField(csrf), errorSummary(errors),
                V.select("kind", "kind", "Kind", options: ReferralKind.allCases.map { ($0.rawValue, $0.label) }, selected: i?.kind, errors: errors),
                .fieldset(legend("Referring provider (a referral)"),
                    V.select("providerUserId", "providerUserId", "A provider of the clinic",
                             options: [("", "Outside provider (below)")] + providers.map { ($0.id.uuidString.lowercased(), $0.displayName) },
                             selected: i?.providerUserId?.uuidString.lowercased(), errors: errors),
                    V.input("external.name", "external[name]", "Outside provider's name", value: i?.external?.name, errors: errors),
                    V.input("external.npi", "external[npi]", "NPI (10 digits)", value: i?.external?.npi, errors: errors),
                    V.input("external.practice", "external[practice]", "Practice", value: i?.external?.practice, errors: errors),
                    .div(.class("row"),
                         V.input("external.phone", "external[phone]", "Phone", value: i?.external?.phone, errors: errors, type: .tel),
                         V.input("external.fax", "external[fax]", "Fax", value: i?.external?.fax, errors: errors, type: .tel)),
                    V.input("external.email", "external[email]", "Secure e-mail", value: i?.external?.email, errors: errors, type: .email)),
                .fieldset(legend("Payer (an authorization)"),
                    V.input("payer", "payer", "Payer", value: i?.payer, errors: errors),
                    V.input("authorizationNumber", "authorizationNumber", "Authorization number", value: i?.authorizationNumber, errors: errors)),
                .fieldset(legend("Diagnoses (ICD-10-CM, valid on the referral's date)"),
                    CatalogViews.icd10List(on: today, dateField: "receivedOn"),
                    .forEach(0..<3) { n in
                        V.input("diagnoses[\(n)]", "diagnoses[\(n)]", "Diagnosis \(n + 1)", value: i?.diagnoses.flatMap { n < $0.count ? $0[n] : nil },
                                errors: errors, list: CatalogViews.icd10ListID)
                    }),
                V.input("service", "service", "Ordered service", value: i?.service, errors: errors),
                .div(.class("row"),
                     V.input("frequencyPerWeek", "frequencyPerWeek", "Visits a week", value: i?.frequencyPerWeek.map { V.num($0) }, errors: errors,
                             type: .number, step: "any"),
                     V.input("durationWeeks", "durationWeeks", "For weeks", value: i?.durationWeeks.map(String.init), errors: errors, type: .number),
                     V.input("authorizedVisits", "authorizedVisits", "Authorized visits", value: i?.authorizedVisits.map(String.init), errors: errors,
                             type: .number)),
                .div(.class("row"),
                     V.input("receivedOn", "receivedOn", "Referral date", value: i?.receivedOn ?? today.description, errors: errors, type: .date),
                     V.input("start", "start", "Start", value: i?.start ?? today.description, errors: errors, type: .date),
                     V.input("expiry", "expiry", "Expiry", value: i?.expiry, errors: errors, type: .date)),
                V.textarea("goals", "goals", "The provider's goals", value: i?.goals, errors: errors, rows: 2),
                V.textarea("notes", "notes", "Notes and precautions", value: i?.notes, errors: errors, rows: 2),
                V.select("status", "status", "Status", options: [("active", "Active"), ("received", "Received (not yet verified)")],
                         selected: i?.status, errors: errors),
                .div(.class("actions"), .button(.id("referral-save"), .type(.submit), .class("primary"), .text("Save referral")))
            )
        )
    }

    /// One referral: what it orders, its counter and alerts, the visits counted, its scanned order, and its status.
    static func showPage(_ patient: Patient, _ d: ReferralActions.Detail, today: CalendarDate, settings: CounterSettings, errors: [FieldError],
                         csrf: String?) -> Node<HTML.BodyContext> {
        let r = d.referral, x = d.referral.referral, pid = patient.id
        let alerts = r.alerts(on: today, settings: settings)
        return .group(
            .h1(txt("\(x.title) · \(patient.displayName)")),
            V.chartNav(pid, current: .referrals),
            errorSummary(errors),
            .p(.id("referral-counter"), .class(alerts.isEmpty ? "notice" : "notice alert"),
               txt("\(self.statusText(r, today: today)). \(r.counter.summary(on: today))"
                   + (alerts.isEmpty ? "" : " — " + alerts.map(\.message).joined(separator: ", ")))),
            .dl(
                .dt("Kind"), .dd(txt(x.kind.label)),
                .unwrap(x.external) { e in .group(.dt("Outside provider"), .dd(txt([e.name, "NPI \(e.npi)", e.practice, e.phone.map { "phone \($0)" },
                                                                                       e.fax.map { "fax \($0)" }, e.email].compactMap { $0 }.joined(separator: " · ")))) },
                .unwrap(x.payer) { .group(.dt("Payer"), .dd(txt($0 + (x.authorizationNumber.map { " · authorization \($0)" } ?? "")))) },
                .if(!x.diagnoses.isEmpty, .group(.dt("Diagnoses"),
                                                 .dd(txt(x.diagnoses.map { c in ICD10Catalog.code(c).map { "\($0.code) \($0.description)" } ?? c }.joined(separator: "; "))))),
                .unwrap(x.service) { .group(.dt("Ordered service"), .dd(txt($0))) },
                .unwrap(x.frequencyText) { .group(.dt("Frequency"), .dd(txt($0))) },
                .dt("Dates"), .dd(txt("Referral of \(x.receivedOn); visits from \(x.start) to \(x.expiry)")),
                .unwrap(x.goals) { .group(.dt("The provider's goals"), .dd(txt($0))) },
                .unwrap(x.notes) { .group(.dt("Notes"), .dd(txt($0))) },
                .dt("Entered by"), .dd(txt("\(r.createdByName), \(ClinicTime.clock.text(r.createdAt))")),
                .unwrap(r.planID) { .group(.dt("Plan of care"), .dd(.a(.href(Paths.plan(pid, $0)), .text("The plan started from this referral")))) }
            ),
            self.documentSection(pid, r.id, d.document, errors: errors, csrf: csrf),
            .if(r.planID == nil && x.kind == .order, .p(.a(.id("plan-from-referral"), .class("button"), .href(Paths.newPlan(pid) + "?referral=\(r.id.uuidString.lowercased())"),
                                                          .text("Start a plan of care from this referral")))),
            .h2("Visits counted"),
            .if(d.usages.isEmpty, .p(.text("No signed visit has counted against it yet."))),
            .if(!d.usages.isEmpty, .table(.id("usages"), .thead(.tr(.th("Date of service"), .th("Note"), .th("Reason"))),
                .tbody(.forEach(d.usages) { u in
                    .tr(.td(txt(u.dateOfService.description)), .td(.a(.href(Paths.note(pid, u.noteID)), .text("Signed note"))),
                        .td(txt([u.overrideReason.map { "Override: \($0)" }, u.changeReason.map { "Chosen: \($0)" }].compactMap { $0 }.joined(separator: " · "))))
                }))),
            .if(r.storedStatus != .cancelled, .group(
                .h2("Status"),
                .form(.id("referral-status"), .method(.post), .action(Paths.referral(pid, r.id) + "/status"),
                      csrfField(csrf),
                      .if(r.storedStatus == .received, .button(.type(.submit), .name("status"), .value("active"), .text("Verified: make active"))),
                      V.input("reason", "reason", "Reason for cancelling", value: nil, errors: errors),
                      .button(.type(.submit), .name("status"), .value("cancelled"), .text("Cancel the referral")))))
        )
    }

    /// The scanned order: a download link (never shown inline) and the form that attaches or replaces it.
    static func documentSection(_ pid: UUID, _ referralID: UUID, _ document: ScannedDocument?, errors: [FieldError], csrf: String?) -> Node<HTML.BodyContext> {
        .section(.id("scanned-order"),
            .h2("Scanned order"),
            .unwrap(document, { doc in
                .p(.a(.id("document-link"), .href(Paths.referral(pid, referralID) + "/document"), txt("Download \(doc.filename)")),
                   txt(" · \(doc.type.fileExtension.uppercased()), \(ByteCountFormatter.string(fromByteCount: Int64(doc.size), countStyle: .file)) · "
                       + "attached by \(doc.uploadedByName), \(ClinicTime.clock.text(doc.uploadedAt)) · SHA-256 \(doc.sha256.prefix(12))…"))
            }, else: .p(.text("No scanned order is attached."))),
            .form(.id("document-form"), .method(.post), .action(Paths.referral(pid, referralID) + "/document"), .enctype(.multipartData),
                  csrfField(csrf),
                  V.input("document", "document", document == nil ? "Attach the scanned order" : "Replace the scanned order", value: nil, errors: errors,
                          type: .file, hint: "A PDF, PNG or JPEG of at most 10 MB; its type is read from the file itself, not from its name."),
                  .button(.type(.submit), .id("document-submit"), .text("Attach"))))
    }

    /// The worklist's section: referrals and authorizations running out or expiring, soonest expiry first.
    static func runningOut(_ rows: [(counter: ReferralActions.Counter, patientName: String)], today: CalendarDate) -> Node<HTML.BodyContext> {
        .section(
            .id("referrals-running-out"), .h2(.text("Referrals running out")),
            .if(rows.isEmpty, .p(.text("None."))),
            .ul(.forEach(rows) { r in
                .li(.a(.href(Paths.referral(r.counter.referral.patientID, r.counter.referral.id)), txt(r.patientName)),
                    txt(" · \(r.counter.referral.referral.title): \(r.counter.referral.counter.summary(on: today)) — "
                        + r.counter.alerts.map(\.message).joined(separator: ", ")))
            })
        )
    }

    /// Every booking and signing beyond a referral's visits or dates, with who and why (administrator).
    static func overridesPage(_ rows: [CoverageOverride]) -> Node<HTML.BodyContext> {
        .group(
            .h1("Visit-counter overrides"),
            .p(.class("hint"), .text("Bookings and signed visits beyond the last authorized visit or a referral's dates, newest first.")),
            .if(rows.isEmpty, .p(.text("No override has been recorded."))),
            .if(!rows.isEmpty, .table(.id("overrides"),
                .thead(.tr(.th("When"), .th("Patient"), .th("Referral"), .th("What"), .th("Reason"), .th("By"))),
                .tbody(.forEach(rows) { o in
                    .tr(.td(txt(ClinicTime.clock.text(o.at))), .td(.a(.href(Paths.referral(o.patientID, o.referralID)), txt("\(o.patientName) (\(o.recordNumber))"))),
                        .td(txt(o.referralTitle)), .td(txt("\(o.action.rawValue): \(o.problem.replacingOccurrences(of: "_", with: " "))")),
                        .td(txt(o.reason)), .td(txt(o.byName)))
                })))
        )
    }
}
