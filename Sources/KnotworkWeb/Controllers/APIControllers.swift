import Foundation
import KnotworkCore
import KnotworkStore
import SQLKit
import Vapor

/// The JSON API under /api/v1, described by Resources/openapi.json.
enum API {
    struct UserResponse: Content {
        var id: UUID
        var username: String
        var displayName: String
        var role: String
        var active: Bool

        init(_ u: User) {
            self.id = u.id
            self.username = u.username
            self.displayName = u.displayName
            self.role = u.role.rawValue
            self.active = u.active
        }
    }

    struct PatientResponse: Content {
        var id: UUID
        var recordNumber: String
        var givenName: String
        var familyName: String
        var dateOfBirth: String
        var sex: String
        var phone: String?
        var email: String?
        var addressLine: String?
        var city: String?
        var state: String?
        var postalCode: String?
        var active: Bool

        init(_ p: Patient) {
            self.id = p.id
            self.recordNumber = p.recordNumber
            self.givenName = p.givenName
            self.familyName = p.familyName
            self.dateOfBirth = p.dateOfBirth.description
            self.sex = p.sex.rawValue
            self.phone = p.phone
            self.email = p.email
            self.addressLine = p.addressLine
            self.city = p.city
            self.state = p.state
            self.postalCode = p.postalCode
            self.active = p.active
        }
    }

    struct PatientListResponse: Content {
        var items: [PatientResponse]
        var page: Int
        var perPage: Int
        /// Exact up to `PatientStore.countLimit`; past it, `totalIsExact` is false.
        var total: Int
        var totalIsExact: Bool
    }

    struct CareTeamMemberResponse: Content {
        var user: UserResponse
        var primary: Bool
    }

    struct CareTeamResponse: Content {
        var members: [CareTeamMemberResponse]

        init(_ team: [CareTeamMember]) {
            self.members = team.map { CareTeamMemberResponse(user: UserResponse($0.user), primary: $0.isPrimary) }
        }
    }

    @Sendable static func me(req: Request) async throws -> UserResponse {
        UserResponse(try req.requirePrincipal().user)
    }

    struct ProfileResponse: Content {
        var credentials: String?
        var npi: String?
        var signatureBlock: [String]
        /// The lines printed under the signature.
        var signatureLines: [String]

        init(_ p: ClinicianProfile, name: String) {
            self.credentials = p.credentials
            self.npi = p.npi
            self.signatureBlock = p.signatureBlock
            self.signatureLines = p.signatureLines(name: name)
        }
    }

    @Sendable static func profile(req: Request) async throws -> ProfileResponse {
        let user = try req.requirePrincipal().user
        return ProfileResponse(try await ClinicianProfileStore(database: req.db).current(user.id), name: user.displayName)
    }

    @Sendable static func saveProfile(req: Request) async throws -> ProfileResponse {
        let user = try req.requirePrincipal().user
        let saved = try await AccountController.saveProfile(try API.decode(AccountController.ProfileForm.self, req), on: req)
        return ProfileResponse(saved, name: user.displayName)
    }

