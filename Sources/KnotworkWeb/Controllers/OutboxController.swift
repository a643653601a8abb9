import Foundation
import KnotworkCore
import KnotworkStore
import Plot
import Vapor

/// `/admin/outbox` and `/api/v1/outbox`: administrators only.
struct OutboxController {
    struct Filter: Content {
        var status: String?
    }

    static func status(_ req: Request) throws -> OutboxStatus? {
        let raw = try API.query(Filter.self, req).status.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let raw, !raw.isEmpty else { return nil }
        guard let s = OutboxStatus(rawValue: raw) else {
            throw ValidationFailure([FieldError("status", "Use one of " + OutboxStatus.allCases.map(\.rawValue).joined(separator: ", ") + ".")])
        }
        return s
    }

    @Sendable func page(req: Request) async throws -> Response {
        try await self.render(req, errors: [], to: nil, flash: nil, status: .ok)
    }

    func render(_ req: Request, errors: [FieldError], to: String?, flash: String?, status: HTTPStatus) async throws -> Response {
        let filter = try Self.status(req)
        let overview = try await OutboxActions.overview(status: filter, on: req)
        let html = Layout.page(PageContext(req, title: "E-mail outbox", flash: flash),
                               OutboxViews.page(overview, relay: req.settings.smtp, status: filter, csrf: try req.requirePrincipal().csrfToken,
                                                errors: errors, to: to))
        return Layout.response(html, status: status)
    }

    @Sendable func test(req: Request) async throws -> Response {
        let input = try req.content.decode(OutboxActions.TestMessage.self)
        do {
            let m = try await OutboxActions.queueTest(input, on: req)
            return try await self.render(req, errors: [], to: nil, flash: "Queued a test message to \(m.to).", status: .ok)
        } catch let v as ValidationFailure {
            return try await self.render(req, errors: v.errors, to: input.to, flash: nil, status: .unprocessableEntity)
        }
    }

    @Sendable func retry(req: Request) async throws -> Response {
        let m = try await OutboxActions.retry(try req.pathID("messageID"), on: req)
        return try await self.render(req, errors: [], to: nil, flash: "The message to \(m.to) will be sent again.", status: .ok)
    }
}

extension API {
    struct OutboxMessageResponse: Content {
        var id: UUID
        var kind: String
        var to: String
        var subject: String
        var reference: String?
        var messageId: String
        var status: String
        var attempts: Int
        var nextAttemptAt: Date?
        var lastError: String?
        var createdAt: Date
        var sentAt: Date?

        init(_ m: OutboxMessage) {
            self.id = m.id
            self.kind = m.kind
            self.to = m.to
            self.subject = m.subject
            self.reference = m.reference
            self.messageId = m.messageID
            self.status = m.status.rawValue
            self.attempts = m.attempts
            self.nextAttemptAt = m.status == .pending ? m.nextAttemptAt : nil
            self.lastError = m.lastError
            self.createdAt = m.createdAt
            self.sentAt = m.sentAt
        }
    }

    struct OutboxResponse: Content {
        struct Relay: Content {
            var configured: Bool
            var host: String?
            var port: Int?
            var security: String?
            var from: String?
        }

        var relay: Relay
        var counts: [String: Int]
        var items: [OutboxMessageResponse]
    }

    struct OutboxController {
        @Sendable func index(req: Request) async throws -> OutboxResponse {
            let overview = try await OutboxActions.overview(status: try KnotworkWeb.OutboxController.status(req), on: req)
            let smtp = req.settings.smtp
            var counts: [String: Int] = [:]
            for s in OutboxStatus.allCases { counts[s.rawValue] = overview.counts[s] ?? 0 }
            return OutboxResponse(relay: .init(configured: smtp != nil, host: smtp?.host, port: smtp?.port, security: smtp?.security.rawValue, from: smtp?.from),
                                  counts: counts, items: overview.messages.map(OutboxMessageResponse.init))
        }

        @Sendable func test(req: Request) async throws -> Response {
            let m = try await OutboxActions.queueTest(try API.decode(OutboxActions.TestMessage.self, req), on: req)
            return try await OutboxMessageResponse(m).encodeResponse(status: .accepted, for: req)
        }

        @Sendable func retry(req: Request) async throws -> OutboxMessageResponse {
            OutboxMessageResponse(try await OutboxActions.retry(try req.pathID("messageID"), on: req))
        }
    }
}
