import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

extension License: Content {}
extension CECourse: Content {}
extension CERule: Content {}

extension API {
    struct LicenseResponse: Content {
        var id: UUID
        var license: License
        /// compliant, ce-short, expiring-soon or lapsed.
        var status: String
        var summary: String
        var countedHours: Double
        var shortfalls: [String]
        /// The CE rule applied (nil when the reference has none for the credential and state).
        var rule: CERule?
        var recordedAt: Date
        var updatedAt: Date

        init(_ s: CredentialActions.LicenseStanding) {
            self.id = s.stored.id
            self.license = s.stored.license
            self.status = s.compliance.status.rawValue
            self.summary = s.compliance.summary
            self.countedHours = s.compliance.countedHours
            self.shortfalls = s.compliance.shortfalls.map(\.message)
            self.rule = s.rule
            self.recordedAt = s.stored.recordedAt
            self.updatedAt = s.stored.updatedAt
        }
    }

    struct CourseResponse: Content {
        var id: UUID
        var course: CECourse
        var recordedAt: Date

        init(_ c: StoredCourse) {
            self.id = c.id
            self.course = c.course
            self.recordedAt = c.recordedAt
        }
    }

    struct LicenseExceptionResponse: Content {
        var id: UUID
        var userId: UUID
        var startsOn: CalendarDate
        var endsOn: CalendarDate
        var reason: String
        var problem: String
        var grantedBy: String
        var grantedAt: Date

        init(_ e: StoredLicenseException) {
            self.id = e.id
            self.userId = e.userID
            self.startsOn = e.exception.startsOn
            self.endsOn = e.exception.endsOn
            self.reason = e.exception.reason
            self.problem = e.problem
            self.grantedBy = e.grantedByName
            self.grantedAt = e.grantedAt
        }
    }

    struct CredentialsResponse: Content {
        var userId: UUID
        var name: String
        var role: String
        var clinicState: String?
        /// not-applicable, licensed or refused: whether the clinician may be booked and sign notes today.
        var gate: String
        var gateMessage: String?
        var licenses: [LicenseResponse]
        var courses: [CourseResponse]
        var exceptions: [LicenseExceptionResponse]

        init(_ c: CredentialActions.Credentials) {
            self.userId = c.user.id
            self.name = c.user.displayName
            self.role = c.user.role.rawValue
            self.clinicState = c.clinicState
            switch c.gate {
            case .notApplicable: (self.gate, self.gateMessage) = ("not-applicable", nil)
            case .licensed(let l): (self.gate, self.gateMessage) = ("licensed", l.summary)
            case .refused(let why): (self.gate, self.gateMessage) = ("refused", why)
            }
            self.licenses = c.licenses.map(LicenseResponse.init)
            self.courses = c.courses.map(CourseResponse.init)
            self.exceptions = c.exceptions.map(LicenseExceptionResponse.init)
        }
    }

    struct ComplianceResponse: Content {
        var items: [CredentialsResponse]
    }

    struct CERulesResponse: Content {
        /// Every rule version; the one in force for a jurisdiction is the latest whose effectiveFrom has come.
        var items: [CERule]
    }

    /// Licenses and the CE log: a clinician's own under /me, everyone's for an administrator.
    struct CredentialController {
        @Sendable func mine(req: Request) async throws -> CredentialsResponse {
            CredentialsResponse(try await CredentialActions.mine(on: req))
        }

        @Sendable func saveMyLicense(req: Request) async throws -> Response {
            try await self.savedLicense(for: try req.requirePrincipal().user.id, req)
        }

        @Sendable func addMyCourse(req: Request) async throws -> Response {
            let added = try await CredentialActions.addCourse(try API.decode(CECourseInput.self, req), for: try req.requirePrincipal().user.id, on: req)
            return try await CourseResponse(added).encodeResponse(status: .created, for: req)
        }

        @Sendable func compliance(req: Request) async throws -> ComplianceResponse {
            ComplianceResponse(items: try await CredentialActions.compliance(on: req).map(CredentialsResponse.init))
        }

        @Sendable func saveLicense(req: Request) async throws -> Response {
            try await self.savedLicense(for: try req.pathID("userID"), req)
        }

        @Sendable func grantException(req: Request) async throws -> Response {
            let granted = try await CredentialActions.grantException(try API.decode(LicenseExceptionInput.self, req), to: try req.pathID("userID"), on: req)
            return try await LicenseExceptionResponse(granted).encodeResponse(status: .created, for: req)
        }

        @Sendable func rules(req: Request) async throws -> CERulesResponse {
            CERulesResponse(items: try await CERuleStore(database: req.db).inForce())
        }

        @Sendable func saveRule(req: Request) async throws -> Response {
            let saved = try await CredentialActions.saveRule(try API.decode(CERuleInput.self, req), on: req)
            return try await saved.rule.encodeResponse(status: .created, for: req)
        }

        func savedLicense(for userID: UUID, _ req: Request) async throws -> Response {
            let saved = try await CredentialActions.saveLicense(try API.decode(LicenseInput.self, req), for: userID, on: req)
            let courses = try await CredentialStore(database: req.db).courses(of: userID).map(\.course)
            let rules = try await CERuleStore(database: req.db).inForce()
            let standing = CredentialActions.standing([saved], courses: courses, today: req.today, rules: rules)[0]
            return try await LicenseResponse(standing).encodeResponse(status: .created, for: req)
        }
    }
}