    /// JSON bodies must be JSON objects of the documented shape; anything else is a 400 or 422.
    static func decode<T: Decodable>(_ type: T.Type, _ req: Request) throws -> T {
        guard let mediaType = req.headers.contentType, mediaType.type.lowercased() == "application",
              mediaType.subType.lowercased() == "json" else {
            throw Abort(.unsupportedMediaType, reason: "Send application/json.")
        }
        guard let body = req.body.data, body.readableBytes > 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "empty body"))
        }
        // Instants are ISO 8601, as the responses write them.
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: Data(buffer: body))
    }

    /// Query parameters that cannot be read are field errors on the query, not on a body.
    static func query<T: Decodable>(_ type: T.Type, _ req: Request) throws -> T {
        do {
            return try req.query.decode(T.self)
        } catch let error as DecodingError {
            let field = ProblemMiddleware.fieldError(error).field
            throw ValidationFailure([FieldError(field.isEmpty ? "query" : field, "is not a valid query parameter.")])
        }
    }

    struct PatientController {
        struct ListParams: Content {
            var q: String?
            var dob: String?
            var record: String?
            var phone: String?
            var page: String?
            var perPage: String?
            var includeInactive: String?
        }

        @Sendable func index(req: Request) async throws -> PatientListResponse {
            let p = try API.query(ListParams.self, req)
            let inactive = p.includeInactive.map { ["true", "1"].contains($0.lowercased()) } ?? false
            let query = try PatientQuery.parse(q: p.q, dob: p.dob, record: p.record, phone: p.phone, page: p.page,
                                               perPage: p.perPage, includeInactive: inactive)
            let page = try await PatientActions.search(query, on: req)
            return PatientListResponse(items: page.items.map(PatientResponse.init), page: page.page, perPage: page.perPage,
                                       total: page.total, totalIsExact: page.totalIsExact)
        }

        /// `confirmDuplicate: true` beside the patient's fields creates a record despite a likely duplicate.
        struct DuplicateConfirmation: Decodable {
            var confirmDuplicate: Bool?
        }

        @Sendable func create(req: Request) async throws -> Response {
            let input = try API.decode(PatientInput.self, req)
            let confirm = try API.decode(DuplicateConfirmation.self, req).confirmDuplicate ?? false
            do {
                let patient = try await PatientActions.create(input, confirmDuplicate: confirm, on: req)
                let response = try await PatientResponse(patient).encodeResponse(status: .created, for: req)
                response.headers.replaceOrAdd(name: .location, value: "/api/v1/patients/\(patient.id.uuidString)")
                return response
            } catch let d as PatientActions.LikelyDuplicate {
                throw Abort(.conflict, reason: "A patient with the same name and date of birth exists (\(d.matches.map(\.recordNumber).joined(separator: ", "))). Send confirmDuplicate: true to create another record.")
            }
        }

        @Sendable func show(req: Request) async throws -> PatientResponse {
            PatientResponse(try await PatientActions.read(withCareTeam: false, on: req).0)
        }

        @Sendable func update(req: Request) async throws -> PatientResponse {
            let body = try API.decode(PatientInput.self, req)
            let ctx = try req.requirePatient()
            // A PATCH changes the fields it names and keeps the others.
            guard let current = try await req.patients.get(ctx.patientID) else { throw Abort(.notFound) }
            let merged = PatientInput(
                givenName: body.givenName ?? current.givenName, familyName: body.familyName ?? current.familyName,
                dateOfBirth: body.dateOfBirth ?? current.dateOfBirth.description, sex: body.sex ?? current.sex.rawValue,
                phone: body.phone ?? current.phone, email: body.email ?? current.email,
                addressLine: body.addressLine ?? current.addressLine, city: body.city ?? current.city,
                state: body.state ?? current.state, postalCode: body.postalCode ?? current.postalCode)
            return PatientResponse(try await PatientActions.update(merged, on: req))
        }

        @Sendable func deactivate(req: Request) async throws -> PatientResponse {
            PatientResponse(try await PatientActions.setActive(false, on: req))
        }

        @Sendable func reactivate(req: Request) async throws -> PatientResponse {
            PatientResponse(try await PatientActions.setActive(true, on: req))
        }

        @Sendable func careTeam(req: Request) async throws -> CareTeamResponse {
            CareTeamResponse(try await PatientActions.careTeam(on: req))
        }

        struct CareTeamRequest: Content {
            var members: [PatientActions.MemberInput]
        }

        @Sendable func replaceCareTeam(req: Request) async throws -> CareTeamResponse {
            let body = try API.decode(CareTeamRequest.self, req)
            guard body.members.count <= 50 else { throw ValidationFailure([FieldError("members", "At most 50 members.")]) }
            return CareTeamResponse(try await PatientActions.replaceCareTeam(body.members, on: req))
        }

        struct BreakGlassRequest: Content {
            var recordNumber: String?
            var reason: String?
        }

        struct BreakGlassResponse: Content {
            var patient: PatientResponse
            var expiresAt: Date
        }

        @Sendable func breakGlass(req: Request) async throws -> BreakGlassResponse {
            let body = try API.decode(BreakGlassRequest.self, req)
            let patient = try await PatientActions.breakGlass(recordNumber: body.recordNumber, reason: body.reason, on: req)
            return BreakGlassResponse(patient: PatientResponse(patient), expiresAt: req.now.addingTimeInterval(req.settings.breakGlassDuration))
        }
    }

    struct AdminController {
        @Sendable func users(req: Request) async throws -> [UserResponse] {
            try await req.users.all().map(UserResponse.init)
        }

        @Sendable func createUser(req: Request) async throws -> Response {
            let body = try API.decode(UserActions.NewUser.self, req)
            let user = try await UserActions.create(body, on: req)
            return try await UserResponse(user).encodeResponse(status: .created, for: req)
        }

        @Sendable func updateUser(req: Request) async throws -> UserResponse {
            let id = try req.pathID("userID")
            let body = try API.decode(UserActions.UserChange.self, req)
            return UserResponse(try await UserActions.update(id, body, on: req))
        }

        struct AuditEventList: Content {
            var items: [AuditRow]
            var page: Int
            var perPage: Int
            var total: Int
        }

        @Sendable func auditEvents(req: Request) async throws -> AuditEventList {
            let params = try API.query(KnotworkWeb.AdminController.AuditParams.self, req)
            let q = try await KnotworkWeb.AdminController.query(params, on: req)
            let page = try await req.audit.read(req.auditActor, AuditEntry(.auditRead, patientID: q.patientID, entity: "audit_events")) { db in
                try await AuditReport(database: db).search(q)
            }
            return AuditEventList(items: page.items, page: page.page, perPage: page.perPage, total: page.total)
        }

        struct VerifyResponse: Content {
            var intact: Bool
            var rowsChecked: Int
            var firstBrokenSeq: Int64?
            var reason: String?
        }

        @Sendable func verify(req: Request) async throws -> VerifyResponse {
            let result = try await req.audit.verifyChain(req.auditActor)
            return VerifyResponse(intact: result.isIntact, rowsChecked: result.rowsChecked,
                                  firstBrokenSeq: result.firstBroken?.seq, reason: result.firstBroken?.reason)
        }
    }
}

