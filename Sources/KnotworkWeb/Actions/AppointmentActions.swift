import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

/// The appointment book: booking a visit with a clinician of the care team, moving its status, a patient's visits and
/// a day's schedule. Booking is demographic work (the front desk books; so does any clinician on the team); the visit's
/// note is clinical and starts from the note pages. Each action checks, writes and audits in one transaction.
enum AppointmentActions {
    static func mapStoreError<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch AppointmentStoreError.notFound {
            throw Abort(.notFound)
        }
    }

    static func book(_ input: AppointmentInput, on req: Request) async throws -> StoredAppointment {
        let ctx = try req.requirePatient()
        let booker = try AssessmentActions.recorder(req)
        let now = req.now, clock = req.clinicClock
        return try await req.audit.perform(req.auditActor, AuditEntry(.appointmentBook, patientID: ctx.patientID, entity: "appointment")) { db in
            let visit = try input.validated(now: now, clinicians: Set(try await Self.clinicians(ctx.patientID, on: db).map(\.id)))
            try await CredentialActions.requireLicensed(visit.clinicianID, on: clock.date(of: visit.start), field: "clinicianId", db: db)
            let store = AppointmentStore(database: db)
            try visit.refusingOverlap(with: try await store.holdingTime(clinicianID: visit.clinicianID, from: visit.start, to: visit.end), clock: clock)
            // Beyond the last authorized visit (counting the visits already booked) or a referral's dates needs a reason.
            let referrals = try await ReferralStore(database: db).referrals(of: ctx.patientID)
            let coverage = try ReferralActions.resolve(CoverageDecision(overrideReason: input.overrideReason), on: clock.date(of: visit.start),
                                                       referrals: referrals,
                                                       booked: ReferralActions.booked(try await store.appointments(of: ctx.patientID), referrals: referrals, clock: clock))
            let booked = try await Self.mapStoreError { try await store.book(visit, patientID: ctx.patientID, by: booker, at: now) }
            try await Self.recordOverrides(coverage, appointment: booked.id, patientID: ctx.patientID, by: booker, at: now, on: db)
            return booked
        }
    }

    static func move(_ id: UUID, _ change: AppointmentStatusChange, on req: Request) async throws -> StoredAppointment {
        let ctx = try req.requirePatient()
        let now = req.now
        let entry = AuditEntry(.appointmentUpdate, patientID: ctx.patientID, entity: "appointment:\(id.uuidString.lowercased())")
        return try await req.audit.perform(req.auditActor, entry) { db in
            let store = AppointmentStore(database: db)
            guard let visit = try await store.appointment(id, of: ctx.patientID) else { throw Abort(.notFound) }
            let (status, reason) = try change.validated(from: visit.status, noteStarted: visit.noteID != nil)
            // Back to booked takes the time again: it must still be free.
            if status == .booked {
                let a = visit.appointment
                try a.refusingOverlap(with: try await store.holdingTime(clinicianID: a.clinicianID, from: a.start, to: a.end, excluding: id), clock: req.clinicClock)
            }
            if change.restOfSeries == true && (status != .cancelled || visit.seriesID == nil) {
                throw ValidationFailure([FieldError("restOfSeries", "Only a cancellation of a visit booked in a series takes the rest of the series.")])
            }
            let moved = try await Self.mapStoreError { try await store.move(id, of: ctx.patientID, to: status, reason: reason, at: now) }
            if !status.holdsTime { try await ReminderQueue.withdraw(id, on: db, at: now) }
            if change.restOfSeries == true, let series = visit.seriesID {
                for later in try await store.appointments(of: ctx.patientID, from: visit.appointment.start)
                    where later.seriesID == series && later.id != id && later.status == .booked {
                    _ = try await store.move(later.id, of: ctx.patientID, to: .cancelled, reason: reason, at: now)
                    try await ReminderQueue.withdraw(later.id, on: db, at: now)
                }
            }
            return moved
        }
    }

    /// The patient's visits, earliest first.
    static func appointments(on req: Request) async throws -> [StoredAppointment] {
        let ctx = try req.requirePatient()
        return try await req.audit.read(req.auditActor, AuditEntry(.appointmentRead, patientID: ctx.patientID, entity: "appointments")) { db in
            try await AppointmentStore(database: db).appointments(of: ctx.patientID)
        }
    }

    struct PatientBook: Sendable {
        var patient: Patient
        /// The care team's active clinicians: the only ones a visit may be booked with.
        var clinicians: [User]
        var visits: [StoredAppointment]
        /// The active referrals' counters (numbers only: the front desk books against them).
        var counters: [ReferralActions.Counter]
        /// The active plan's frequency and duration, which a series starts from.
        var plan: PlanOfCare?
        /// The clinic's notice rule for late cancellations.
        var noticeHours: Int
    }

    /// The patient's booking page in one audited read.
    static func patientBook(on req: Request) async throws -> PatientBook {
        let ctx = try req.requirePatient()
        let today = req.today
        return try await req.audit.read(req.auditActor, AuditEntry(.appointmentRead, patientID: ctx.patientID, entity: "appointments")) { db in
            let store = PatientStore(database: db)
            guard let patient = try await store.get(ctx.patientID) else { throw Abort(.notFound) }
            let settings = try await CareActions.settings(on: db)
            return PatientBook(patient: patient, clinicians: try await Self.clinicians(ctx.patientID, on: db),
                               visits: try await AppointmentStore(database: db).appointments(of: ctx.patientID),
                               counters: ReferralActions.counters(try await ReferralStore(database: db).referrals(of: ctx.patientID), today: today,
                                                                  settings: settings.counters),
                               plan: try await CareStore(database: db).plans(of: ctx.patientID).first { $0.plan.status == .active }?.plan,
                               noticeHours: settings.cancellationNoticeHours)
        }
    }

    static func clinicians(_ patientID: UUID, on db: any Database) async throws -> [User] {
        try await PatientStore(database: db).careTeam(patientID).map(\.user).filter { $0.role.isClinician && $0.active }
    }

    static func appointment(_ id: UUID, on req: Request) async throws -> StoredAppointment {
        let ctx = try req.requirePatient()
        let entity = "appointment:\(id.uuidString.lowercased())"
        return try await req.audit.read(req.auditActor, AuditEntry(.appointmentRead, patientID: ctx.patientID, entity: entity)) { db in
            guard let visit = try await AppointmentStore(database: db).appointment(id, of: ctx.patientID) else { throw Abort(.notFound) }
            return visit
        }
    }

    struct Schedule: Sendable {
        /// The day shown, or the Monday of the week shown.
        var day: CalendarDate
        /// 1 for a day, 7 for a week.
        var days: Int
        /// The clinician shown, or nil for every clinician the viewer may see.
        var clinicianID: UUID?
        var visits: [StoredAppointment]
        /// Each patient's active referral counters, by patient (numbers only).
        var counters: [UUID: [ReferralActions.Counter]]
    }

    /// Which day and whose visits, as the schedule page and the API ask for them.
    struct ScheduleQuery: Sendable {
        /// Today when nil.
        var day: CalendarDate?
        var clinicianID: UUID?
        var everyClinician = false
        /// The week (Monday to Sunday) that holds `day`, rather than the day.
        var week = false

        /// `day` is `YYYY-MM-DD`; the clinician is an id or `all`; `view` is `day` (the default) or `week`. Errors name
        /// the given fields.
        static func parse(day: String?, clinician: String?, clinicianField: String, view: String? = nil) throws(ValidationFailure) -> ScheduleQuery {
            var errors: [FieldError] = []
            if let view, !view.isEmpty, view != "day", view != "week" { errors.append(FieldError("view", "must be day or week")) }
            let dayText = day.flatMap { $0.isEmpty ? nil : $0 }, clinicianText = clinician.flatMap { $0.isEmpty ? nil : $0 }
            let date = dayText.flatMap(CalendarDate.init)
            if dayText != nil && date == nil { errors.append(FieldError("day", "must be a date written YYYY-MM-DD")) }
            let id = clinicianText.flatMap(UUID.init(uuidString:))
            if let text = clinicianText, text != "all", id == nil { errors.append(FieldError(clinicianField, "must be a user id or all")) }
            guard errors.isEmpty else { throw ValidationFailure(errors) }
            return ScheduleQuery(day: date, clinicianID: id, everyClinician: clinicianText == "all", week: view == "week")
        }
    }

    /// One local day's visits (23 to 25 hours on the days the clocks change). A clinician sees their own day by default and only
    /// the visits of patients on their care teams; the front desk and the administrator see every clinician's.
    static func schedule(_ query: ScheduleQuery, on req: Request) async throws -> Schedule {
        let user = try req.requirePrincipal().user
        let asked = query.day ?? req.today
        let day = query.week ? asked.adding(days: 1 - Weekday(asked).rawValue) : asked
        let days = query.week ? 7 : 1
        let shown: UUID? = query.everyClinician ? nil : (query.clinicianID ?? (user.role.isClinician ? user.id : nil))
        let viewer: AppointmentStore.Viewer = AccessPolicy.seesAllPatients(user.role) ? .everyone : .careTeamOf(user.id)
        let from = req.clinicClock.startOfDay(day), to = req.clinicClock.startOfDay(day.adding(days: days))
        let entry = AuditEntry(.appointmentRead, entity: "schedule:\(day)\(query.week ? "+week" : "")" + (shown.map { ":\($0.uuidString.lowercased())" } ?? ""))
        let (visits, counters) = try await req.audit.read(req.auditActor, entry) { db in
            let visits = try await AppointmentStore(database: db).schedule(from: from, to: to, clinicianID: shown, viewer: viewer, limit: 500 * days)
            let settings = try await CareActions.settings(on: db).counters
            let referrals = try await ReferralStore(database: db).active(ofPatients: Array(Set(visits.map(\.patientID))))
            return (visits, referrals.mapValues { ReferralActions.counters($0, today: day, settings: settings) })
        }
        return Schedule(day: day, days: days, clinicianID: shown, visits: visits, counters: counters)
    }
}
