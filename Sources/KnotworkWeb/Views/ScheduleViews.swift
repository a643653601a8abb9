import Foundation
import KnotworkCore
import KnotworkStore
import Plot

/// The appointment book's pages: a day's schedule and a patient's visits with the booking form, in the clinic's local time.
enum ScheduleViews {
    typealias V = AssessmentViews

    /// The actions one visit offers this viewer: its note for a clinician on the team, status moves for anyone who books.
    static func actions(_ a: StoredAppointment, clinical: Bool, next: String, csrf: String?) -> Node<HTML.BodyContext> {
        let id = a.id.uuidString.lowercased()
        func move(_ status: AppointmentStatus, _ label: String) -> Node<HTML.BodyContext> {
            .form(.method(.post), .action(Paths.appointmentStatus(a.patientID, a.id)), .class("inline"),
                  csrfField(csrf),
                  .input(.type(.hidden), .name("status"), .value(status.rawValue)),
                  .input(.type(.hidden), .name("next"), .value(esc(next))),
                  .button(.id("\(status.rawValue)-\(id)"), .type(.submit), .class("small"),
                          .attribute(named: "aria-label", value: esc("\(label): \(a.patientName), \(ClinicTime.clock.text(a.appointment.start))")), txt(label)))
        }
        return .div(
            .class("visit-actions"),
            .if(clinical && a.noteID != nil, .a(.id("open-note-\(id)"), .class("button"), .href(Paths.note(a.patientID, a.noteID ?? a.id)), .text("Open note"))),
            .if(clinical && a.noteID == nil && a.status.holdsTime,
                .a(.id("start-note-\(id)"), .class("button primary"), .href(Paths.newNote(a.patientID, appointment: a.id)), .text("Start note"))),
            .if(a.status == .booked, .group(move(.arrived, "Arrived"), move(.noShow, "No-show"))),
            .if(a.status == .arrived && a.noteID == nil, move(.booked, "Not arrived"))
        )
    }

    static func statusCell(_ a: StoredAppointment) -> Node<HTML.TableRowContext> {
        .td(.class("visit-status status-\(a.status.rawValue)"), txt(a.status.label + (a.statusReason.map { ": \($0)" } ?? "")))
    }

    static func schedulePage(_ s: AppointmentActions.Schedule, clinicians: [User], viewer: User, csrf: String?) -> Node<HTML.BodyContext> {
        let week = s.days == 7
        let here = Paths.schedule(day: s.day, clinician: s.clinicianID, week: week)
        let options = [("all", "All clinicians")] + clinicians.map { ($0.id.uuidString.lowercased(), $0.displayName) }
        let clock = ClinicTime.clock
        let days = (0..<s.days).map { s.day.adding(days: $0) }
        let byDay = Dictionary(grouping: s.visits) { clock.date(of: $0.appointment.start) }
        func table(_ day: CalendarDate, _ visits: [StoredAppointment]) -> Node<HTML.BodyContext> {
            .div(.class("table-wrap"), .table(
                .id(week ? "schedule-\(day)" : "schedule"), .caption(txt("Visits on \(week ? Weekday(day).label + " " : "")\(day) (\(clock.identifier))")),
                .thead(.tr(.th(.text("Time")), .th(.text("Patient")), .th(.text("Clinician")), .th(.text("Visit")), .th(.text("Status")),
                           .th(.text("Actions")))),
                .tbody(.forEach(visits) { a in
                    .tr(
                        .id("visit-\(a.id.uuidString.lowercased())"),
                        .td(txt(Self.span(a))),
                        .td(.a(.href(Paths.patient(a.patientID)), txt(a.patientName)), txt(" · " + a.recordNumber),
                            .forEach(s.counters[a.patientID] ?? []) { c in
                                .span(.class(c.alerts.isEmpty ? "counter" : "counter alert"),
                                      txt(" · \(c.referral.referral.kind.label): \(c.referral.counter.left) of \(c.referral.referral.authorizedVisits) left"
                                          + (c.alerts.isEmpty ? "" : " (\(c.alerts.map(\.message).joined(separator: ", ")))")))
                            }),
                        .td(txt(a.clinicianName)),
                        .td(txt(a.appointment.kind.label + (a.appointment.reason.map { ": \($0)" } ?? ""))),
                        Self.statusCell(a),
                        // Every patient on a clinician's schedule is on their care team (the store filters the others out).
                        .td(Self.actions(a, clinical: viewer.role.isClinician, next: here, csrf: csrf))
                    )
                })
            ))
        }
        return .group(
            .div(.class("page-title"), .h1(txt(week ? "Schedule · week of \(s.day)" : "Schedule · \(s.day)"))),
            .form(
                .id("schedule-filter"), .method(.get), .action(Paths.schedule), .class("inline"),
                V.input("day", "day", "Day", value: s.day.description, errors: [], type: .date),
                V.select("clinician", "clinician", "Clinician", options: options, selected: s.clinicianID?.uuidString.lowercased() ?? "all", errors: []),
                V.select("view", "view", "Show", options: [("day", "The day"), ("week", "Its week")], selected: week ? "week" : "day", errors: []),
                .button(.id("schedule-show"), .type(.submit), .text("Show"))
            ),
            .p(.class("day-nav"),
               .a(.id("previous-day"), .href(Paths.schedule(day: s.day.adding(days: -s.days), clinician: s.clinicianID, week: week)),
                  .text(week ? "← Previous week" : "← Previous day")),
               .text(" · "),
               .a(.id("next-day"), .href(Paths.schedule(day: s.day.adding(days: s.days), clinician: s.clinicianID, week: week)),
                  .text(week ? "Next week →" : "Next day →")),
               .text(" · "),
               .a(.id("other-view"), .href(Paths.schedule(day: s.day, clinician: s.clinicianID, week: !week)), .text(week ? "Show one day" : "Show the week"))),
            .if(s.visits.isEmpty, .p(.id("no-visits"), .text(week ? "No visits booked this week." : "No visits booked."))),
            .if(!s.visits.isEmpty && !week, table(s.day, s.visits)),
            .if(!s.visits.isEmpty && week, .forEach(days) { day in
                .section(.class("schedule-day"), .h2(txt("\(Weekday(day).label) \(day)")),
                         .unwrap(byDay[day], { table(day, $0) }, else: .p(.text("No visits."))))
            })
        )
    }

