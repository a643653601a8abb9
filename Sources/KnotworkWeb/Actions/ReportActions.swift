import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

/// Progress reports to the referring provider: when one is due, the draft from the data, the therapist's edits and
/// signature, and the deliveries that follow the signature (the provider's Knotwork inbox, an e-mail notice through the
/// outbox, paper). A report is a note of kind `progress-report`: signed and locked like every note, in the database too.
enum ReportActions {
    static let kind = "progress-report"

    struct Due: Sendable {
        var since: CalendarDate
        var visitsSinceLast: Int
        var referral: StoredReferral?
        var reasons: [ReportDueReason]
    }

    /// The referral a report answers: the active order (else authorization) linked to the plan, else any active one.
    static func referral(for plan: StoredPlan?, among referrals: [StoredReferral], today: CalendarDate) -> StoredReferral? {
        let active = referrals.filter { $0.status(on: today) == .active || $0.status(on: today) == .exhausted }
        let ranked = active.sorted { ($0.planID == plan?.id ? 0 : 1, $0.referral.kind == .order ? 0 : 1) < ($1.planID == plan?.id ? 0 : 1, $1.referral.kind == .order ? 0 : 1) }
        return ranked.first
    }

    /// Whether a report is due for the patient's current plan, from its notes (bodies of signed reports only needed for
    /// the last one) and referrals.
    static func due(plan: StoredPlan?, notes: [StoredNote], referrals: [StoredReferral], settings: ClinicSettings, today: CalendarDate) -> Due? {
        guard let plan, !plan.plan.status.isFinal, plan.plan.status != .draft else { return nil }
        let lastReport = notes.filter { $0.kind == Self.kind && $0.isSigned && $0.planID == plan.id }.max { $0.signedAt! < $1.signedAt! }
        let sinceInstant = lastReport?.signedAt
        let since = sinceInstant.map { CalendarDate($0) } ?? plan.plan.start
        let visits = notes.filter { n in
            n.kind == "session" && n.isSigned && n.planID == plan.id && (sinceInstant.map { (n.sessionStart ?? n.createdAt) > $0 } ?? true)
        }.count
        let referral = Self.referral(for: plan, among: referrals, today: today)
        let lastBody = lastReport.flatMap { try? $0.decode(ProgressReport.self) }
        let endingReported = referral != nil && lastBody?.referral?.referralID == referral?.id
            && (lastBody?.due.contains { if case .referralEnding = $0 { true } else { false } } ?? false)
        let discharging = notes.contains { $0.kind == "discharge" && !$0.isSigned && $0.planID == plan.id }
        let reasons = ProgressReportDue.check(visitsSinceLast: visits, since: since, today: today, referral: referral?.counter,
                                              endingReported: endingReported, discharging: discharging, settings: settings.progress,
                                              counters: settings.counters)
        return Due(since: since, visitsSinceLast: visits, referral: referral, reasons: reasons)
    }

    struct Overview: Sendable {
        var patient: Patient
        var safety: SafetyStatus
        var plan: StoredPlan?
        var reports: [StoredNote]
        var due: Due?
    }

    static func overview(on req: Request) async throws -> Overview {
        let ctx = try req.requirePatient()
        let today = req.today
        return try await req.audit.read(req.auditActor, AuditEntry(.noteRead, patientID: ctx.patientID, entity: "progress reports")) { db in
            try await Self.overview(ctx.patientID, today: today, on: db)
        }
    }

    static func overview(_ patientID: UUID, today: CalendarDate, on db: any Database) async throws -> Overview {
        let care = CareStore(database: db)
        let patient = try await AssessmentActions.patient(patientID, on: db)
        let safety = try await SafetyStore(database: db).status(of: patientID)
        let plans = try await care.plans(of: patientID)
        let plan = plans.first { !$0.plan.status.isFinal } ?? plans.first
        let notes = try await care.notes(of: patientID, limit: 1000)
        let referrals = try await ReferralStore(database: db).referrals(of: patientID)
        let settings = try await CareActions.settings(on: db)
        return Overview(patient: patient, safety: safety, plan: plan, reports: notes.filter { $0.kind == Self.kind },
                        due: Self.due(plan: plan, notes: notes, referrals: referrals, settings: settings, today: today))
    }