enum Operations {
    @Sendable static func health(req: Request) async throws -> Response {
        Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(string: #"{"status":"ok"}"#))
    }

    /// Ready when the database answers a query.
    @Sendable static func ready(req: Request) async throws -> Response {
        let start = ContinuousClock.now
        do {
            _ = try await (req.db as? any SQLDatabase)?.raw("SELECT 1 AS ok").all()
            KnotworkMetrics.databasePing.record(ContinuousClock.now - start)
            KnotworkMetrics.databaseReady.set(1.0)
            return Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(string: #"{"status":"ready"}"#))
        } catch {
            KnotworkMetrics.databaseReady.set(0.0)
            return Response(status: .serviceUnavailable, headers: ["Content-Type": "application/json"], body: .init(string: #"{"status":"database unreachable"}"#))
        }
    }

    @Sendable static func metrics(req: Request) async throws -> Response {
        var buffer: [UInt8] = []
        KnotworkMetrics.registry.emit(into: &buffer)
        return Response(status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(string: String(decoding: buffer, as: UTF8.self)))
    }
}

enum StaticAssets {
    static let files: [String: (String, String)] = {
        var out: [String: (String, String)] = [:]
        for (name, type) in [("app.css", "text/css; charset=utf-8"), ("app.js", "text/javascript; charset=utf-8"),
                                  ("painmap.js", "text/javascript; charset=utf-8"), ("note.js", "text/javascript; charset=utf-8"),
                                  ("icd10.js", "text/javascript; charset=utf-8")] {
            if let url = Bundle.module.url(forResource: "Resources/" + name, withExtension: nil),
               let text = try? String(contentsOf: url, encoding: .utf8) {
                out[name] = (text, type)
            }
        }
        return out
    }()

    @Sendable static func serve(req: Request) async throws -> Response {
        guard let name = req.parameters.get("file"), let (body, type) = Self.files[name] else { throw Abort(.notFound) }
        return Response(status: .ok, headers: ["Content-Type": type, "Cache-Control": "public, max-age=3600"], body: .init(string: body))
    }
}

enum OpenAPIDocument {
    static let json: String = {
        guard let url = Bundle.module.url(forResource: "Resources/openapi", withExtension: "json"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return "{}" }
        return text
    }()

    @Sendable static func serve(req: Request) async throws -> Response {
        Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(string: Self.json))
    }
}
