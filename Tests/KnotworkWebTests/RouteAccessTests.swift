import Foundation
import KnotworkCore
import KnotworkStore
import Testing
import Vapor
import VaporTesting
@testable import KnotworkWeb

/// Issue 2, item 4: every route has an access rule, and a route-by-role matrix shows who gets in.
@Suite struct RouteAccessTests {
    @Test func everyRouteDeclaresAnAccessRule() async throws {
        try await withClinic(seed: false) { clinic in
            let missing = clinic.app.routes.all.filter { $0.accessRule == nil }.map(\.description)
            #expect(missing.isEmpty, "routes without an access rule: \(missing)")
            #expect(clinic.app.routes.all.count > 30)
        }
    }

    /// What the rule allows for one user on one route, computed from the rule itself; the request
    /// must then be let through (anything but 401/404) or refused with exactly 404.
    static func allowed(_ rule: AccessRule, role: Role?, onTeam: Bool) -> Bool {
        guard let role else { return rule == .open }
        let access = AccessPolicy.patientAccess(role: role, onTeam: onTeam, breakGlass: false)
        switch rule {
        case .open, .signedIn: return true
        case .roles(let roles): return roles.contains(role)
        case .patient(let level): return access >= level && access != .none
        case .patientWithRoles(let level, let roles): return access >= level && access != .none && roles.contains(role)
        }
    }

