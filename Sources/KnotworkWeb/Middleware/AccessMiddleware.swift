import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

extension Route {
    static let accessKey = "knotwork.access"

    /// Declares who may call this route. A route without a rule is refused.
    @discardableResult
    func require(_ rule: AccessRule) -> Route {
        self.userInfo[Self.accessKey] = rule
        return self
    }

    var accessRule: AccessRule? { self.userInfo[Self.accessKey] as? AccessRule }

    static let uploadKey = "knotwork.upload"

    /// Lets this route take a file of up to `maxBytes`, as the body itself or in a multipart form (with room for the
    /// form's other fields). Its body is binary, so the NUL check skips it; every other route keeps the small default.
    @discardableResult
    func acceptsUpload(maxBytes: Int) -> Route {
        self.userInfo[Self.uploadKey] = maxBytes + 64 * 1024
        return self
    }

    var uploadLimit: Int? { self.userInfo[Self.uploadKey] as? Int }
}

/// The one place where every route's access rule is enforced (issue 2, item 4), and where CSRF
/// tokens are checked on every state-changing request made with a session cookie (ASVS 4.2.2).
struct AccessMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let rule = request.route?.accessRule else {
            // Fail closed: a route someone forgot to give a rule answers as if it did not exist.
            throw Abort(.notFound)
        }
        // Every route reads its whole body, so collect it here (capped: 413 past the limit) and
        // check it once, before any handler runs.
        let limit = Self.bodyLimit(request)
        if request.body.data == nil, ![.GET, .HEAD].contains(request.method) {
            _ = try await request.body.collect(max: limit).get()
        }
        if let body = request.body.data, body.readableBytes > limit {
            throw Abort(.payloadTooLarge)
        }
        try Self.refuseNUL(request)
        try await self.checkCSRF(request, rule: rule)
        switch rule {
        case .open:
            break
        case .signedIn:
            _ = try self.signedIn(request)
        case .roles(let roles):
            let p = try self.signedIn(request)
            guard roles.contains(p.user.role) else { throw try await self.deny(request, why: "role") }
        case .patient(let level):
            _ = try self.signedIn(request)
            try await self.resolvePatient(request, needs: level)
        case .patientWithRoles(let level, let roles):
            let p = try self.signedIn(request)
            try await self.resolvePatient(request, needs: level)
            guard roles.contains(p.user.role) else { throw try await self.deny(request, why: "role") }
        }
        return try await next.respond(to: request)
    }

    /// The most a route's body may hold: its upload limit, else the application's small default.
    static func bodyLimit(_ request: Request) -> Int {
        request.route?.uploadLimit ?? request.application.routes.defaultMaxBodySize.value
    }

    /// NUL has no place in clinical text, and PostgreSQL refuses it in text columns: refuse it
    /// everywhere, up front, with a field-level error instead of a failure deep in a query.
    /// An upload route's body is a binary file, so only its query is checked.
    static func refuseNUL(_ request: Request) throws {
        if let query = request.url.query, query.range(of: "%00", options: .caseInsensitive) != nil {
            throw ValidationFailure([FieldError("query", "The query string contains a NUL character.")])
        }
        if request.route?.uploadLimit == nil, let body = request.body.data {
            let view = body.readableBytesView
            if view.contains(0) || body.getString(at: body.readerIndex, length: body.readableBytes)?.range(of: "\\u0000", options: .caseInsensitive) != nil
                || request.headers.contentType == .urlEncodedForm && body.getString(at: body.readerIndex, length: body.readableBytes)?.range(of: "%00", options: .caseInsensitive) != nil {
                throw ValidationFailure([FieldError("body", "The request contains a NUL character.")])
            }
        }
    }

    func signedIn(_ request: Request) throws -> Principal {
        if let p = request.principal { return p }
        if request.isAPI {
            throw Abort(.unauthorized, headers: ["WWW-Authenticate": "Bearer"], reason: "Sign in or send a personal access token.")
        }
        let expired = request.storage[AuthenticationMiddleware.ExpiredSessionKey.self] == true
        throw Abort.redirect(to: Paths.signIn(expired: expired, next: request.method == .GET ? request.url.path : nil))
    }

    func resolvePatient(_ request: Request, needs level: PatientAccess) async throws {
        let principal = try self.signedIn(request)
        let id = try request.pathID("patientID")
        let relation = try await request.patients.relation(patientID: id, userID: principal.user.id, now: request.now)
        let access = AccessPolicy.patientAccess(role: principal.user.role, onTeam: relation.onTeam, breakGlass: relation.breakGlass)
        guard access != .none, access >= level else {
            // The same answer whether or not the patient exists (no existence leak).
            throw try await self.deny(request, why: AccessPolicy.seesAllPatients(principal.user.role) ? "role" : "care team", patientID: id)
        }
        guard relation.exists else { throw Abort(.notFound) }
        request.patientContext = PatientContext(patientID: id, access: access,
                                                breakGlass: access == .clinical && !relation.onTeam && relation.breakGlass)
    }

    /// Records the refusal (ASVS v4.0.3 7.1.3) and answers "not found".
    func deny(_ request: Request, why: String, patientID: UUID? = nil) async throws -> any Error {
        try await request.audit.record(request.auditActor, AuditEntry(
            .accessDenied, patientID: patientID, entity: "\(request.method.rawValue) \(request.route?.description ?? request.url.path)",
            outcome: .denied, detail: why))
        return Abort(.notFound)
    }

    func checkCSRF(_ request: Request, rule: AccessRule) async throws {
        guard ![.GET, .HEAD, .OPTIONS].contains(request.method) else { return }
        guard let principal = request.principal else {
            // Only the sign-in form is posted without a session: a double-submitted pre-session token.
            if rule == .open {
                let cookie = request.cookies[SessionCookie.preSessionName(secure: request.isSecure)]?.string ?? ""
                let sent = try await self.sentToken(request)
                guard !cookie.isEmpty, Secrets.equal(cookie, sent) else { throw Abort(.forbidden, reason: "The form has expired; reload the page and try again.") }
            }
            return
        }
        // Bearer tokens are not ambient credentials, so they need no CSRF token.
        guard let expected = principal.csrfToken else { return }
        let sent = try await self.sentToken(request)
        guard Secrets.equal(expected, sent) else {
            try await request.audit.record(request.auditActor, AuditEntry(.accessDenied, entity: request.url.path, outcome: .denied, detail: "csrf"))
            throw Abort(.forbidden, reason: "The form has expired; reload the page and try again.")
        }
    }

    func sentToken(_ request: Request) async throws -> String {
        if let header = request.headers.first(name: "X-CSRF-Token") { return header }
        // A file comes from a page in a multipart form, whose `_csrf` field is read the same way.
        let multipart = request.route?.uploadLimit != nil && request.headers.contentType == .formData
        guard request.headers.contentType == .urlEncodedForm || multipart else { return "" }
        if request.body.data == nil {
            _ = try await request.body.collect(max: Self.bodyLimit(request)).get()
        }
        return (try? request.content.get(String.self, at: "_csrf")) ?? ""
    }
}
