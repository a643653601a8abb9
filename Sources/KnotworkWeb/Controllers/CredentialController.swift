import Foundation
import KnotworkCore
import KnotworkStore
import Plot
import Vapor

/// The pages of licenses and continuing education: a clinician's own, and the administrator's compliance page.
struct CredentialController {
    @Sendable func mine(req: Request) async throws -> Response {
        try await self.minePage(req, errors: [], form: nil, flash: Self.flash(req))
    }

    func minePage(_ req: Request, errors: [FieldError], form: FormFields?, flash: String?) async throws -> Response {
        let p = try req.requirePrincipal()
        let c = try await CredentialActions.mine(on: req)
        let html = Layout.page(PageContext(req, title: "My licenses and CE", flash: flash),
                               CredentialViews.minePage(c, errors: errors, form: form, csrf: p.csrfToken))
        return Layout.response(html, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    static func flash(_ req: Request) -> String? {
        switch try? req.query.get(String.self, at: "saved") {
        case "license": "License saved."
        case "course": "Course logged."
        case "exception": "Exception granted; it is listed under the clinician."
        default: nil
        }
    }

    static func license(_ f: FormFields) -> LicenseInput {
        LicenseInput(kind: f["kind"], jurisdiction: f["jurisdiction"], number: f["number"], issuedOn: f["issuedOn"], expiresOn: f["expiresOn"],
                     status: f["status"], verification: f["verification"], verifiedOn: f["verifiedOn"], firstRenewal: f.flag("firstRenewal"))
    }

    static func course(_ f: FormFields) -> CECourseInput {
        // A number field the browser could not read arrives empty or as text: it is then missing, and said so.
        CECourseInput(title: f["title"], provider: f["provider"], completedOn: f["completedOn"], hours: f["hours"].flatMap(Double.init),
                      categories: f.list("categories"), delivery: f["delivery"])
    }

    @Sendable func saveMyLicense(req: Request) async throws -> Response {
        let f = FormFields(req)
        do {
            _ = try await CredentialActions.saveLicense(Self.license(f), for: try req.requirePrincipal().user.id, on: req)
            return req.redirect(to: Paths.myCredentials + "?saved=license", redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await self.minePage(req, errors: v.errors, form: f, flash: nil)
        }
    }

    @Sendable func addMyCourse(req: Request) async throws -> Response {
        let f = FormFields(req)
        do {
            _ = try await CredentialActions.addCourse(Self.course(f), for: try req.requirePrincipal().user.id, on: req)
            return req.redirect(to: Paths.myCredentials + "?saved=course", redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await self.minePage(req, errors: v.errors, form: f, flash: nil)
        }
    }

    // MARK: the administrator's page

    @Sendable func compliance(req: Request) async throws -> Response {
        try await self.compliancePage(req, selected: nil, errors: [], form: nil, flash: Self.flash(req))
    }

    func compliancePage(_ req: Request, selected: UUID?, errors: [FieldError], form: FormFields?, flash: String?) async throws -> Response {
        let p = try req.requirePrincipal()
        let all = try await CredentialActions.compliance(on: req)
        let html = Layout.page(PageContext(req, title: "License and CE compliance", flash: flash),
                               CredentialViews.compliancePage(all, today: req.today, selected: selected, errors: errors, form: form, csrf: p.csrfToken))
        return Layout.response(html, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    static func userID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("userID").flatMap(UUID.init(uuidString:)) else { throw Abort(.notFound) }
        return id
    }

    @Sendable func saveLicense(req: Request) async throws -> Response {
        let f = FormFields(req), id = try Self.userID(req)
        do {
            _ = try await CredentialActions.saveLicense(Self.license(f), for: id, on: req)
            return req.redirect(to: Paths.adminCompliance + "?saved=license#clinician-\(id.uuidString.lowercased())", redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await self.compliancePage(req, selected: id, errors: v.errors, form: f, flash: nil)
        }
    }

    @Sendable func grantException(req: Request) async throws -> Response {
        let f = FormFields(req), id = try Self.userID(req)
        do {
            _ = try await CredentialActions.grantException(LicenseExceptionInput(startsOn: f["startsOn"], endsOn: f["endsOn"], reason: f["reason"]), to: id, on: req)
            return req.redirect(to: Paths.adminCompliance + "?saved=exception#clinician-\(id.uuidString.lowercased())", redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await self.compliancePage(req, selected: id, errors: v.errors, form: f, flash: nil)
        }
    }

    // MARK: the CE rules

    @Sendable func rules(req: Request) async throws -> Response {
        let saved = (try? req.query.get(String.self, at: "saved")) == "rule" ? "Rule saved as a new version." : nil
        return try await self.rulesPage(req, selected: nil, errors: [], form: nil, flash: saved)
    }

    func rulesPage(_ req: Request, selected: String?, errors: [FieldError], form: FormFields?, flash: String?) async throws -> Response {
        let p = try req.requirePrincipal()
        let rules = try await CredentialActions.rules(on: req.db)
        let html = Layout.page(PageContext(req, title: "Continuing-education rules", flash: flash),
                               CERuleViews.page(rules, selected: selected, errors: errors, form: form, csrf: p.csrfToken))
        return Layout.response(html, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable func saveRule(req: Request) async throws -> Response {
        let f = FormFields(req)
        var errors: [FieldError] = []
        func number(_ key: String) -> Double? {
            guard let text = f[key] else { return nil }
            guard let n = Double(text), n.isFinite else { errors.append(FieldError(key, "must be a number")); return nil }
            return n
        }
        let input = CERuleInput(jurisdiction: f["jurisdiction"], credential: f["credential"], effectiveFrom: f["effectiveFrom"],
                                cycleMonths: AssessmentForms.int(f, "cycleMonths", field: "cycleMonths", errors: &errors), hoursRequired: number("hoursRequired"),
                                minimums: f.lines("minimums"), maximums: f.lines("maximums"), liveMinimum: number("liveMinimum"),
                                onlineMaximum: number("onlineMaximum"), firstRenewalExempt: f.flag("firstRenewalExempt"),
                                otherRequirements: f.lines("otherRequirements"), source: f["source"], uncertain: f["uncertain"])
        // The rule's row on the page: the one of this jurisdiction and credential in force from the typed date, else the first of them.
        let rules = try await CredentialActions.rules(on: req.db).inForce
        let j = Text.clean(f["jurisdiction"]).uppercased(), c = Text.clean(f["credential"])
        let row = rules.first { $0.jurisdiction == j && $0.credential == c && $0.effectiveFrom.description == f["effectiveFrom"] }
            ?? rules.first { $0.jurisdiction == j && $0.credential == c }
        let selected = row.map { "\($0.jurisdiction)|\($0.credential)|\($0.effectiveFrom)" }
        if !errors.isEmpty { return try await self.rulesPage(req, selected: selected, errors: errors, form: f, flash: nil) }
        do {
            _ = try await CredentialActions.saveRule(input, on: req)
            return req.redirect(to: Paths.adminCERules + "?saved=rule", redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await self.rulesPage(req, selected: selected, errors: v.errors, form: f, flash: nil)
        }
    }
}
