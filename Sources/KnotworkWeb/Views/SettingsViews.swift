import Foundation
import KnotworkCore
import KnotworkStore
import Plot

/// The administrator's page for the clinic's settings: its identity, progress rules, certification, and the technique list.
enum SettingsViews {
    typealias V = AssessmentViews

    /// Blank rows offered for new techniques.
    static let newTechniqueRows = 3

    static func page(_ version: ClinicSettingsStore.Version?, errors: [FieldError], form f: FormFields?, csrf: String?) -> Node<HTML.BodyContext> {
        let s = version?.settings ?? .standard
        let rows = s.techniques.map { ($0, true) } + s.retiredTechniques.map { ($0, false) }
        func value(_ key: String, _ current: Int) -> String { f?[key] ?? String(current) }
        let intro: String
        if let version {
            intro = "Version \(version.number), saved \(ClinicTime.clock.text(version.savedAt)) by \(version.savedByName). Each save adds a version; earlier ones are kept."
        } else {
            intro = "No settings saved yet: issue 4's defaults are in force. Each save adds a version."
        }
        let certified: Bool = f.map { $0.flag("certificationRequired") } ?? s.certification.required
        let progress: Node<HTML.FormContext> = .fieldset(
            legend("Progress rules"),
            .p(.class("hint"), .text("The reference gives no plateau or re-evaluation rule (§1); these are the clinic's choice.")),
            V.input("plateauSessions", "plateauSessions", "Plateau: no meaningful change over the last N sessions",
                    value: value("plateauSessions", s.progress.plateauSessions), errors: errors, type: .number, min: "2", max: "100"),
            V.input("plateauWeeks", "plateauWeeks", "… or over the last W weeks",
                    value: value("plateauWeeks", s.progress.plateauWeeks), errors: errors, type: .number, min: "1", max: "104"),
            V.input("reEvaluationEveryVisits", "reEvaluationEveryVisits", "Re-evaluation and progress report due every N visits",
                    value: value("reEvaluationEveryVisits", s.progress.reEvaluationEveryVisits), errors: errors, type: .number, min: "1", max: "100"),
            V.input("reEvaluationEveryDays", "reEvaluationEveryDays", "… or every N days",
                    value: value("reEvaluationEveryDays", s.progress.reEvaluationEveryDays), errors: errors, type: .number, min: "1", max: "730"),
            V.input("alertVisitsLeft", "alertVisitsLeft", "Warn when this many authorized visits of a referral are left",
                    value: value("alertVisitsLeft", s.counters.alertVisitsLeft), errors: errors, type: .number, min: "0", max: "50"),
            V.input("alertDaysToExpiry", "alertDaysToExpiry", "… or this many days before it expires",
                    value: value("alertDaysToExpiry", s.counters.alertDaysToExpiry), errors: errors, type: .number, min: "0", max: "90")
        )
        let id = s.identity
        let identityFields: [(String, String, String?, String?)] = [
            ("legalName", "Legal name", id.legalName, nil), ("addressLine1", "Address", id.addressLine1, nil),
            ("addressLine2", "Address line 2", id.addressLine2, nil), ("city", "City", id.city, nil),
            ("state", "State", id.state, "Two-letter USPS code, e.g. IL."), ("postalCode", "ZIP code", id.postalCode, nil),
            ("phone", "Phone", id.phone, nil), ("fax", "Fax", id.fax, nil),
            ("npi", "Organization NPI", id.npi, "Ten digits; the check digit is verified (45 CFR 162.406)."),
            ("taxID", "Federal tax id (EIN)", id.taxID, "For claims; not printed on reports."),
        ]
        let identity: Node<HTML.FormContext> = .fieldset(
            legend("The clinic's identity"),
            .p(.class("hint"), .text("The letterhead of every printed report, and later of claims.")),
            .forEach(identityFields) { key, label, current, hint in
                V.input("identity." + key, "identity." + key, label, value: f.map { $0["identity." + key] ?? "" } ?? current, errors: errors, hint: hint)
            }
        )
        let notice: Node<HTML.FormContext> = .fieldset(
            legend("Progress reports by e-mail"),
            .p(.class("hint"), .text("An external provider gets an e-mail notice that a report is ready, never the report itself.")),
            V.select("reportNotice", "reportNotice", "What the notice may say about the patient",
                     options: ReportNoticeDetail.allCases.map { ($0.rawValue, $0.label) }, selected: f?["reportNotice"] ?? s.reportNotice.rawValue, errors: errors)
        )
        let zones = TimeZone.knownTimeZoneIdentifiers.filter { $0.contains("/") && !$0.hasPrefix("Etc/") }.sorted()
        let clock: Node<HTML.FormContext> = .fieldset(
            legend("The clinic's clock"),
            .p(.class("hint"), .text("Every time is typed and shown in this zone and kept in UTC, so changing it changes how times read, never when they happened.")),
            V.input("timeZone", "timeZone", "Time zone (IANA name)", value: f?["timeZone"] ?? s.timeZone, errors: errors,
                    hint: "For example America/Chicago, America/New_York, America/Los_Angeles, or UTC.", list: "time-zones"),
            .element(named: "datalist", nodes: [.attribute(named: "id", value: "time-zones"), .forEach(["UTC"] + zones) { zone in
                .element(named: "option", nodes: [.attribute(named: "value", value: esc(zone))])
            }]),
            V.input("reminderHours", "reminderHours", "E-mail reminders, hours before a visit", value: f?["reminderHours"] ?? String(s.reminderHours), errors: errors,
                    type: .number, hint: "0 sends none. A reminder says only when and where, never why; it is withdrawn if the visit is cancelled before it is sent.",
                    min: "0", max: "\(AppointmentReminder.maxHours)"),
            V.input("cancellationNoticeHours", "cancellationNoticeHours", "Cancellation notice, hours", value: f?["cancellationNoticeHours"] ?? String(s.cancellationNoticeHours),
                    errors: errors, type: .number, hint: "A cancellation later than this before the visit is counted as late on the patient's appointments.",
                    min: "0", max: "\(AppointmentReminder.maxHours)"),
            V.checkbox("feedShowsInitials", "feedShowsInitials", "Clinicians' calendar feeds show the patient's initials (otherwise only \"Visit\")",
                       checked: f.map { $0.flag("feedShowsInitials") } ?? s.feedShowsInitials)
        )
        let certification: Node<HTML.FormContext> = .fieldset(
            legend("Certification"),
            V.checkbox("certificationRequired", "certificationRequired", "Plans of care need certification by the care team's medical provider",
                       checked: certified)
        )
        let listed: Node<HTML.TableContext> = .forEach(Array(rows.enumerated())) { i, row in
            self.listedRow(i, row.0, offered: row.1, errors: errors, form: f)
        }
        let added: Node<HTML.TableContext> = .forEach(Array(rows.count..<(rows.count + Self.newTechniqueRows))) { i in
            self.newRow(i, number: i - rows.count + 1, errors: errors, form: f)
        }
        let head: Node<HTML.TableContext> = .thead(.tr(
            .th(.attribute(named: "scope", value: "col"), .text("Offered")), .th(.attribute(named: "scope", value: "col"), .text("Name")),
            .th(.attribute(named: "scope", value: "col"), .text("Code")), .th(.attribute(named: "scope", value: "col"), .text("CPT"))))
        let table: Node<HTML.FormContext> = .div(.class("table-wrap"), .table(.id("techniques-table"), .caption(.text("Technique list")), head,
                                                                              .tbody(listed, added)))
        let techniques: Node<HTML.FormContext> = .fieldset(
            legend("Techniques"),
            .p(.class("hint"), .text("Offered on plans and session notes. A technique taken off the list is kept for the plans and notes that name it.")),
            table
        )
        let form: Node<HTML.BodyContext> = .form(
            .id("clinic-settings-form"), .method(.post), .action(Paths.adminClinic),
            csrfField(csrf), identity, clock, progress, certification, notice, techniques,
            .button(.id("settings-submit"), .type(.submit), .class("primary"), .text("Save settings"))
        )
        return .group(.h1(.text("Clinic settings")), .p(txt(intro)), errorSummary(errors), form)
    }

