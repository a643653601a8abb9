import Foundation
import KnotworkCore
import KnotworkStore
import Plot
import Vapor

struct PatientController {
    struct SearchParams: Content {
        var q: String?
        var dob: String?
        var record: String?
        var phone: String?
        var page: String?
        var inactive: String?
    }

    @Sendable func index(req: Request) async throws -> Response {
        let p = try req.requirePrincipal()
        let params = (try? req.query.decode(SearchParams.self)) ?? SearchParams()
        var errors: [FieldError] = []
        var results: ResultPage<Patient>?
        do {
            let query = try PatientQuery.parse(q: params.q, dob: params.dob, record: params.record, phone: params.phone,
                                               page: params.page, perPage: nil, includeInactive: params.inactive == "1")
            results = try await PatientActions.search(query, on: req)
        } catch let v as ValidationFailure {
            errors = v.errors
        }
        let html = Layout.page(PageContext(req, title: "Patients"), PatientViews.index(
            user: p.user, params: params, errors: errors, results: results, csrf: p.csrfToken))
        return Layout.response(html, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    /// Whether the form confirms that a likely duplicate is a different person.
    func confirmsDuplicate(_ req: Request) -> Bool {
        (try? req.content.get(String.self, at: "confirmDuplicate")) == "1"
    }

    @Sendable func new(req: Request) async throws -> Response {
        let html = Layout.page(PageContext(req, title: "New patient"),
                               PatientViews.form(action: Paths.newPatientPost, title: "New patient", input: PatientInput(),
                                                 errors: [], duplicates: [], csrf: req.principal?.csrfToken))
        return Layout.response(html)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let input = try req.content.decode(PatientInput.self)
        do {
            let patient = try await PatientActions.create(input, confirmDuplicate: self.confirmsDuplicate(req), on: req)
            return req.redirect(to: Paths.patient(patient.id), redirectType: .normal)
        } catch let v as ValidationFailure {
            return self.formPage(req, action: Paths.newPatientPost, title: "New patient", input: input, errors: v.errors, duplicates: [])
        } catch let d as PatientActions.LikelyDuplicate {
            return self.formPage(req, action: Paths.newPatientPost, title: "New patient", input: input, errors: [], duplicates: d.matches)
        }
    }

    func formPage(_ req: Request, action: String, title: String, input: PatientInput, errors: [FieldError], duplicates: [Patient]) -> Response {
        let html = Layout.page(PageContext(req, title: title),
                               PatientViews.form(action: action, title: title, input: input, errors: errors,
                                                 duplicates: duplicates, csrf: req.principal?.csrfToken))
        return Layout.response(html, status: .unprocessableEntity)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await self.showPage(req)
    }

    /// The patient page; a failed safety form on it is shown again with its errors.
    func showPage(_ req: Request, teamErrors: [FieldError] = [], screenErrors: [FieldError] = [],
                  holdErrors: [FieldError] = []) async throws -> Response {
        let p = try req.requirePrincipal()
        let chart = try await PatientActions.chart(on: req)
        let candidates = AccessPolicy.teamManagerRoles.contains(p.user.role)
            ? try await req.users.all().filter { $0.role.isClinician && $0.active } : []
        let flash = try? req.query.get(String.self, at: "saved")
        let failed = !(teamErrors.isEmpty && screenErrors.isEmpty && holdErrors.isEmpty)
        let html = Layout.page(PageContext(req, title: chart.patient.displayName, flash: flash == "1" ? "Saved." : nil),
                               PatientViews.show(chart: chart, viewer: p.user, candidates: candidates,
                                                 breakGlass: req.patientContext?.breakGlass == true, errors: teamErrors,
                                                 screenErrors: screenErrors, holdErrors: holdErrors, csrf: p.csrfToken))
        return Layout.response(html, status: failed ? .unprocessableEntity : .ok)
    }

    @Sendable func edit(req: Request) async throws -> Response {
        let (patient, _) = try await PatientActions.read(on: req)
        let input = PatientInput(givenName: patient.givenName, familyName: patient.familyName, dateOfBirth: patient.dateOfBirth.description,
                                 sex: patient.sex.rawValue, phone: patient.phone, email: patient.email, addressLine: patient.addressLine,
                                 city: patient.city, state: patient.state, postalCode: patient.postalCode)
        let html = Layout.page(PageContext(req, title: "Edit \(patient.displayName)"),
                               PatientViews.form(action: Paths.patient(patient.id), title: "Edit \(patient.displayName)",
                                                 input: input, errors: [], duplicates: [], csrf: req.principal?.csrfToken))
        return Layout.response(html)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        let input = try req.content.decode(PatientInput.self)
        do {
            let patient = try await PatientActions.update(input, on: req)
            return req.redirect(to: Paths.patient(patient.id) + "?saved=1", redirectType: .normal)
        } catch let v as ValidationFailure {
            return self.formPage(req, action: Paths.patient(ctx.patientID), title: "Edit patient", input: input, errors: v.errors, duplicates: [])
        }
    }

    struct CareTeamForm: Content {
        var members: [UUID]?
        var primary: UUID?
    }

    @Sendable func updateCareTeam(req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        let form = try req.content.decode(CareTeamForm.self)
        let input = (form.members ?? []).map { PatientActions.MemberInput(userId: $0, primary: $0 == form.primary) }
        do {
            _ = try await PatientActions.replaceCareTeam(input, on: req)
            return req.redirect(to: Paths.patient(ctx.patientID) + "?saved=1", redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await self.showPage(req, teamErrors: v.errors)
        }
    }

    @Sendable func deactivate(req: Request) async throws -> Response {
        let patient = try await PatientActions.setActive(false, on: req)
        return req.redirect(to: Paths.patient(patient.id) + "?saved=1", redirectType: .normal)
    }

    @Sendable func reactivate(req: Request) async throws -> Response {
        let patient = try await PatientActions.setActive(true, on: req)
        return req.redirect(to: Paths.patient(patient.id) + "?saved=1", redirectType: .normal)
    }

    struct BreakGlassForm: Content {
        var recordNumber: String?
        var reason: String?
    }

    @Sendable func breakGlass(req: Request) async throws -> Response {
        let p = try req.requirePrincipal()
        let form = try req.content.decode(BreakGlassForm.self)
        do {
            let patient = try await PatientActions.breakGlass(recordNumber: form.recordNumber, reason: form.reason, on: req)
            return req.redirect(to: Paths.patient(patient.id), redirectType: .normal)
        } catch let v as ValidationFailure {
            let html = Layout.page(PageContext(req, title: "Patients"), PatientViews.index(
                user: p.user, params: SearchParams(), errors: [], results: nil, csrf: p.csrfToken,
                breakGlassErrors: v.errors, breakGlassInput: form))
            return Layout.response(html, status: .unprocessableEntity)
        }
    }
}
