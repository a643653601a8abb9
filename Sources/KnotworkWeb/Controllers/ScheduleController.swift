import Foundation
import KnotworkCore
import KnotworkStore
import Plot
import Vapor

/// The appointment book's pages: the day's schedule, a patient's visits with the booking form, and status moves.
struct ScheduleController {
    @Sendable func schedule(req: Request) async throws -> Response {
        let p = try req.requirePrincipal()
        var errors: [FieldError] = []
        var query = AppointmentActions.ScheduleQuery()
        do {
            query = try .parse(day: req.query["day"], clinician: req.query["clinician"], clinicianField: "clinician", view: req.query["view"])
        } catch {
            errors = error.errors  // the errors are shown above today's own schedule
        }
        let schedule = try await AppointmentActions.schedule(query, on: req)
        let clinicians = try await req.users.all().filter { $0.role.isClinician && $0.active }
        let html = Layout.page(PageContext(req, title: schedule.days == 7 ? "Schedule · week of \(schedule.day)" : "Schedule \(schedule.day)"),
                               .group(errorSummary(errors),
                                      ScheduleViews.schedulePage(schedule, clinicians: clinicians, viewer: p.user, csrf: p.csrfToken)))
        return Layout.response(html, status: errors.isEmpty ? .ok : .badRequest)
    }

    @Sendable func patientAppointments(req: Request) async throws -> Response {
        try await self.patientPage(req, input: nil, errors: [])
    }

    func patientPage(_ req: Request, input: AppointmentInput?, startText: String? = nil, errors: [FieldError], status: HTTPStatus? = nil,
                     series: SeriesViews.Form = SeriesViews.Form()) async throws -> Response {
        let p = try req.requirePrincipal()
        let ctx = try req.requirePatient()
        let book = try await AppointmentActions.patientBook(on: req)
        let flash = (try? req.query.get(String.self, at: "booked")) == "1" ? "Visit booked." : nil
        let html = Layout.page(PageContext(req, title: "Appointments · \(book.patient.displayName)", flash: flash),
                               ScheduleViews.patientPage(book.patient, visits: book.visits, clinicians: book.clinicians, counters: book.counters, input: input, startText: startText, errors: errors,
                                                         clinical: ctx.access >= .clinical, now: req.now, plan: book.plan, series: series,
                                                         noticeHours: book.noticeHours, csrf: p.csrfToken))
        return Layout.response(html, status: status ?? (errors.isEmpty && series.errors.isEmpty ? .ok : .unprocessableEntity))
    }

    @Sendable func book(req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        let form = FormFields(req)
        var errors: [FieldError] = []
        let start = NoteForms.instant(form, "start", field: "start", clock: req.clinicClock, errors: &errors)
        let minutes = AssessmentForms.int(form, "minutes", field: "minutes", errors: &errors)
        let clinician = form["clinicianId"].flatMap(UUID.init(uuidString:))
        if form["clinicianId"] != nil && clinician == nil { errors.append(FieldError("clinicianId", "Choose a clinician on the patient's care team.")) }
        let input = AppointmentInput(clinicianId: clinician, start: start, minutes: minutes, kind: form["kind"], reason: form["reason"],
                                     overrideReason: form["overrideReason"])
        if !errors.isEmpty { return try await self.patientPage(req, input: input, startText: form["start"], errors: errors) }
        do {
            _ = try await AppointmentActions.book(input, on: req)
            return req.redirect(to: Paths.appointments(ctx.patientID) + "?booked=1", redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await self.patientPage(req, input: input, startText: form["start"], errors: v.errors)
        }
    }

    @Sendable func move(req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        let id = try req.pathID("appointmentID")
        let form = FormFields(req)
        do {
            _ = try await AppointmentActions.move(id, AppointmentStatusChange(status: form["status"], reason: form["reason"],
                                                                       restOfSeries: form.flag("restOfSeries") ? true : nil), on: req)
        } catch let v as ValidationFailure {
            return try await self.patientPage(req, input: nil, errors: v.errors)
        }
        let next = form["next"].flatMap { Paths.isLocal($0) ? $0 : nil } ?? Paths.appointments(ctx.patientID)
        return req.redirect(to: next, redirectType: .normal)
    }

    @Sendable func bookSeries(req: Request) async throws -> Response {
        let p = try req.requirePrincipal()
        let form = FormFields(req)
        let input = SeriesViews.input(form)
        do {
            let outcome = try await AppointmentActions.bookSeries(input, on: req)
            let book = try await AppointmentActions.patientBook(on: req)
            let html = Layout.page(PageContext(req, title: "Series booked · \(book.patient.displayName)"),
                                   SeriesViews.report(book.patient, outcome, visit: outcome.booked.first?.appointment, csrf: p.csrfToken))
            return Layout.response(html, status: .ok)
        } catch let v as ValidationFailure {
            return try await self.patientPage(req, input: nil, errors: [], series: SeriesViews.Form(fields: form, errors: v.errors))
        }
    }
}
