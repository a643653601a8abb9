import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

extension API {
    struct AppointmentResponse: Content {
        var id: UUID
        var patientId: UUID
        var patientName: String
        var recordNumber: String
        var clinicianId: UUID
        var clinicianName: String
        var start: Date
        var end: Date
        var minutes: Int
        var kind: String
        var reason: String?
        var status: String
        var statusReason: String?
        var noteId: UUID?
        var seriesId: UUID?
        var bookedBy: String
        var createdAt: Date
        var updatedAt: Date

        init(_ a: StoredAppointment) {
            self.id = a.id
            self.patientId = a.patientID
            self.patientName = a.patientName
            self.recordNumber = a.recordNumber
            self.clinicianId = a.appointment.clinicianID
            self.clinicianName = a.clinicianName
            self.start = a.appointment.start
            self.end = a.appointment.end
            self.minutes = a.appointment.minutes
            self.kind = a.appointment.kind.rawValue
            self.reason = a.appointment.reason
            self.status = a.status.rawValue
            self.statusReason = a.statusReason
            self.noteId = a.noteID
            self.seriesId = a.seriesID
            self.bookedBy = a.bookedByName
            self.createdAt = a.createdAt
            self.updatedAt = a.updatedAt
        }
    }

    struct ScheduleResponse: Content {
        /// The day, or the Monday of the week.
        var day: String
        /// 1, or 7 for a week.
        var days: Int
        var clinicianId: UUID?
        var items: [AppointmentResponse]
    }

    struct SeriesResponse: Content {
        struct NotBooked: Content {
            /// The occurrence's local wall time (YYYY-MM-DDTHH:MM on the clinic's clock).
            var local: String
            var reason: String
            var alternative: Date?
        }

        var seriesId: UUID
        var booked: [AppointmentResponse]
        var notBooked: [NotBooked]

        init(_ o: AppointmentActions.SeriesOutcome) {
            self.seriesId = o.seriesID
            self.booked = o.booked.map(AppointmentResponse.init)
            self.notBooked = o.notBooked.map { NotBooked(local: $0.local.description, reason: $0.reason, alternative: $0.alternative) }
        }
    }

    struct ScheduleController {
        struct ScheduleParams: Content {
            var day: String?
            var clinicianId: String?
            var view: String?
        }

        /// One day's visits: the caller's own by default for a clinician, every clinician's for the front desk;
        /// `clinicianId=all` asks for every clinician the caller may see.
        @Sendable func schedule(req: Request) async throws -> ScheduleResponse {
            let p = try API.query(ScheduleParams.self, req)
            let s = try await AppointmentActions.schedule(try .parse(day: p.day, clinician: p.clinicianId, clinicianField: "clinicianId", view: p.view), on: req)
            return ScheduleResponse(day: s.day.description, days: s.days, clinicianId: s.clinicianID, items: s.visits.map(AppointmentResponse.init))
        }

        @Sendable func appointments(req: Request) async throws -> Items<AppointmentResponse> {
            Items(items: try await AppointmentActions.appointments(on: req).map(AppointmentResponse.init))
        }

        @Sendable func appointment(req: Request) async throws -> AppointmentResponse {
            AppointmentResponse(try await AppointmentActions.appointment(try req.pathID("appointmentID"), on: req))
        }

        @Sendable func book(req: Request) async throws -> Response {
            let visit = try await AppointmentActions.book(try API.decode(AppointmentInput.self, req), on: req)
            return try await AppointmentResponse(visit).encodeResponse(status: .created, for: req)
        }

        @Sendable func bookSeries(req: Request) async throws -> Response {
            let outcome = try await AppointmentActions.bookSeries(try API.decode(VisitSeriesInput.self, req), on: req)
            return try await SeriesResponse(outcome).encodeResponse(status: .created, for: req)
        }

        @Sendable func move(req: Request) async throws -> AppointmentResponse {
            let id = try req.pathID("appointmentID")
            return AppointmentResponse(try await AppointmentActions.move(id, try API.decode(AppointmentStatusChange.self, req), on: req))
        }
    }
}
