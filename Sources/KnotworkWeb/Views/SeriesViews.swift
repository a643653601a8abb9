import Foundation
import KnotworkCore
import KnotworkStore
import Plot

/// Booking a series of visits from the plan's frequency, and the report of what was and was not booked.
enum SeriesViews {
    typealias V = AssessmentViews

    /// What the series form shows again: the typed values and their errors (fields named as the API names them).
    struct Form: Sendable {
        var fields: FormFields?
        var errors: [FieldError] = []
    }

    /// The form's own ids are prefixed so that they do not collide with the single booking form on the same page.
    static func id(_ field: String) -> String { "series-" + field }

    static func section(_ patientID: UUID, clinicians: [User], plan: PlanOfCare?, form: Form, today: CalendarDate, csrf: String?) -> Node<HTML.BodyContext> {
        let f = form.fields
        let errors = form.errors.map { FieldError(Self.id($0.field), $0.message) }
        let perWeek = plan.map { max(1, Int($0.frequencyPerWeek.rounded())) } ?? 1
        // The plan's visits a week, spread over the week (twice a week: Tuesday and Thursday).
        let spread: [Weekday] = [[.wednesday], [.tuesday, .thursday], [.monday, .wednesday, .friday], [.monday, .tuesday, .thursday, .friday],
                                 [.monday, .tuesday, .wednesday, .thursday, .friday]][min(perWeek, 5) - 1]
        let chosen = Set(f?.list("weekdays") ?? spread.map(\.name))
        return .section(
            .id("series"), .h2(.text("Book a series")),
            .p(.class("hint"), txt((plan.map { p in "The plan of care: \(Self.times(p.frequencyPerWeek)) a week for \(p.durationWeeks) weeks. " } ?? "No active plan of care: choose the days and weeks. ")
               + "Every visit keeps its local time across a daylight-saving change; each is checked as a single booking is, and those that cannot be booked are listed with the nearest free time.")),
            .form(
                .id("series-form"), .method(.post), .action(Paths.appointmentSeries(patientID)), csrfField(csrf),
                errorSummary(errors),
                V.select(Self.id("clinicianId"), "clinicianId", "Clinician", options: clinicians.map { ($0.id.uuidString.lowercased(), "\($0.displayName) · \($0.role.label)") },
                         selected: f?["clinicianId"], errors: errors),
                V.input(Self.id("firstDay"), "firstDay", "First day", value: f?["firstDay"] ?? today.description, errors: errors, type: .date),
                .fieldset(
                    legend("On"),
                    .forEach(Weekday.allCases) { d in
                        V.checkbox("series-day-\(d.name)", "weekdays", d.label, checked: chosen.contains(d.name), value: d.name)
                    },
                    .forEach(errors.filter { $0.field == Self.id("weekdays") }) { e in .p(.id(Self.id("weekdays")), .class("error"), txt(e.message)) }
                ),
                V.input(Self.id("time"), "time", "At (\(ClinicTime.clock.identifier))", value: f?["time"] ?? "09:00", errors: errors, type: .time),
                V.input(Self.id("weeks"), "weeks", "For how many weeks", value: f?["weeks"] ?? plan.map { String($0.durationWeeks) } ?? "6", errors: errors,
                        type: .number, min: "1", max: "\(VisitSeries.maxWeeks)"),
                V.input(Self.id("minutes"), "minutes", "Length in minutes", value: f?["minutes"] ?? "60", errors: errors, type: .number,
                        min: "\(AppointmentLimits.minutes.lowerBound)", max: "\(AppointmentLimits.minutes.upperBound)", step: "5"),
                V.select(Self.id("kind"), "kind", "Visit", options: AppointmentKind.allCases.map { ($0.rawValue, $0.label) },
                         selected: f?["kind"] ?? AppointmentKind.session.rawValue, errors: errors),
                V.input(Self.id("reason"), "reason", "Reason (optional)", value: f?["reason"], errors: errors),
                V.input(Self.id("overrideReason"), "overrideReason", "Override reason (only for visits beyond the last authorized visit or after a referral's expiry)",
                        value: f?["overrideReason"], errors: errors),
                .button(.id("series-submit"), .type(.submit), .class("primary"), .text("Book the series"))
            )
        )
    }

    static func times(_ perWeek: Double) -> String {
        switch perWeek {
        case 1: "once"
        case 2: "twice"
        default: perWeek == perWeek.rounded() ? "\(Int(perWeek)) times" : "\(perWeek) times"
        }
    }

    static func input(_ f: FormFields) -> VisitSeriesInput {
        VisitSeriesInput(clinicianId: f["clinicianId"].flatMap(UUID.init(uuidString:)), firstDay: f["firstDay"], weekdays: f.list("weekdays"),
                         time: f["time"].map { String($0.prefix(5)) }, weeks: f["weeks"].flatMap { Int($0) }, minutes: f["minutes"].flatMap { Int($0) },
                         kind: f["kind"], reason: f["reason"], overrideReason: f["overrideReason"])
    }

    /// The report after booking: the visits booked and, for each one not booked, why and a one-click booking of the
    /// nearest free time that day.
    static func report(_ patient: Patient, _ o: AppointmentActions.SeriesOutcome, visit: Appointment?, csrf: String?) -> Node<HTML.BodyContext> {
        let clock = ClinicTime.clock
        return .group(
            .div(.class("page-title"), .h1(txt("Series booked · \(patient.displayName)"))),
            .p(.id("series-summary"), .attribute(named: "role", value: "status"),
               txt("\(o.booked.count) visit\(o.booked.count == 1 ? "" : "s") booked; \(o.notBooked.count) could not be booked.")),
            .if(!o.notBooked.isEmpty, .section(.id("not-booked"), .h2(.text("Not booked")), .div(.class("table-wrap"), .table(
                .caption(txt("Occurrences not booked (\(clock.identifier))")),
                .thead(.tr(.th("When"), .th("Why"), .th("Nearest free time"))),
                .tbody(.forEach(Array(o.notBooked.enumerated())) { i, n in
                    .tr(.td(txt(n.local.description.replacingOccurrences(of: "T", with: " "))), .td(txt(n.reason)),
                        .td(.unwrap(n.alternative, { alt in
                            .unwrap(visit) { v in
                                .form(.method(.post), .action(Paths.appointments(patient.id)), csrfField(csrf),
                                      .input(.type(.hidden), .name("clinicianId"), .value(v.clinicianID.uuidString.lowercased())),
                                      .input(.type(.hidden), .name("start"), .value(clock.local(alt).description)),
                                      .input(.type(.hidden), .name("minutes"), .value(String(v.minutes))),
                                      .input(.type(.hidden), .name("kind"), .value(v.kind.rawValue)),
                                      .input(.type(.hidden), .name("reason"), .value(esc(v.reason ?? ""))),
                                      .button(.id("alternative-\(i)"), .type(.submit), txt("Book \(clock.text(alt))")))
                            }
                        }, else: .text("—"))))
                })
            )))),
            .section(.id("booked"), .h2(.text("Booked")), .ul(.forEach(o.booked) { a in
                .li(txt("\(clock.text(a.appointment.start)), \(a.appointment.minutes) min with \(a.clinicianName)"))
            })),
            .p(.a(.id("back-to-appointments"), .href(Paths.appointments(patient.id)), .text("Back to the appointments")))
        )
    }
}