    static func listedRow(_ i: Int, _ t: Technique, offered: Bool, errors: [FieldError], form f: FormFields?) -> Node<HTML.TableContext> {
        let p = "techniques[\(i)]"
        let ticked: Bool = f.map { $0.flag("\(p)[offered]") } ?? offered
        let label: String = f?["\(p)[label]"] ?? t.label
        let cpt: String? = f?["\(p)[cpt]"] ?? t.cpt
        let offer: Node<HTML.BodyContext> = V.checkbox("\(p).offered", "\(p)[offered]", "Offer \(t.label)", checked: ticked)
        let name: Node<HTML.BodyContext> = V.input("\(p).label", "\(p)[label]", "Name", value: label, errors: errors)
        let code: Node<HTML.BodyContext> = .group(.code(txt(t.code)), .input(.type(.hidden), .name("\(p)[code]"), .value(esc(t.code))))
        let billing: Node<HTML.BodyContext> = V.input("\(p).cpt", "\(p)[cpt]", "CPT", value: cpt, errors: errors)
        return .tr(.td(offer), .td(name), .td(code), .td(billing))
    }

    static func newRow(_ i: Int, number: Int, errors: [FieldError], form f: FormFields?) -> Node<HTML.TableContext> {
        let p = "techniques[\(i)]"
        let name: Node<HTML.BodyContext> = V.input("\(p).label", "\(p)[label]", "New technique \(number)", value: f?["\(p)[label]"], errors: errors)
        let billing: Node<HTML.BodyContext> = V.input("\(p).cpt", "\(p)[cpt]", "CPT", value: f?["\(p)[cpt]"], errors: errors)
        return .tr(.td(.text("New")), .td(name), .td(.text("from the name")), .td(billing))
    }

