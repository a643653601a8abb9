import Foundation
import KnotworkCore
import KnotworkStore
import Plot
import Vapor

struct AdminController {
    // MARK: Users

    @Sendable func users(req: Request) async throws -> Response {
        try await self.usersPage(req, errors: [], input: nil, status: .ok, flash: nil)
    }

    func usersPage(_ req: Request, errors: [FieldError], input: UserActions.NewUser?, status: HTTPStatus, flash: String?) async throws -> Response {
        let p = try req.requirePrincipal()
        let users = try await req.users.all()
        let roles = Role.allCases.map { ($0.rawValue, $0.label) }
        let html = Layout.page(
            PageContext(req, title: "Users", flash: flash),
            .h1(.text("Users")),
            .div(.class("table-wrap"), .table(
                .id("users"),
                .thead(.tr(.th(.text("Name")), .th(.text("Username")), .th(.text("Role")), .th(.text("Status")), .th(.text("Change")), .th(.text("Reset password")))),
                .tbody(.forEach(users) { u in
                    let id = u.id.uuidString.lowercased()
                    return .tr(
                        .td(txt(u.displayName)), .td(txt(u.username)), .td(.text(u.role.label)),
                        .td(.text(u.active ? "Active" : "Deactivated")),
                        .td(.form(
                            .method(.post), .action(Paths.adminUser(u.id)), .class("inline"), csrfField(p.csrfToken),
                            .label(.for("role-" + id), .class("visually-hidden"), txt("Role for " + u.displayName)),
                            .select(.id("role-" + id), .attribute(named: "name", value: "role"), .attribute(named: "aria-label", value: esc("Role for " + u.displayName)), .forEach(Role.allCases) { r in
                                option(r.rawValue, r.label, selected: r == u.role)
                            }),
                            .label(.for("active-" + id), .class("visually-hidden"), txt("Status for " + u.displayName)),
                            .select(.id("active-" + id), .attribute(named: "name", value: "active"), .attribute(named: "aria-label", value: esc("Status for " + u.displayName)),
                                    option("true", "Active", selected: u.active),
                                    option("false", "Deactivated", selected: !u.active)),
                            .button(.type(.submit), .text("Save"))
                        )),
                        .td(.form(
                            .method(.post), .action(Paths.adminUserPassword(u.id)), .class("inline"), csrfField(p.csrfToken),
                            .label(.for("password-" + id), .class("visually-hidden"), txt("New password for " + u.displayName)),
                            .input(.type(.password), .id("password-" + id), .name("password"), .attribute(named: "autocomplete", value: "new-password"),
                                   .attribute(named: "aria-label", value: esc("New password for " + u.displayName))),
                            .button(.type(.submit), .text("Reset"))
                        ))
                    )
                })
            )),
            .section(
                .id("new-user"),
                .h2(.text("New user")),
                errorSummary(errors),
                .form(
                    .id("user-form"), .method(.post), .action(Paths.adminUsers), csrfField(p.csrfToken),
                    field("username", "Username", value: input?.username, errors: errors, required: true, autocomplete: "off"),
                    field("displayName", "Name", value: input?.displayName, errors: errors, required: true, autocomplete: "off"),
                    selectField("role", "Role", options: roles, selected: input?.role, errors: errors, required: true),
                    field("password", "Initial password", value: nil, errors: errors, type: .password, required: true, autocomplete: "new-password",
                          hint: "At least \(PasswordPolicy.minimumLength) characters."),
                    .button(.type(.submit), .class("primary"), .text("Create user"))
                )
            )
        )
        return Layout.response(html, status: status)
    }

    @Sendable func createUser(req: Request) async throws -> Response {
        let input = try req.content.decode(UserActions.NewUser.self)
        do {
            let user = try await UserActions.create(input, on: req)
            return try await self.usersPage(req, errors: [], input: nil, status: .ok, flash: "Created \(user.username).")
        } catch let v as ValidationFailure {
            return try await self.usersPage(req, errors: v.errors, input: input, status: .unprocessableEntity, flash: nil)
        }
    }

    struct UserForm: Content {
        var role: String?
        var active: String?
        var displayName: String?
    }

    @Sendable func updateUser(req: Request) async throws -> Response {
        let id = try req.pathID("userID")
        let form = try req.content.decode(UserForm.self)
        let change = UserActions.UserChange(displayName: form.displayName, role: form.role, active: form.active.map { $0 == "true" })
        do {
            let user = try await UserActions.update(id, change, on: req)
            return try await self.usersPage(req, errors: [], input: nil, status: .ok, flash: "Saved \(user.username).")
        } catch let v as ValidationFailure {
            return try await self.usersPage(req, errors: v.errors, input: nil, status: .unprocessableEntity, flash: nil)
        }
    }

    struct PasswordForm: Content { var password: String? }

    @Sendable func resetPassword(req: Request) async throws -> Response {
        let id = try req.pathID("userID")
        let form = try req.content.decode(PasswordForm.self)
        do {
            try await UserActions.setPassword(id, password: form.password ?? "", action: .passwordReset, on: req)
            return try await self.usersPage(req, errors: [], input: nil, status: .ok, flash: "Password reset; that user's sessions were ended.")
        } catch let v as ValidationFailure {
            return try await self.usersPage(req, errors: v.errors, input: nil, status: .unprocessableEntity, flash: nil)
        }
    }