    static func span(_ a: StoredAppointment) -> String {
        "\(ClinicTime.clock.timeOfDay(a.appointment.start))–\(ClinicTime.clock.timeOfDay(a.appointment.end)) (\(a.appointment.minutes) min)"
    }

    static func patientPage(_ patient: Patient, visits: [StoredAppointment], clinicians: [User], counters: [ReferralActions.Counter],
                            input: AppointmentInput?, startText: String? = nil, errors: [FieldError], clinical: Bool, now: Date,
                            plan: PlanOfCare? = nil, series: SeriesViews.Form = SeriesViews.Form(), noticeHours: Int = 24,
                            csrf: String?) -> Node<HTML.BodyContext> {
        let upcoming = visits.filter { $0.appointment.end > now }
        let past = visits.filter { $0.appointment.end <= now }.reversed()
        let here = Paths.appointments(patient.id)
        func table(_ id: String, _ caption: String, _ rows: [StoredAppointment]) -> Node<HTML.BodyContext> {
            .div(.class("table-wrap"), .table(
                .id(id), .caption(txt(caption)),
                .thead(.tr(.th(.text("When")), .th(.text("Clinician")), .th(.text("Visit")), .th(.text("Status")), .th(.text("Actions")))),
                .tbody(.forEach(rows) { a in
                    .tr(
                        .id("visit-\(a.id.uuidString.lowercased())"),
                        .td(txt("\(ClinicTime.clock.text(a.appointment.start)), \(a.appointment.minutes) min")),
                        .td(txt(a.clinicianName)),
                        .td(txt(a.appointment.kind.label + (a.appointment.reason.map { ": \($0)" } ?? ""))),
                        Self.statusCell(a),
                        .td(Self.actions(a, clinical: clinical, next: here, csrf: csrf),
                            .if(a.status.holdsTime && a.noteID == nil, Self.cancelForm(a, csrf: csrf)))
                    )
                })
            ))
        }
        return .group(
            .div(.class("page-title"), .h1(txt("Appointments · \(patient.displayName)"))),
            .p(.a(.href(Paths.patient(patient.id)), .text("Back to the patient"))),
            .p(.id("attendance"), txt(Attendance.count(visits.map { ($0.status, $0.appointment.start, $0.updatedAt) }, noticeHours: noticeHours)
                .summary(noticeHours: noticeHours))),
            .section(
                .id("upcoming"), .h2(.text("Upcoming")),
                .if(upcoming.isEmpty, .p(.text("No visit booked."))),
                .if(!upcoming.isEmpty, table("upcoming-visits", "Upcoming visits (\(ClinicTime.clock.identifier))", upcoming))
            ),
            .section(
                .id("book"), .h2(.text("Book a visit")),
                ReferralViews.counters(counters, today: ClinicTime.clock.date(of: now), patientID: patient.id, linked: clinical),
                .if(clinicians.isEmpty, .p(.class("notice"), .text("The care team has no clinician yet: add one to the team before booking."))),
                .if(!clinicians.isEmpty, Self.bookForm(patient.id, clinicians: clinicians, input: input, startText: startText, errors: errors, csrf: csrf))
            ),
            .if(!clinicians.isEmpty, SeriesViews.section(patient.id, clinicians: clinicians, plan: plan, form: series, today: ClinicTime.clock.date(of: now), csrf: csrf)),
            .if(!past.isEmpty, .section(.id("past"), .h2(.text("Past visits")), table("past-visits", "Past visits (\(ClinicTime.clock.identifier))", Array(past))))
        )
    }

