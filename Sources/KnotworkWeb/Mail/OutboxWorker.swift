import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import Logging
import Metrics
import Vapor

/// Delivers the outbox's due messages, one connection each. Any number of these may run at once, in one process or in
/// several instances on one PostgreSQL database: each message is claimed by one of them (see `OutboxStore`).
struct OutboxDelivery: Sendable {
    var database: any Database
    var client: SMTPClient
    /// This worker's name in the claims: host, process and a random part, so that two instances never share one.
    var worker: String
    var clock: KnotworkClock
    var policy: OutboxRetryPolicy
    var gate: WriteGate?
    var logger: Logger

    /// A claim outlives the longest conversation, so a live worker never loses its message to another.
    var lease: TimeInterval { self.client.settings.timeout + 60 }

    static func workerName() -> String {
        "\(ProcessInfo.processInfo.hostName.prefix(40))/\(ProcessInfo.processInfo.processIdentifier)/\(Secrets.random(bytes: 6))"
    }

    /// Delivers what is due now, up to `limit` messages; returns each attempted message's new status.
    @discardableResult
    func deliverDue(limit: Int = 100) async throws -> [UUID: OutboxStatus] {
        let store = OutboxStore(database: self.database)
        let clock = self.clock
        let abandoned = try await self.gate.run { try await store.settleAbandoned(at: clock.now()) }
        if abandoned > 0 { self.logger.warning("outbox: \(abandoned) message(s) left uncertain by a worker that stopped mid-send") }
        var done: [UUID: OutboxStatus] = [:]
        let worker = self.worker, lease = self.lease
        while done.count < limit, let message = try await self.gate.run({ try await store.claimNext(worker: worker, lease: lease, at: clock.now()) }) {
            let settings = self.client.settings
            let envelope = SMTPEnvelope(from: settings.from, fromName: settings.fromName, to: message.to, subject: message.subject,
                                        body: message.body, messageID: message.messageID, date: message.createdAt)
            let gate = self.gate
            let outcome = await self.client.send(envelope) {
                try await gate.run { try await store.commitData(message.id, worker: worker, at: clock.now()) }
            }
            let now = clock.now()
            let next = self.policy.next(after: outcome, attempt: message.attempts, at: now)
            let error: String? = switch outcome {
            case .delivered: nil
            case .temporary(let e), .permanent(let e), .unknown(let e): e
            }
            try await self.gate.run {
                try await store.finish(message.id, worker: worker, status: next.status, nextAttempt: next.nextAttempt, error: error, at: now)
            }
            Counter(label: "knotwork_outbox_attempts_total", dimensions: [("status", next.status.rawValue)]).increment()
            self.logger.log(level: next.status == OutboxStatus.sent ? Logger.Level.info : Logger.Level.warning,
                            "outbox: message \(message.id) attempt \(message.attempts) -> \(next.status.rawValue)\(error.map { ": " + $0 } ?? "")")
            done[message.id] = next.status
        }
        return done
    }
}

extension PeriodicWorker {
    /// Delivers the outbox every `interval` seconds, when a mail relay is configured.
    static func outbox(interval: TimeInterval) -> PeriodicWorker {
        PeriodicWorker(interval: interval) { app in
            guard let smtp = app.knotwork.settings.smtp else {
                app.logger.notice("outbox: no mail relay configured (KNOTWORK_SMTP_HOST); e-mail waits in the outbox")
                return nil
            }
            let delivery = OutboxDelivery(database: app.db, client: SMTPClient(settings: smtp, group: app.eventLoopGroup), worker: OutboxDelivery.workerName(),
                                          clock: app.knotwork.clock, policy: .standard, gate: app.knotwork.writeGate, logger: app.logger)
            app.logger.notice("outbox: delivering through \(smtp.host):\(smtp.port) (\(smtp.security.rawValue)) as \(delivery.worker)")
            return {
                do { try await delivery.deliverDue() } catch { delivery.logger.error("outbox: \(error)") }
            }
        }
    }
}
