import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

/// A series of visits booked in one go (issue 13 §5): each occurrence is placed on the clinic's clock and checked as a
/// single booking is (the clinician's license on its day, the clinician's other visits, the referral's visits left);
/// those that pass are booked under one series id in one audited transaction, the others are reported with the reason
/// and, for a clash, the nearest free time that day.
extension AppointmentActions {
    struct NotBooked: Sendable {
        var local: LocalTime
        var reason: String
        /// The nearest start the same day at which the clinician is free, if there is one.
        var alternative: Date?
    }

    struct SeriesOutcome: Sendable {
        var seriesID: UUID
        var booked: [StoredAppointment]
        var notBooked: [NotBooked]
    }

    /// Alternatives are looked for between these local hours, in steps of a quarter hour.
    static let alternativeHours = 7..<20

    static func bookSeries(_ input: VisitSeriesInput, on req: Request) async throws -> SeriesOutcome {
        let ctx = try req.requirePatient()
        let booker = try AssessmentActions.recorder(req)
        let now = req.now, clock = req.clinicClock
        return try await req.audit.perform(req.auditActor, AuditEntry(.appointmentBook, patientID: ctx.patientID, entity: "appointment series")) { db in
            let series = try input.validated()
            let placed = PlacedOccurrence.place(series, on: clock)
            let starts = placed.compactMap { p -> Date? in if case .at(_, let d) = p { return d } else { return nil } }
            // The visit's own rules once, on the first occurrence; a start error is the series' first day's.
            let template: Appointment
            do {
                template = try AppointmentInput(clinicianId: input.clinicianId, start: starts.first ?? clock.startOfDay(series.firstDay), minutes: input.minutes,
                                                kind: input.kind, reason: input.reason)
                    .validated(now: now, clinicians: Set(try await Self.clinicians(ctx.patientID, on: db).map(\.id)))
            } catch let v as ValidationFailure {
                throw ValidationFailure(v.errors.map { $0.field == "start" ? FieldError("firstDay", $0.message) : $0 })
            }
            let store = AppointmentStore(database: db)
            let licensed = try await CredentialActions.licenseCheck(template.clinicianID, db: db)
            var holding = try await store.holdingTime(clinicianID: template.clinicianID, from: starts.first ?? now,
                                                      to: (starts.last ?? now).addingTimeInterval(Double(template.minutes * 60)))
            let referrals = try await ReferralStore(database: db).referrals(of: ctx.patientID)
            var booked = ReferralActions.booked(try await store.appointments(of: ctx.patientID), referrals: referrals, clock: clock)
            let id = UUID()
            var outcome = SeriesOutcome(seriesID: id, booked: [], notBooked: [])
            // The occurrences that pass, booked together at the end: each later one is checked against those before it.
            var passing: [(id: UUID, visit: Appointment, coverage: ResolvedCoverage)] = []
            for p in placed {
                guard case .at(let local, let start) = p else {
                    if case .impossible(let local, let why) = p { outcome.notBooked.append(NotBooked(local: local, reason: why)) }
                    continue
                }
                var visit = template
                visit.start = start
                if start > now.addingTimeInterval(AppointmentLimits.horizon) {
                    outcome.notBooked.append(NotBooked(local: local, reason: "A visit can be booked at most two years ahead."))
                    continue
                }
                if let why = licensed(local.date) {
                    outcome.notBooked.append(NotBooked(local: local, reason: why))
                    continue
                }
                do {
                    try visit.refusingOverlap(with: holding, clock: clock)
                } catch let v as ValidationFailure {
                    outcome.notBooked.append(NotBooked(local: local, reason: v.errors.map(\.message).joined(separator: " "),
                                                       alternative: Self.alternative(visit, around: local, holding: holding, clock: clock, now: now)))
                    continue
                }
                let coverage: ResolvedCoverage
                do {
                    coverage = try ReferralActions.resolve(CoverageDecision(overrideReason: input.overrideReason), on: local.date, referrals: referrals,
                                                           booked: booked)
                } catch let v as ValidationFailure {
                    outcome.notBooked.append(NotBooked(local: local, reason: v.errors.map(\.message).joined(separator: " ")))
                    continue
                }
                let visitID = UUID()
                passing.append((visitID, visit, coverage))
                // Counted by the coverage check of the next occurrences as a booked visit (as `ReferralActions.booked` counts).
                for r in referrals where r.counter.covers(local.date) { booked[r.id, default: 0] += 1 }
                holding.append(visit)
            }
            outcome.booked = try await store.book(series: id, passing.map { ($0.id, $0.visit) }, patientID: ctx.patientID, by: booker, at: now)
            for p in passing {
                try await Self.recordOverrides(p.coverage, appointment: p.id, patientID: ctx.patientID, by: booker, at: now, on: db)
            }
            if outcome.booked.isEmpty {
                throw ValidationFailure([FieldError("firstDay", "No visit of the series could be booked. "
                                                    + outcome.notBooked.prefix(3).map { "\($0.local.date): \($0.reason)" }.joined(separator: " "))])
            }
            return outcome
        }
    }

    /// The free start nearest to the asked-for time on the same local day, on the quarter hour, not in the past.
    static func alternative(_ visit: Appointment, around local: LocalTime, holding: [Appointment], clock: ClinicClock, now: Date) -> Date? {
        let asked = local.hour * 60 + local.minute
        let candidates = stride(from: Self.alternativeHours.lowerBound * 60, through: Self.alternativeHours.upperBound * 60 - visit.minutes, by: 15)
            .sorted { abs($0 - asked) < abs($1 - asked) }
        for m in candidates {
            guard let t = LocalTime(date: local.date, hour: m / 60, minute: m % 60), case .exact(let start) = clock.resolve(t), start >= now else { continue }
            let end = start.addingTimeInterval(Double(visit.minutes * 60))
            if !holding.contains(where: { $0.overlaps(start: start, end: end) }) { return start }
        }
        return nil
    }

    /// Books beyond a referral's last visit or dates keep the reason given, one row per referral concerned.
    static func recordOverrides(_ coverage: ResolvedCoverage, appointment: UUID, patientID: UUID, by booker: Recorder, at now: Date, on db: any Database) async throws {
        for c in [coverage.order, coverage.authorization] {
            if let id = c.referralID, let problem = c.problem, let reason = coverage.overrideReason {
                try await ReferralStore(database: db).recordOverride(id, patientID: patientID, action: .booking, problem: problem,
                                                                     appointmentID: appointment, reason: reason, by: booker, at: now)
            }
        }
    }
}
