import Foundation
import KnotworkCore
import KnotworkStore
import Plot
import Vapor

/// The plan-of-care pages: create (a draft), revise (a new revision), move its status, certify.
struct PlanController {
    /// `?referral=` starts the plan from a referral: its diagnoses and frequency are carried over, and saving links the two.
    @Sendable func new(req: Request) async throws -> Response {
        guard let id = (try? req.query.get(String.self, at: "referral")).flatMap(UUID.init(uuidString:)) else {
            return try await self.newPage(req, errors: [], form: nil)
        }
        let r = try await ReferralActions.referral(id, on: req).referral
        var fields = [("referralId", id.uuidString.lowercased())]
        fields += r.referral.diagnoses.prefix(PlanForms.problemRows).enumerated().map { ("problems[\($0.offset)][icd10]", $0.element) }
        if let f = r.referral.frequencyPerWeek { fields.append(("frequencyPerWeek", AssessmentViews.num(f, digits: 2))) }
        if let w = r.referral.durationWeeks { fields.append(("durationWeeks", String(w))) }
        return try await self.newPage(req, errors: [], form: FormFields(prefilled: fields))
    }

    func newPage(_ req: Request, errors: [FieldError], form: FormFields?) async throws -> Response {
        let p = try req.requirePrincipal()
        let c = try await CareActions.planContext(nil, on: req)
        return Layout.response(Layout.page(PageContext(req, title: "New plan of care · \(c.patient.displayName)", scripts: [Paths.icd10Script]),
                                           PlanViews.newPage(c, errors: errors, form: form, csrf: p.csrfToken, viewer: p.user)),
                               status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        let form = FormFields(req)
        do {
            let plan = try await CareActions.createPlan(try PlanForms.plan(form), referralID: form["referralId"].flatMap(UUID.init(uuidString:)), on: req)
            return req.redirect(to: Paths.plan(ctx.patientID, plan.id) + "?saved=1", redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await self.newPage(req, errors: v.errors, form: form)
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await self.page(req, errors: [], form: nil)
    }

    func page(_ req: Request, errors: [FieldError], form: FormFields?) async throws -> Response {
        let p = try req.requirePrincipal()
        let c = try await CareActions.planContext(try req.pathID("planID"), on: req)
        guard let plan = c.plan else { throw Abort(.notFound) }
        let saved = (try? req.query.get(String.self, at: "saved")) == "1"
        return Layout.response(Layout.page(PageContext(req, title: "Plan of care · \(c.patient.displayName)", flash: saved ? "Saved." : nil, scripts: [Paths.icd10Script]),
                                           PlanViews.page(c, plan: plan, revisions: c.revisions, errors: errors, form: form, csrf: p.csrfToken, viewer: p.user)),
                               status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable func revise(req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        let id = try req.pathID("planID")
        let form = FormFields(req)
        do {
            _ = try await CareActions.revisePlan(id, try PlanForms.plan(form), on: req)
            return req.redirect(to: Paths.plan(ctx.patientID, id) + "?saved=1", redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await self.page(req, errors: v.errors, form: form)
        }
    }

    @Sendable func moveStatus(req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        let id = try req.pathID("planID")
        do {
            _ = try await CareActions.moveStatus(id, to: FormFields(req)["status"], on: req)
            return req.redirect(to: Paths.plan(ctx.patientID, id) + "?saved=1", redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await self.page(req, errors: v.errors, form: nil)
        }
    }

    @Sendable func certify(req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        let id = try req.pathID("planID")
        _ = try await CareActions.certify(id, on: req)
        return req.redirect(to: Paths.plan(ctx.patientID, id) + "?saved=1", redirectType: .normal)
    }

    // MARK: discharge

    @Sendable func discharge(req: Request) async throws -> Response {
        try await self.dischargePage(req, draft: false, errors: [])
    }

    func dischargePage(_ req: Request, draft: Bool, errors: [FieldError]) async throws -> Response {
        let p = try req.requirePrincipal()
        let d = try await CareActions.discharge(draft: draft, on: req)
        let signatureLines = if let note = d.note { try await CareActions.signatureLines(of: note, on: req) } else { [String]() }
        return Layout.response(Layout.page(PageContext(req, title: "Discharge summary · \(d.patient.displayName)", letterhead: try await CareActions.letterhead(on: req)),
                                           DischargeViews.page(d, errors: errors, csrf: p.csrfToken, viewer: p.user,
                                                               signatureLines: signatureLines)),
                               status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable func draftDischarge(req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        _ = try await CareActions.discharge(draft: true, on: req)
        return req.redirect(to: Paths.discharge(ctx.patientID), redirectType: .normal)
    }

    @Sendable func signDischarge(req: Request) async throws -> Response {
        let ctx = try req.requirePatient()
        let form = FormFields(req)
        guard let id = form["noteId"].flatMap(UUID.init(uuidString:)) else {
            return try await self.dischargePage(req, draft: false, errors: [FieldError("noteId", "Draft the discharge summary first.")])
        }
        do {
            _ = try await CareActions.signDischarge(id, reason: form["reason"], summary: form["summary"], on: req)
            return req.redirect(to: Paths.discharge(ctx.patientID), redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await self.dischargePage(req, draft: false, errors: v.errors)
        }
    }
}
