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
}
