import Foundation
import KnotworkCore
import KnotworkStore
import Plot
import Vapor

/// `/patients/:patientID/reports…` and `/inbox`: progress reports to the referring provider.
struct ReportController {
    struct EditForm: Content {
        var action: String?
        var recommendation: String?
        var requestRenewal: String?
        var narrative: String?

        var edits: ReportActions.Edits {
            ReportActions.Edits(recommendation: self.recommendation, requestRenewal: self.requestRenewal != nil, narrative: self.narrative)
        }
    }

    @Sendable func index(req: Request) async throws -> Response {
        try await self.indexPage(req, errors: [], status: .ok)
    }

    func indexPage(_ req: Request, errors: [FieldError], status: HTTPStatus) async throws -> Response {
        let p = try req.requirePrincipal()
        let o = try await ReportActions.overview(on: req)
        return Layout.response(Layout.page(PageContext(req, title: "Progress reports · \(o.patient.displayName)"),
                                           ReportViews.index(o, viewer: p.user, csrf: p.csrfToken, errors: errors)), status: status)
    }

    @Sendable func draft(req: Request) async throws -> Response {
        do {
            let note = try await ReportActions.draft(on: req)
            return req.redirect(to: Paths.report(note.patientID, note.id), redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await self.indexPage(req, errors: v.errors, status: .unprocessableEntity)
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await self.page(req, errors: [], edits: nil, flash: nil, status: .ok)
    }

    func page(_ req: Request, errors: [FieldError], edits: ReportActions.Edits?, flash: String?, status: HTTPStatus) async throws -> Response {
        let p = try req.requirePrincipal()
        let d = try await ReportActions.report(try req.pathID("reportID"), on: req)
        let lines = try await CareActions.signatureLines(of: d.note, on: req)
        return Layout.response(Layout.page(PageContext(req, title: "Progress report · \(d.patient.displayName)", flash: flash,
                                                       letterhead: try await CareActions.letterhead(on: req)),
                                           ReportViews.page(d, viewer: p.user, csrf: p.csrfToken, errors: errors, edits: edits, signatureLines: lines)),
                               status: status)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let form = try req.content.decode(EditForm.self)
        let id = try req.pathID("reportID")
        do {
            if form.action == "sign" {
                _ = try await ReportActions.sign(id, form.edits, on: req)
                return try await self.page(req, errors: [], edits: nil, flash: "Signed and sent.", status: .ok)
            }
            _ = try await ReportActions.save(id, form.edits, on: req)
            return try await self.page(req, errors: [], edits: nil, flash: "Draft saved.", status: .ok)
        } catch let v as ValidationFailure {
            return try await self.page(req, errors: v.errors, edits: form.edits, flash: nil, status: .unprocessableEntity)
        }
    }

    @Sendable func printed(req: Request) async throws -> Response {
        _ = try await ReportActions.recordPrinted(try req.pathID("reportID"), on: req)
        return try await self.page(req, errors: [], edits: nil, flash: "Recorded as printed and sent.", status: .ok)
    }

    @Sendable func inbox(req: Request) async throws -> Response {
        try await self.inboxPage(req, flash: nil)
    }

    func inboxPage(_ req: Request, flash: String?) async throws -> Response {
        let p = try req.requirePrincipal()
        let inbox = try await ReportActions.inbox(on: req)
        return Layout.response(Layout.page(PageContext(req, title: "Inbox", flash: flash), ReportViews.inbox(inbox.reports, csrf: p.csrfToken),
                                           ReportViews.certifications(inbox.certifications)))
    }

    @Sendable func acknowledge(req: Request) async throws -> Response {
        _ = try await ReportActions.acknowledge(try req.pathID("deliveryID"), on: req)
        return try await self.inboxPage(req, flash: "Acknowledged.")
    }
}

extension ProgressReport: Content {}

extension API {
    struct ReportResponse: Content {
        var id: UUID
        var patientId: UUID
        var planId: UUID?
        var status: String
        var author: String
        var createdAt: Date
        var signedAt: Date?
        var signature: String?
        var signatureVerified: Bool?
        var report: ProgressReport?
        var deliveries: [DeliveryResponse]?

        init(_ n: StoredNote, report: ProgressReport?, deliveries: [ReportDelivery]? = nil) {
            self.id = n.id
            self.patientId = n.patientID
            self.planId = n.planID
            self.status = n.isSigned ? "signed" : "draft"
            self.author = n.authorName
            self.createdAt = n.createdAt
            self.signedAt = n.signedAt
            self.signature = n.signature
            self.signatureVerified = n.isSigned ? NoteSignature.verify(n) : nil
            self.report = report
            self.deliveries = deliveries?.map(DeliveryResponse.init)
        }

        init(_ d: ReportActions.ReportData) {
            self.init(d.note, report: d.report, deliveries: d.deliveries)
        }
    }

    struct DeliveryResponse: Content {
        var id: UUID
        var reportId: UUID
        var patientId: UUID
        var channel: String
        var recipient: String
        var recipientAddress: String?
        var outboxStatus: String?
        var deliveredAt: Date
        var acknowledgedAt: Date?

        init(_ d: ReportDelivery) {
            self.id = d.id
            self.reportId = d.reportID
            self.patientId = d.patientID
            self.channel = d.channel.rawValue
            self.recipient = d.recipientName
            self.recipientAddress = d.recipientAddress
            self.outboxStatus = d.outboxStatus?.rawValue
            self.deliveredAt = d.createdAt
            self.acknowledgedAt = d.acknowledgedAt
        }
    }

    struct InboxItemResponse: Content {
        var delivery: DeliveryResponse
        var patientName: String
        var recordNumber: String
        var author: String
        var signedAt: Date?
    }

    struct ReportsResponse: Content {
        struct DueResponse: Content {
            var due: Bool
            var since: String
            var visitsSinceLast: Int
            var reasons: [String]
        }

        var due: DueResponse?
        var items: [ReportResponse]
    }

    struct ReportController {
        @Sendable func index(req: Request) async throws -> ReportsResponse {
            let o = try await ReportActions.overview(on: req)
            return ReportsResponse(
                due: o.due.map { .init(due: !$0.reasons.isEmpty, since: $0.since.description, visitsSinceLast: $0.visitsSinceLast, reasons: $0.reasons.map(\.text)) },
                items: o.reports.map { ReportResponse($0, report: nil) })
        }

        @Sendable func create(req: Request) async throws -> Response {
            let note = try await ReportActions.draft(on: req)
            return try await ReportResponse(try await ReportActions.report(note.id, on: req)).encodeResponse(status: .created, for: req)
        }

        @Sendable func show(req: Request) async throws -> ReportResponse {
            ReportResponse(try await ReportActions.report(try req.pathID("reportID"), on: req))
        }

        @Sendable func update(req: Request) async throws -> ReportResponse {
            let id = try req.pathID("reportID")
            _ = try await ReportActions.save(id, try API.decode(ReportActions.Edits.self, req), on: req)
            return ReportResponse(try await ReportActions.report(id, on: req))
        }

        @Sendable func sign(req: Request) async throws -> ReportResponse {
            let id = try req.pathID("reportID")
            _ = try await ReportActions.sign(id, try API.decode(ReportActions.Edits.self, req), on: req)
            return ReportResponse(try await ReportActions.report(id, on: req))
        }

        @Sendable func inbox(req: Request) async throws -> Items<InboxItemResponse> {
            Items(items: try await ReportActions.inbox(on: req).reports.map {
                InboxItemResponse(delivery: DeliveryResponse($0.delivery), patientName: $0.patientName, recordNumber: $0.recordNumber,
                                  author: $0.authorName, signedAt: $0.signedAt)
            })
        }

        @Sendable func acknowledge(req: Request) async throws -> DeliveryResponse {
            DeliveryResponse(try await ReportActions.acknowledge(try req.pathID("deliveryID"), on: req))
        }
    }
}
