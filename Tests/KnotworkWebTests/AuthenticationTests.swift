import Foundation
import KnotworkCore
import KnotworkStore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import KnotworkWeb

@Suite struct AuthenticationTests {
    @Test func signInStartsAServerSideSessionWithSafeCookies() async throws {
        try await withClinic { clinic in
            let t = try clinic.tester
            let form = try await t.sendRequest(.GET, "/signin")
            let pre = try #require(cookieValue(form, "kw_presession"))
            let csrf = try #require(hiddenCSRF(form.body.string))
            var headers: HTTPHeaders = ["Cookie": "kw_presession=\(pre)"]
            headers.contentType = .urlEncodedForm
            let body = formBody([("_csrf", csrf), ("username", "ana.lmt"), ("password", Clinic.password)])
            let res = try await t.sendRequest(.POST, "/signin", headers: headers, body: ByteBuffer(string: body))
            #expect(res.status == .seeOther)
            let setCookie = try #require(res.headers[.setCookie].first { $0.hasPrefix("kw_session=") })
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Strict"))
            #expect(!setCookie.contains("Secure"))   // plain HTTP here; see the TLS-proxy test
            // A second sign-in gets a new session id (ASVS 3.2.1), and the first stays valid only for itself.
            let again = try await t.sendRequest(.POST, "/signin", headers: headers, body: ByteBuffer(string: body))
            #expect(cookieValue(again, "kw_session") != cookieValue(res, "kw_session"))
            #expect(try await clinic.auditCount(.signIn) == 2)
            // Only the hash of the session token is stored.
            let raw = try #require(cookieValue(res, "kw_session"))
            let stored = try await (clinic.app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM sessions WHERE token_hash = \(bind: raw)").first()
            #expect(try stored?.decode(column: "n", as: Int.self) == 0)
        }
    }

    @Test func behindATLSProxyCookiesAreSecureAndHostPrefixed() async throws {
        try await withClinic(settings: { $0.trustProxy = true }) { clinic in
            let t = try clinic.tester
            let res = try await t.sendRequest(.GET, "/signin", headers: ["X-Forwarded-Proto": "https"])
            let cookie = try #require(res.headers[.setCookie].first)
            #expect(cookie.hasPrefix("__Host-kw_presession="))
            #expect(cookie.contains("Secure"))
        }
    }

    @Test func wrongPasswordAndUnknownUserGetTheSameAnswer() async throws {
        try await withClinic { clinic in
            let wrong = try await clinic.attemptSignIn("ana.lmt", "not-the-password-1")
            let unknown = try await clinic.attemptSignIn("nobody.here", "not-the-password-1")
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrong.body.string.contains("The username or password is not correct."))
            #expect(unknown.body.string.contains("The username or password is not correct."))
            #expect(try await clinic.auditCount(.signInFailed) == 2)
        }
    }