    // MARK: Audit

    struct AuditParams: Content {
        var from: String?
        var to: String?
        var user: String?
        var patient: String?
        var action: String?
        var breakGlass: String?
        var sort: String?
        var dir: String?
        var page: String?
    }

    /// Parses the report's filters; the record number or id of a patient both work.
    static func query(_ p: AuditParams, on req: Request) async throws -> AuditQuery {
        var errors: [FieldError] = []
        var q = AuditQuery()
        if let f = p.from, !f.isEmpty { if let d = CalendarDate(f) { q.from = d } else { errors.append(FieldError("from", "From must be a date YYYY-MM-DD.")) } }
        if let t = p.to, !t.isEmpty { if let d = CalendarDate(t) { q.to = d } else { errors.append(FieldError("to", "To must be a date YYYY-MM-DD.")) } }
        if let u = p.user, !u.isEmpty { q.username = UsernamePolicy.normalize(u) }
        if let a = p.action, !a.isEmpty {
            if AuditAction(rawValue: a) != nil { q.action = a } else { errors.append(FieldError("action", "Unknown action.")) }
        }
        if let pt = p.patient?.trimmingCharacters(in: .whitespaces), !pt.isEmpty {
            if let id = UUID(uuidString: pt) {
                q.patientID = id
            } else if let patient = try await req.patients.find(recordNumber: pt) {
                q.patientID = patient.id
            } else {
                errors.append(FieldError("patient", "No patient has that record number."))
            }
        }
        q.breakGlassOnly = p.breakGlass == "1" || p.breakGlass == "true"
        if let s = p.sort, !s.isEmpty {
            if let col = AuditQuery.SortColumn(rawValue: s) { q.sort = col } else { errors.append(FieldError("sort", "Unknown sort column.")) }
        }
        q.descending = p.dir != "asc"
        if let pg = p.page, !pg.isEmpty { if let n = Int(pg), n >= 1, n <= 1_000_000 { q.page = n } else { errors.append(FieldError("page", "Page must be a whole number from 1.")) } }
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        return q
    }

    @Sendable func audit(req: Request) async throws -> Response {
        let params = (try? req.query.decode(AuditParams.self)) ?? AuditParams()
        var errors: [FieldError] = []
        var page: ResultPage<AuditRow>?
        var query = AuditQuery()
        do {
            query = try await Self.query(params, on: req)
            let q = query
            page = try await req.audit.read(req.auditActor, AuditEntry(.auditRead, patientID: q.patientID, entity: "audit_events")) { db in
                try await AuditReport(database: db).search(q)
            }
        } catch let v as ValidationFailure {
            errors = v.errors
        }
        let html = Layout.page(PageContext(req, title: "Audit"), AuditViews.report(params: params, query: query, errors: errors, page: page))
        return Layout.response(html, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable func auditCSV(req: Request) async throws -> Response {
        let params = (try? req.query.decode(AuditParams.self)) ?? AuditParams()
        let q = try await Self.query(params, on: req)
        let header = "seq,occurred_at,user_id,username,role,action,patient_id,entity,outcome,client_address,request_id,detail,break_glass,hash\r\n"
        let body = try await req.audit.read(req.auditActor, AuditEntry(.auditExport, patientID: q.patientID, entity: "audit_events")) { db in
            var out = ""
            try await AuditReport(database: db).forEach(q) { rows in
                for r in rows {
                    let fields: [String] = [String(r.seq), r.occurredAt, r.userID ?? "", r.username, r.role, r.action,
                                            r.patientID ?? "", r.entity, r.outcome, r.clientAddress, r.requestID, r.detail,
                                            r.isBreakGlass ? "yes" : "no", r.hash]
                    out.append(fields.map(CSV.field).joined(separator: ","))
                    out.append("\r\n")
                }
            }
            return out
        }
        let response = Response(status: .ok, body: .init(string: header + body))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"knotwork-audit.csv\"")
        return response
    }

    @Sendable func verify(req: Request) async throws -> Response {
        let result = try await req.audit.verifyChain(req.auditActor)
        let html = Layout.page(
            PageContext(req, title: "Audit verification"),
            .h1(.text("Audit trail verification")),
            .div(
                .id("verify-result"), .class(result.isIntact ? "notice" : "notice danger"), .attribute(named: "role", value: "status"),
                result.firstBroken.map { b in
                    .p(.strong(.text("The audit trail has been altered. ")), .text("First broken link: row \(b.seq). \(b.reason)"))
                } ?? .p(.text("The audit trail is intact: \(result.rowsChecked) rows checked, every link verified."))
            ),
            .p(.a(.href(Paths.adminAudit), .text("Back to the audit report")))
        )
        return Layout.response(html, status: .ok)
    }
}

enum CSV {
    /// Quotes a field; a leading = + - @ is neutralised so that spreadsheets do not run it (CSV injection).
    static func field(_ s: String) -> String {
        var v = s
        if let first = v.first, "=+-@\t\r".contains(first) { v = "'" + v }
        if v.contains(where: { ",\"\r\n".contains($0) }) || v != s {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }
}
