import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

/// The outbox as people use it: what is queued and how it went (administrators), a test message to check the relay,
/// and sending a failed or uncertain message again. Features that e-mail call `queue` inside their own transaction.
enum OutboxActions {
    struct Overview: Sendable {
        var messages: [OutboxMessage]
        var counts: [OutboxStatus: Int]
    }

    struct TestMessage: Content {
        var to: String?
    }

    static func overview(status: OutboxStatus?, on req: Request) async throws -> Overview {
        try await req.audit.read(req.auditActor, AuditEntry(.outboxRead, entity: "outbox")) { db in
            let store = OutboxStore(database: db)
            return Overview(messages: try await store.list(status: status), counts: try await store.counts())
        }
    }

    /// Queues `draft` (validated here) on `db`, the caller's transaction.
    static func queue(_ draft: OutboxDraft, by userID: UUID?, on db: any Database, settings: Settings, at now: Date) async throws -> OutboxMessage {
        try await OutboxStore(database: db).enqueue(try draft.validated(), by: userID, domain: settings.smtp?.domain ?? "knotwork.localhost", at: now)
    }

    /// A message that says only who asked for it and when: no patient data.
    static func queueTest(_ input: TestMessage, on req: Request) async throws -> OutboxMessage {
        let user = try req.requirePrincipal().user
        let draft = try OutboxDraft(kind: "test", to: input.to ?? "", subject: "Knotwork test message",
                                    body: "This is a test message from Knotwork, queued by \(user.displayName) at \(ClinicTime.clock.text(req.now)).\n"
                                        + "It shows that the clinic's mail relay delivers Knotwork's notifications. It carries no patient data.")
            .validated()
        let settings = req.settings, now = req.now
        return try await req.audit.perform(req.auditActor, AuditEntry(.outboxQueue, entity: "outbox test", detail: "to \(draft.to)")) { db in
            try await Self.queue(draft, by: user.id, on: db, settings: settings, at: now)
        }
    }

    struct NotRetryable: Error, AbortError {
        var status: HTTPResponseStatus { .conflict }
        var reason: String { "Only a failed or uncertain message can be sent again." }
    }

    static func retry(_ id: UUID, on req: Request) async throws -> OutboxMessage {
        let now = req.now
        return try await req.audit.perform(req.auditActor, AuditEntry(.outboxRetry, entity: "outbox message \(id.uuidString.lowercased())")) { db in
            let store = OutboxStore(database: db)
            guard try await store.message(id) != nil else { throw Abort(.notFound) }
            guard try await store.retry(id, at: now), let message = try await store.message(id) else { throw NotRetryable() }
            return message
        }
    }
}
