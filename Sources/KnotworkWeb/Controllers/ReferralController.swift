import Foundation
import KnotworkCore
import KnotworkStore
import Plot
import Vapor

/// The referral pages: a patient's referrals and authorizations with the entry form, one referral with its counter,
/// its status moves, and the administrator's override report.
struct ReferralController {
    @Sendable func index(req: Request) async throws -> Response {
        try await self.indexPage(req, input: nil, errors: [])
    }

    func indexPage(_ req: Request, input: ReferralInput?, errors: [FieldError]) async throws -> Response {
        let p = try req.requirePrincipal()
        let referrals = try await ReferralActions.referrals(on: req)
        let (patient, _) = try await PatientActions.read(withCareTeam: false, on: req)
        let providers = try await ReferralActions.providers(on: req.db)
        let html = Layout.page(PageContext(req, title: "Referrals · \(patient.displayName)", scripts: [Paths.icd10Script]),
                               ReferralViews.patientPage(patient, referrals: referrals, providers: providers, input: input, errors: errors,
                                                         today: req.today, csrf: p.csrfToken))
        return Layout.response(html, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    static func input(_ form: FormFields, errors: inout [FieldError]) -> ReferralInput {
        let provider = form["providerUserId"].flatMap(UUID.init(uuidString:))
        if let text = form["providerUserId"], !text.isEmpty, provider == nil { errors.append(FieldError("providerUserId", "Choose a provider of the clinic.")) }
        let frequency = form["frequencyPerWeek"].flatMap { $0.isEmpty ? nil : $0 }
        let f = frequency.flatMap(Double.init)
        if frequency != nil && f == nil { errors.append(FieldError("frequencyPerWeek", "Visits a week must be a number.")) }
        return ReferralInput(
            kind: form["kind"], status: form["status"], providerUserId: provider,
            external: .init(name: form["external[name]"], npi: form["external[npi]"], practice: form["external[practice]"], phone: form["external[phone]"],
                            fax: form["external[fax]"], email: form["external[email]"]),
            payer: form["payer"], authorizationNumber: form["authorizationNumber"], diagnoses: (0..<3).compactMap { form["diagnoses[\($0)]"] },
            service: form["service"], frequencyPerWeek: f,
            durationWeeks: AssessmentForms.int(form, "durationWeeks", field: "durationWeeks", errors: &errors),
            authorizedVisits: AssessmentForms.int(form, "authorizedVisits", field: "authorizedVisits", errors: &errors),
            receivedOn: form["receivedOn"], start: form["start"], expiry: form["expiry"], goals: form["goals"], notes: form["notes"])
    }

    @Sendable func create(req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        var errors: [FieldError] = []
        let input = Self.input(FormFields(req), errors: &errors)
        if !errors.isEmpty { return try await self.indexPage(req, input: input, errors: errors) }
        do {
            let created = try await ReferralActions.create(input, on: req)
            return req.redirect(to: Paths.referral(ctx.patientID, created.id), redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await self.indexPage(req, input: input, errors: v.errors)
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await self.showPage(req, errors: [])
    }

    func showPage(_ req: Request, errors: [FieldError]) async throws -> Response {
        let p = try req.requirePrincipal()
        let detail = try await ReferralActions.referral(try req.pathID("referralID"), on: req)
        let (patient, _) = try await PatientActions.read(withCareTeam: false, on: req)
        let settings = try await CareActions.settings(on: req.db)
        let html = Layout.page(PageContext(req, title: "\(detail.referral.referral.title) · \(patient.displayName)"),
                               ReferralViews.showPage(patient, detail, today: req.today, settings: settings.counters, errors: errors,
                                                      csrf: p.csrfToken))
        return Layout.response(html, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable func move(req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        let id = try req.pathID("referralID")
        let form = FormFields(req)
        do {
            _ = try await ReferralActions.move(id, ReferralStatusChange(status: form["status"], reason: form["reason"]), on: req)
        } catch let v as ValidationFailure {
            return try await self.showPage(req, errors: v.errors)
        }
        return req.redirect(to: Paths.referral(ctx.patientID, id), redirectType: .normal)
    }

    /// The scanned order from the referral page's multipart form.
    @Sendable func attach(req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        let id = try req.pathID("referralID")
        struct Upload: Content { var document: File? }
        let file = (try? req.content.decode(Upload.self))?.document
        do {
            _ = try await ReferralActions.attach(id, bytes: file?.data, filename: file?.filename, on: req)
        } catch let v as ValidationFailure {
            return try await self.showPage(req, errors: v.errors)
        }
        return req.redirect(to: Paths.referral(ctx.patientID, id) + "?attached=1#scanned-order", redirectType: .normal)
    }

    @Sendable func document(req: Request) async throws -> Response {
        let id = try req.pathID("referralID")
        return ReferralActions.download(try await ReferralActions.document(id, on: req), referralID: id)
    }

    @Sendable func overrides(req: Request) async throws -> Response {
        let rows = try await ReferralActions.overrides(on: req)
        return Layout.response(Layout.page(PageContext(req, title: "Visit-counter overrides"), ReferralViews.overridesPage(rows)))
    }
}
