import Foundation
import KnotworkCore
import KnotworkStore
import Plot
import Vapor

/// The signed-in user's own account: password and personal access tokens.
struct AccountController {
    @Sendable func show(req: Request) async throws -> Response {
        try await self.page(req, newToken: nil, errors: [], status: .ok)
    }

    func page(_ req: Request, newToken: String?, errors: [FieldError], status: HTTPStatus, flash: String? = nil,
              form: ProfileForm? = nil, newFeedURL: String? = nil) async throws -> Response {
        let p = try req.requirePrincipal()
        let tokens = try await req.tokens.list(userID: p.user.id)
        let feeds = p.user.role.isClinician ? try await CalendarFeedActions.feeds(on: req) : []
        let profile = try await ClinicianProfileStore(database: req.db).current(p.user.id)
        let html = Layout.page(
            PageContext(req, title: "My account", flash: flash),
            .h1(.text("My account")),
            .dl(.dt(.text("Name")), .dd(txt(p.user.displayName)), .dt(.text("Username")), .dd(txt(p.user.username)),
                .dt(.text("Role")), .dd(.text(p.user.role.label))),
            errorSummary(errors),
            .section(
                .id("tokens"),
                .h2(.text("Personal access tokens")),
                .p(.class("hint"), .text("A token lets a script use the API as you. It is shown once; keep it secret.")),
                .unwrap(newToken) { token in
                    .div(.class("notice"), .attribute(named: "role", value: "status"),
                         .p(.text("Your new token (copy it now, it will not be shown again):")),
                         .p(.code(.id("new-token"), .text(token))))
                },
                .form(
                    .id("token-form"), .method(.post), .action(Paths.accountTokens), csrfField(p.csrfToken),
                    field("name", "Token name", value: nil, errors: errors, required: true),
                    .button(.type(.submit), .class("primary"), .text("Create token"))
                ),
                .if(!tokens.isEmpty, .div(.class("table-wrap"), .table(
                    .thead(.tr(.th(.text("Name")), .th(.text("Created")), .th(.text("Last used")), .th(.text("Status")))),
                    .tbody(.forEach(tokens) { t in
                        .tr(.td(txt(t.name)), .td(.text(ClinicTime.clock.text(t.createdAt))),
                            .td(.text(t.lastUsedAt.map(ClinicTime.clock.text) ?? "never")),
                            .td(t.revoked ? .text("Revoked") : .form(
                                .method(.post), .action(Paths.revokeToken(t.id)), csrfField(p.csrfToken),
                                .button(.type(.submit), .class("danger"), .attribute(named: "aria-label", value: esc("Revoke token " + t.name)), .text("Revoke")))))
                    })
                )))
            ),
            .if(p.user.role.isClinician, Self.profileSection(profile, errors: errors, form: form, csrf: p.csrfToken)),
            .if(p.user.role.isClinician, .p(.a(.id("credentials-link"), .href(Paths.myCredentials), .text("My licenses and continuing education")))),
            .if(p.user.role.isClinician, FeedViews.section(feeds, newURL: newFeedURL, csrf: p.csrfToken)),
            .section(
                .id("change-password"),
                .h2(.text("Change password")),
                .form(
                    .id("password-form"), .method(.post), .action(Paths.accountPassword), csrfField(p.csrfToken),
                    field("currentPassword", "Current password", value: nil, errors: errors, type: .password, required: true, autocomplete: "current-password"),
                    field("password", "New password", value: nil, errors: errors, type: .password, required: true, autocomplete: "new-password",
                          hint: "At least \(PasswordPolicy.minimumLength) characters. Changing it signs you out everywhere."),
                    .button(.type(.submit), .class("primary"), .text("Change password"))
                )
            )
        )
        return Layout.response(html, status: status)
    }

    struct TokenForm: Content { var name: String? }

    /// The form and the API body: credentials, NPI and the signature block (one line each, at most four).
    struct ProfileForm: Content {
        var credentials: String?
        var npi: String?
        var signatureBlock: String?
    }

