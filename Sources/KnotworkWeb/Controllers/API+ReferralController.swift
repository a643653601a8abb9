import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

extension Referral: Content {}

extension API {
    struct ReferralResponse: Content {
        var id: UUID
        var patientId: UUID
        var kind: String
        var title: String
        /// As shown: received, active, exhausted, expired or cancelled.
        var status: String
        var statusReason: String?
        var referral: Referral
        var used: Int
        var left: Int
        var daysToExpiry: Int
        var alerts: [String]
        var planId: UUID?
        var createdBy: String
        var createdAt: Date
        var updatedAt: Date
        var usages: [UsageResponse]?
        /// The scanned order's description (its bytes are at `…/document`), on a single referral's read.
        var document: DocumentResponse?

        init(_ r: StoredReferral, today: CalendarDate, settings: CounterSettings, usages: [ReferralUsage]? = nil, document: ScannedDocument? = nil) {
            self.id = r.id
            self.patientId = r.patientID
            self.kind = r.referral.kind.rawValue
            self.title = r.referral.title
            self.status = r.status(on: today).rawValue
            self.statusReason = r.statusReason
            self.referral = r.referral
            self.used = r.used
            self.left = r.counter.left
            self.daysToExpiry = r.counter.daysToExpiry(on: today)
            self.alerts = r.alerts(on: today, settings: settings).map(\.message)
            self.planId = r.planID
            self.createdBy = r.createdByName
            self.createdAt = r.createdAt
            self.updatedAt = r.updatedAt
            self.usages = usages?.map(UsageResponse.init)
            self.document = document.map(DocumentResponse.init)
        }
    }

    struct DocumentResponse: Content {
        var contentType: String
        var filename: String
        var size: Int
        var sha256: String
        var uploadedBy: String
        var uploadedAt: Date

        init(_ d: ScannedDocument) {
            self.contentType = d.type.rawValue
            self.filename = d.filename
            self.size = d.size
            self.sha256 = d.sha256
            self.uploadedBy = d.uploadedByName
            self.uploadedAt = d.uploadedAt
        }
    }

    struct UsageResponse: Content {
        var noteId: UUID
        var dateOfService: String
        var changeReason: String?
        var overrideReason: String?
        var countedAt: Date

        init(_ u: ReferralUsage) {
            self.noteId = u.noteID
            self.dateOfService = u.dateOfService.description
            self.changeReason = u.changeReason
            self.overrideReason = u.overrideReason
            self.countedAt = u.createdAt
        }
    }

    struct OverrideResponse: Content {
        var id: UUID
        var patientId: UUID
        var recordNumber: String
        var referralId: UUID
        var referralTitle: String
        var action: String
        var problem: String
        var noteId: UUID?
        var appointmentId: UUID?
        var reason: String
        var by: String
        var at: Date

        init(_ o: CoverageOverride) {
            self.id = o.id
            self.patientId = o.patientID
            self.recordNumber = o.recordNumber
            self.referralId = o.referralID
            self.referralTitle = o.referralTitle
            self.action = o.action.rawValue
            self.problem = o.problem
            self.noteId = o.noteID
            self.appointmentId = o.appointmentID
            self.reason = o.reason
            self.by = o.byName
            self.at = o.at
        }
    }

    struct ReferralController {
        func counters(_ req: Request) async throws -> CounterSettings {
            try await CareActions.settings(on: req.db).counters
        }

        @Sendable func index(req: Request) async throws -> Items<ReferralResponse> {
            let referrals = try await ReferralActions.referrals(on: req)
            let settings = try await self.counters(req)
            return Items(items: referrals.map { ReferralResponse($0, today: req.today, settings: settings) })
        }

        @Sendable func show(req: Request) async throws -> ReferralResponse {
            let d = try await ReferralActions.referral(try req.pathID("referralID"), on: req)
            return ReferralResponse(d.referral, today: req.today, settings: try await self.counters(req), usages: d.usages, document: d.document)
        }

        /// The body is the file itself; `filename` (query) is the name people will read.
        @Sendable func attach(req: Request) async throws -> DocumentResponse {
            guard let declared = req.headers.contentType, ScannedDocumentType(rawValue: ReferralActions.mediaType(declared)) != nil else {
                throw Abort(.unsupportedMediaType, reason: "Send the file as application/pdf, image/png or image/jpeg.")
            }
            let filename = try? req.query.get(String.self, at: "filename")
            return DocumentResponse(try await ReferralActions.attach(try req.pathID("referralID"), bytes: req.body.data, filename: filename,
                                                                     declared: declared, on: req))
        }

        @Sendable func document(req: Request) async throws -> Response {
            let id = try req.pathID("referralID")
            return ReferralActions.download(try await ReferralActions.document(id, on: req), referralID: id)
        }

        @Sendable func create(req: Request) async throws -> Response {
            let created = try await ReferralActions.create(try API.decode(ReferralInput.self, req), on: req)
            return try await ReferralResponse(created, today: req.today, settings: try await self.counters(req))
                .encodeResponse(status: .created, for: req)
        }

        @Sendable func move(req: Request) async throws -> ReferralResponse {
            let moved = try await ReferralActions.move(try req.pathID("referralID"), try API.decode(ReferralStatusChange.self, req), on: req)
            return ReferralResponse(moved, today: req.today, settings: try await self.counters(req))
        }

        @Sendable func overrides(req: Request) async throws -> Items<OverrideResponse> {
            Items(items: try await ReferralActions.overrides(on: req).map(OverrideResponse.init))
        }
    }
}