    /// Drafts a report from the data, or returns the open draft (one at a time per patient).
    static func draft(on req: Request) async throws -> StoredNote {
        let ctx = try req.requirePatient()
        let author = try AssessmentActions.recorder(req)
        let now = req.now
        let today = req.today
        return try await req.audit.perform(req.auditActor, AuditEntry(.noteDraft, patientID: ctx.patientID, entity: "progress-report")) { db in
            let overview = try await Self.overview(ctx.patientID, today: today, on: db)
            if let open = overview.reports.first(where: { !$0.isSigned && $0.authorID == author.userID }) { return open }
            guard let plan = overview.plan, let due = overview.due else {
                throw ValidationFailure([FieldError("plan", "A progress report needs an active plan of care.")])
            }
            let report = try await Self.drafted(plan: plan, due: due, safety: overview.safety, patientID: ctx.patientID, today: today, on: db)
            return try await CareActions.mapStoreError {
                try await CareStore(database: db).saveDraft(report, patientID: ctx.patientID, planID: plan.id, kind: Self.kind,
                                                            idempotencyKey: "progress-report-\(UUID().uuidString.lowercased())",
                                                            sessionStart: now, sessionEnd: now, by: author, at: now).note
            }
        }
    }

    static func drafted(plan: StoredPlan, due: Due, safety: SafetyStatus, patientID: UUID, today: CalendarDate, on db: any Database) async throws -> ProgressReport {
        let settings = try await CareActions.settings(on: db)
        let goals = try await CareActions.goalProgress(plan.plan, patientID: patientID, settings: settings, on: db)
        let sessions = try await CareStore(database: db).notes(of: patientID, limit: 1000)
            .filter { $0.kind == "session" && $0.isSigned && $0.planID == plan.id }
        let inPeriod = sessions.filter { CalendarDate($0.sessionStart ?? $0.createdAt) >= due.since }
        let techniques = Array(Set(inPeriod.compactMap { try? $0.decode(SessionNote.self) }.flatMap { $0.interventions.map(\.technique) }))
            .sorted().map(settings.techniqueLabel)
        let lines = goals.map { g in
            ProgressReport.GoalLine(
                goal: g.goal.description, measure: ChartViews.measureName(g.goal.measure), measureRef: g.goal.measure, baseline: g.goal.baseline,
                latest: g.evaluation?.latest?.value, target: g.goal.target, targetDate: g.goal.targetDate,
                status: g.evaluation.map { ChartViews.statusText($0.status) } ?? "no status",
                points: (g.evaluation?.points ?? []).filter { $0.date <= today }.map { ProgressReport.Point(date: $0.date, value: $0.value) },
                owner: g.goal.owner?.label)
        }
        let r = due.referral
        let referral = r.map { r in
            ProgressReport.ReferralLine(referralID: r.id, title: r.referral.title, providerName: r.referral.providerName ?? r.referral.external?.name,
                                        providerUserID: r.referral.providerUserID, providerEmail: r.referral.external?.email,
                                        authorized: r.referral.authorizedVisits, used: r.used, expires: r.referral.expiry)
        }
        let ending = due.reasons.contains { if case .referralEnding = $0 { true } else { false } }
        let statuses = goals.compactMap { $0.evaluation }
        let recommendation: ProgressReport.Recommendation =
            !statuses.isEmpty && statuses.allSatisfy({ $0.status == .met }) ? .discharge : statuses.contains { $0.plateau != nil } ? .change : .continueCare
        return ProgressReport(periodStart: due.since, periodEnd: today, due: due.reasons, referral: referral, goals: lines,
                              sessionsInPeriod: inPeriod.count, sessionsTotal: sessions.count, techniques: techniques,
                              precautions: safety.precautions.map(\.precaution.title), homeProgram: plan.plan.homeCare.map(\.instruction),
                              recommendation: recommendation, requestRenewal: ending && recommendation != .discharge, narrative: "")
    }

    struct Edits: Content {
        var recommendation: String?
        var requestRenewal: Bool?
        var narrative: String?
    }

    struct ReportData: Sendable {
        var patient: Patient
        var safety: SafetyStatus
        var note: StoredNote
        var report: ProgressReport
        var deliveries: [ReportDelivery]
    }

