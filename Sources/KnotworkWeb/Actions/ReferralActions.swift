import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

/// Referrals and payer authorizations (issue 11): entered, activated or cancelled, their scanned order attached, and
/// their visit counters moved by signed session notes. Referrals carry diagnoses, so every route is clinical (care team
/// or break-glass). Each action checks, writes and audits in one transaction.
enum ReferralActions {
    static func mapStoreError<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch ReferralStoreError.notFound {
            throw Abort(.notFound)
        }
    }

    /// The clinic's active medical providers, who may refer from inside Knotwork, with the name a referral shows.
    static func providers(on db: any Database) async throws -> [User] {
        try await UserStore(database: db).all().filter { $0.role == .medicalProvider && $0.active }
    }

    static func create(_ input: ReferralInput, on req: Request) async throws -> StoredReferral {
        let ctx = try req.requirePatient()
        let recorder = try AssessmentActions.recorder(req)
        let now = req.now
        return try await req.audit.perform(req.auditActor, AuditEntry(.referralCreate, patientID: ctx.patientID, entity: "referral")) { db in
            let providers = Dictionary(uniqueKeysWithValues: try await Self.providers(on: db).map { ($0.id, $0.displayName) })
            let (referral, status) = try input.validated(providers: providers, today: req.today)
            return try await Self.mapStoreError {
                try await ReferralStore(database: db).create(referral, status: status, patientID: ctx.patientID, by: recorder, at: now)
            }
        }
    }

    static func referrals(on req: Request) async throws -> [StoredReferral] {
        let ctx = try req.requirePatient()
        return try await req.audit.read(req.auditActor, AuditEntry(.referralRead, patientID: ctx.patientID, entity: "referrals")) { db in
            try await ReferralStore(database: db).referrals(of: ctx.patientID)
        }
    }

    struct Detail: Sendable {
        var referral: StoredReferral
        var usages: [ReferralUsage]
        var document: ScannedDocument?
    }

    static func referral(_ id: UUID, on req: Request) async throws -> Detail {
        let ctx = try req.requirePatient()
        let entry = AuditEntry(.referralRead, patientID: ctx.patientID, entity: "referral:\(id.uuidString.lowercased())")
        return try await req.audit.read(req.auditActor, entry) { db in
            let store = ReferralStore(database: db)
            guard let referral = try await store.referral(id, of: ctx.patientID) else { throw Abort(.notFound) }
            return Detail(referral: referral, usages: try await store.usages(of: id), document: try await store.document(of: id)?.document)
        }
    }

    static func move(_ id: UUID, _ change: ReferralStatusChange, on req: Request) async throws -> StoredReferral {
        let ctx = try req.requirePatient()
        let now = req.now
        let entry = AuditEntry(.referralUpdate, patientID: ctx.patientID, entity: "referral:\(id.uuidString.lowercased())")
        return try await req.audit.perform(req.auditActor, entry) { db in
            let store = ReferralStore(database: db)
            guard let current = try await store.referral(id, of: ctx.patientID) else { throw Abort(.notFound) }
            let (status, reason) = try change.validated(from: current.storedStatus)
            return try await Self.mapStoreError { try await store.move(id, of: ctx.patientID, to: status, reason: reason, at: now) }
        }
    }

    /// Every booking and signing that went beyond a referral, newest first (administrator).
    static func overrides(on req: Request) async throws -> [CoverageOverride] {
        try await req.audit.read(req.auditActor, AuditEntry(.referralRead, entity: "coverage overrides")) { db in
            try await ReferralStore(database: db).overrides()
        }
    }

    /// The worklist's referrals running out: active ones of the caller's patients with an alert. One audited read.
    static func runningOut(on req: Request) async throws -> [(counter: Counter, patientName: String)] {
        let user = try req.requirePrincipal().user
        let today = req.today
        return try await req.audit.read(req.auditActor, AuditEntry(.referralRead, entity: "worklist")) { db in
            let settings = try await CareActions.settings(on: db).counters
            return try await ReferralStore(database: db).active(onTeamOf: user.id).compactMap { r, name in
                let alerts = r.alerts(on: today, settings: settings)
                return alerts.isEmpty ? nil : (Counter(referral: r, alerts: alerts), name)
            }
        }
    }

    // MARK: counting

    /// Resolves what a visit on `date` counts against, naming each problem with the referral's title and counter.
    /// - Parameter booked: visits booked but not yet signed, by referral, counted as used (for a booking).
    static func resolve(_ decision: CoverageDecision, on date: CalendarDate, referrals: [StoredReferral],
                        booked: [UUID: Int] = [:]) throws(ValidationFailure) -> ResolvedCoverage {
        var byID: [UUID: (title: String, candidate: CoverageCandidate)] = [:]
        for r in referrals {
            var c = r.candidate
            c.counter.used += booked[r.id] ?? 0
            byID[r.id] = (r.referral.title, c)
        }
        return try ResolvedCoverage.resolve(decision, on: date, among: referrals.map { byID[$0.id]!.candidate }) { id, problem in
            problem.message(byID[id]!.title, byID[id]!.candidate.counter)
        }
    }

    /// Counts a signed note against what `coverage` resolved, in the signature's transaction. When the automatic
    /// choice's last visit was taken since the note was checked (another signer won it), the visit goes to the next
    /// referral that covers its date with visits left; when none is left, or the person chose that referral, an
    /// override is asked for and nothing is signed.
    /// - Parameter chosen: the kinds for which the person chose the referral (no fallback for those).
    static func count(_ coverage: ResolvedCoverage, chosen: Set<ReferralKind>, note noteID: UUID, patientID: UUID, dateOfService: CalendarDate,
                      by recorder: Recorder, at now: Date, on db: any Database) async throws {
        let store = ReferralStore(database: db)
        for (kind, c) in [(ReferralKind.order, coverage.order), (.authorization, coverage.authorization)] {
            guard var id = c.referralID else { continue }
            let override = c.problem == nil ? nil : coverage.overrideReason
            var tried: Set<UUID> = []
            while true {
                do {
                    try await store.count(id, note: noteID, patientID: patientID, dateOfService: dateOfService, changeReason: coverage.changeReason,
                                          override: override, at: now)
                    break
                } catch ReferralStoreError.noVisitLeft {
                    tried.insert(id)
                    let fresh = try await store.referrals(of: patientID).map(\.candidate)
                    guard !chosen.contains(kind), override == nil,
                          case .counts(let next) = Coverage.choose(kind, on: dateOfService, among: fresh), !tried.contains(next) else {
                        throw ValidationFailure([FieldError("overrideReason", "The last authorized visit was just counted for another note; "
                                                            + "give a reason to go beyond it.")])
                    }
                    id = next
                }
            }
            if let problem = c.problem, let reason = override {
                try await store.recordOverride(id, patientID: patientID, action: .signing, problem: problem, noteID: noteID, reason: reason,
                                               by: recorder, at: now)
            }
        }
    }

    /// The visits booked (not cancelled, not yet signed) that fall in each referral's dates: what a booking counts
    /// on top of the visits used.
    static func booked(_ visits: [StoredAppointment], referrals: [StoredReferral], clock: ClinicClock) -> [UUID: Int] {
        var out: [UUID: Int] = [:]
        for r in referrals {
            out[r.id] = visits.filter { $0.status.holdsTime && r.counter.covers(clock.date(of: $0.appointment.start)) }.count
        }
        return out
    }

    /// The counters shown for a patient: active referrals and authorizations with their alerts.
    struct Counter: Sendable {
        var referral: StoredReferral
        var alerts: [CounterAlert]
    }

    static func counters(_ referrals: [StoredReferral], today: CalendarDate, settings: CounterSettings) -> [Counter] {
        referrals.filter { $0.storedStatus == .active }.map { Counter(referral: $0, alerts: $0.alerts(on: today, settings: settings)) }
    }
}