    @Test func repeatedBadPasswordsAreThrottledPerAccountWith429() async throws {
        let clock = TestClock()
        try await withClinic(clock: clock) { clinic in
            for _ in 1...5 { #expect(try await clinic.attemptSignIn("ana.lmt", "wrong-password-123").status == .unauthorized) }
            #expect(try await clinic.auditCount(.lockout) == 1)
            // Locked: even the right password is refused until the window has passed.
            let locked = try await clinic.attemptSignIn("ana.lmt", Clinic.password)
            #expect(locked.status == .tooManyRequests)
            let retry = try #require(locked.headers.first(name: "Retry-After").flatMap(Int.init))
            #expect(retry > 0 && retry <= 15 * 60)
            // Another account from the same address is not locked by ana's failures.
            #expect(try await clinic.attemptSignIn("ben.lmt", Clinic.password).status == .seeOther)
            clock.advance(TimeInterval(retry + 1))
            #expect(try await clinic.attemptSignIn("ana.lmt", Clinic.password).status == .seeOther)
        }
    }

    @Test func throttlesPerClientAddressAcrossAccounts() async throws {
        try await withClinic(settings: { $0.throttle.maxFailuresPerAddress = 3 }) { clinic in
            for i in 0..<3 {
                #expect(try await clinic.attemptSignIn("guess\(i)", "whatever-123456").status == .unauthorized)
            }
            let res = try await clinic.attemptSignIn("ben.lmt", Clinic.password)
            #expect(res.status == .tooManyRequests)
            #expect(res.headers.first(name: "Retry-After") != nil)
        }
    }

    @Test func idleAndAbsoluteTimeoutsEndTheSessionOnTheServer() async throws {
        let clock = TestClock()
        try await withClinic(clock: clock) { clinic in
            let t = try clinic.tester
            let s = try await clinic.signIn("ana.lmt")
            clock.advance(29 * 60)
            #expect(try await t.sendRequest(.GET, "/patients", headers: s.headers).status == .ok)
            clock.advance(29 * 60)   // 29 minutes after the last request: still fine
            #expect(try await t.sendRequest(.GET, "/patients", headers: s.headers).status == .ok)
            clock.advance(30 * 60 + 1)
            let expired = try await t.sendRequest(.GET, "/patients", headers: s.headers)
            #expect(expired.status == .seeOther)
            #expect(expired.headers.first(name: .location)?.hasPrefix("/signin?expired=1") == true)
            #expect(try await clinic.auditCount(.sessionTimeout) == 1)
            // The ended session stays ended.
            #expect(try await t.sendRequest(.GET, "/patients", headers: s.headers).status == .seeOther)

            // Absolute limit: active every 20 minutes, still ended after 12 hours.
            let s2 = try await clinic.signIn("ben.lmt")
            for _ in 0..<35 {
                clock.advance(20 * 60)
                #expect(try await t.sendRequest(.GET, "/account", headers: s2.headers).status == .ok)
            }
            clock.advance(20 * 60)
            #expect(try await t.sendRequest(.GET, "/account", headers: s2.headers).status == .seeOther)
        }
    }

    @Test func signOutRevokesTheSessionOnTheServer() async throws {
        try await withClinic { clinic in
            let t = try clinic.tester
            let s = try await clinic.signIn("ana.lmt")
            let (h, b) = s.form([])
            let out = try await t.sendRequest(.POST, "/signout", headers: h, body: b)
            #expect(out.status == .seeOther)
            // Replaying the old cookie does not work.
            let replay = try await t.sendRequest(.GET, "/patients", headers: s.headers)
            #expect(replay.status == .seeOther)
            #expect(try await clinic.auditCount(.signOut) == 1)
        }
    }

    @Test func stateChangingFormsNeedTheCSRFToken() async throws {
        try await withClinic { clinic in
            let t = try clinic.tester
            let s = try await clinic.signIn("fran.desk")
            let before = try await clinic.patientCount()
            let fields = [("givenName", "Cara"), ("familyName", "Csrf"), ("dateOfBirth", "1970-01-01"), ("sex", "female")]
            let (noTokenHeaders, noTokenBody) = s.form(fields, includeCSRF: false)
            let refused = try await t.sendRequest(.POST, "/patients", headers: noTokenHeaders, body: noTokenBody)
            #expect(refused.status == .forbidden)
            var badFields = fields
            badFields.append(("_csrf", "forged"))
            let (forgedHeaders, forgedBody) = s.form(badFields, includeCSRF: false)
            #expect(try await t.sendRequest(.POST, "/patients", headers: forgedHeaders, body: forgedBody).status == .forbidden)
            #expect(try await clinic.patientCount() == before)
            let (h, b) = s.form(fields)
            #expect(try await t.sendRequest(.POST, "/patients", headers: h, body: b).status == .seeOther)
            #expect(try await clinic.patientCount() == before + 1)
            // The sign-in form itself is protected by a double-submitted token.
            var headers: HTTPHeaders = [:]
            headers.contentType = .urlEncodedForm
            let signIn = try await t.sendRequest(.POST, "/signin", headers: headers,
                                                 body: ByteBuffer(string: formBody([("username", "ana.lmt"), ("password", Clinic.password)])))
            #expect(signIn.status == .forbidden)
        }
    }

    @Test func personalAccessTokensAreShownOnceStoredHashedAndRevocable() async throws {
        try await withClinic { clinic in
            let t = try clinic.tester
            let s = try await clinic.signIn("ana.lmt")
            let (h, b) = s.form([("name", "nightly export")])
            let page = try await t.sendRequest(.POST, "/account/tokens", headers: h, body: b)
            let html = page.body.string
            let start = try #require(html.range(of: "kw_pat_"))
            let token = String(html[start.lowerBound...].prefix { $0 != "<" })
            #expect(try await t.sendRequest(.GET, "/api/v1/me", headers: clinic.bearer(token)).body.string.contains("ana.lmt"))
            // Not stored in the clear, and not shown again.
            let rows = try await (clinic.app.db as! any SQLDatabase).raw("SELECT token_hash FROM access_tokens").all()
            #expect(try rows.allSatisfy { try $0.decode(column: "token_hash", as: String.self) != token })
            #expect(!(try await t.sendRequest(.GET, "/account", headers: s.headers).body.string.contains(token)))
            let id = try #require(try await AccessTokenStore(database: clinic.app.db).list(userID: clinic.user("ana.lmt").id).first?.id)
            let (rh, rb) = s.form([])
            #expect(try await t.sendRequest(.POST, "/account/tokens/\(id)/revoke", headers: rh, body: rb).status == .ok)
            let after = try await t.sendRequest(.GET, "/api/v1/me", headers: clinic.bearer(token))
            #expect(after.status == .unauthorized)
            #expect(after.headers.contentType?.subType == "problem+json")
            #expect(try await clinic.auditCount(.tokenUse) >= 1)
        }
    }

    @Test func adminChangesRolesDeactivatesAndResetsWithAuditAndSessionEnd() async throws {
        try await withClinic { clinic in
            let t = try clinic.tester
            let admin = try await clinic.signIn("admin")
            let bea = try await clinic.signIn("bea.bh")
            let beaID = clinic.user("bea.bh").id
            let (h, b) = admin.form([("role", "physical_therapist"), ("active", "true")])
            #expect(try await t.sendRequest(.POST, "/admin/users/\(beaID)", headers: h, body: b).status == .ok)
            let row = try await clinic.lastAudit()
            #expect(row.action == AuditAction.roleChange.rawValue)
            #expect(row.detail.contains("behavioral_health -> physical_therapist"))
            // A role change ends that user's sessions.
            #expect(try await t.sendRequest(.GET, "/account", headers: bea.headers).status == .seeOther)

            let (dh, db) = admin.form([("role", "physical_therapist"), ("active", "false")])
            #expect(try await t.sendRequest(.POST, "/admin/users/\(beaID)", headers: dh, body: db).status == .ok)
            #expect(try await clinic.lastAudit().action == AuditAction.userDeactivate.rawValue)
            let denied = try await clinic.attemptSignIn("bea.bh", Clinic.password)
            #expect(denied.status == .unauthorized)

            let (ph, pb) = admin.form([("password", "short")])
            #expect(try await t.sendRequest(.POST, "/admin/users/\(beaID)/password", headers: ph, body: pb).status == .unprocessableEntity)
            let (okh, okb) = admin.form([("password", "a-brand-new-passphrase")])
            #expect(try await t.sendRequest(.POST, "/admin/users/\(beaID)/password", headers: okh, body: okb).status == .ok)
            #expect(try await clinic.lastAudit().action == AuditAction.passwordReset.rawValue)
            // An administrator cannot lock themselves out.
            let (selfh, selfb) = admin.form([("role", "front_desk"), ("active", "true")])
            #expect(try await t.sendRequest(.POST, "/admin/users/\(clinic.user("admin").id)", headers: selfh, body: selfb).status == .unprocessableEntity)
        }
    }

    /// Several instances on one database share sessions: nothing that matters lives in one process.
    @Test func twoInstancesOnOneDatabaseShareASession() async throws {
        let (target, cleanup) = try await TestDatabase.make()
        do {
            try await withClinic(target: target) { first in
                let session = try await first.signIn("ana.lmt")
                try await withClinic(target: target, seed: false) { second in
                    let res = try await second.tester.sendRequest(.GET, "/patients", headers: session.headers)
                    #expect(res.status == .ok)
                    #expect(res.body.string.contains("Abernathy"))
                    // Signing out on the second instance ends the session for the first too.
                    let (h, b) = session.form([])
                    #expect(try await second.tester.sendRequest(.POST, "/signout", headers: h, body: b).status == .seeOther)
                }
                #expect(try await first.tester.sendRequest(.GET, "/patients", headers: session.headers).status == .seeOther)
            }
        } catch {
            try? await cleanup()
            throw error
        }
        try await cleanup()
    }
}