    static func report(_ id: UUID, on req: Request) async throws -> ReportData {
        let ctx = try req.requirePatient()
        return try await req.audit.read(req.auditActor, AuditEntry(.noteRead, patientID: ctx.patientID, entity: "progress-report:\(id.uuidString.lowercased())")) { db in
            try await Self.load(id, patientID: ctx.patientID, on: db)
        }
    }

    static func load(_ id: UUID, patientID: UUID, on db: any Database) async throws -> ReportData {
        guard let note = try await CareStore(database: db).note(id, of: patientID), note.kind == Self.kind,
              let report = try? note.decode(ProgressReport.self) else { throw Abort(.notFound) }
        return ReportData(patient: try await AssessmentActions.patient(patientID, on: db), safety: try await SafetyStore(database: db).status(of: patientID),
                          note: note, report: report, deliveries: try await ReportDeliveryStore(database: db).deliveries(of: id))
    }

    /// Saves the therapist's edits to the draft; a signed report is a 409 (and the database refuses it too).
    static func save(_ id: UUID, _ edits: Edits, on req: Request) async throws -> StoredNote {
        let ctx = try req.requirePatient()
        let author = try AssessmentActions.recorder(req)
        let now = req.now
        return try await req.audit.perform(req.auditActor, AuditEntry(.noteDraft, patientID: ctx.patientID, entity: "progress-report:\(id.uuidString.lowercased())")) { db in
            let care = CareStore(database: db)
            return try await CareActions.mapStoreError {
                let draft = try await care.draftToSign(id, patientID: ctx.patientID, by: author)
                guard draft.kind == Self.kind else { throw Abort(.notFound) }
                let edited = try draft.decode(ProgressReport.self).edited(recommendation: edits.recommendation, requestRenewal: edits.requestRenewal,
                                                                          narrative: edits.narrative)
                return try await care.saveDraft(edited, patientID: ctx.patientID, planID: draft.planID, kind: Self.kind, idempotencyKey: draft.idempotencyKey,
                                                sessionStart: draft.sessionStart, sessionEnd: draft.sessionEnd, by: author, at: now).note
            }
        }
    }

    /// Signs the report with the therapist's edits and delivers it in the same transaction: to the referring provider's
    /// inbox when they are a Knotwork user, as an e-mail notice (no report, patient data only as the clinic allows) when
    /// they are outside with an address.
    static func sign(_ id: UUID, _ edits: Edits, on req: Request) async throws -> StoredNote {
        let ctx = try req.requirePatient()
        let author = try AssessmentActions.recorder(req)
        let now = req.now
        let appSettings = req.settings
        let entry = AuditEntry(.noteSign, patientID: ctx.patientID, entity: "progress-report:\(id.uuidString.lowercased())")
        return try await req.audit.perform(req.auditActor, entry) { db in
            let care = CareStore(database: db)
            var final: ProgressReport?
            let signed = try await CareActions.mapStoreError {
                try await care.sign(id, patientID: ctx.patientID, by: author, at: now, lateAfter: LateEntry.defaultThreshold) { stored in
                    guard stored.kind == Self.kind else { throw Abort(.notFound) }
                    let edited = try stored.decode(ProgressReport.self).edited(recommendation: edits.recommendation, requestRenewal: edits.requestRenewal,
                                                                               narrative: edits.narrative)
                    try edited.readyToSign()
                    final = edited
                    return (edited, edited.canonicalForm(patientID: ctx.patientID, noteID: stored.id, author: author.userID, signedAt: now))
                }
            }
            if let referral = final?.referral {
                try await Self.deliver(signed, referral: referral, patientID: ctx.patientID, by: author, settings: appSettings, at: now, on: db)
            }
            return signed
        }
    }

    static func deliver(_ note: StoredNote, referral: ProgressReport.ReferralLine, patientID: UUID, by author: Recorder, settings: Settings,
                        at now: Date, on db: any Database) async throws {
        let deliveries = ReportDeliveryStore(database: db)
        let name = referral.providerName ?? "the referring provider"
        if let provider = referral.providerUserID {
            try await deliveries.add(report: note.id, patientID: patientID, channel: .inbox, recipientUserID: provider, recipientName: name,
                                     recipientAddress: nil, outboxMessageID: nil, by: author.name, at: now)
        } else if let email = referral.providerEmail {
            let clinic = try await CareActions.settings(on: db)
            let patient = try await AssessmentActions.patient(patientID, on: db)
            let message = try await OutboxActions.queue(Self.notice(to: email, clinic: clinic, recordNumber: patient.recordNumber, reference: note.id),
                                                        by: author.userID, on: db, settings: settings, at: now)
            try await deliveries.add(report: note.id, patientID: patientID, channel: .email, recipientUserID: nil, recipientName: name,
                                     recipientAddress: email, outboxMessageID: message.id, by: author.name, at: now)
        }
    }

