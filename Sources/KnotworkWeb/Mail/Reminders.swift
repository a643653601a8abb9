import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import Logging
import Vapor

/// Queues the e-mail reminders of visits due within the clinic's reminder window (issue 13 §6). Each reminder is queued
/// in the outbox and marked on its visit in one transaction, and the mark is a conditional update, so any number of
/// instances, and a restart, queue each visit's reminder once; a cancelled visit's waiting reminder is withdrawn.
struct ReminderQueue: Sendable {
    var database: any Database
    var clock: KnotworkClock
    var gate: WriteGate?
    /// The Message-ID domain, the relay's when one is configured.
    var domain: String
    var logger: Logger

    struct AlreadyReminded: Error {}

    /// Queues what is due now; returns the visits whose reminder this call queued.
    @discardableResult
    func queueDue(limit: Int = 200) async throws -> [UUID] {
        let settings = try await ClinicSettingsStore(database: self.database).current()
        guard settings.reminderHours > 0 else { return [] }
        let now = self.clock.now()
        let due = try await AppointmentStore(database: self.database)
            .dueForReminder(from: now, to: now.addingTimeInterval(Double(settings.reminderHours) * 3600), limit: limit)
        let audit = AuditTrail(database: self.database, now: self.clock.now, gate: self.gate)
        var queued: [UUID] = []
        for visit in due {
            let draft: OutboxDraft
            do {
                draft = try AppointmentReminder.draft(to: visit.email, start: visit.start, clock: settings.clock, clinic: settings.identity,
                                                      reference: "appointment:\(visit.id.uuidString.lowercased())").validated()
            } catch {
                self.logger.warning("reminders: visit \(visit.id): the patient's e-mail address cannot be used")
                continue
            }
            let domain = self.domain
            do {
                try await audit.perform(.commandLine("reminders"), AuditEntry(.outboxQueue, patientID: visit.patientID,
                                                                               entity: "appointment:\(visit.id.uuidString.lowercased())", detail: "reminder")) { tx in
                    let message = try await OutboxStore(database: tx).enqueue(draft, by: nil, domain: domain, at: now)
                    // Another instance got there first: roll the message back with the transaction.
                    guard try await AppointmentStore(database: tx).claimReminder(visit.id, message: message.id) else { throw AlreadyReminded() }
                }
                queued.append(visit.id)
            } catch is AlreadyReminded {
                continue
            }
        }
        return queued
    }

    /// The withdrawal of a cancelled visit's reminder, in the cancellation's transaction. A reminder already being
    /// sent cannot be stopped; it says nothing clinical.
    static func withdraw(_ appointmentID: UUID, on db: any Database, at now: Date) async throws {
        guard let message = try await AppointmentStore(database: db).releaseReminder(appointmentID) else { return }
        _ = try await OutboxStore(database: db).withdraw(message, reason: "The visit was cancelled.", at: now)
    }
}

extension PeriodicWorker {
    /// Queues the due reminders every `interval` seconds.
    static func reminders(interval: TimeInterval) -> PeriodicWorker {
        PeriodicWorker(interval: interval) { app in
            let queue = ReminderQueue(database: app.db, clock: app.knotwork.clock, gate: app.knotwork.writeGate,
                                      domain: app.knotwork.settings.smtp?.domain ?? "knotwork.localhost", logger: app.logger)
            return {
                do {
                    let queued = try await queue.queueDue()
                    if !queued.isEmpty { queue.logger.info("reminders: queued \(queued.count)") }
                } catch {
                    queue.logger.error("reminders: \(error)")
                }
            }
        }
    }
}