    static func profileSection(_ profile: ClinicianProfile, errors: [FieldError], form: ProfileForm?, csrf: String?) -> Node<HTML.BodyContext> {
        .section(
            .id("profile"),
            .h2(.text("Professional details")),
            .p(.class("hint"), .text("Printed under your signature on notes and reports. A signed document keeps the details in force when it was signed.")),
            .form(
                .id("profile-form"), .method(.post), .action(Paths.accountProfile), csrfField(csrf),
                field("credentials", "Credentials", value: form?.credentials ?? profile.credentials, errors: errors, hint: "After your name, e.g. LMT, BCTMB."),
                field("npi", "Individual NPI", value: form?.npi ?? profile.npi, errors: errors, hint: "Ten digits; the check digit is verified."),
                AssessmentViews.textarea("signatureBlock", "signatureBlock", "Signature block", value: form?.signatureBlock ?? profile.signatureBlock.joined(separator: "\n"),
                                         errors: errors, rows: 4),
                .button(.type(.submit), .class("primary"), .text("Save professional details"))
            )
        )
    }

    static func saveProfile(_ form: ProfileForm, on req: Request) async throws -> ClinicianProfile {
        let user = try req.requirePrincipal().user
        let profile = try ClinicianProfile.validated(credentials: form.credentials, npi: form.npi, signatureBlock: form.signatureBlock)
        let now = req.now
        return try await req.audit.perform(req.auditActor, AuditEntry(.profileUpdate, entity: "user:\(user.username)")) { db in
            try await ClinicianProfileStore(database: db).save(profile, for: user.id, at: now)
        }
    }

    @Sendable func saveProfile(req: Request) async throws -> Response {
        let form = try req.content.decode(ProfileForm.self)
        do {
            _ = try await Self.saveProfile(form, on: req)
            return try await self.page(req, newToken: nil, errors: [], status: .ok, flash: "Professional details saved.")
        } catch let v as ValidationFailure {
            return try await self.page(req, newToken: nil, errors: v.errors, status: .unprocessableEntity, form: form)
        }
    }

    @Sendable func createToken(req: Request) async throws -> Response {
        let p = try req.requirePrincipal()
        let name = Text.clean(try req.content.decode(TokenForm.self).name)
        guard !name.isEmpty, name.count <= 100 else {
            return try await self.page(req, newToken: nil, errors: [FieldError("name", "Give the token a name of at most 100 characters.")], status: .unprocessableEntity)
        }
        let token = PersonalAccessTokens.generate()
        let now = req.now
        _ = try await req.audit.perform(req.auditActor, AuditEntry(.tokenCreate, entity: "token:\(name.prefix(40))")) { db in
            try await AccessTokenStore(database: db).create(userID: p.user.id, name: name, tokenHash: Secrets.hash(token), now: now)
        }
        return try await self.page(req, newToken: token, errors: [], status: .ok)
    }

    @Sendable func revokeToken(req: Request) async throws -> Response {
        let p = try req.requirePrincipal()
        let id = try req.pathID("tokenID")
        let now = req.now
        let revoked = try await req.audit.perform(req.auditActor, AuditEntry(.tokenRevoke, entity: "token:\(id.uuidString.prefix(8).lowercased())")) { db in
            try await AccessTokenStore(database: db).revoke(id, userID: p.user.id, now: now)
        }
        guard revoked else { throw Abort(.notFound) }
        return try await self.page(req, newToken: nil, errors: [], status: .ok, flash: "Token revoked.")
    }

    struct PasswordForm: Content {
        var currentPassword: String?
        var password: String?
    }

    @Sendable func changePassword(req: Request) async throws -> Response {
        let p = try req.requirePrincipal()
        let form = try req.content.decode(PasswordForm.self)
        guard let creds = try await req.users.credentials(id: p.user.id),
              (try? await req.password.async.verify(form.currentPassword ?? "", created: creds.passwordHash)) == true else {
            try await req.audit.record(req.auditActor, AuditEntry(.passwordChange, outcome: .failure, detail: "wrong current password"))
            return try await self.page(req, newToken: nil, errors: [FieldError("currentPassword", "The current password is not correct.")], status: .unprocessableEntity)
        }
        do {
            try await UserActions.setPassword(p.user.id, password: form.password ?? "", action: .passwordChange, on: req)
        } catch let v as ValidationFailure {
            return try await self.page(req, newToken: nil, errors: v.errors, status: .unprocessableEntity)
        }
        let response = req.redirect(to: "/signin", redirectType: .normal)
        response.cookies[SessionCookie.name(secure: req.isSecure)] = SessionCookie.make("", secure: req.isSecure, maxAge: 0)
        return response
    }
}
