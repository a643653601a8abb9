import Foundation
import KnotworkCore
import KnotworkStore
import Plot
import Vapor

extension AdminController {
    // MARK: Safety-screen rules (versioned; every save audited)

    @Sendable func safetyRules(req: Request) async throws -> Response {
        try await self.safetyRulesPage(req, errors: [], input: nil, flash: nil)
    }

    func safetyRulesPage(_ req: Request, errors: [FieldError], input: SafetyViews.SafetyRuleForm?, flash: String?) async throws -> Response {
        let p = try req.requirePrincipal()
        let rules = try await AssessmentActions.rules(on: req)
        let html = Layout.page(PageContext(req, title: "Safety-screen rules", flash: flash),
                               SafetyViews.rules(rules, errors: errors, input: input, csrf: p.csrfToken))
        return Layout.response(html, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable func saveSafetyRule(req: Request) async throws -> Response {
        let f = FormFields(req)
        let form = SafetyViews.SafetyRuleForm(
            key: f["key"], title: f["title"], question: f["question"], category: f["category"], action: f["action"],
            urgent: f["urgent"], needsRegion: f["needsRegion"], guidance: f["guidance"], trigger: f["trigger"],
            askEveryVisit: f["askEveryVisit"], source: f["source"], confidence: f["confidence"], active: f["active"])
        // The form offers "answer" or "intake:<fact>" as one choice.
        let trigger = (form.trigger ?? "answer").split(separator: ":").map(String.init)
        let input = SafetyRuleInput(
            title: form.title, question: form.question, category: form.category, action: form.action, urgent: f.flag("urgent"),
            needsRegion: f.flag("needsRegion"), guidance: form.guidance, trigger: trigger.first,
            intakeFact: trigger.count > 1 ? trigger[1] : nil, askEveryVisit: f.flag("askEveryVisit"), source: form.source,
            confidence: form.confidence, active: f.flag("active"))
        do {
            let rule = try await AssessmentActions.saveRule(key: form.key ?? "", input, on: req)
            return try await self.safetyRulesPage(req, errors: [], input: nil, flash: "Saved \(rule.key) version \(rule.version).")
        } catch let v as ValidationFailure {
            return try await self.safetyRulesPage(req, errors: v.errors, input: form, flash: nil)
        }
    }

    // MARK: Clinic settings (versioned; every save audited)

    @Sendable func clinicSettings(req: Request) async throws -> Response {
        let saved = (try? req.query.get(Int.self, at: "saved")).map { "Saved: version \($0) is in force." }
        return try await self.clinicSettingsPage(req, errors: [], form: nil, flash: saved)
    }

    func clinicSettingsPage(_ req: Request, errors: [FieldError], form: FormFields?, flash: String?) async throws -> Response {
        let p = try req.requirePrincipal()
        let version = try await ClinicSettingsStore(database: req.db).currentVersion()
        let html = Layout.page(PageContext(req, title: "Clinic settings", flash: flash),
                               SettingsViews.page(version, errors: errors, form: form, csrf: p.csrfToken))
        return Layout.response(html, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable func saveClinicSettings(req: Request) async throws -> Response {
        let f = FormFields(req)
        let current = try await ClinicSettingsStore(database: req.db).current()
        var rows: [Int] = []
        do {
            let read = try SettingsViews.input(f, rows: current.knownTechniques.count)
            rows = read.rows
            let saved = try await CareActions.saveSettings(read.input, on: req)
            // A new page load, so that a changed time zone shows on the page at once.
            return req.redirect(to: Paths.adminClinic + "?saved=\(saved.number)", redirectType: .normal)
        } catch let v as ValidationFailure {
            return try await self.clinicSettingsPage(req, errors: SettingsViews.formErrors(v.errors, rows: rows), form: f, flash: nil)
        }
    }
}