    @Test func routeByRoleMatrix() async throws {
        try await withClinic { clinic in
            var tokens: [String: String] = [:]
            for name in clinic.users.keys { tokens[name] = try await clinic.token(name) }
            let t = try clinic.tester
            var checked = 0
            for route in clinic.app.routes.all {
                let rule = try #require(route.accessRule)
                let callers: [String?] = [nil] + clinic.users.keys.sorted()
                for caller in callers {
                    // A fresh patient per request, on ana's team, so that earlier writes change nothing.
                    let patient = try await clinic.addPatient(given: "Matrix", family: "Case\(checked)", dob: "1990-01-01",
                                                              team: [("ana.lmt", true), ("pat.pt", false)])
                    let assessment = route.path.contains(.parameter("assessmentID"))
                        ? try await clinic.addAssessment(patient, by: "ana.lmt") : nil
                    let plan = route.path.contains(.parameter("planID")) ? try await clinic.addPlan(patient, by: "ana.lmt") : nil
                    let note = route.path.contains(.parameter("noteID")) ? try await clinic.addNote(patient, by: "ana.lmt") : nil
                    let visit = route.path.contains(.parameter("appointmentID")) ? try await clinic.addAppointment(patient, with: "ana.lmt") : nil
                    let referral = route.path.contains(.parameter("referralID")) ? try await clinic.addReferral(patient) : nil
                    if let referral, route.path.last == .constant("document") {
                        let pdf = ReferralDocumentTests.pdf
                        let md = clinic.user("max.md")
                        _ = try await ReferralStore(database: clinic.app.db).attach(pdf, type: .pdf, filename: "order.pdf", to: referral.id,
                                                                                    by: Recorder(userID: md.id, name: md.displayName), at: clinic.clock.now)
                    }
                    let report = route.path.contains(.parameter("reportID")) ? try await clinic.addReport(patient, by: "ana.lmt") : nil
                    var path = "/" + route.path.map { component -> String in
                        switch component {
                        case .parameter("patientID"): return patient.id.uuidString
                        case .parameter("assessmentID"): return assessment!.id.uuidString
                        case .parameter("planID"): return plan!.id.uuidString
                        case .parameter("noteID"): return note!.id.uuidString
                        case .parameter("appointmentID"): return visit!.id.uuidString
                        case .parameter("referralID"): return referral!.id.uuidString
                        case .parameter("reportID"): return report!.id.uuidString
                        case .parameter("precautionID"): return UUID().uuidString
                        case .parameter("ruleKey"): return "matrix-rule"
                        case .parameter("userID"): return clinic.user("bea.bh").id.uuidString
                        case .parameter("tokenID"), .parameter("templateID"), .parameter("messageID"), .parameter("deliveryID"), .parameter("taskID"),
                             .parameter("threadID"), .parameter("feedID"): return UUID().uuidString
                        case .parameter("feed"): return "made-up-feed.ics"
                        case .parameter("file"): return "app.css"
                        default: return component.description
                        }
                    }.joined(separator: "/")
                    if path == "/" + "" { path = "/" }
                    let role = caller.map { clinic.user($0).role }
                    let onTeam = caller == "ana.lmt" || caller == "pat.pt"
                    var headers: HTTPHeaders = caller.map { clinic.bearer(tokens[$0]!) } ?? [:]
                    headers.contentType = .json
                    let res = try await t.sendRequest(route.method, path, headers: headers, body: ByteBuffer(string: "{}"))
                    let expectAllowed = Self.allowed(rule, role: role, onTeam: onTeam)
                    let refused = res.status == .notFound || res.status == .unauthorized
                        || (res.status == .seeOther && res.headers.first(name: .location)?.hasPrefix("/signin") == true && caller == nil)
                    if route.description == "POST /signin" {
                        // Signing in is open to all; a bearer caller with no credentials in the form is simply not signed in.
                        #expect(res.status != .internalServerError)
                    } else if (route.description.contains("tokens/:tokenID") || route.description.contains(":templateID")
                                || route.description.contains(":messageID") || route.description.contains(":deliveryID")
                                || route.description.contains(":taskID") || route.description.contains(":threadID")
                                || route.description.contains(":feed")) && expectAllowed {
                        // Revoking a token (retiring a template, retrying a message, reading or revoking a calendar feed) that
                        // does not exist is "not found" even for its would-be owner.
                        #expect(res.status == .notFound)
                    } else if route.description.contains("precautions/:precautionID") && expectAllowed {
                        // The empty body's missing reason is reported before the (made-up) precaution is looked up.
                        #expect(res.status == .unprocessableEntity)
                    } else if expectAllowed {
                        #expect(!refused, "\(caller ?? "anonymous") should reach \(route.description) (\(rule)) but got \(res.status)")
                    } else {
                        #expect(refused, "\(caller ?? "anonymous") should be refused \(route.description) (\(rule)) but got \(res.status)")
                        if caller != nil { #expect(res.status == .notFound, "\(route.description): refusals are 404, got \(res.status)") }
                    }
                    #expect(res.status != .internalServerError, "\(route.description) as \(caller ?? "anonymous"): 500")
                    checked += 1
                }
            }
            #expect(checked > 200)
        }
    }

    @Test func patientOutsideTheTeamLooksExactlyLikeAMissingOne() async throws {
        try await withClinic { clinic in
            let token = try await clinic.token("ana.lmt")
            let t = try clinic.tester
            let hidden = try await t.sendRequest(.GET, "/api/v1/patients/\(clinic.benPatient.id)", headers: clinic.bearer(token))
            let missing = try await t.sendRequest(.GET, "/api/v1/patients/\(UUID())", headers: clinic.bearer(token))
            #expect(hidden.status == .notFound)
            #expect(missing.status == .notFound)
            func strip(_ s: String) -> String { s.replacingOccurrences(of: #""instance":"[^"]*""#, with: "", options: .regularExpression) }
            #expect(strip(hidden.body.string) == strip(missing.body.string))
            // The refusal is recorded as an access-control failure (ASVS 7.1.3).
            let row = try await clinic.lastAudit()
            #expect(row.action == AuditAction.accessDenied.rawValue)
            #expect(row.outcome == "denied")
            // The search does not show the other team's patient either.
            let list = try await t.sendRequest(.GET, "/api/v1/patients?q=brightwater", headers: clinic.bearer(token))
            #expect(list.body.string.contains("\"total\":0"))
        }
    }

    @Test func frontDeskSeesDemographicsOfEveryoneButNoChart() async throws {
        try await withClinic { clinic in
            let token = try await clinic.token("fran.desk")
            let t = try clinic.tester
            let res = try await t.sendRequest(.GET, "/api/v1/patients", headers: clinic.bearer(token))
            #expect(res.status == .ok)
            #expect(res.body.string.contains("\"total\":2"))
            #expect(try await t.sendRequest(.GET, "/patients/\(clinic.benPatient.id)", headers: clinic.bearer(token)).status == .ok)
            #expect(AccessPolicy.patientAccess(role: .frontDesk, onTeam: true, breakGlass: true) < .clinical)
        }
    }

    @Test func breakGlassGivesTimeLimitedFlaggedAccess() async throws {
        let clock = TestClock()
        try await withClinic(clock: clock) { clinic in
            let token = try await clinic.token("ana.lmt")
            let t = try clinic.tester
            let path = "/api/v1/patients/\(clinic.benPatient.id)"
            #expect(try await t.sendRequest(.GET, path, headers: clinic.bearer(token)).status == .notFound)
            var headers = clinic.bearer(token)
            headers.contentType = .json
            let short = try await t.sendRequest(.POST, "/api/v1/break-glass", headers: headers,
                                                body: ByteBuffer(string: #"{"recordNumber":"\#(clinic.benPatient.recordNumber)","reason":"x"}"#))
            #expect(short.status == .unprocessableEntity)
            let granted = try await t.sendRequest(.POST, "/api/v1/break-glass", headers: headers,
                                                  body: ByteBuffer(string: #"{"recordNumber":"\#(clinic.benPatient.recordNumber)","reason":"Patient collapsed in the waiting room"}"#))
            #expect(granted.status == .ok)
            #expect(try await t.sendRequest(.GET, path, headers: clinic.bearer(token)).status == .ok)
            let row = try await clinic.lastAudit()
            #expect(row.action == AuditAction.patientRead.rawValue)
            #expect(row.isBreakGlass)
            let report = try await AuditReport(database: clinic.app.db).search(AuditQuery(breakGlassOnly: true))
            #expect(report.total == 3)   // the refused attempt, the grant and the read
            clock.advance(3601)
            #expect(try await t.sendRequest(.GET, path, headers: clinic.bearer(token)).status == .notFound)
            // Front desk is not among the users who may break glass.
            let desk = try await clinic.token("fran.desk")
            var deskHeaders = clinic.bearer(desk)
            deskHeaders.contentType = .json
            #expect(try await t.sendRequest(.POST, "/api/v1/break-glass", headers: deskHeaders, body: ByteBuffer(string: "{}")).status == .notFound)
        }
    }
}