    /// The form read into the API's input. Listed techniques count when ticked; a new row counts when named. Row numbers
    /// are kept, so that an error names the row the administrator typed in.
    /// `rows[k]` is the form row of the input's k-th technique.
    static func input(_ f: FormFields, rows: Int) throws -> (input: ClinicSettingsInput, rows: [Int]) {
        var errors: [FieldError] = []
        let plateauSessions = AssessmentForms.int(f, "plateauSessions", field: "plateauSessions", errors: &errors)
        let plateauWeeks = AssessmentForms.int(f, "plateauWeeks", field: "plateauWeeks", errors: &errors)
        let visits = AssessmentForms.int(f, "reEvaluationEveryVisits", field: "reEvaluationEveryVisits", errors: &errors)
        let days = AssessmentForms.int(f, "reEvaluationEveryDays", field: "reEvaluationEveryDays", errors: &errors)
        let alertVisits = AssessmentForms.int(f, "alertVisitsLeft", field: "alertVisitsLeft", errors: &errors)
        let alertDays = AssessmentForms.int(f, "alertDaysToExpiry", field: "alertDaysToExpiry", errors: &errors)
        let reminderHours = AssessmentForms.int(f, "reminderHours", field: "reminderHours", errors: &errors)
        let notice = AssessmentForms.int(f, "cancellationNoticeHours", field: "cancellationNoticeHours", errors: &errors)
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        var techniques: [ClinicSettingsInput.TechniqueInput] = []
        var rowOf: [Int] = []
        for i in 0..<(rows + Self.newTechniqueRows) {
            let p = "techniques[\(i)]"
            let isNew = i >= rows
            guard isNew ? f["\(p)[label]"] != nil : f.flag("\(p)[offered]") else { continue }
            techniques.append(.init(code: isNew ? nil : f["\(p)[code]"], label: f["\(p)[label]"] ?? "", cpt: f["\(p)[cpt]"]))
            rowOf.append(i)
        }
        return (ClinicSettingsInput(plateauSessions: plateauSessions, plateauWeeks: plateauWeeks, reEvaluationEveryVisits: visits,
                                   reEvaluationEveryDays: days, certificationRequired: f.flag("certificationRequired"), techniques: techniques,
                                   alertVisitsLeft: alertVisits, alertDaysToExpiry: alertDays,
                                   identity: ClinicIdentity(legalName: f["identity.legalName"], addressLine1: f["identity.addressLine1"],
                                                            addressLine2: f["identity.addressLine2"], city: f["identity.city"], state: f["identity.state"],
                                                            postalCode: f["identity.postalCode"], phone: f["identity.phone"], fax: f["identity.fax"],
                                                            npi: f["identity.npi"], taxID: f["identity.taxID"]),
                                   reportNotice: f["reportNotice"], timeZone: f["timeZone"], reminderHours: reminderHours,
                                   feedShowsInitials: f.flag("feedShowsInitials"), cancellationNoticeHours: notice), rowOf)
    }

    /// Core names the k-th technique given; the page names the row it was typed in.
    static func formErrors(_ errors: [FieldError], rows: [Int]) -> [FieldError] {
        errors.map { e in
            guard e.field.hasPrefix("techniques["), let close = e.field.firstIndex(of: "]"),
                  let k = Int(e.field[e.field.index(e.field.startIndex, offsetBy: 11)..<close]), k < rows.count else { return e }
            return FieldError("techniques[\(rows[k])]" + e.field[e.field.index(after: close)...], e.message)
        }
    }
}