    /// The e-mail notice: where to get the report, and nothing about the patient beyond the clinic's setting.
    static func notice(to email: String, clinic: ClinicSettings, recordNumber: String, reference: UUID) -> OutboxDraft {
        let name = clinic.identity.legalName ?? "the clinic"
        var lines = ["A progress report for a patient you referred to \(name) has been signed and is ready for you."]
        if clinic.reportNotice == .recordNumber { lines.append("Patient record number: \(recordNumber).") }
        lines.append("To keep it private the report is not sent by e-mail. "
                     + (clinic.identity.phone.map { "Please call \(name) at \($0) to receive it securely" } ?? "Please contact \(name) to receive it securely")
                     + (clinic.identity.fax.map { " (by fax to your office, or on paper); our fax is \($0)." } ?? "."))
        lines.append("Reference: \(reference.uuidString.prefix(8).lowercased())")
        return OutboxDraft(kind: "report-notice", to: email, subject: "A progress report from \(name) is ready", body: lines.joined(separator: "\n\n"),
                           reference: "report:\(reference.uuidString.lowercased())")
    }

    /// Records that the signed report went out on paper (printed, posted or faxed).
    static func recordPrinted(_ id: UUID, on req: Request) async throws -> ReportData {
        let ctx = try req.requirePatient()
        let author = try AssessmentActions.recorder(req)
        let now = req.now
        return try await req.audit.perform(req.auditActor, AuditEntry(.reportDeliver, patientID: ctx.patientID, entity: "progress-report:\(id.uuidString.lowercased())",
                                                                      detail: "printed")) { db in
            let data = try await Self.load(id, patientID: ctx.patientID, on: db)
            guard data.note.isSigned else { throw CareActions.Conflict(reason: "Sign the report before sending it.") }
            try await ReportDeliveryStore(database: db).add(report: id, patientID: ctx.patientID, channel: .print, recipientUserID: nil,
                                                            recipientName: data.report.referral?.providerName ?? "the referring provider",
                                                            recipientAddress: nil, outboxMessageID: nil, by: author.name, at: now)
            return try await Self.load(id, patientID: ctx.patientID, on: db)
        }
    }

    // MARK: the provider's inbox

    struct Inbox: Sendable {
        var reports: [InboxItem]
        /// Plans of the caller's patients waiting for their certification (medical providers, when the clinic asks for it).
        var certifications: [CareStore.PlanForWorklist]
    }

    static func inbox(on req: Request) async throws -> Inbox {
        let user = try req.requirePrincipal().user
        return try await req.audit.read(req.auditActor, AuditEntry(.noteRead, entity: "inbox")) { db in
            let reports = try await ReportDeliveryStore(database: db).inbox(of: user.id)
            guard user.role == .medicalProvider, try await CareActions.settings(on: db).certification.required else {
                return Inbox(reports: reports, certifications: [])
            }
            let plans = try await CareStore(database: db).worklistPlans(onTeamOf: user.id).filter { $0.plan.certification == nil }
            return Inbox(reports: reports, certifications: plans)
        }
    }

    /// The recipient acknowledges a report in their inbox; anyone else's delivery is "not found", a second time a 409.
    static func acknowledge(_ id: UUID, on req: Request) async throws -> ReportDelivery {
        let user = try req.requirePrincipal().user
        let now = req.now
        return try await req.audit.perform(req.auditActor, AuditEntry(.reportAcknowledge, entity: "delivery:\(id.uuidString.lowercased())"),
                                           patientOf: { $0.patientID }) { db in
            let store = ReportDeliveryStore(database: db)
            guard let delivery = try await store.delivery(id), delivery.recipientUserID == user.id, delivery.channel == .inbox else { throw Abort(.notFound) }
            guard try await store.acknowledge(id, by: user.id, at: now), let done = try await store.delivery(id) else {
                throw CareActions.Conflict(reason: "This report was already acknowledged.")
            }
            return done
        }
    }
}
