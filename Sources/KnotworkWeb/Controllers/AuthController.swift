import Foundation
import KnotworkCore
import KnotworkStore
import Plot
import Vapor

struct AuthController {
    struct SignInForm: Content {
        var username: String?
        var password: String?
        var next: String?
    }

    @Sendable func form(req: Request) async throws -> Response {
        if req.principal != nil { return req.redirect(to: Paths.home, redirectType: .normal) }
        let expired = (try? req.query.get(String.self, at: "expired")) == "1"
        let next = try? req.query.get(String.self, at: "next")
        return self.page(req, username: "", next: next, error: nil, expired: expired, status: .ok)
    }

    func page(_ req: Request, username: String, next: String?, error: String?, expired: Bool, status: HTTPStatus) -> Response {
        let token = Secrets.random(bytes: 24)
        let html = Layout.page(
            PageContext(req, title: "Sign in"),
            .div(
                .class("narrow"),
                .h1(.text("Sign in to Knotwork")),
                .if(expired, .p(.id("session-expired"), .class("notice"), .attribute(named: "role", value: "status"),
                                .text("Your session ended after a period of inactivity. Please sign in again."))),
                .unwrap(error) { e in
                    .div(.id("form-errors"), .class("error-summary"), .attribute(named: "role", value: "alert"), .p(txt(e)))
                },
                .form(
                    .id("signin"), .method(.post), .action("/signin"),
                    .input(.type(.hidden), .name("_csrf"), .value(esc(token))),
                    .unwrap(next.flatMap { Paths.isLocal($0) ? $0 : nil }) { .input(.type(.hidden), .name("next"), .value(esc($0))) },
                    field("username", "Username", value: username, errors: [], required: true, autocomplete: "username"),
                    field("password", "Password", value: nil, errors: [], type: .password, required: true, autocomplete: "current-password"),
                    .button(.id("signin-submit"), .type(.submit), .class("primary"), .text("Sign in"))
                )
            )
        )
        let response = Layout.response(html, status: status)
        response.cookies[SessionCookie.preSessionName(secure: req.isSecure)] = SessionCookie.make(token, secure: req.isSecure, maxAge: 3600)
        return response
    }

    @Sendable func signIn(req: Request) async throws -> Response {
        let form = try req.content.decode(SignInForm.self)
        let username = String((form.username ?? "").prefix(100))
        do {
            let user = try await AuthActions.verify(username: username, password: form.password ?? "", on: req)
            let token = try await AuthActions.startSession(for: user, on: req)
            let target = form.next.flatMap { Paths.isLocal($0) ? $0 : nil } ?? Paths.home
            let response = req.redirect(to: target, redirectType: .normal)
            response.cookies[SessionCookie.name(secure: req.isSecure)] = SessionCookie.make(token, secure: req.isSecure, maxAge: nil)
            response.cookies[SessionCookie.preSessionName(secure: req.isSecure)] = SessionCookie.make("", secure: req.isSecure, maxAge: 0)
            return response
        } catch let e as AuthActions.Throttled {
            let response = self.page(req, username: username, next: form.next, error: e.reason, expired: false, status: .tooManyRequests)
            response.headers.replaceOrAdd(name: "Retry-After", value: String(e.retryAfter))
            return response
        } catch let e as AuthActions.BadCredentials {
            return self.page(req, username: username, next: form.next, error: e.reason, expired: false, status: .unauthorized)
        }
    }

    @Sendable func signOut(req: Request) async throws -> Response {
        let p = try req.requirePrincipal()
        if case .session(let id, _) = p.via {
            try await req.sessions.end(id, reason: "sign_out", now: req.now)
        }
        try await req.audit.record(req.auditActor, AuditEntry(.signOut))
        let response = req.redirect(to: "/signin", redirectType: .normal)
        response.cookies[SessionCookie.name(secure: req.isSecure)] = SessionCookie.make("", secure: req.isSecure, maxAge: 0)
        return response
    }
}