    static func cancelForm(_ a: StoredAppointment, csrf: String?) -> Node<HTML.BodyContext> {
        let id = a.id.uuidString.lowercased()
        return .details(
            .summary(.text("Cancel…")),
            .form(.method(.post), .action(Paths.appointmentStatus(a.patientID, a.id)),
                  csrfField(csrf),
                  .input(.type(.hidden), .name("status"), .value(AppointmentStatus.cancelled.rawValue)),
                  V.input("cancel-reason-\(id)", "reason", "Reason for cancelling", value: nil, errors: []),
                  .if(a.seriesID != nil, V.checkbox("cancel-rest-\(id)", "restOfSeries", "Also cancel the later visits of this series", checked: false)),
                  .button(.id("cancel-\(id)"), .type(.submit), .text("Cancel the visit")))
        )
    }

    static func bookForm(_ patientID: UUID, clinicians: [User], input: AppointmentInput?, startText: String?, errors: [FieldError],
                         csrf: String?) -> Node<HTML.BodyContext> {
        .form(
            .id("book-form"), .method(.post), .action(Paths.appointments(patientID)),
            csrfField(csrf),
            errorSummary(errors),
            V.select("clinicianId", "clinicianId", "Clinician", options: clinicians.map { ($0.id.uuidString.lowercased(), "\($0.displayName) · \($0.role.label)") },
                     selected: input?.clinicianId?.uuidString.lowercased(), errors: errors),
            Self.localTimeField("start", "Start", text: startText ?? NoteForms.localText(input?.start), errors: errors),
            V.input("minutes", "minutes", "Length in minutes", value: input?.minutes.map(String.init) ?? "60", errors: errors, type: .number,
                    min: "\(AppointmentLimits.minutes.lowerBound)", max: "\(AppointmentLimits.minutes.upperBound)", step: "5"),
            V.select("kind", "kind", "Visit", options: AppointmentKind.allCases.map { ($0.rawValue, $0.label) },
                     selected: input?.kind ?? AppointmentKind.session.rawValue, errors: errors),
            V.input("reason", "reason", "Reason (optional)", value: input?.reason, errors: errors),
            V.input("overrideReason", "overrideReason", "Override reason (only beyond the last authorized visit or after a referral's expiry)",
                    value: input?.overrideReason, errors: errors),
            .button(.id("book-submit"), .type(.submit), .class("primary"), .text("Book the visit"))
        )
    }

    /// A `datetime-local` field on the clinic's clock. When the typed time falls in the hour the autumn change repeats,
    /// the field asks which pass was meant (`<name>Repeated`), with each pass's offset named.
    static func localTimeField<C: HTML.BodyContext>(_ name: String, _ label: String, text: String?, errors: [FieldError]) -> Node<C> {
        let clock = ClinicTime.clock
        var passes: [(String, String)] = []
        if let t = text.flatMap(LocalTime.init), case .repeated(let earlier, let later) = clock.resolve(t) {
            passes = [(RepeatedHour.earlier.rawValue, "The first \(clock.timeOfDay(earlier)) (\(clock.offsetText(earlier)))"),
                      (RepeatedHour.later.rawValue, "The second \(clock.timeOfDay(later)) (\(clock.offsetText(later)))")]
        }
        return .group(
            V.input(name, name, "\(label) (\(clock.identifier))", value: text, errors: errors, type: .datetimeLocal),
            .if(!passes.isEmpty, V.select(name + "Repeated", name + "Repeated", "That time happens twice that night: which one?",
                                          options: passes, selected: nil, errors: errors))
        )
    }

    /// The patient page's short list: the next visits and the way to the book.
    static func summary(_ patientID: UUID, upcoming: [StoredAppointment]) -> Node<HTML.BodyContext> {
        .section(
            .id("appointments-summary"), .attribute(named: "aria-labelledby", value: "appointments-summary-heading"),
            .h2(.id("appointments-summary-heading"), .text("Appointments")),
            .if(upcoming.isEmpty, .p(.text("No visit booked."))),
            .ul(.forEach(upcoming) { a in
                .li(txt("\(ClinicTime.clock.text(a.appointment.start)) · \(a.appointment.kind.label) with \(a.clinicianName) · \(a.status.label)"))
            }),
            .a(.class("button"), .id("appointments-link"), .href(Paths.appointments(patientID)), .text("Appointments and booking"))
        )
    }
}
